from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestImportTour(HttpCase):
    def test_import_in_the_browser(self):
        new_test_user(
            self.env,
            login="import_tour_manager",
            password="import_tour_manager",
            groups="base.group_user,base.group_partner_manager,"
            "partner_segment.partner_segment_group_manager",
        )
        self.env.company.country_id = self.env.ref("base.cn")
        self.start_tour(
            "/odoo/contacts", "partner_segment_import_tour", login="import_tour_manager"
        )
        partners = self.env["res.partner"].search(
            [("ref", "in", ["TOUR1", "TOUR2"])], order="ref"
        )
        self.assertEqual(
            partners.mapped("name"), ["浏览器导入一公司", "浏览器导入二公司"]
        )
        self.assertEqual(partners.mapped("scale_class"), ["large", "small"])
        self.assertTrue(all(partners.mapped("scale_class_locked")))

    def test_mapping_in_the_browser(self):
        """Two unknown columns mapped by hand; the next file maps itself."""
        new_test_user(
            self.env,
            login="import_mapping_manager",
            password="import_mapping_manager",
            groups="base.group_user,base.group_partner_manager,"
            "partner_segment.partner_segment_group_manager",
        )
        self.env.company.country_id = self.env.ref("base.cn")
        self.start_tour(
            "/odoo/contacts",
            "partner_segment_import_mapping_tour",
            login="import_mapping_manager",
        )
        partners = self.env["res.partner"].search(
            [("ref", "in", ["TOURM1", "TOURM2"])], order="ref"
        )
        self.assertEqual(partners.mapped("email"), ["m1@example.cn", "m2@example.cn"])
        self.assertEqual(partners.mapped("mobile"), ["13700000001", "13700000002"])
        remembered = self.env["partner.segment.import.mapping"].search([])
        self.assertEqual(
            {(r.header, r.column_key) for r in remembered},
            {("往来单位电邮", "email"), ("对接人手机", "mobile")},
        )
