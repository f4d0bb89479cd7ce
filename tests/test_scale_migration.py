import importlib.util
import os

from odoo.tests import tagged

from .common import SegmentCase

MIGRATION = os.path.join(
    os.path.dirname(os.path.dirname(__file__)),
    "migrations",
    "18.0.1.1.0",
    "post-migration.py",
)


def load_migration():
    spec = importlib.util.spec_from_file_location("post_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestScaleMigration(SegmentCase):
    """An upgraded database gets the corrected scope and names of the rules."""

    def test_upgrade_brings_the_scope_and_names(self):
        rule = {
            name: self.env.ref(f"partner_segment.scale_rule_{name}")
            for name in ("transport", "other", "accommodation", "industry")
        }
        # as the previous version left them (noupdate data)
        rule["transport"].industry_ids = self.industry["G"]
        rule["other"].industry_ids |= self.industry["K"] | self.industry["Q"]
        rule["accommodation"].industry_ids |= self.industry["H62"]
        rule["industry"].name = "Industry"
        # a partner tagged only G, which the old rule classified
        rail = self.company(
            industry_id=self.industry["G"].id, employee_count=500, annual_revenue=5e7
        )
        self.assertEqual(rail.scale_class, "medium")
        # a user's own addition stays
        rule["other"].industry_ids |= self.industry["P"]

        load_migration().migrate(self.env.cr, "18.0.1.0.0")

        self.assertEqual(
            sorted(rule["transport"].industry_ids.mapped("code")),
            ["G54", "G55", "G56", "G57", "G58", "G591"],
        )
        self.assertEqual(
            sorted(rule["other"].industry_ids.mapped("code")),
            ["K703", "K709", "M", "N", "O", "P", "Q85", "R"],
        )
        self.assertNotIn(self.industry["H62"], rule["accommodation"].industry_ids)
        self.assertEqual(
            rule["industry"].with_context(lang="en_US").name, "Industrial sector"
        )
        self.assertFalse(rail.scale_class)
