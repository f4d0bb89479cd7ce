from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

from ..engine import policy as policy_rules
from .common import PolicyCase, load_migration
from .test_custom_dimension import purge_registry


class TestPolicyRules(TransactionCase):
    """The plain-Python rules, without the database."""

    def test_fixed_limit_rounded_half_up(self):
        self.assertEqual(
            policy_rules.credit_limit("fixed", 12345, 0, 1000, 0, 365), 12000
        )
        self.assertEqual(
            policy_rules.credit_limit("fixed", 12500, 0, 1000, 0, 365), 13000
        )
        self.assertEqual(policy_rules.credit_limit("fixed", 12345, 0, 0, 0, 365), 12345)

    def test_revenue_multiple(self):
        # 120,000 over 365 days: 10,000 a month
        self.assertAlmostEqual(
            policy_rules.credit_limit("revenue_multiple", 0, 1.25, 0, 120000, 365),
            12500,
        )
        self.assertEqual(
            policy_rules.credit_limit("revenue_multiple", 0, 1.25, 1000, 120000, 365),
            13000,
        )
        # a 730-day window spreads the same revenue over 24 months
        self.assertEqual(
            policy_rules.credit_limit("revenue_multiple", 0, 2, 100, 120000, 730), 10000
        )
        # credit notes beyond the invoices: no negative limit
        self.assertEqual(
            policy_rules.credit_limit("revenue_multiple", 0, 2, 100, -5000, 365), 0
        )
        self.assertIsNone(policy_rules.credit_limit("none", 5, 5, 5, 5, 365))

    def test_hand_set(self):
        self.assertFalse(policy_rules.is_hand_set(0.0, None, 0.0))
        self.assertTrue(policy_rules.is_hand_set(5000.0, None, 0.0))
        self.assertFalse(policy_rules.is_hand_set(5000.0, 5000.0, 0.0))
        self.assertTrue(policy_rules.is_hand_set(6000.0, 5000.0, 0.0))
        self.assertFalse(policy_rules.is_hand_set(None, None))
        self.assertTrue(policy_rules.is_hand_set(7, 3))


