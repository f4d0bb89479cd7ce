from datetime import timedelta
from unittest.mock import patch

from odoo import Command, sql_db
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import AS_OF, ENGINE_LOGGER, ClassificationCase


@tagged("post_install", "-at_install")
class TestReclassify(ClassificationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.big = cls.company("大客户")
        cls.mid = cls.company("中客户")
        cls.small = cls.company("小客户")
        cls.lapsed = cls.company("流失客户")
        cls.never = cls.company("未开票客户")
        specs = [(cls.big, 10 + 20 * i, 1000) for i in range(12)]  # 12 invoices, 12,000
        specs += [(cls.big, 400, 1000)]  # a customer since before the window
        specs += [(cls.mid, 5, 2000, 400), (cls.mid, 200, 1000, 30)]  # overdue 5 days
        specs += [(cls.small, 100, 600, 30)]
        specs += [(cls.lapsed, 500, 9000, 30)]
        cls.moves = cls.invoices(specs)
        # everything paid except mid's first invoice (due in the future) ...
        paid = cls.moves.filtered(
            lambda m: m.invoice_date_due < AS_OF - timedelta(days=5)
        )
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid.ids
        ).create({"group_payment": True})._create_payments()

    def test_inputs_are_stored(self):
        self.reclassify()
        self.assertEqual(self.big.segment_revenue, 12000)
        self.assertEqual(self.big.segment_invoice_count, 12)
        self.assertEqual(self.big.segment_last_invoice_date, AS_OF - timedelta(days=10))
        self.assertEqual(self.lapsed.segment_revenue, 0)
        self.assertEqual(self.lapsed.segment_invoice_count, 0)
        self.assertEqual(
            self.lapsed.segment_first_invoice_date, AS_OF - timedelta(days=500)
        )
        self.assertEqual(self.big.segment_classified_on, AS_OF)

    def test_every_dimension_on_hand_built_invoices(self):
        self.reclassify()
        # revenue 12,000 / 3,000 / 600: big 0 % before -> high; mid 77.9 % -> high;
        # small 97 % -> low; lapsed: history, no revenue -> low
        self.assertEqual(self.big.value_tier, "high")
        self.assertEqual(self.mid.value_tier, "high")
        self.assertEqual(self.small.value_tier, "low")
        self.assertEqual(self.lapsed.value_tier, "low")
        self.assertFalse(self.never.value_tier)
        self.assertEqual(
            (
                self.big.frequency_class,
                self.mid.frequency_class,
                self.lapsed.frequency_class,
            ),
            ("high", "low", "inactive"),
        )
        self.assertEqual((self.big.lifecycle, self.lapsed.lifecycle), ("old", "old"))
        self.assertEqual(self.small.lifecycle, "new")
        self.assertEqual(self.big.quadrant, "old_big")
        self.assertEqual(self.small.quadrant, "new_small")
        self.assertEqual(self.big.credit_grade, "AAA")
        self.assertEqual(self.small.credit_grade, "AA")
        self.assertEqual(self.lapsed.rfm_class, "general_retain")
        self.assertEqual(self.big.rfm_class, "important_value")
        self.assertFalse(self.never.credit_grade)

    def test_overdue_days_boundaries(self):
        for days, grade in ((30, "A"), (31, "B"), (90, "B"), (91, "C")):
            with self.subTest(days=days):
                partner = self.company(f"逾期{days}")
                self.invoices([(partner, days + 30, 100, 30)])
                self.reclassify(partners=partner)
                self.assertEqual(partner.segment_overdue_days, days)
                self.assertEqual(partner.segment_overdue_amount, 100)
                self.assertEqual(partner.credit_grade, grade)

    def test_credit_limit_exceeded(self):
        self.env.company.account_use_credit_limit = True
        partner = self.company("超额客户")
        partner.credit_limit = 500
        self.invoices([(partner, 3, 400, 30), (partner, 2, 200, 30)])  # open, not due
        self.reclassify(partners=partner)
        self.assertEqual(partner.segment_overdue_days, 0)
        self.assertEqual(partner.credit_grade, "B")
        partner.credit_limit = 600  # exactly the open amount: not exceeded
        self.reclassify(partners=partner)
        self.assertEqual(partner.credit_grade, "AA")

    def test_credit_notes_drafts_and_cancelled(self):
        partner = self.company("退货客户")
        invoices = self.invoices([(partner, 50, 1000), (partner, 40, 500)])
        self.invoices([(partner, 30, 300, 30, "out_refund")])
        self.invoices([(partner, 20, 7000)], post=False)
        invoices[1].button_draft()
        invoices[1].button_cancel()
        self.reclassify(partners=partner)
        self.assertEqual(partner.segment_revenue, 700)
        self.assertEqual(partner.segment_invoice_count, 1)

    def test_foreign_currency_counts_in_company_currency(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": eur.id,
                "name": AS_OF - timedelta(days=400),
                "rate": 0.5,
                "company_id": self.env.company.id,
            }
        )
        partner = self.company("欧元客户")
        move = self.invoices([(partner, 60, 100)], post=False)
        move.currency_id = eur
        move.action_post()
        self.reclassify(partners=partner)
        self.assertAlmostEqual(partner.segment_revenue, 200)

    def test_lock_survives_the_cron(self):
        self.reclassify()
        self.big.with_user(self.segment_manager).value_tier = "low"
        self.assertTrue(self.big.value_tier_locked)
        self.reclassify()
        self.assertEqual(self.big.value_tier, "low")
        self.assertEqual(self.big.value_tier_computed, "high")
        self.assertTrue(self.big.segment_override_differs)
        self.assertIn(
            self.big, self.Partner.search([("segment_override_differs", "=", True)])
        )
        self.big.with_user(self.segment_manager).value_tier_locked = False
        self.assertEqual(self.big.value_tier, "high")

    def test_history_only_on_change(self):
        History = self.env["partner.segment.history"]
        self.reclassify()
        # a first classification is not a move between classes: no row
        first = History.search_count([("partner_id", "=", self.big.id)])
        self.assertEqual(first, 0)
        self.assertEqual(self.reclassify(), 0)
        self.assertEqual(
            History.search_count([("partner_id", "=", self.big.id)]), first
        )
        # the small customer buys a lot: its value tier goes up, nothing else of others
        self.invoices([(self.small, 1, 20000)])
        before = History.search_count([])
        self.reclassify()
        changes = History.search([], limit=History.search_count([]) - before)
        value_change = changes.filtered(
            lambda c: c.partner_id == self.small and c.dimension == "value_tier"
        )
        self.assertEqual(
            (value_change.old_value, value_change.new_value), ("low", "high")
        )
        self.assertEqual(value_change.direction, "up")
        self.assertEqual(value_change.source, "cron")

    def test_manual_override_is_logged_with_its_source(self):
        self.reclassify()
        History = self.env["partner.segment.history"]
        self.small.with_context(segment_source="import").write({"credit_grade": "C"})
        row = History.search([("partner_id", "=", self.small.id)], limit=1)
        self.assertEqual(
            (row.dimension, row.old_value, row.new_value), ("credit_grade", "AA", "C")
        )
        self.assertEqual(row.source, "import")

    def test_reminder_created_once(self):
        rule = self.env["partner.segment.followup.rule"].create(
            {
                "name": "Grade C",
                "trigger": "enter",
                "class_key": "credit_grade:C",
                "assign_to": "user",
                "user_id": self.segment_manager.id,
            }
        )
        partner = self.company("坏账客户")
        self.invoices([(partner, 150, 100, 30)])
        self.reclassify()
        activities = self.env["mail.activity"].search(
            [("segment_followup_rule_id", "=", rule.id)]
        )
        self.assertEqual(activities.res_id, partner.id)
        self.assertEqual(activities.user_id, self.segment_manager)
        # reset the stored grade: the partner "enters" C again, but one is open already
        partner.with_context(segment_engine=True).write({"credit_grade": "A"})
        self.reclassify()
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [("segment_followup_rule_id", "=", rule.id)]
            ),
            1,
        )

    def test_periodic_reminder_once_per_interval(self):
        self.reclassify()
        rule = self.env["partner.segment.followup.rule"].create(
            {
                "name": "Visit",
                "trigger": "periodic",
                "class_key": "value_tier:high",
                "interval_days": 30,
            }
        )
        self.env["partner.segment.followup.rule"]._run_periodic(self.env.company)
        self.env["partner.segment.followup.rule"]._run_periodic(self.env.company)
        activities = self.env["mail.activity"].search(
            [("segment_followup_rule_id", "=", rule.id)]
        )
        self.assertEqual(set(activities.mapped("res_id")), {self.big.id, self.mid.id})

    def test_batches_commit_progress_and_resume_after_a_crash(self):
        engine_class = type(self.engine)
        History = self.env["partner.segment.history"]
        calls = []
        original = engine_class._write_batch

        def crash_on_second_batch(engine, *args, **kwargs):
            calls.append(args[1])
            if len(calls) == 2:
                raise RuntimeError("worker killed")
            return original(engine, *args, **kwargs)

        # no assertRaises: it would roll the first batch back with its savepoint
        crashed = False
        with (
            patch.object(engine_class, "_batch_size", 2),
            patch.object(engine_class, "_write_batch", crash_on_second_batch),
        ):
            try:
                self.reclassify()
            except RuntimeError:
                crashed = True
        self.assertTrue(crashed)
        first_batch = self.Partner.browse(calls[0])
        self.assertTrue(all(first_batch.mapped("value_tier")))
        rows = History.search_count([("partner_id", "in", first_batch.ids)])
        with patch.object(engine_class, "_batch_size", 2):
            self.reclassify(commit=True)
        self.assertEqual(self.lapsed.value_tier, "low")
        self.assertEqual(
            History.search_count([("partner_id", "in", first_batch.ids)]), rows
        )

    def test_incremental_pass_handles_only_touched_customers(self):
        self.reclassify()
        self.env.company.segment_last_run = "2000-01-01 00:00:00"
        touched = self.engine._touched_partner_ids(
            self.env.company, self.env.company.segment_last_run
        )
        self.assertTrue({self.big.id, self.small.id} <= touched)
        self.assertNotIn(self.never.id, touched)
        self.env.company.segment_last_run = "2999-01-01 00:00:00"
        self.assertEqual(
            self.engine._reclassify_incremental(self.env.company, as_of=AS_OF), 0
        )
        self.env.company.segment_last_run = "2000-01-01 00:00:00"
        self.invoices([(self.small, 1, 20000)])
        self.engine._reclassify_incremental(self.env.company, as_of=AS_OF)
        self.assertEqual(self.small.value_tier, "high")

    def test_cron_reads_aggregates_once_and_writes_touched_customers_first(self):
        engine_class = type(self.engine)
        read, batches = [], []
        read_aggregates, write_batch = (
            engine_class._read_aggregates,
            engine_class._write_batch,
        )

        def counting_read(engine, *args):
            read.append(args[0])
            return read_aggregates(engine, *args)

        def recording_write(engine, *args):
            batches.append(set(args[1]))
            return write_batch(engine, *args)

        self.reclassify()
        self.env.company.segment_last_run = "2000-01-01 00:00:00"
        self.invoices([(self.small, 1, 500)])
        self.env.flush_all()
        # every invoice was written in this test's transaction: age the others
        self.env.cr.execute(
            "UPDATE account_move SET write_date = '1999-01-01' "
            "WHERE commercial_partner_id != %s",
            [self.small.id],
        )
        with (
            patch.object(engine_class, "_read_aggregates", counting_read),
            patch.object(engine_class, "_write_batch", recording_write),
        ):
            self.engine.with_context(segment_batch_size=1)._cron_reclassify_company(
                self.env.company
            )
        self.assertEqual(read, [self.env.company])
        self.assertEqual(batches[0], {self.small.id})
        self.assertGreaterEqual(len(batches), 4)

    def test_engine_write_is_a_write_and_refreshes_dependents(self):
        self.reclassify()
        manager = self.segment_manager
        self.small.with_user(manager).value_tier = "low"  # its class, now locked
        self.assertFalse(self.small.segment_override_differs)  # read: in the cache
        self.invoices([(self.small, 1, 20000)])  # the rules now say high
        reclassifier = new_test_user(
            self.env,
            login="segment_manager_2",
            groups="base.group_user,partner_segment.partner_segment_group_manager",
        )
        self.engine.with_user(reclassifier)._reclassify(
            self.env.company, partners=self.small, as_of=AS_OF
        )
        self.assertEqual(
            (self.small.value_tier, self.small.value_tier_computed), ("low", "high")
        )
        self.assertTrue(self.small.segment_override_differs)
        self.assertEqual(self.small.write_uid, reclassifier)

    def test_reclassify_button_needs_a_manager(self):
        with self.assertRaises(AccessError):
            self.small.with_user(self.segment_user).action_segment_reclassify()
        self.small.with_user(self.segment_manager).action_segment_reclassify()
        self.assertEqual(self.small.frequency_class, "low")

    def test_cron_is_registered_and_runs(self):
        cron = self.env.ref("partner_segment.ir_cron_reclassify")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        self.engine._cron_reclassify()
        self.assertTrue(self.big.value_tier)
        self.assertTrue(self.env.company.segment_last_run)

    def test_bad_settings_are_refused(self):
        company = self.env.company
        for vals, message in (
            ({"segment_window_days": 0}, "at least one day"),
            ({"segment_credit_b_days": -1}, "cannot be negative"),
            ({"segment_freq_medium": 20}, "inconsistent"),
        ):
            with self.subTest(**vals), self.assertRaisesRegex(ValidationError, message):
                with self.env.cr.savepoint():
                    company.write(vals)
                    company.flush_recordset()
            company.invalidate_recordset()
        self.assertEqual(company.segment_window_days, 365)

    def test_two_runs_at_once_are_refused(self):
        self.engine._lock_company(self.env.company)
        # another connection (another worker) cannot take the company's lock
        with sql_db.db_connect(self.env.cr.dbname).cursor() as other_cr:
            other_env = self.env(cr=other_cr)
            with self.assertRaisesRegex(UserError, "being classified right now"):
                other_env["partner.segment.engine"]._lock_company(
                    other_env["res.company"].browse(self.env.company.id)
                )

    def test_company_without_customers_is_refused_for_a_manual_run(self):
        company = self.env["res.company"].create({"name": "空公司"})
        with self.assertRaisesRegex(UserError, "空公司"):
            self.engine._reclassify(company, source="manual")


