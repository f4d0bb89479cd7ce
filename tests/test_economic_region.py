from odoo.tests import Form, tagged

from .common import SegmentCase

ECONOMIC = {
    "econ_east": ["BJ", "TJ", "HE", "SH", "JS", "ZJ", "FJ", "SD", "GD", "HI"],
    "econ_central": ["SX", "AH", "JX", "HA", "HB", "HN"],
    "econ_west": [
        "NM",
        "GX",
        "CQ",
        "SC",
        "GZ",
        "YN",
        "XZ",
        "SN",
        "GS",
        "QH",
        "NX",
        "XJ",
    ],  # fmt: skip
    "econ_northeast": ["LN", "JL", "HL"],
}


@tagged("post_install", "-at_install")
class TestEconomicRegion(SegmentCase):
    """The statistics bureau's four economic regions, a second grouping."""

    def test_four_regions_of_31_provinces(self):
        regions = self.env["partner.region"].search([("grouping", "=", "economic")])
        self.assertEqual(sorted(regions.mapped("code")), sorted(ECONOMIC))
        for code, states in ECONOMIC.items():
            self.assertEqual(
                self.region[code].state_ids,
                self.env["res.country.state"].union(*map(self.state, states)),
            )
        self.assertEqual(len(regions.state_ids), 31)  # not HK, MO, TW

    def test_partner_gets_both_regions(self):
        codes = ["GD", "HN", "SN", "LN", "NM", "HK"]
        partners = self.Partner.with_user(self.segment_user).create(
            [
                {
                    "name": f"经济区 {code}",
                    "is_company": True,
                    "country_id": self.cn.id,
                    "state_id": self.state(code).id,
                }
                for code in codes
            ]
        )
        self.assertEqual(
            [(p.region_id.code, p.economic_region_id.code) for p in partners],
            [
                ("south", "econ_east"),
                ("central", "econ_central"),
                ("northwest", "econ_west"),
                ("northeast", "econ_northeast"),
                ("north", "econ_west"),  # 内蒙古: 华北, yet 西部
                ("south", False),
            ],
        )
        contact = self.Partner.create({"name": "联系人", "parent_id": partners[0].id})
        self.assertFalse(contact.economic_region_id)

    def test_region_dimension_never_takes_an_economic_region(self):
        partner = self.company(state_id=self.state("GD").id)
        self.assertEqual(partner.region_id.grouping, "geographic")
        self.assertEqual(
            self.env["partner.region"]._get_region_map()[0][self.state("GD").id],
            self.region["south"],
        )

    def test_moving_a_province_reclassifies(self):
        partner = self.company(state_id=self.state("GX").id)
        self.assertEqual(partner.economic_region_id, self.region["econ_west"])
        self.region["econ_east"].with_user(
            self.segment_manager
        ).state_ids |= self.state("GX")
        self.region["econ_west"].with_user(
            self.segment_manager
        ).state_ids -= self.state("GX")
        self.assertEqual(partner.economic_region_id, self.region["econ_east"])
        self.assertEqual(self.region["econ_east"].partner_count, 1)

    def test_company_chooses_the_grouping(self):
        Report = self.env["report.partner_segment.report_segment_distribution"]
        company = self.env.company
        self.assertEqual(company.segment_region_grouping, "geographic")
        dims = Report._get_report_dimensions(company)
        self.assertIn("region_id", dims)
        self.assertNotIn("economic_region_id", dims)
        with Form(self.env["res.config.settings"]) as f:
            f.segment_region_grouping = "both"
        self.assertEqual(company.segment_region_grouping, "both")
        dims = Report._get_report_dimensions(company)
        self.assertEqual(dims[2:4], ["region_id", "economic_region_id"])
        company.segment_region_grouping = "economic"
        self.assertNotIn("region_id", Report._get_report_dimensions(company))
        partner = self.company(state_id=self.state("GD").id)
        self.assertEqual(partner.segment_region_grouping, "economic")

    def test_report_filter_by_economic_region(self):
        Report = self.env["report.partner_segment.report_segment_distribution"]
        domain = Report._get_partner_domain(
            {
                "partner_ids": [],
                "user_ids": [],
                "industry_ids": [],
                "region_ids": [self.region["econ_east"].id, self.region["south"].id],
            }
        )
        self.assertEqual(
            domain,
            [
                ("region_id", "in", [self.region["south"].id]),
                ("economic_region_id", "in", [self.region["econ_east"].id]),
            ],
        )


@tagged("post_install", "-at_install")
class TestInstallRegions(SegmentCase):
    """At install, every existing partner gets its regions at once, without a
    chatter message per partner (models/install.py)."""

    def test_install_regions_of_existing_partners(self):
        guangdong = self.state("GD")
        partners = self.Partner.with_context(tracking_disable=False).create(
            [
                {
                    "name": f"安装前客户{i}",
                    "is_company": True,
                    "country_id": self.cn.id,
                    "state_id": guangdong.id,
                }
                for i in range(3)
            ]
        )
        # as the columns are when the addon's data starts loading
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET region_id = NULL, region_id_computed = NULL, "
            "economic_region_id = NULL WHERE id = ANY(%s)",
            [partners.ids],
        )
        self.env.invalidate_all()
        messages = self.env["mail.message"].search_count(
            [("model", "=", "res.partner"), ("res_id", "in", partners.ids)]
        )
        self.env["partner.region"]._segment_install_regions()
        self.env.flush_all()
        self.assertEqual(partners.mapped("region_id"), self.region["south"])
        self.assertEqual(
            partners.mapped("economic_region_id"), self.region["econ_east"]
        )
        self.assertEqual(
            self.env["mail.message"].search_count(
                [("model", "=", "res.partner"), ("res_id", "in", partners.ids)]
            ),
            messages,
        )


@tagged("post_install", "-at_install")
class TestEconomicRegionOverview(SegmentCase):
    """The overview shows the economic regions where the company's grouping
    includes them, the geographic ones where it includes those."""

    def test_overview_follows_the_company_grouping(self):
        partner = self.company("东部客户", state_id=self.state("ZJ").id)
        partner.segment_classified_on = "2026-06-30"
        overview = self.env["partner.segment.overview"].with_user(self.segment_user)

        def shown():
            self.env.invalidate_all()
            rows = overview.search([("company_id", "=", self.env.company.id)])
            return {
                (r.dimension, r.class_label)
                for r in rows
                if r.dimension in ("region_id", "economic_region_id")
            }

        east = self.region["econ_east"].display_name
        geographic = self.region["east"].display_name
        self.assertEqual(shown(), {("region_id", geographic)})
        self.env.company.segment_region_grouping = "both"
        self.assertEqual(
            shown(), {("region_id", geographic), ("economic_region_id", east)}
        )
        self.env.company.segment_region_grouping = "economic"
        self.assertEqual(shown(), {("economic_region_id", east)})
