from datetime import date, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import BaseCase, Form, new_test_user, tagged

from ..engine import credit as credit_rules
from ..models.partner_segment_policy import RULES_CHANGED_KEY
from .common import SegmentCase


@tagged("post_install", "-at_install")
class TestCreditRules(BaseCase):
    """engine/credit.py alone."""

    def test_overdue_days(self):
        today = date(2026, 6, 30)
        self.assertEqual(credit_rules.overdue_days(None, today), 0)
        self.assertEqual(credit_rules.overdue_days(date(2026, 7, 1), today), 0)
        self.assertEqual(credit_rules.overdue_days(date(2026, 5, 31), today), 30)

    def test_decide(self):
        decide = credit_rules.decide
        self.assertEqual(decide("block", 1000, 1000, 0, 0), "none")
        self.assertEqual(decide("block", 1000.01, 1000, 0, 0), "block")
        self.assertEqual(decide("warn", 10**9, 0, 0, 0), "none", "0 is no limit")
        self.assertEqual(decide("approval", 0, 0, 31, 30), "approval")
        self.assertEqual(decide("approval", 0, 0, 30, 30), "none")
        self.assertEqual(decide("block", 0, 0, 400, 0), "none", "0: no overdue check")
        with self.assertRaises(ValueError):
            decide("maybe", 1, 0, 0, 0)


