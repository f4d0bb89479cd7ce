from odoo.tests import tagged

from ..hooks import post_init_hook
from .common import SegmentCase


@tagged("post_install", "-at_install")
class TestIndustry(SegmentCase):
    def test_gbt_sections_and_classes(self):
        sections = self.env["res.partner.industry"].search(
            [("code", "!=", False), ("parent_id", "=", False)]
        )
        self.assertEqual(sorted(sections.mapped("code")), list("ABCDEFGHIJKLMNOPQRST"))
        self.assertEqual(self.industry["F52"].parent_id, self.industry["F"])
        self.assertEqual(self.industry["F52"].display_name, "F52 Retail")

    def test_nace_industries_are_archived_no_duplicate_names(self):
        nace = self.env.ref("base.res_partner_industry_C")
        self.assertFalse(nace.active)
        names = self.env["res.partner.industry"].search([]).mapped("name")
        self.assertEqual(names.count("Manufacturing"), 1)

    def test_hook_moves_partners_from_nace_to_gbt(self):
        construction = self.env.ref("base.res_partner_industry_F")  # NACE F
        partner = self.company(industry_id=construction.id)
        post_init_hook(self.env)
        self.assertEqual(partner.industry_id, self.industry["E"])

    def test_search_by_code(self):
        found = self.env["res.partner.industry"].name_search("F52")
        self.assertEqual(found[0][0], self.industry["F52"].id)
