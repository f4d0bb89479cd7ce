from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SegmentCase


@tagged("post_install", "-at_install")
class TestAccess(SegmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.company(
            industry_id=cls.industry["C"].id, employee_count=50, annual_revenue=5e6
        )

    def test_segment_user_cannot_edit_rules_or_regions(self):
        rule = self.env.ref("partner_segment.scale_rule_retail").with_user(
            self.segment_user
        )
        self.assertEqual(rule.employees_large, 300)
        with self.assertRaises(AccessError):
            rule.employees_large = 400
        region = self.region["south"].with_user(self.segment_user)
        with self.assertRaises(AccessError):
            region.name = "华南区"
        with self.assertRaises(AccessError):
            self.env["partner.region"].with_user(self.segment_user).create(
                {"name": "x", "code": "x"}
            )

    def test_manager_edits_rules_and_regions(self):
        rule = self.env.ref("partner_segment.scale_rule_retail").with_user(
            self.segment_manager
        )
        rule.employees_large = 400
        self.assertEqual(rule.employees_large, 400)
        self.region["south"].with_user(self.segment_manager).name = "华南区"
        self.assertEqual(self.region["south"].name, "华南区")

    def test_segment_user_cannot_lock_or_override(self):
        partner = self.partner.with_user(self.segment_user)
        with self.assertRaisesRegex(AccessError, "Only Customer Segments managers"):
            partner.write({"scale_class_locked": True, "scale_class": "large"})
        self.partner.with_user(self.segment_manager).write(
            {"scale_class_locked": True, "scale_class": "large"}
        )
        with self.assertRaises(AccessError):
            partner.scale_class = "micro"
        with self.assertRaises(AccessError):
            partner.scale_class_locked = False
        self.assertEqual(self.partner.scale_class, "large")

    def test_user_still_edits_inputs_of_a_partner(self):
        self.partner.with_user(self.segment_user).employee_count = 400
        self.assertEqual(self.partner.employee_count, 400)

    def test_plain_employee_creates_partners_that_get_classified(self):
        partner = (
            self.env["res.partner"]
            .with_user(self.employee)
            .create(
                {
                    "name": "普通员工建的客户",
                    "is_company": True,
                    "country_id": self.cn.id,
                    "state_id": self.state("GD").id,
                    "industry_id": self.industry["C"].id,
                    "employee_count": 30,
                    "annual_revenue": 4e6,
                }
            )
        )
        self.assertEqual(partner.scale_class, "small")
        self.assertEqual(partner.region_id, self.region["south"])

    def test_plain_employee_cannot_create_regions_or_lock(self):
        with self.assertRaises(AccessError):
            self.env["partner.region"].with_user(self.employee).create(
                {"name": "x", "code": "x"}
            )
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.employee).create(
                {"name": "y", "is_company": True, "region_id_locked": True}
            )