class CreditCase(SegmentCase):
    """A company with customers by credit grade, users of each role, helpers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.currency = cls.company_a.currency_id
        cls.journal = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", cls.company_a.id)], limit=1
        )
        cls.invoicing_user = new_test_user(
            cls.env,
            login="credit_invoicing_user",
            groups="base.group_user,account.group_account_invoice",
        )
        cls.controller = new_test_user(
            cls.env,
            login="credit_controller",
            groups="base.group_user,account.group_account_invoice,"
            "partner_segment.group_credit_controller",
        )
        cls.today = fields.Date.today()
        cls.customer_b = cls.grade(cls.company("乙级客户有限公司"), "B", 1000.0)
        cls.customer_c = cls.grade(cls.company("丙级客户有限公司"), "C", 1000.0)
        cls.customer_a = cls.grade(cls.company("甲级客户有限公司"), "A", 1000.0)
        cls.Policy = cls.env["partner.segment.policy"].with_user(cls.segment_manager)

    @classmethod
    def grade(cls, partner, grade, limit, company=None):
        partner = partner.with_company(company or cls.env.company)
        partner.write({"credit_grade": grade, "credit_limit": limit})
        return partner.with_company(cls.env.company)

    @classmethod
    def policy(cls, grade, action, tolerance=0, company=None, **vals):
        return (
            cls.env["partner.segment.policy"]
            .with_user(cls.segment_manager)
            .with_company(company or cls.env.company)
            .create(
                {
                    "name": f"{grade} {action}",
                    "credit_grade": grade,
                    "check_action": action,
                    "overdue_tolerance_days": tolerance,
                    "company_id": (company or cls.env.company).id,
                    **vals,
                }
            )
        )

    def invoice(
        self,
        partner,
        amount,
        days_ago=0,
        due_days=30,
        post=False,
        user=None,
        move_type="out_invoice",
        company=None,
        **vals,
    ):
        env = self.env(user=user or self.invoicing_user)
        company = company or self.company_a
        invoice_date = self.today - timedelta(days=days_ago)
        move = (
            env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": invoice_date,
                    "invoice_date_due": invoice_date + timedelta(days=due_days),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "货物",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                    **vals,
                }
            )
        )
        if post:
            move.sudo().action_post()
        return move

    def check(self, customer, amount, document=None):
        """The check as the invoicing user who posts runs it."""
        return customer.with_user(self.invoicing_user)._segment_credit_check(
            amount, document
        )

    def committed(self):
        """As if the policy changes were committed (the test's transaction
        never is): the check reads the cached rules again, which only the
        change itself cleared."""
        self.env.cr.postcommit.data.pop(RULES_CHANGED_KEY, None)

    def messages(self, record):
        return " ".join(record.sudo().message_ids.mapped("body"))


@tagged("post_install", "-at_install")
class TestCreditCheck(CreditCase):
    def test_no_policy_posts_as_core(self):
        self.invoice(self.customer_b, 900, post=True)
        move = self.invoice(self.customer_b, 900)
        self.assertFalse(move.segment_credit_warning)
        check = self.customer_b._segment_credit_check(900, move)
        self.assertEqual(check.action, "none")
        self.assertIsNone(check.policy)
        move.action_post()
        self.assertEqual(move.state, "posted")

    def test_warn_shows_banner_and_posts(self):
        self.policy("B", "warn")
        self.invoice(self.customer_b, 800, post=True)
        move = self.invoice(self.customer_b, 300)
        warning = move.segment_credit_warning
        self.assertIn("乙级客户有限公司", warning)
        self.assertIn("credit grade B", warning)
        self.assertIn("1,100.00", warning)
        self.assertIn("1,000.00", warning)
        move.action_post()
        self.assertEqual(move.state, "posted")
        self.assertIn("Over the credit limit", self.messages(move))

    def test_banner_follows_the_form(self):
        self.policy("B", "warn")
        self.invoice(self.customer_b, 800, post=True)
        move_form = Form(
            self.env(user=self.invoicing_user)["account.move"].with_context(
                default_move_type="out_invoice"
            )
        )
        move_form.partner_id = self.customer_b
        move_form.invoice_date = self.today
        with move_form.invoice_line_ids.new() as line:
            line.name = "货物"
            line.price_unit = 100
            line.tax_ids.clear()
        self.assertFalse(move_form.segment_credit_warning, "900 is within 1,000")
        with move_form.invoice_line_ids.edit(0) as line:
            line.price_unit = 500
        self.assertIn("1,300.00", move_form.segment_credit_warning)
        move = move_form.save()
        self.assertIn("1,300.00", move.segment_credit_warning)

    def test_block_refuses_with_details(self):
        self.policy("C", "block", tolerance=30)
        self.invoice(self.customer_c, 700, days_ago=90, due_days=30, post=True)
        move = self.invoice(self.customer_c, 400)
        with self.assertRaises(UserError) as caught:
            move.action_post()
        message = str(caught.exception)
        for text in (
            "Posting refused",
            "丙级客户有限公司",
            "credit grade C",
            "1,100.00",
            "1,000.00",
            "60 days overdue",
        ):
            self.assertIn(text, message)
        self.assertEqual(move.state, "draft")
        # the same through the batch posting wizard (_post)
        wizard = (
            self.env(user=self.invoicing_user)["validate.account.move"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({})
        )
        with self.assertRaises(UserError):
            wizard.validate_move()
        self.assertEqual(move.state, "draft")

    def test_block_under_limit_posts(self):
        self.policy("C", "block")
        move = self.invoice(self.customer_c, 999)
        self.assertFalse(move.segment_credit_warning)
        move.action_post()
        self.assertEqual(move.state, "posted")

    def test_payment_lowers_exposure(self):
        self.policy("C", "block")
        paid = self.invoice(self.customer_c, 900, post=True)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid.ids
        ).create({})._create_payments()
        self.assertEqual(paid.payment_state in ("paid", "in_payment"), True)
        check = self.customer_c._segment_credit_check(900)
        self.assertEqual(check.action, "none")
        self.assertAlmostEqual(check.exposure, 900)

    def test_credit_notes_and_vendor_bills_are_not_checked(self):
        self.invoice(self.customer_c, 1500, post=True)
        self.policy("C", "block")
        refund = self.invoice(self.customer_c, 100, move_type="out_refund")
        refund.action_post()
        self.assertEqual(refund.state, "posted")
        bill = self.invoice(
            self.customer_c,
            5000,
            move_type="in_invoice",
            user=self.env.user,
        )
        bill.action_post()
        self.assertEqual(bill.state, "posted")

    def test_drafts_counted_when_the_company_says(self):
        self.policy("B", "block")
        self.invoice(self.customer_b, 300, post=True)
        self.invoice(self.customer_b, 500)
        move = self.invoice(self.customer_b, 400)
        check = self.customer_b._segment_credit_check(move.amount_total_signed, move)
        self.assertAlmostEqual(check.exposure, 700)
        self.assertEqual(check.action, "none")
        self.company_a.segment_credit_include_draft = True
        check = self.customer_b._segment_credit_check(move.amount_total_signed, move)
        self.assertAlmostEqual(check.draft_receivable, 500, msg="not itself")
        self.assertAlmostEqual(check.exposure, 1200)
        self.assertEqual(check.action, "block")
        with self.assertRaises(UserError):
            move.action_post()

    def test_overdue_tolerance(self):
        self.grade(self.customer_c, "C", 0.0)
        policy = self.policy("C", "block", tolerance=30)
        self.invoice(self.customer_c, 100, days_ago=75, due_days=30, post=True)
        move = self.invoice(self.customer_c, 10)
        check = self.customer_c._segment_credit_check(10, move)
        self.assertEqual(check.overdue_days, 45)
        self.assertEqual(check.action, "block", "no limit, but 45 days > 30")
        self.assertIn("no limit", check.message)
        policy.overdue_tolerance_days = 60
        self.assertEqual(self.customer_c._segment_credit_check(10, move).action, "none")
        move.action_post()
        self.assertEqual(move.state, "posted")

    def test_policy_priority(self):
        # a policy without a check action does not hide the next one
        self.policy("B", "none", priority=1)
        self.policy("B", "warn", priority=20)
        self.policy("B", "block", priority=10)
        check = self.customer_b._segment_credit_check(2000)
        self.assertEqual(check.action, "block")
        self.assertEqual(check.policy.priority, 10)

    def test_policy_changes_reach_the_check(self):
        """The check keeps the policies in a cache: each change clears it."""
        policy = self.policy("B", "block")
        self.invoice(self.customer_b, 900, post=True)
        move = self.invoice(self.customer_b, 200)

        def action(customer, amount, document=None):
            self.committed()
            check = self.check(customer, amount, document)
            # the second time from the cache the first one filled
            self.assertEqual(self.check(customer, amount, document), check)
            return check.action

        self.assertEqual(action(self.customer_b, 200, move), "block")
        policy.action_archive()
        self.assertEqual(action(self.customer_b, 200, move), "none")
        policy.action_unarchive()
        policy.check_action = "warn"
        self.assertEqual(action(self.customer_b, 200, move), "warn")
        policy.credit_grade = "C"
        self.assertEqual(action(self.customer_b, 200, move), "none")
        self.assertEqual(action(self.customer_c, 2000), "warn")
        policy.unlink()
        self.assertEqual(action(self.customer_c, 2000), "none")
        move.action_post()
        self.assertEqual(move.state, "posted")

    def test_one_query_per_check(self):
        """A posting's check makes one query, finding the customer's policy
        too, and none in a company without check policies."""
        self.policy("B", "block")
        moves = self.invoice(self.customer_b, 200) | self.invoice(self.customer_c, 200)
        # the transaction that changed the policies reads them afresh: the
        # policies' search, then the check
        moves._segment_credit_checks(lock=True)  # loads the records
        count = self.env.cr.sql_log_count
        moves[0]._segment_credit_checks(lock=True)
        self.assertEqual(self.env.cr.sql_log_count - count, 2)
        # the others, once it committed, read the cached rules
        self.committed()
        moves._segment_credit_checks(lock=True)  # loads the records and the rules
        for move in moves:
            count = self.env.cr.sql_log_count
            checks = move._segment_credit_checks(lock=True)
            self.assertEqual(self.env.cr.sql_log_count - count, 1)
        self.assertEqual(list(checks), [], "no policy covers grade C")
        # several invoices: their customers matched in one query, then one
        # query for the covered one only
        count = self.env.cr.sql_log_count
        checks = moves._segment_credit_checks(lock=True)
        self.assertEqual(self.env.cr.sql_log_count - count, 2)
        self.assertEqual(list(checks), moves[:1].ids)
        self.env["partner.segment.policy"].search([]).action_archive()
        self.committed()
        moves._segment_credit_checks(lock=True)
        count = self.env.cr.sql_log_count
        self.assertEqual(moves._segment_credit_checks(lock=True), {})
        self.assertEqual(self.env.cr.sql_log_count - count, 0)

    def test_default_grade_of_the_company(self):
        """A customer without a grade of its own has the company's default
        (ir.default): the check's query sees it as the form does."""
        self.policy("B", "block")
        newcomer = self.company("新客户有限公司")
        newcomer.with_company(self.company_a).credit_limit = 100.0
        self.assertFalse(newcomer.with_company(self.company_a).credit_grade)
        self.assertEqual(self.check(newcomer, 500).action, "none")
        self.env["ir.default"].set(
            "res.partner", "credit_grade", "B", company_id=self.company_a.id
        )
        self.assertEqual(newcomer.with_company(self.company_a).credit_grade, "B")
        check = self.check(newcomer, 500)
        self.assertEqual((check.action, check.grade), ("block", "B"))

    def test_partner_policies_api(self):
        block = self.policy("B", "block", priority=5)
        warn = self.policy("C", "warn")
        customers = self.customer_a | self.customer_b | self.customer_c
        policies = (
            self.env["partner.segment.policy"]
            .with_user(self.invoicing_user)
            ._get_partner_policies(customers)
        )
        self.assertEqual(
            policies, {self.customer_b.id: block, self.customer_c.id: warn}
        )

    def test_contact_checks_its_commercial_partner(self):
        self.policy("B", "block")
        contact = self.Partner.create(
            {"name": "采购部 王经理", "parent_id": self.customer_b.id}
        )
        self.invoice(self.customer_b, 900, post=True)
        move = self.invoice(contact, 200)
        with self.assertRaises(UserError) as caught:
            move.action_post()
        self.assertIn("乙级客户有限公司", str(caught.exception))

    def test_foreign_currency_in_company_currency(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": eur.id,
                "name": self.today - timedelta(days=400),
                "rate": 2.0,
                "company_id": self.company_a.id,
            }
        )
        self.policy("B", "block")
        self.invoice(self.customer_b, 1200, currency_id=eur.id, post=True)  # 600
        move = self.invoice(self.customer_b, 700, currency_id=eur.id)  # 350
        # the amount in the document's currency, converted at its date
        check = self.customer_b._segment_credit_check(move.amount_total, move)
        self.assertAlmostEqual(check.exposure, 950)
        self.assertEqual(check.action, "none")
        # a sales bridge passes the document currency: converted at its date
        check = self.customer_b._segment_credit_check(1000, currency=eur)
        self.assertAlmostEqual(check.amount, 500)
        self.assertEqual(check.action, "block")
        move.action_post()
        self.assertEqual(move.state, "posted")