@tagged("post_install", "-at_install")
class TestMultiCompany(ClassificationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create(
            {
                "name": "第二公司",
                "country_id": cls.cn.id,
                "currency_id": cls.env.company.currency_id.id,
            }
        )
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company_b, install_demo=False
        )
        cls.env.user.company_ids |= cls.company_b
        cls.customer = cls.company("两家公司的客户")
        cls.other = cls.company("另一个客户")
        cls.invoices([(cls.customer, 10, 100), (cls.other, 10, 10000)])
        journal_b = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", cls.company_b.id)], limit=1
        )
        cls.env["account.move"].with_company(cls.company_b).create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": cls.customer.id,
                    "journal_id": journal_b.id,
                    "invoice_date": AS_OF - timedelta(days=5 + i),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "b",
                                "quantity": 1,
                                "price_unit": 50,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
                for i in range(12)
            ]
        ).action_post()

    def test_a_failing_company_does_not_stop_the_others(self):
        # company B's settings broken behind the ORM's back: its run fails
        self.env.cr.execute(
            "UPDATE res_company SET segment_freq_medium = 99 WHERE id = %s",
            [self.company_b.id],
        )
        self.company_b.invalidate_recordset(["segment_freq_medium"])
        cron = self.env.ref("partner_segment.ir_cron_reclassify")
        cron, progress = cron._add_progress()
        # no assertRaises: its savepoint would undo the company that succeeded
        error = None
        with self.assertLogs(ENGINE_LOGGER, level="ERROR") as logs:
            try:
                self.engine.with_context(
                    ir_cron_progress_id=progress.id
                )._cron_reclassify()
            except UserError as raised:
                error = raised
        self.assertIn("第二公司", str(error))
        self.assertIn("第二公司", logs.output[0])
        self.assertIn("ValueError", logs.output[0])  # the cause, with its traceback
        self.assertEqual(self.customer.with_company(self.env.company).value_tier, "low")
        self.assertFalse(self.customer.with_company(self.company_b).value_tier)
        self.assertFalse(self.company_b.segment_last_run)
        # nothing left to do: ir.cron counts the raised error as a failure (and
        # deactivates a job that keeps failing) instead of running it again
        self.assertEqual(progress.remaining, 0)
        self.assertGreaterEqual(progress.done, 1)

    def test_each_company_classifies_from_its_own_invoices(self):
        self.engine._reclassify(self.env.company, as_of=AS_OF)
        self.engine._reclassify(self.company_b, as_of=AS_OF)
        in_a = self.customer.with_company(self.env.company)
        in_b = self.customer.with_company(self.company_b)
        self.assertEqual((in_a.segment_invoice_count, in_a.segment_revenue), (1, 100))
        self.assertEqual((in_b.segment_invoice_count, in_b.segment_revenue), (12, 600))
        self.assertEqual(in_a.frequency_class, "low")
        self.assertEqual(in_b.frequency_class, "high")
        self.assertEqual(in_a.value_tier, "low")  # after the other's 10,000
        self.assertEqual(in_b.value_tier, "high")
        self.assertFalse(self.other.with_company(self.company_b).value_tier)
        found = self.Partner.with_company(self.company_b).search(
            [("frequency_class", "=", "high"), ("id", "=", self.customer.id)]
        )
        self.assertEqual(found, self.customer)
        in_b.credit_grade = "C"
        self.assertEqual(in_a.credit_grade, "AA")
        history = self.env["partner.segment.history"].search(
            [("partner_id", "=", self.customer.id), ("dimension", "=", "credit_grade")]
        )
        self.assertEqual(history.company_id, self.company_b)
        self.assertEqual((history.old_value, history.new_value), ("AA", "C"))