@tagged("post_install", "-at_install")
class TestPolicyProposals(PolicyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.aaa = cls.customer("甲级客户", "AAA", revenue=120000)
        cls.aa = cls.customer("乙级客户", "AA", revenue=60000)
        cls.c = cls.customer("丙级客户", "C", revenue=240000)

    def test_matching_and_priority(self):
        self.policy(
            "AAA", credit_limit_mode="fixed", credit_limit_amount=80000, priority=20
        )
        # a value-tier policy before it sets only the term: the limit still
        # comes from the first policy that sets one
        self.aaa.with_company(self.env.company).value_tier = "high"
        self.policy(
            name="High value",
            dimension_key="value_tier",
            class_key="high",
            priority=5,
            payment_term_id=self.term_45.id,
        )
        self.policy(
            name="High value, lower",
            dimension_key="value_tier",
            class_key="high",
            priority=30,
            credit_limit_mode="fixed",
            credit_limit_amount=1000,
            payment_term_id=self.term_now.id,
        )
        proposals = self.propose()
        self.assertEqual(self.proposal(proposals, self.aaa).proposed_amount, 80000)
        self.assertEqual(self.proposal(proposals, self.aaa).policy_id.name, "Grade AAA")
        term = self.proposal(proposals, self.aaa, "payment_term")
        self.assertEqual(term.proposed_payment_term_id, self.term_45)
        self.assertEqual(term.policy_id.name, "High value")
        self.assertEqual(term.class_label, "Value Tier: High Value")
        # the others match no policy
        self.assertEqual(proposals.partner_id, self.aaa)

    def test_builtin_class_in_the_form(self):
        """A manager picks a built-in dimension's class in one choice; the
        proposals and the credit check use it."""
        policy_form = Form(self.Policy.with_user(self.segment_manager))
        policy_form.name = "高价值客户"
        policy_form.builtin_class = "value_tier:high"
        policy_form.credit_limit_mode = "fixed"
        policy_form.credit_limit_amount = 50000
        policy_form.check_action = "block"
        policy = policy_form.save()
        self.assertEqual(
            (policy.dimension_key, policy.class_key), ("value_tier", "high")
        )
        self.assertEqual(policy.target_label, "Value Tier: High Value")
        self.aaa.with_company(self.env.company).value_tier = "high"
        proposals = self.propose()
        self.assertEqual(self.proposal(proposals, self.aaa).proposed_amount, 50000)
        self.assertEqual(proposals.partner_id, self.aaa)
        self.aaa.sudo().with_company(self.env.company).credit_limit = 100
        check = self.aaa._segment_credit_check(500)
        self.assertEqual(
            (check.action, check.policy, check.grade), ("block", policy, "AAA")
        )
        with Form(policy.with_user(self.segment_manager)) as policy_form:
            self.assertEqual(policy_form.builtin_class, "value_tier:high")
            policy_form.builtin_class = "lifecycle:new"
        self.assertEqual((policy.dimension_key, policy.class_key), ("lifecycle", "new"))
        self.assertEqual(self.aaa._segment_credit_check(500).action, "none")
        policy.write({"builtin_class": False, "credit_grade": "AAA"})
        self.assertEqual((policy.dimension_key, policy.class_key), (False, False))
        self.assertEqual(self.aaa._segment_credit_check(500).action, "block")

    def test_target_exactly_one(self):
        with self.assertRaises(ValidationError):
            self.policy(name="Nothing")
        with self.assertRaises(ValidationError):
            self.policy(name="Bad class", builtin_class="value_tier:gold")
        with self.assertRaises(ValidationError):
            self.policy(name="No class", builtin_class="value_tier")
        policy = self.policy("AA", name="Fine")
        with self.assertRaises(ValidationError):
            policy.write({"credit_grade": False, "builtin_class": "lifecycle:ancient"})
        with self.assertRaises(ValidationError):
            self.policy("AAA", dimension_key="value_tier", class_key="high", name="Two")
        with self.assertRaises(ValidationError):
            self.policy(name="Bad key", dimension_key="value_tier", class_key="gold")
        with self.assertRaises(ValidationError):
            self.policy("AA", credit_limit_mode="fixed", credit_limit_amount=-1)

    def test_each_limit_mode_with_rounding(self):
        self.policy("AAA", credit_limit_mode="fixed", credit_limit_amount=12345)
        self.policy(
            "AA",
            credit_limit_mode="revenue_multiple",
            credit_limit_multiple=2.5,
            credit_limit_rounding=2000,
        )
        self.policy(
            "C",
            credit_limit_mode="revenue_multiple",
            credit_limit_multiple=0.3,
            credit_limit_rounding=0,
        )
        proposals = self.propose()
        self.assertEqual(self.proposal(proposals, self.aaa).proposed_amount, 12000)
        # 60,000 / 12 = 5,000 a month × 2.5 = 12,500, to 2,000: 12,000
        self.assertEqual(self.proposal(proposals, self.aa).proposed_amount, 12000)
        # 240,000 / 12 × 0.3, unrounded
        self.assertEqual(self.proposal(proposals, self.c).proposed_amount, 6000)
        self.assertEqual(
            self.proposal(proposals, self.c).current_value.strip()[-4:], "0.00"
        )

    def test_only_differences(self):
        self.policy(
            "AAA",
            credit_limit_mode="fixed",
            credit_limit_amount=50000,
            payment_term_id=self.term_30.id,
        )
        self.policy("AA", credit_limit_mode="fixed", credit_limit_amount=20000)
        self.aaa.sudo().write(
            {"credit_limit": 50000, "property_payment_term_id": self.term_30.id}
        )
        proposals = self.propose()
        self.assertFalse(self.proposal(proposals, self.aaa))
        self.assertFalse(self.proposal(proposals, self.aaa, "payment_term"))
        self.assertEqual(proposals.partner_id, self.aa)
        self.assertEqual(proposals.current_amount, 0)
        # proposing again replaces the open proposals, not adds to them
        self.assertEqual(self.propose(), proposals.search([("state", "=", "proposed")]))
        self.assertEqual(
            len(self.Proposal.search([("partner_id", "=", self.aa.id)])), 1
        )

    def test_unchanged_proposals_stay(self):
        """A run keeps the open proposals it proposes again (same row, same
        date) and replaces only those that changed."""
        policy_aa = self.policy(
            "AA", credit_limit_mode="fixed", credit_limit_amount=20000
        )
        self.policy("AAA", credit_limit_mode="fixed", credit_limit_amount=50000)
        first = self.propose()
        self.assertEqual(len(first), 2)
        self.assertTrue(all(first.mapped("proposed_on")))
        self.assertFalse(first.decided_by_id)
        first_aaa, first_aa = (
            self.proposal(first, self.aaa),
            self.proposal(first, self.aa),
        )
        self.assertEqual(self.propose(), first)
        policy_aa.credit_limit_amount = 25000
        second = self.propose()
        self.assertEqual(self.proposal(second, self.aaa), first_aaa)
        replaced = self.proposal(second, self.aa)
        self.assertNotEqual(replaced, first_aa)
        self.assertEqual(replaced.proposed_amount, 25000)
        self.assertFalse(first_aa.exists())
        # who decided, and when
        replaced.action_apply()
        self.assertEqual(replaced.decided_by_id, self.segment_manager)
        self.assertTrue(replaced.decided_on)
        self.proposal(second, self.aaa).action_reject()
        self.assertEqual(
            self.proposal(second, self.aaa).decided_by_id, self.segment_manager
        )

    def test_term_deleted_after_proposal(self):
        """A proposal keeps its term as an id: one deleted since shows empty
        and is dropped on Apply, nothing written."""
        term = self.env["account.payment.term"].create({"name": "60 天账期"})
        self.policy("AAA", payment_term_id=term.id)
        proposal = self.propose()
        self.assertEqual(proposal.proposed_payment_term_id, term)
        self.assertEqual(proposal.proposed_value, "60 天账期")
        term.unlink()
        proposal.invalidate_recordset()
        self.assertFalse(proposal.proposed_payment_term_id)
        proposal.action_apply()
        self.assertFalse(proposal.exists())
        self.assertNotEqual(
            self.aaa.with_company(self.env.company).property_payment_term_id.id,
            term.id,
        )

    def test_apply(self):
        self.policy(
            "AAA",
            credit_limit_mode="revenue_multiple",
            credit_limit_multiple=3,
            credit_limit_rounding=10000,
            payment_term_id=self.term_45.id,
        )
        self.policy(
            "AA",
            credit_limit_mode="revenue_multiple",
            credit_limit_multiple=3,
            credit_limit_rounding=10000,
            payment_term_id=self.term_45.id,
        )
        proposals = self.propose().with_context(tracking_disable=False)
        self.assertEqual(len(proposals), 4)
        # the set-up's pending tracking (without messages) goes first
        self.env.flush_all()
        self.env.cr.precommit.run()
        proposals.action_apply()
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.assertEqual(set(proposals.mapped("state")), {"applied"})
        self.assertEqual(self.limit(self.aaa), 30000)
        self.assertEqual(self.limit(self.aa), 20000)
        self.assertEqual(
            self.aaa.with_company(self.env.company).property_payment_term_id,
            self.term_45,
        )
        # tracked in the chatter, by the manager
        tracking = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.res_id", "=", self.aaa.id),
                ("mail_message_id.model", "=", "res.partner"),
                ("field_id.name", "=", "credit_limit"),
            ]
        )
        self.assertEqual(tracking.new_value_float, 30000)
        self.assertEqual(
            tracking.mail_message_id.author_id, self.segment_manager.partner_id
        )
        # and in the classification history, source policy
        history = self.env["partner.segment.history"].search(
            [("partner_id", "=", self.aaa.id), ("source", "=", "policy")]
        )
        self.assertEqual(
            sorted(history.mapped("dimension")),
            ["credit_limit", "property_payment_term_id"],
        )
        limit_row = history.filtered(lambda h: h.dimension == "credit_limit")
        self.assertEqual(limit_row.direction, "up")
        self.assertIn("30,000", limit_row.new_label)
        self.assertEqual(limit_row.company_id, self.env.company)
        # nothing left to propose
        self.assertFalse(self.propose())

    def test_reject(self):
        self.policy("AAA", credit_limit_mode="fixed", credit_limit_amount=50000)
        proposals = self.propose()
        proposals.action_reject()
        self.assertEqual(proposals.state, "rejected")
        self.assertEqual(self.limit(self.aaa), 0)
        # not proposed again while neither value moves
        self.assertFalse(self.propose())
        self.Policy.search([("credit_grade", "=", "AAA")]).credit_limit_amount = 60000
        self.assertEqual(self.propose().proposed_amount, 60000)

    def test_hand_set_values_respected(self):
        policy = self.policy(
            "AAA",
            credit_limit_mode="fixed",
            credit_limit_amount=50000,
            payment_term_id=self.term_30.id,
        )
        self.propose().action_apply()
        # the credit controller raises the limit by hand
        self.aaa.sudo().credit_limit = 70000
        policy.credit_limit_amount = 40000
        proposals = self.propose()
        self.assertTrue(proposals.hand_set)
        self.assertEqual(proposals.current_amount, 70000)
        proposals.action_apply()
        self.assertEqual(proposals.state, "proposed")
        self.assertEqual(self.limit(self.aaa), 70000)
        # chosen explicitly: overwritten
        proposals.action_overwrite()
        self.assertEqual(proposals.state, "applied")
        self.assertEqual(self.limit(self.aaa), 40000)
        # a value entered before any policy counts as set by hand too
        self.aa.sudo().credit_limit = 9000
        self.policy("AA", credit_limit_mode="fixed", credit_limit_amount=20000)
        self.assertTrue(self.proposal(self.propose(), self.aa).hand_set)

    def test_value_changed_after_proposal_is_not_overwritten(self):
        self.policy("AAA", credit_limit_mode="fixed", credit_limit_amount=50000)
        proposals = self.propose()
        self.assertFalse(proposals.hand_set)
        self.aaa.sudo().credit_limit = 65000
        proposals.action_apply()
        self.assertTrue(proposals.hand_set)
        self.assertEqual(proposals.state, "proposed")
        self.assertEqual(self.limit(self.aaa), 65000)

    def test_customer_list_action(self):
        self.policy("AAA", credit_limit_mode="fixed", credit_limit_amount=50000)
        self.policy("AA", credit_limit_mode="fixed", credit_limit_amount=20000)
        proposals = self.propose(partners=self.aa)
        self.assertEqual(proposals.partner_id, self.aa)
        action = self.aa.with_user(self.segment_manager).action_segment_policy_propose()
        self.assertEqual(action["res_model"], "partner.segment.policy.proposal")
        # proposing for all leaves other customers' proposals
        self.assertEqual(self.propose().partner_id, self.aa | self.aaa)

    def test_pricelist(self):
        pricelist = self.env["product.pricelist"].create(
            {"name": "VIP 价目表", "company_id": self.env.company.id}
        )
        self.policy("AAA", pricelist_id=pricelist.id)
        proposals = self.propose()
        self.assertEqual(proposals.target, "pricelist")
        self.assertTrue(proposals.proposed_value.startswith("VIP 价目表"))
        proposals.action_apply()
        self.assertEqual(
            self.aaa.with_company(self.env.company).property_product_pricelist,
            pricelist,
        )

    def test_daily_step(self):
        self.policy("AAA", credit_limit_mode="fixed", credit_limit_amount=50000)
        company = self.env.company
        company.segment_policy_propose_daily = True
        self.env["partner.segment.engine"]._cron_reclassify_company(company)
        self.assertEqual(
            self.Proposal.search([("state", "=", "proposed")]).partner_id, self.aaa
        )

    def test_no_change_notifies(self):
        action = self.Policy.with_user(self.segment_manager).browse().action_propose()
        self.assertEqual(action["tag"], "display_notification")

    def test_busy_company(self):
        self.policy("AAA", credit_limit_mode="fixed", credit_limit_amount=50000)
        company = self.env.company
        with self.registry.cursor() as cr:
            cr.execute("SELECT pg_advisory_xact_lock(16016, %s)", [company.id])
            with self.assertRaises(UserError):
                self.propose()
            # the scheduled step skips the company
            self.assertEqual(self.Policy._propose_daily(company), 0)

    def test_access(self):
        with self.assertRaises(AccessError):
            self.Policy.with_user(self.segment_user).create(
                {"name": "User's", "credit_grade": "AAA"}
            )
        policy = self.policy(
            "AAA", credit_limit_mode="fixed", credit_limit_amount=50000
        )
        self.assertEqual(policy.with_user(self.segment_user).name, "Grade AAA")
        with self.assertRaises(AccessError):
            policy.with_user(self.segment_user).action_propose()
        proposals = self.propose()
        as_user = proposals.with_user(self.segment_user)
        self.assertEqual(as_user.proposed_amount, 50000)
        for action in (
            as_user.action_apply,
            as_user.action_overwrite,
            as_user.action_reject,
        ):
            with self.assertRaises(AccessError):
                action()
        with self.assertRaises(AccessError):
            self.Policy.with_user(self.employee).search([])
        self.assertEqual(self.limit(self.aaa), 0)
        # the manager may
        policy.with_user(self.segment_manager).credit_limit_amount = 55000
        self.propose().action_apply()
        self.assertEqual(self.limit(self.aaa), 55000)