@tagged("post_install", "-at_install")
class TestCreditApproval(CreditCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy("A", "approval")
        cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer_a.id,
                "invoice_date": cls.today,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "旧货",
                            "price_unit": 800,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        ).action_post()

    def request(self, move):
        action = move.action_post()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(move.state, "draft")
        return move.sudo().segment_credit_approval_ids.filtered(
            lambda a: a.state == "pending"
        )

    def decide(self, approval, decision, reason, user=None):
        action = (
            approval.with_user(user or self.controller)
            .with_context(decision=decision)
            .action_open_decide()
        )
        wizard = Form(
            self.env(user=user or self.controller)[action["res_model"]].with_context(
                action["context"]
            )
        )
        wizard.reason = reason
        wizard.save().action_confirm()

    def test_approve_then_post(self):
        move = self.invoice(self.customer_a, 500)
        approval = self.request(move)
        self.assertEqual(len(approval), 1)
        self.assertEqual(approval.requester_id, self.invoicing_user)
        self.assertAlmostEqual(approval.amount, 500)
        self.assertAlmostEqual(approval.exposure, 1300)
        self.assertAlmostEqual(approval.credit_limit, 1000)
        self.assertEqual(approval.credit_grade, "A")
        activity = approval.activity_ids
        self.assertIn(self.controller, activity.user_id)
        self.assertIn("Credit approval requested", self.messages(move))
        self.assertIn("Credit approval requested", self.messages(self.customer_a))
        # asking again reuses the pending request
        self.assertEqual(self.request(move), approval)
        # posting by another path is refused while pending
        with self.assertRaises(UserError):
            move._post(soft=False)
        self.decide(approval, "approve", "老客户, 已承诺月底付款")
        self.assertEqual(approval.state, "approved")
        self.assertEqual(approval.approver_id, self.controller)
        self.assertEqual(move.state, "posted", "posted once approved")
        self.assertFalse(approval.activity_ids)
        self.assertIn("老客户, 已承诺月底付款", self.messages(move))
        self.assertIn("Credit approval granted", self.messages(self.customer_a))

    def test_approval_holds_for_the_approved_amount_only(self):
        move = self.invoice(self.customer_a, 500)
        approval = self.request(move)
        approval.with_user(self.controller)._decide("approve", "ok")
        move.button_draft()
        move.invoice_line_ids.price_unit = 400
        move.action_post()
        self.assertEqual(move.state, "posted", "less than approved")
        move.button_draft()
        move.invoice_line_ids.price_unit = 600
        action = move.action_post()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(move.state, "draft", "more than approved: ask again")

    def test_reject(self):
        move = self.invoice(self.customer_a, 500)
        approval = self.request(move)
        self.decide(approval, "reject", "逾期未还")
        self.assertEqual(approval.state, "rejected")
        self.assertEqual(approval.decision_reason, "逾期未还")
        self.assertEqual(move.state, "draft")
        self.assertIn("Credit approval rejected", self.messages(move))
        with self.assertRaises(UserError):
            approval.with_user(self.controller)._decide("approve", "changed my mind")
        # a new attempt raises a new request
        self.assertNotEqual(self.request(move), approval)

    def test_invoicing_user_cannot_approve(self):
        move = self.invoice(self.customer_a, 500)
        approval = self.request(move)
        with self.assertRaises(AccessError):
            approval.with_user(self.invoicing_user)._decide("approve", "me")
        with self.assertRaises(AccessError):
            approval.with_user(self.invoicing_user).action_open_decide()
        with self.assertRaises(AccessError):
            self.env(user=self.invoicing_user)[
                "partner.segment.credit.approval.decide"
            ].create({"approval_id": approval.id, "reason": "me"})
        with self.assertRaises(AccessError):
            approval.with_user(self.invoicing_user).write({"state": "approved"})
        self.assertEqual(approval.state, "pending")

    def test_forged_context_does_not_clear(self):
        move = self.invoice(self.customer_a, 500)
        move = move.with_context(partner_segment_credit_cleared=[move.id])
        with self.assertRaises(UserError):
            move._post(soft=False)

    def test_controller_overrides_with_reason(self):
        move = self.invoice(self.customer_a, 500, user=self.controller)
        action = move.action_post()
        self.assertEqual(action["res_model"], "account.move.credit.override")
        wizard = Form(
            self.env(user=self.controller)[action["res_model"]].with_context(
                action["context"]
            )
        )
        self.assertIn("1,300.00", wizard.message)
        wizard.reason = "总经理批准的战略客户"
        wizard.save().action_confirm()
        self.assertEqual(move.state, "posted")
        self.assertIn("总经理批准的战略客户", self.messages(move))
        self.assertIn("总经理批准的战略客户", self.messages(self.customer_a))
        self.assertFalse(move.sudo().segment_credit_approval_ids)

    def test_only_controllers_override(self):
        move = self.invoice(self.customer_a, 500)
        with self.assertRaises(AccessError):
            self.env(user=self.invoicing_user)["account.move.credit.override"].create(
                {"move_id": move.id, "reason": "me"}
            )


