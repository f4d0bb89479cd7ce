import psycopg2

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestCreditConcurrency(TransactionCase):
    """Two clerks post invoices of one customer at the same moment: each is
    within the limit alone, both together are over it.  Committed data and a
    cursor per transaction, as two users' requests have."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            customer = env["res.partner"].create(
                {"name": "并发信用测试有限公司", "is_company": True}
            )
            customer.write({"credit_grade": "B", "credit_limit": 1000.0})
            policy = env["partner.segment.policy"].create(
                {"name": "B 并发", "credit_grade": "B", "check_action": "block"}
            )
            moves = env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": customer.id,
                        "invoice_date": "2026-06-30",
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "并发",
                                    "price_unit": amount,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                    for amount in (600.0, 300.0, 300.0)
                ]
            )
            moves[0].action_post()
        self.customer_id, self.policy_id = customer.id, policy.id
        self.move_ids = moves.ids
        self.addCleanup(self._delete_committed_data)

    def _delete_committed_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            moves = env["account.move"].browse(self.move_ids)
            moves.filtered(lambda m: m.state != "draft").button_draft()
            moves.with_context(force_delete=True).unlink()
            env["partner.segment.policy"].browse(self.policy_id).unlink()
            env["res.partner"].browse(self.customer_id).unlink()

    def test_two_postings_at_once_one_is_refused(self):
        """Both transactions start before either posts; the first commits; the
        second cannot see its receivable, so its check must not pass: the
        check's lock makes it fail to serialise, and its retry is refused."""
        cr1, cr2 = self.registry.cursor(), self.registry.cursor()
        try:
            env1, env2 = (api.Environment(cr, SUPERUSER_ID, {}) for cr in (cr1, cr2))
            for env in (env1, env2):
                partner = env["res.partner"].browse(self.customer_id)
                self.assertEqual(partner._segment_credit_check(300.0).action, "none")
            env1["account.move"].browse(self.move_ids[1]).action_post()
            env1.flush_all()
            cr1.commit()
            with (
                mute_logger("odoo.sql_db"),
                self.assertRaises(psycopg2.errors.SerializationFailure),
            ):
                env2["account.move"].browse(self.move_ids[2]).action_post()
                env2.flush_all()
            cr2.rollback()
            env2.invalidate_all()
            # the retry, in a new transaction, sees the first posting
            with self.assertRaisesRegex(UserError, "Posting refused"):
                env2["account.move"].browse(self.move_ids[2]).action_post()
            cr2.rollback()
        finally:
            cr1.close()
            cr2.close()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            states = env["account.move"].browse(self.move_ids).mapped("state")
            self.assertEqual(states, ["posted", "posted", "draft"])

    def test_policy_change_seen_after_another_thread_refilled_the_rules(self):
        """A manager archives the policy while another request, on an older
        snapshot, fills the cached rules again before the archive commits: once
        it commits, the check no longer applies the policy."""
        Policy = "partner.segment.policy"
        with self.registry.cursor() as cr_manager, self.registry.cursor() as cr_other:
            manager = api.Environment(cr_manager, SUPERUSER_ID, {})
            other = api.Environment(cr_other, SUPERUSER_ID, {})
            company = other.company
            # the other request's snapshot is taken by its first query
            self.assertEqual(other[Policy].browse(self.policy_id).active, True)
            manager[Policy].browse(self.policy_id).active = False
            manager.flush_all()
            stale = other[Policy]._get_check_rules(company)
            self.assertEqual([r.policy_id for r in stale], [self.policy_id])
            cr_manager.commit()
            cr_other.rollback()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertEqual(env[Policy]._get_check_rules(env.company), ())
            check = (
                env["res.partner"]
                .browse(self.customer_id)
                ._segment_credit_check(5000.0)
            )
            self.assertEqual(check.action, "none")