@tagged("post_install", "-at_install")
class TestPolicyMultiCompany(PolicyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.usd = cls.env.ref("base.USD")
        cls.usd.active = True
        cls.main = cls.env.company
        cls.other = cls.env["res.company"].create(
            {"name": "美元子公司", "currency_id": cls.usd.id, "country_id": cls.cn.id}
        )
        cls.segment_manager.company_ids = [Command.link(cls.other.id)]
        cls.shared = cls.customer("共享客户", "AAA", revenue=120000)
        cls.shared.with_company(cls.other).write(
            {"credit_grade": "C", "segment_revenue": 36500}
        )

    def test_isolation(self):
        self.policy("AAA", credit_limit_mode="fixed", credit_limit_amount=50000)
        self.policy(
            "C",
            company=self.other,
            credit_limit_mode="fixed",
            credit_limit_amount=100,
            credit_limit_rounding=0,
        )
        main = self.propose(self.main)
        self.assertEqual(main.proposed_amount, 50000)
        other = self.propose(self.other)
        self.assertEqual(other.proposed_amount, 100)
        self.assertEqual(other.currency_id, self.usd)
        # applying one company's leaves the other's limit
        main.action_apply()
        self.assertEqual(self.limit(self.shared, self.main), 50000)
        self.assertEqual(self.limit(self.shared, self.other), 0)
        self.assertEqual(other.state, "proposed")
        # a manager of the main company only sees none of the other's
        self.segment_manager.company_ids = [Command.unlink(self.other.id)]
        visible = self.Proposal.with_user(self.segment_manager).search([])
        self.assertNotIn(other, visible)
        with self.assertRaises(AccessError):
            self.Policy.with_user(self.segment_manager).browse(
                self.Policy.search([("company_id", "=", self.other.id)]).ids
            ).check_access("read")

    def test_foreign_currency_company(self):
        # 36,500 USD over 365 days: 3,000 USD a month; 2 × that, to 500 USD
        self.policy(
            "C",
            company=self.other,
            credit_limit_mode="revenue_multiple",
            credit_limit_multiple=2,
            credit_limit_rounding=500,
        )
        proposals = self.propose(self.other)
        self.assertEqual(proposals.proposed_amount, 6000)
        self.assertEqual(proposals.currency_id, self.usd)
        self.assertIn("$", proposals.proposed_value)
        proposals.action_apply()
        self.assertEqual(self.limit(self.shared, self.other), 6000)
        self.assertEqual(self.limit(self.shared, self.main), 0)

    def test_defaults_shipped_inactive(self):
        defaults = self.Policy.with_context(active_test=False).search(
            [
                (
                    "id",
                    "in",
                    [
                        self.env.ref(
                            f"partner_segment.partner_segment_policy_grade_{g}"
                        ).id
                        for g in ("aaa", "aa", "a", "b", "c")
                    ],
                )
            ]
        )
        self.assertEqual(len(defaults), 5)
        self.assertFalse(any(defaults.mapped("active")))
        self.assertEqual(
            defaults.sorted("priority").mapped("check_action"),
            ["none", "none", "warn", "approval", "block"],
        )
        # activated, they propose; archived, they do not
        self.assertFalse(self.propose(self.main))
        defaults.active = True
        self.assertEqual(self.propose(self.main).partner_id, self.shared)

    def test_defaults_for_every_company(self):
        """A new company gets the five grade policies, archived; an upgrade
        gives them to a company without any, once."""
        company = self.env["res.company"].create({"name": "新分公司"})
        policies = self.Policy.with_context(active_test=False).search(
            [("company_id", "=", company.id)]
        )
        self.assertEqual(
            policies.sorted("priority").mapped("credit_grade"),
            ["AAA", "AA", "A", "B", "C"],
        )
        self.assertFalse(any(policies.mapped("active")))
        main_b = self.env.ref("partner_segment.partner_segment_policy_grade_b")
        copy_b = policies.filtered(lambda p: p.credit_grade == "B")
        self.assertEqual(
            (copy_b.check_action, copy_b.payment_term_id, copy_b.name),
            (main_b.check_action, main_b.payment_term_id, main_b.name),
        )
        # a company left without policies (as 18.0.1.2.0 left the others)
        policies.unlink()
        migration = load_migration("18.0.1.3.0", "post-migration.py")
        for _run in range(2):
            migration.migrate(self.env.cr, "18.0.1.2.0")
            self.assertEqual(
                self.Policy.with_context(active_test=False).search_count(
                    [("company_id", "=", company.id)]
                ),
                5,
            )


@tagged("post_install", "-at_install")
class TestPolicyCustomClass(PolicyCase):
    """A policy on a class of a user-defined dimension."""

    @classmethod
    def setUpClass(cls):
        cls.addClassCleanup(purge_registry)
        super().setUpClass()
        cls.dimension = (
            cls.env["partner.segment.dimension"]
            .with_user(cls.segment_manager)
            .create(
                {
                    "name": "政策测试分级",
                    "code": "policy_amount",
                    "kind": "measure",
                    "measure": "average_invoice_amount",
                    "class_ids": [
                        Command.create(
                            {"name": "大额", "code": "big", "lower_bound": 1000}
                        ),
                        Command.create(
                            {"name": "小额", "code": "small", "lower_bound": 0}
                        ),
                    ],
                }
            )
        )
        cls.big = cls.dimension.class_ids.filtered(lambda c: c.code == "big")
        cls.customer_big = cls.customer("大额客户", "B", revenue=12000)
        key = cls.dimension.sudo()._field_key()
        cls.env.registry.clear_cache()
        cls.customer_big.sudo().with_company(cls.env.company).write({key: "big"})

    def test_class_policy_before_grade_policy(self):
        self.policy(
            "B", credit_limit_mode="fixed", credit_limit_amount=1000, priority=20
        )
        self.policy(
            name="Big amounts",
            class_id=self.big.id,
            priority=10,
            credit_limit_mode="revenue_multiple",
            credit_limit_multiple=2,
            credit_limit_rounding=100,
        )
        proposals = self.propose()
        self.assertEqual(proposals.partner_id, self.customer_big)
        self.assertEqual(proposals.proposed_amount, 2000)
        self.assertEqual(proposals.class_label, "政策测试分级: 大额")

    def test_credit_check_on_a_class_until_it_goes(self):
        policy = self.policy(name="Big amounts check", class_id=self.big.id)
        policy.check_action = "block"
        self.customer_big.sudo().with_company(self.env.company).credit_limit = 100
        invoicing_user = new_test_user(
            self.env,
            login="policy_invoicing_user",
            groups="base.group_user,account.group_account_invoice",
        )
        invoicing = self.env["res.partner"].with_user(invoicing_user)
        check = invoicing.browse(self.customer_big.id)._segment_credit_check(500)
        self.assertEqual(check.action, "block")
        self.assertEqual(check.policy, policy)
        # the invoicing user cannot read policies; the check's policy can be
        self.assertEqual(check.policy.name, "Big amounts check")
        self.assertEqual(check.grade, "B")
        # the class goes, and its policy with it (cascade): no check is left
        self.big.with_context(segment_no_sync=True).sudo().unlink()
        self.assertFalse(policy.exists())
        check = invoicing.browse(self.customer_big.id)._segment_credit_check(500)
        self.assertEqual(check.action, "none")


@tagged("post_install", "-at_install")
class TestProposalMigration(PolicyCase):
    """18.0.1.3.0: the proposals' log columns become when proposed and who
    decided, their four term and pricelist columns two record ids; the old
    columns and their foreign keys are dropped."""

    def test_columns_moved_and_dropped(self):
        self.customer("甲级客户", "AAA", revenue=120000)
        self.customer("乙级客户", "AA", revenue=60000)
        self.policy(
            "AAA",
            credit_limit_mode="fixed",
            credit_limit_amount=50000,
            payment_term_id=self.term_30.id,
        )
        self.policy("AA", credit_limit_mode="fixed", credit_limit_amount=20000)
        proposals = self.propose()
        term_row = proposals.filtered(lambda p: p.target == "payment_term")
        decided = proposals.filtered(lambda p: p.target == "credit_limit")[0]
        self.assertEqual(len(proposals), 3)
        cr = self.env.cr
        # the table as 18.0.1.2.0 left it
        cr.execute(
            """
            ALTER TABLE partner_segment_policy_proposal
                ADD COLUMN create_uid int4 REFERENCES res_users(id),
                ADD COLUMN write_uid int4 REFERENCES res_users(id),
                ADD COLUMN create_date timestamp,
                ADD COLUMN write_date timestamp,
                ADD COLUMN current_payment_term_id int4
                    REFERENCES account_payment_term(id),
                ADD COLUMN proposed_payment_term_id int4
                    REFERENCES account_payment_term(id),
                ADD COLUMN current_pricelist_id int4
                    REFERENCES product_pricelist(id),
                ADD COLUMN proposed_pricelist_id int4
                    REFERENCES product_pricelist(id),
                DROP COLUMN proposed_on,
                DROP COLUMN decided_by_id,
                DROP COLUMN decided_on,
                DROP COLUMN current_record_id,
                DROP COLUMN proposed_record_id;
            UPDATE partner_segment_policy_proposal
               SET create_uid = 1, create_date = '2026-12-01 08:00:00',
                   write_uid = 1, write_date = '2026-12-01 08:00:00';
            UPDATE partner_segment_policy_proposal
               SET current_payment_term_id = %(now)s,
                   proposed_payment_term_id = %(term)s
             WHERE id = %(term_row)s;
            UPDATE partner_segment_policy_proposal
               SET state = 'applied', write_uid = %(manager)s,
                   write_date = '2026-12-02 09:30:00'
             WHERE id = %(decided)s;
            """,
            {
                "manager": self.segment_manager.id,
                "decided": decided.id,
                "term_row": term_row.id,
                "term": self.term_30.id,
                "now": self.term_now.id,
            },
        )
        migration = load_migration("18.0.1.3.0", "pre-migration.py")
        migration.migrate(cr, "18.0.1.2.0")
        cr.execute(
            """
            SELECT column_name FROM information_schema.columns
             WHERE table_name = 'partner_segment_policy_proposal'
               AND (column_name IN ('create_uid', 'write_uid', 'create_date',
                                    'write_date')
                    OR column_name LIKE '%%payment_term_id'
                    OR column_name LIKE '%%pricelist_id')
            """
        )
        self.assertFalse(cr.fetchall())
        self.Proposal.invalidate_model()
        self.assertEqual(decided.state, "applied")
        self.assertEqual(decided.decided_by_id, self.segment_manager)
        self.assertEqual(str(decided.decided_on), "2026-12-02 09:30:00")
        self.assertEqual(str(term_row.proposed_on), "2026-12-01 08:00:00")
        self.assertFalse(term_row.decided_by_id)
        self.assertEqual(term_row.current_payment_term_id, self.term_now)
        self.assertEqual(term_row.proposed_payment_term_id, self.term_30)
        self.assertFalse(term_row.proposed_pricelist_id)
        self.assertEqual(term_row.proposed_value, self.term_30.display_name)
        # run again (an upgrade that stopped half way): nothing to do
        migration.migrate(cr, "18.0.1.2.0")
