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
