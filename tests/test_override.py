from odoo.tests import Form, tagged

from .common import SegmentCase


@tagged("post_install", "-at_install")
class TestOverride(SegmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.company(
            industry_id=cls.industry["C"].id,
            employee_count=50,
            annual_revenue=5e6,
            state_id=cls.state("GD").id,
        )

    def test_lock_survives_recomputation(self):
        self.assertEqual(self.partner.scale_class, "small")
        self.partner.write({"scale_class_locked": True, "scale_class": "large"})
        self.partner.write({"employee_count": 400, "annual_revenue": 3e7})
        self.assertEqual(self.partner.scale_class_computed, "medium")
        self.assertEqual(self.partner.scale_class, "large")
        self.partner._segment_recompute(["scale_class"])
        self.assertEqual(self.partner.scale_class, "large")

    def test_lock_without_value_keeps_the_current_one(self):
        self.partner.scale_class_locked = True
        self.assertEqual(self.partner.scale_class_manual, "small")
        self.partner.write({"employee_count": 400, "annual_revenue": 3e7})
        self.assertEqual(self.partner.scale_class, "small")
        self.assertEqual(self.partner.scale_class_computed, "medium")

    def test_writing_a_value_locks_it(self):
        self.partner.region_id = self.region["north"]
        self.assertTrue(self.partner.region_id_locked)
        self.assertEqual(self.partner.region_id_manual, self.region["north"])

    def test_unlock_restores_the_computed_value(self):
        self.partner.write({"scale_class_locked": True, "scale_class": "large"})
        self.partner.scale_class_locked = False
        self.assertEqual(self.partner.scale_class, "small")

    def test_region_lock_survives_a_move(self):
        self.partner.write(
            {"region_id_locked": True, "region_id": self.region["east"].id}
        )
        self.partner.state_id = self.state("XJ")
        self.assertEqual(self.partner.region_id_computed, self.region["northwest"])
        self.assertEqual(self.partner.region_id, self.region["east"])

    def test_filter_finds_overrides_that_differ(self):
        Partner = self.Partner
        same = self.company(
            industry_id=self.industry["C"].id, employee_count=50, annual_revenue=5e6
        )
        same.write({"scale_class_locked": True})
        self.partner.write({"scale_class_locked": True, "scale_class": "large"})
        found = Partner.search([("segment_override_differs", "=", True)])
        self.assertIn(self.partner, found)
        self.assertNotIn(same, found)
        self.assertTrue(self.partner.segment_override_differs)
        self.assertFalse(same.segment_override_differs)
        self.assertIn(same, Partner.search([("segment_override_differs", "=", False)]))

    def test_manager_overrides_through_the_form(self):
        with Form(self.partner.with_user(self.segment_manager)) as form:
            form.scale_class_locked = True
            form.scale_class = "micro"
        self.assertEqual(self.partner.scale_class, "micro")
        self.assertTrue(self.partner.scale_class_locked)
        self.assertEqual(self.partner.scale_class_computed, "small")

    def test_lock_is_tracked_in_chatter(self):
        partner = self.partner.with_context(tracking_disable=False)
        # as if the partner had been created in an earlier transaction
        self.env.cr.precommit.data.pop("mail.tracking.res.partner", None)
        partner.write({"scale_class_locked": True, "scale_class": "large"})
        partner.flush_recordset()
        self.env.cr.precommit.run()
        tracked = partner.message_ids.tracking_value_ids.mapped("field_id.name")
        self.assertIn("scale_class_locked", tracked)
        self.assertIn("scale_class", tracked)
        self.assertNotIn("commercial_scale_class", tracked)
