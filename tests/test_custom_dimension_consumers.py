import base64
import io
from datetime import date, timedelta

import openpyxl

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import BaseCase, HttpCase, new_test_user, tagged

from ..engine import custom
from ..engine.behaviour import Aggregates
from .common import csv_bytes, html_tree, text_of
from .test_custom_dimension import CustomDimensionCase

KEY = "x_seg_amount_grade"


@tagged("post_install", "-at_install")
class TestCustomDimensionConsumers(CustomDimensionCase):
    """Overview, reports, import, template, views and companies of a
    user-defined dimension: its customers classified large, medium, small."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.amount = cls.dimension(
            "amount_grade",
            [("large", 10000), ("medium", 1000), ("small", 0)],
            measure="average_invoice_amount",
        )
        cls.engine._reclassify(cls.env.company, as_of=AS_OF_DAY)

    def test_overview_cards(self):
        rows = (
            self.env["partner.segment.overview"]
            .with_user(self.segment_user)
            .search([("company_id", "=", self.env.company.id), ("dimension", "=", KEY)])
        )
        counts = {r.class_key: r.customer_count for r in rows}
        self.assertEqual(
            {k: counts.get(k) for k in ("large", "medium", "small")},
            {"large": 1, "medium": 1, "small": 1},
        )
        large = rows.filtered(lambda r: r.class_key == "large")
        self.assertEqual(
            self.Partner.search(large.action_open_customers()["domain"]), self.jia
        )

    def test_distribution_report_section(self):
        html, _type = self.env(user=self.segment_user)[
            "ir.actions.report"
        ]._render_qweb_html(
            "partner_segment.report_segment_distribution",
            [],
            data={"company_ids": self.env.company.ids, "as_of": str(AS_OF_DAY)},
        )
        rows = html_tree(html).xpath(
            f"//table[@data-dimension='{KEY}']/tbody/tr[@data-class]"
        )
        found = {
            row.get("data-class"): int(
                text_of(row.xpath(".//*[contains(@class, 'o_count')]")[0])
            )
            for row in rows
        }
        self.assertEqual(
            {k: found[k] for k in ("large", "medium", "small")},
            {"large": 1, "medium": 1, "small": 1},
        )

    def test_partner_profile_line(self):
        html, _type = self.env(user=self.segment_user)[
            "ir.actions.report"
        ]._render_qweb_html("partner_segment.report_partner_profile", self.jia.ids)
        row = html_tree(html).xpath(f"//tr[@data-dimension='{KEY}']")
        self.assertTrue(row)
        self.assertIn("Large", text_of(row[0]))

    def test_list_and_search_views(self):
        Partner = self.Partner.with_user(self.segment_user)
        list_arch = Partner.get_view(
            self.env.ref("partner_segment.res_partner_segment_view_list").id, "list"
        )["arch"]
        self.assertIn(f'name="{KEY}"', list_arch)
        self.assertIn('optional="show"', list_arch)
        search_arch = Partner.get_view(
            self.env.ref("base.view_res_partner_filter").id, "search"
        )["arch"]
        self.assertIn(f"'group_by': '{KEY}'", search_arch)
        self.amount.with_user(self.segment_manager).action_archive()
        search_arch = Partner.get_view(
            self.env.ref("base.view_res_partner_filter").id, "search"
        )["arch"]
        self.assertNotIn(KEY, search_arch)

    def test_pivot_groups_in_class_order(self):
        groups = self.Partner.with_user(self.segment_user)._read_group(
            [("id", "in", self.customers.ids)], [KEY], ["__count"]
        )
        self.assertEqual(groups, [("large", 1), ("medium", 1), ("small", 1)])
        # "large" < "medium" < "small" alphabetically too: reverse the classes
        self.amount.class_ids.filtered(lambda c: c.code == "small").sequence = -1
        groups = self.Partner._read_group(
            [("id", "in", self.customers.ids)], [KEY], ["__count"]
        )
        self.assertEqual([g[0] for g in groups], ["small", "large", "medium"])

    def test_import_by_name_or_code(self):
        Import = self.env["partner.segment.import"].with_user(self.segment_manager)
        content = csv_bytes(
            ["客户名称", "客户编码", "Amount Grade"],
            ["导入一", "CD1", "Large"],
            ["导入二", "CD2", "small"],
        )
        wizard = Import.create(
            {"file": base64.b64encode(content), "filename": "grades.csv"}
        )
        wizard.action_import()
        self.assertFalse([e.message for e in wizard.error_ids])
        partners = self.Partner.search([("ref", "in", ["CD1", "CD2"])], order="ref")
        self.assertEqual(partners.mapped(KEY), ["large", "small"])
        self.assertTrue(all(partners.mapped(f"{KEY}_locked")))
        by_code = csv_bytes(
            ["客户名称", "客户编码", "amount_grade"], ["导入三", "CD3", "medium"]
        )
        wizard = Import.create({"file": base64.b64encode(by_code), "filename": "c.csv"})
        wizard.action_import()
        self.assertEqual(self.Partner.search([("ref", "=", "CD3")])[KEY], "medium")

    def test_template_column(self):
        wizard = (
            self.env["partner.segment.import"]
            .with_user(self.segment_manager)
            .create({})
        )
        wizard.action_download_template()
        sheet = openpyxl.load_workbook(
            io.BytesIO(base64.b64decode(wizard.template_file))
        ).active
        headers = [c.value for c in sheet[1]]
        self.assertEqual(headers[-1], "Amount Grade")
        validations = [v.formula1 for v in sheet.data_validations.dataValidation]
        self.assertIn('"Large,Medium,Small"', validations)

    def test_multi_company_isolation(self):
        other = self.env["res.company"].create({"name": "隔离公司"})
        outsider = self.segment_user.copy(
            {
                "login": "outsider",
                "company_id": other.id,
                "company_ids": [(6, 0, other.ids)],
            }
        )
        own = self.dimension(
            "mine", [("any", 0)], measure="revenue", company_id=self.env.company.id
        )
        Dimension = self.env["partner.segment.dimension"].with_user(outsider)
        self.assertNotIn(own, Dimension.search([]))
        with self.assertRaises(AccessError):
            own.with_user(outsider).read(["name"])
        self.engine._reclassify(other, as_of=AS_OF_DAY)
        self.assertFalse(self.jia.with_company(other)[KEY])
        self.assertEqual(self.jia[KEY], "large")
        self.assertEqual(self.jia.with_company(other)[own._field_key()], False)


AS_OF_DAY = date(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestCustomEngine(BaseCase):
    """Bands and Pareto shares alone."""

    def test_band_highest_bound_reached_wins_first_on_ties(self):
        bands = [("a", 100), ("b", 50), ("b2", 50), ("c", 0)]
        self.assertEqual(custom.band_class(150, bands), "a")
        self.assertEqual(custom.band_class(100, bands), "a")
        self.assertEqual(custom.band_class(60, bands), "b")
        self.assertEqual(custom.band_class(0, bands), "c")
        self.assertIsNone(custom.band_class(-1, bands))
        self.assertIsNone(custom.band_class(None, bands))
        # the order of the classes is not the order of their bounds
        self.assertEqual(custom.band_class(20, [("low", 0), ("high", 10)]), "high")

    def test_pareto_shares_as_the_value_tier(self):
        day = date(2026, 1, 1)
        aggregates = {
            1: Aggregates(revenue=50, invoice_count=1, first_date=day, last_date=day),
            2: Aggregates(revenue=30, invoice_count=1, first_date=day, last_date=day),
            3: Aggregates(revenue=20, invoice_count=1, first_date=day, last_date=day),
            4: Aggregates(revenue=0, invoice_count=0, first_date=day, last_date=day),
            5: Aggregates(),
        }
        self.assertEqual(
            custom.pareto_shares(aggregates), {1: 0.0, 2: 50.0, 3: 80.0, 4: 100.0}
        )


@tagged("post_install", "-at_install")
class TestCustomDimensionTour(HttpCase):
    def test_manager_defines_previews_reclassifies_groups(self):
        new_test_user(
            self.env,
            login="dimension_tour_manager",
            groups="base.group_user,base.group_partner_manager,"
            "partner_segment.partner_segment_group_manager",
        )
        customer = self.env["res.partner"].create(
            {"name": "巡检客户", "is_company": True}
        )
        today = fields.Date.context_today(customer)
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": today - timedelta(days=10),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "line",
                            "quantity": 1,
                            "price_unit": 5000,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        self.start_tour(
            "/odoo/action-partner_segment.partner_segment_dimension_action",
            "partner_segment_custom_dimension_tour",
            login="dimension_tour_manager",
            timeout=300,
        )
        dimension = self.env["partner.segment.dimension"].search(
            [("code", "=", "tour_amount")]
        )
        self.assertEqual(dimension._classes().mapped("code"), ["big", "small"])
        self.assertEqual(customer["x_seg_tour_amount"], "big")