@tagged("post_install", "-at_install")
class TestCreditMultiCompany(CreditCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create(
            {
                "name": "信用第二公司",
                "country_id": cls.cn.id,
                "currency_id": cls.currency.id,
            }
        )
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company_b, install_demo=False
        )
        cls.env.user.company_ids |= cls.company_b
        (
            cls.invoicing_user | cls.controller | cls.segment_manager
        ).company_ids |= cls.company_b
        cls.grade(cls.customer_b, "B", 5000.0, company=cls.company_b)

    def test_each_company_its_policy_limit_and_receivable(self):
        self.policy("B", "block")
        self.invoice(self.customer_b, 900, post=True)
        move_b = self.invoice(self.customer_b, 3000, company=self.company_b)
        check = self.customer_b._segment_credit_check(3000, move_b)
        self.assertEqual(check.company, self.company_b)
        self.assertEqual(check.action, "none", "no policy in company B")
        move_b.action_post()
        self.assertEqual(move_b.state, "posted")
        self.policy("B", "block", company=self.company_b)
        move_b2 = self.invoice(self.customer_b, 1500, company=self.company_b)
        check = self.customer_b._segment_credit_check(1500, move_b2)
        self.assertAlmostEqual(check.exposure, 4500, msg="company A's 900 not counted")
        self.assertAlmostEqual(check.limit, 5000)
        self.assertEqual(check.action, "none")
        move_b3 = self.invoice(self.customer_b, 2500, company=self.company_b)
        with self.assertRaises(UserError):
            move_b3.action_post()
        # company A's limit stays 1,000
        move_a = self.invoice(self.customer_b, 200)
        with self.assertRaises(UserError):
            move_a.action_post()

    def test_one_customer_two_grades_two_companies(self):
        """Both companies' rules cached at once: each reads the customer's
        grade in its own company."""
        self.grade(self.customer_c, "B", 100.0, company=self.company_b)
        self.policy("C", "block")
        self.policy("B", "warn", company=self.company_b)
        for company, grade, action in (
            (self.company_a, "C", "block"),
            (self.company_b, "B", "warn"),
            (self.company_a, "C", "block"),
        ):
            move = self.invoice(self.customer_c, 2000, company=company)
            check = self.check(self.customer_c, 2000, move)
            self.assertEqual(
                (check.company, check.grade, check.action), (company, grade, action)
            )

    def test_approval_request_of_the_company(self):
        self.policy("B", "approval", company=self.company_b)
        only_a = new_test_user(
            self.env,
            login="credit_controller_a_only",
            groups="base.group_user,account.group_account_invoice,"
            "partner_segment.group_credit_controller",
        )
        move_b = self.invoice(self.customer_b, 6000, company=self.company_b)
        move_b.with_company(self.company_b).action_post()
        approval = move_b.sudo().segment_credit_approval_ids
        self.assertEqual(approval.company_id, self.company_b)
        self.assertNotIn(only_a, approval.activity_ids.user_id)
        self.assertIn(self.controller, approval.activity_ids.user_id)
        self.assertFalse(
            self.env(user=only_a)["partner.segment.credit.approval"].search(
                [("id", "=", approval.id)]
            )
        )
