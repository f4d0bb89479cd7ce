from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import SegmentCase


@tagged("post_install", "-at_install")
class TestSecondaryIndustry(SegmentCase):
    """跨行业经营: secondary industries, searchable; scale from the main one."""

    def test_secondary_industries_searchable_scale_from_main(self):
        form = Form(self.Partner.with_user(self.segment_user))
        form.company_type = "company"
        form.name = "跨行业公司"
        form.industry_id = self.industry["C"]
        form.secondary_industry_ids.add(self.industry["G59"])
        form.secondary_industry_ids.add(self.industry["F52"])
        form.employee_count = 400
        form.annual_revenue = 5e7  # 工业: medium; 零售业 would say large
        partner = form.save()
        self.assertEqual(
            partner.secondary_industry_ids, self.industry["G59"] | self.industry["F52"]
        )
        self.assertEqual(partner.scale_class, "medium")
        Partner = self.Partner.with_user(self.segment_user)
        # a search on any industry finds it by a secondary one, down the tree
        found = Partner.search(
            [
                "|",
                ("industry_id", "child_of", self.industry["G"].id),
                ("secondary_industry_ids", "child_of", self.industry["G"].id),
            ]
        )
        self.assertIn(partner, found)
        self.assertNotIn(
            partner,
            Partner.search([("industry_id", "child_of", self.industry["G"].id)]),
        )

    def test_main_industry_is_not_secondary(self):
        with self.assertRaisesRegex(ValidationError, "重复行业公司.*main industry"):
            self.company(
                name="重复行业公司",
                industry_id=self.industry["C"].id,
                secondary_industry_ids=[self.industry["C"].id],
            )
