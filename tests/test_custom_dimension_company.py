import base64
import io

import openpyxl

from odoo.tests import tagged

from ..importer import specs
from .common import AS_OF, csv_bytes, html_tree
from .test_custom_dimension import CustomDimensionCase

OWN = "x_seg_amount_grade"
SHARED = "x_seg_shared_grade"


@tagged("post_install", "-at_install")
class TestCustomDimensionCompanies(CustomDimensionCase):
    """A dimension of one company is shown to the users of that company only;
    a shared one everywhere.  The segment user may work in both companies and
    switches between them (the web client's allowed companies)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.main = cls.env.company
        cls.branch = cls.env["res.company"].create(
            {"name": "分公司", "country_id": cls.cn.id}
        )
        for user in (cls.segment_user, cls.segment_manager):
            user.company_ids |= cls.branch
        cls.own = cls.dimension(
            "amount_grade",
            [("large", 10000), ("medium", 1000), ("small", 0)],
            measure="average_invoice_amount",
            company_id=cls.main.id,
        )
        cls.shared = cls.dimension("shared_grade", [("any", 0)], measure="revenue")
        cls.engine._reclassify(cls.main, as_of=AS_OF)
        # classified in the branch too (it has no invoices: its run is faked)
        cls.customers.with_company(cls.branch).write({"segment_classified_on": AS_OF})

    def env_in(self, *companies, user=None):
        """The segment user's environment with ``companies`` selected (the
        first is the current one), as the company switcher sets it."""
        return self.env(
            user=user or self.segment_user,
            context=dict(
                self.env.context, allowed_company_ids=[c.id for c in companies]
            ),
        )

    # ------------------------------------------------------------ overview
    def overview(self, env):
        rows = env["partner.segment.overview"].search(
            [("dimension", "in", [OWN, SHARED])]
        )
        return {(r.company_id, r.dimension) for r in rows}

    def test_overview_cards(self):
        self.assertEqual(
            self.overview(self.env_in(self.main)),
            {(self.main, OWN), (self.main, SHARED)},
        )
        self.assertEqual(
            self.overview(self.env_in(self.branch)), {(self.branch, SHARED)}
        )
        # both companies selected: each company's cards
        self.assertEqual(
            self.overview(self.env_in(self.branch, self.main)),
            {(self.main, OWN), (self.main, SHARED), (self.branch, SHARED)},
        )

    # ------------------------------------------------------------ reports
    def distribution_tables(self, company):
        html, _type = self.env_in(company)["ir.actions.report"]._render_qweb_html(
            "partner_segment.report_segment_distribution",
            [],
            data={"company_ids": company.ids, "as_of": str(AS_OF)},
        )
        return {
            table.get("data-dimension")
            for table in html_tree(html).xpath("//table[@data-dimension]")
        }

    def test_distribution_report_sections(self):
        main = self.distribution_tables(self.main)
        self.assertIn(OWN, main)
        self.assertIn(SHARED, main)
        branch = self.distribution_tables(self.branch)
        self.assertNotIn(OWN, branch)
        self.assertIn(SHARED, branch)
        self.assertIn("value_tier", branch)

    def profile_lines(self, company):
        html, _type = self.env_in(company)["ir.actions.report"]._render_qweb_html(
            "partner_segment.report_partner_profile", self.jia.ids
        )
        return {
            row.get("data-dimension")
            for row in html_tree(html).xpath("//tr[@data-dimension]")
        }

    def test_partner_profile_lines(self):
        main = self.profile_lines(self.main)
        self.assertTrue({OWN, SHARED, "credit_grade"} <= main)
        branch = self.profile_lines(self.branch)
        self.assertNotIn(OWN, branch)
        self.assertTrue({SHARED, "credit_grade"} <= branch)

    # ------------------------------------------------------------ import
    def template_headers(self, company):
        wizard = self.env_in(company, user=self.segment_manager)[
            "partner.segment.import"
        ].create({})
        wizard.action_download_template()
        sheet = openpyxl.load_workbook(
            io.BytesIO(base64.b64decode(wizard.template_file))
        ).active
        return [c.value for c in sheet[1]]

    def test_import_template_columns(self):
        self.assertIn("Amount Grade", self.template_headers(self.main))
        self.assertIn("Shared Grade", self.template_headers(self.main))
        branch = self.template_headers(self.branch)
        self.assertNotIn("Amount Grade", branch)
        self.assertIn("Shared Grade", branch)
        # the registry's company, read by the plain-Python import specification
        keys = [c.key for c in specs.customer_columns(self.branch.id)]
        self.assertNotIn(OWN, keys)
        self.assertIn(SHARED, keys)
        self.assertIn(OWN, [c.key for c in specs.customer_columns(self.main.id)])

    def test_import_column_of_another_company_is_unknown(self):
        Import = self.env_in(self.branch, user=self.segment_manager)[
            "partner.segment.import"
        ]
        content = csv_bytes(
            ["客户名称", "客户编码", "Amount Grade", "Shared Grade"],
            ["分公司客户", "BR1", "Large", "any"],
        )
        wizard = Import.create(
            {"file": base64.b64encode(content), "filename": "branch.csv"}
        )
        wizard.action_import()
        self.assertFalse([e.message for e in wizard.error_ids])
        self.assertEqual(wizard.unknown_columns, "Amount Grade")
        partner = self.Partner.search([("ref", "=", "BR1")])
        self.assertEqual(partner.with_company(self.branch)[SHARED], "any")
        self.assertFalse(partner.with_company(self.branch)[OWN])
        self.assertFalse(partner.with_company(self.main)[OWN])

    # ------------------------------------------------------------ views
    def views(self, company):
        Partner = self.env_in(company)["res.partner"]
        list_arch = Partner.get_view(
            self.env.ref("partner_segment.res_partner_segment_view_list").id, "list"
        )["arch"]
        search_arch = Partner.get_view(
            self.env.ref("base.view_res_partner_filter").id, "search"
        )["arch"]
        return list_arch, search_arch

    def test_list_and_search_views(self):
        list_arch, search_arch = self.views(self.main)
        for key in (OWN, SHARED):
            self.assertIn(f'name="{key}"', list_arch)
            self.assertIn(f'name="group_{key}"', search_arch)
            self.assertIn(f'<field name="{key}"', search_arch)
        list_arch, search_arch = self.views(self.branch)
        self.assertNotIn(OWN, list_arch)
        self.assertNotIn(OWN, search_arch)
        self.assertIn(f'name="{SHARED}"', list_arch)
        self.assertIn(f'name="group_{SHARED}"', search_arch)
        # back in the first company (the views are cached per company)
        list_arch, _search_arch = self.views(self.main)
        self.assertIn(f'name="{OWN}"', list_arch)

    def test_views_follow_a_change_of_company(self):
        self.assertIn(OWN, self.views(self.main)[0])
        self.own.with_user(self.segment_manager).company_id = self.branch
        self.assertNotIn(OWN, self.views(self.main)[0])
        self.assertIn(OWN, self.views(self.branch)[0])
        self.assertNotIn(OWN, [c.key for c in specs.customer_columns(self.main.id)])
