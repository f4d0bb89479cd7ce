from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import SegmentCase

MEDIUM_C = {"employee_count": 500, "annual_revenue": 50_000_000}  # 5,000 万
LARGE_C = {"employee_count": 1500, "annual_revenue": 500_000_000}  # 50,000 万


@tagged("post_install", "-at_install")
class TestClassMoves(SegmentCase):
    """Every move of a class, whatever its cause, is in the history and reaches
    the follow-up rules of the customer's company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.History = cls.env["partner.segment.history"]
        cls.Rule = cls.env["partner.segment.followup.rule"]
        cls.customer = cls.company(
            "广州制造有限公司",
            industry_id=cls.industry["C"].id,
            state_id=cls.state("GD").id,
            customer_rank=1,
            **MEDIUM_C,
        )
        cls.enter_large = cls.Rule.create(
            {"name": "Visit large", "class_key": "scale_class:large"}
        )
        cls.enter_north = cls.Rule.create(
            {
                "name": "Welcome north",
                "class_key": f"region_id:{cls.region['north'].id}",
            }
        )
        cls.enter_small = cls.Rule.create(
            {"name": "Check small", "class_key": "scale_class:small"}
        )
        cls.industry_rule = cls.env.ref("partner_segment.scale_rule_industry")

    def moves(self, partner, dimension):
        return self.History.with_user(self.segment_user).search(
            [("partner_id", "=", partner.id), ("dimension", "=", dimension)],
            order="id",
        )

    def open_activities(self, rule, partner=None):
        partner = partner or self.customer
        return self.env["mail.activity"].search(
            [
                ("segment_followup_rule_id", "=", rule.id),
                ("res_model", "=", "res.partner"),
                ("res_id", "=", partner.id),
            ]
        )

    def assertMove(self, move, old, new, direction, source, user):
        self.assertEqual(
            (move.old_value, move.new_value, move.direction, move.source, move.user_id),
            (old, new, direction, source, user),
        )

    def test_contact_editor_changes_inputs(self):
        self.assertEqual(self.customer.scale_class, "medium")
        self.customer.with_user(self.employee).write(LARGE_C)
        self.assertEqual(self.customer.scale_class, "large")
        [move] = self.moves(self.customer, "scale_class")
        self.assertMove(move, "medium", "large", "up", "input", self.employee)
        self.assertFalse(move.company_id, "a shared customer's scale: every company")
        self.assertEqual(len(self.open_activities(self.enter_large)), 1)
        # down and up again: the rule's activity is still open, no second one
        self.customer.with_user(self.employee).write(MEDIUM_C)
        self.customer.with_user(self.employee).write(LARGE_C)
        self.assertEqual(len(self.moves(self.customer, "scale_class")), 3)
        self.assertEqual(len(self.open_activities(self.enter_large)), 1)

    def test_contact_editor_changes_province(self):
        self.assertEqual(self.customer.region_id, self.region["south"])
        self.customer.with_user(self.employee).state_id = self.state("BJ")
        [move] = self.moves(self.customer, "region_id")
        self.assertMove(
            move,
            str(self.region["south"].id),
            str(self.region["north"].id),
            "moved",
            "input",
            self.employee,
        )
        self.assertEqual(move.new_label, self.region["north"].display_name)
        self.assertEqual(len(self.open_activities(self.enter_north)), 1)

    def test_import_says_so(self):
        self.customer.with_user(self.segment_manager).with_context(
            segment_source="import"
        ).write(LARGE_C)
        [move] = self.moves(self.customer, "scale_class")
        self.assertMove(move, "medium", "large", "up", "import", self.segment_manager)

    def test_manager_edits_a_scale_rule(self):
        others = self.Partner.create(
            [
                {
                    "name": f"制造 {i}",
                    "is_company": True,
                    "industry_id": self.industry["C"].id,
                    "customer_rank": 1,
                    **MEDIUM_C,
                }
                for i in range(3)
            ]
        )
        self.industry_rule.with_user(self.segment_manager).write(
            {"employees_large": 400, "revenue_large": 40_000_000}
        )
        self.assertEqual(set((others | self.customer).mapped("scale_class")), {"large"})
        for partner in others | self.customer:
            [move] = self.moves(partner, "scale_class")
            self.assertMove(
                move, "medium", "large", "up", "scale_rule", self.segment_manager
            )
            self.assertEqual(len(self.open_activities(self.enter_large, partner)), 1)

    def test_manager_edits_a_region(self):
        self.region["north"].with_user(self.segment_manager).write(
            {"state_ids": [Command.link(self.state("GD").id)]}
        )
        self.assertEqual(self.customer.region_id, self.region["north"])
        [move] = self.moves(self.customer, "region_id")
        self.assertEqual(
            (move.new_value, move.source, move.user_id),
            (str(self.region["north"].id), "region", self.segment_manager),
        )
        self.assertEqual(len(self.open_activities(self.enter_north)), 1)

    def test_override_and_unlock(self):
        customer = self.customer.with_user(self.segment_manager)
        customer.scale_class = "small"
        customer.scale_class_locked = False
        self.assertEqual(customer.scale_class, "medium")
        override, unlock = self.moves(self.customer, "scale_class")
        self.assertMove(
            override, "medium", "small", "down", "override", self.segment_manager
        )
        self.assertMove(unlock, "small", "medium", "up", "unlock", self.segment_manager)
        self.assertEqual(len(self.open_activities(self.enter_small)), 1)

    def test_override_of_a_behaviour_class_follows_up(self):
        rule = self.Rule.create({"name": "Call C", "class_key": "credit_grade:C"})
        self.customer.with_user(self.segment_manager).credit_grade = "C"
        [move] = self.moves(self.customer, "credit_grade")
        self.assertEqual(
            (move.new_value, move.source, move.company_id),
            ("C", "override", self.env.company),
        )
        self.assertEqual(len(self.open_activities(rule)), 1)

    def test_rules_act_on_their_own_company_customers(self):
        other = self.env["res.company"].create({"name": "深圳分公司"})
        other_rule = self.Rule.create(
            {
                "name": "Other company",
                "class_key": "scale_class:large",
                "company_id": other.id,
            }
        )
        own = self.company(
            "本公司客户",
            industry_id=self.industry["C"].id,
            company_id=self.env.company.id,
            customer_rank=1,
            **MEDIUM_C,
        )
        supplier = self.company(
            "供应商", industry_id=self.industry["C"].id, supplier_rank=1, **MEDIUM_C
        )
        (own | supplier).with_user(self.employee).write(LARGE_C)
        self.assertEqual(len(self.moves(supplier, "scale_class")), 1)
        self.assertEqual(self.moves(own, "scale_class").company_id, self.env.company)
        self.assertEqual(len(self.open_activities(self.enter_large, own)), 1)
        self.assertFalse(self.open_activities(other_rule, own))
        self.assertFalse(self.open_activities(self.enter_large, supplier))

    def test_periodic_rule_scoped_to_company_customers(self):
        other = self.env["res.company"].create({"name": "深圳分公司"})
        periodic = self.Rule.create(
            {
                "name": "Monthly medium",
                "class_key": "scale_class:medium",
                "trigger": "periodic",
            }
        )
        theirs = self.company(
            "外公司客户",
            industry_id=self.industry["C"].id,
            company_id=other.id,
            customer_rank=1,
            **MEDIUM_C,
        )
        supplier = self.company(
            "供应商", industry_id=self.industry["C"].id, supplier_rank=1, **MEDIUM_C
        )
        self.Rule._run_periodic(self.env.company)
        self.assertEqual(len(self.open_activities(periodic)), 1)
        self.assertFalse(self.open_activities(periodic, theirs))
        self.assertFalse(self.open_activities(periodic, supplier))

    def test_moves_in_the_pivot(self):
        self.customer.with_user(self.employee).write(
            {**LARGE_C, "state_id": self.state("BJ").id}
        )
        groups = self.History.with_user(self.segment_user)._read_group(
            [("partner_id", "=", self.customer.id)],
            ["dimension", "direction"],
            ["__count"],
        )
        self.assertEqual(
            sorted(groups), [("region_id", "moved", 1), ("scale_class", "up", 1)]
        )

    def test_other_company_user_sees_shared_moves(self):
        other = self.env["res.company"].create({"name": "深圳分公司"})
        user = new_test_user(
            self.env,
            login="segment_user_other",
            groups="base.group_user,partner_segment.partner_segment_group_user",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        self.customer.with_user(self.employee).write(LARGE_C)
        self.assertEqual(
            self.History.with_user(user)
            .search([("partner_id", "=", self.customer.id)])
            .mapped("new_value"),
            ["large"],
        )
