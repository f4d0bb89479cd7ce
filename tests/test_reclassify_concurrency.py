import contextlib
from datetime import date, timedelta
from unittest.mock import patch

from psycopg2 import errors as pg_errors

from odoo import api, modules
from odoo.tests import TransactionCase, tagged

AS_OF = date(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestReclassifyConcurrency(TransactionCase):
    """A manager locks, unlocks and sets values while the engine commits batches.

    Everything here is committed through cursors of its own (the engine's, the
    manager's, the set-up's), as in production, and deleted afterwards.
    """

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})
            company = env.ref("base.main_company")
            journal = env["account.journal"].search(
                [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
            )
            partners = env["res.partner"].create(
                [{"name": f"并发客户 {i}", "is_company": True} for i in range(6)]
            )
            # posted invoices as a fixture (the engine reads account_move only):
            # revenue 6,000 ... 1,000, one invoice each
            cr.execute(
                """
                INSERT INTO account_move (name, move_type, state, journal_id, company_id,
                                          currency_id, date, invoice_date, invoice_date_due,
                                          partner_id, commercial_partner_id, auto_post,
                                          amount_untaxed_signed, amount_total_signed,
                                          amount_untaxed, amount_total, payment_state)
                SELECT 'CONCURRENCY/' || p.id, 'out_invoice', 'posted', %(journal)s,
                       %(company)s, %(currency)s, %(day)s, %(day)s, %(day)s,
                       p.id, p.id, 'no', a, a, a, a, 'paid'
                  FROM unnest(%(ids)s, %(amounts)s) AS p(id, a)
                """,
                {
                    "journal": journal.id,
                    "company": company.id,
                    "currency": company.currency_id.id,
                    "day": AS_OF - timedelta(days=10),
                    "ids": partners.ids,
                    "amounts": [6000.0, 5000.0, 4000.0, 3000.0, 2000.0, 1000.0],
                },
            )
            self.company_id = company.id
            self.partner_ids = partners.ids
        self.addCleanup(self._delete_fixture)

    def _delete_fixture(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM account_move WHERE name LIKE 'CONCURRENCY/%%';"
                "DELETE FROM mail_message WHERE model = 'res.partner' "
                "AND res_id = ANY(%(ids)s);"
                "DELETE FROM mail_activity WHERE res_model = 'res.partner' "
                "AND res_id = ANY(%(ids)s);"
                "DELETE FROM res_partner WHERE id = ANY(%(ids)s);",
                {"ids": self.partner_ids},
            )

    def _as_manager(self, change):
        """Run ``change(partners)`` as the admin (a segment manager) and commit."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            admin = env.ref("base.user_admin")
            partners = (
                env["res.partner"]
                .with_user(admin)
                .with_company(self.company_id)
                .browse(self.partner_ids)
            )
            change(partners)

    def _run_engine(self, on_commit=None, **patches):
        """One committed run over the fixture's partners, batches of two."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {"segment_batch_size": 2})
            engine = env["partner.segment.engine"]
            if on_commit:
                cr.postcommit.add(on_commit)
            # the engine commits only outside tests: this cursor is not the test's
            with contextlib.ExitStack() as stack:
                stack.enter_context(patch.object(modules.module, "current_test", False))
                if patches:
                    stack.enter_context(patch.multiple(type(engine), **patches))
                engine._reclassify(
                    env["res.company"].browse(self.company_id),
                    partners=env["res.partner"].browse(self.partner_ids),
                    as_of=AS_OF,
                    commit=True,
                )

    def _read(self, fnames):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            partners = (
                env["res.partner"]
                .with_company(self.company_id)
                .browse(self.partner_ids)
            )
            return [tuple(p[f] for f in fnames) for p in partners]

    def test_changes_committed_between_batches_survive_the_run(self):
        p = self.partner_ids
        # before the run: the fifth partner locked at C, the sixth at B
        self._as_manager(
            lambda partners: (
                partners.browse(p[4]).write({"credit_grade": "C"}),
                partners.browse(p[5]).write({"credit_grade": "B"}),
            )
        )

        def manager_changes():
            # after the first batch (partners 1-2) is committed
            def change(partners):
                partners.browse(p[2]).write({"value_tier": "low"})  # lock
                partners.browse(p[4]).write({"credit_grade_locked": False})  # unlock
                partners.browse(p[5]).write({"credit_grade": "A"})  # new manual value

            self._as_manager(change)

        self._run_engine(on_commit=manager_changes)
        fnames = [
            "value_tier",
            "value_tier_computed",
            "value_tier_locked",
            "credit_grade",
            "credit_grade_manual",
            "credit_grade_locked",
        ]
        rows = self._read(fnames)
        self.assertEqual(rows[2][:3], ("low", "high", True))
        # unlocked: the effective grade is the computed one again
        self.assertEqual(rows[4][3:], (rows[4][3], "C", False))
        self.assertNotEqual(rows[4][3], "C")
        self.assertEqual(rows[5][3:], ("A", "A", True))
        # the others are classified and not locked
        self.assertEqual(rows[0][:3], ("high", "high", False))
        self.assertEqual(rows[3][:3], (rows[3][1], rows[3][1], False))

    def test_change_committed_while_a_batch_reads_is_seen(self):
        """A lock committed after a batch first read its rows is still honoured."""
        p = self.partner_ids
        engine_class = type(self.env["partner.segment.engine"])
        original = engine_class._read_stored
        calls = []

        def read_then_manager_locks(engine, company, partner_ids):
            stored = original(engine, company, partner_ids)
            calls.append(list(partner_ids))
            if len(calls) == 3:  # the second batch has read its rows once
                self._as_manager(
                    lambda partners: partners.browse(p[2]).write({"value_tier": "low"})
                )
            return stored

        self._run_engine(_read_stored=read_then_manager_locks)
        # each batch reads its rows, then locks and reads again those to write
        self.assertEqual(calls[2], p[2:4])
        self.assertEqual(calls[3], p[2:4])
        rows = self._read(["value_tier", "value_tier_computed", "value_tier_locked"])
        self.assertEqual(rows[2], ("low", "high", True))
        self.assertEqual(rows[3], ("high", "high", False))

    def test_user_change_in_progress_waits_for_the_batch(self):
        """A batch holds the rows it writes: a user's save of one of them comes after."""
        engine_class = type(self.env["partner.segment.engine"])
        original = engine_class._store_rows
        seen = []

        def store_then_user_tries(engine, company, rows, *args):
            original(engine, company, rows, *args)
            if not seen:
                # another connection cannot take the row the batch is writing
                with self.registry.cursor() as cr:
                    cr.execute("SET LOCAL lock_timeout = '100ms'")
                    try:
                        cr.execute(
                            "SELECT id FROM res_partner WHERE id = %s FOR UPDATE",
                            [rows[0][0]],
                            log_exceptions=False,
                        )
                        seen.append("not locked")
                    except pg_errors.LockNotAvailable:
                        seen.append("locked")
                    cr.rollback()

        self._run_engine(_store_rows=store_then_user_tries)
        self.assertEqual(seen, ["locked"])
        self.assertEqual(self._read(["value_tier"])[0], ("high",))
