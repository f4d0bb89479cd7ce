from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import formatLang

from .common import AS_OF, SegmentReportCase, text_of

DIMENSIONS = (
    "scale_class",
    "industry",
    "region_id",
    "credit_grade",
    "value_tier",
    "frequency_class",
    "lifecycle",
    "rfm_class",
)


@tagged("post_install", "-at_install")
class TestSegmentReports(SegmentReportCase):
    def money(self, amount):
        return formatLang(self.env, amount)

    # ------------------------------------------------------------ distribution
    def test_distribution_header_and_value_tiers(self):
        tree = self.render_distribution()
        header = self.cells(
            tree.xpath("//table[contains(@class, 'o_segment_header')]")[0]
        )
        self.assertEqual(header["o_segment_customer_count"], "10")
        self.assertIn(self.money(10000), header["o_segment_revenue"])
        tiers = self.dimension_table(tree, "value_tier")
        self.assertEqual(list(tiers), ["high", "medium", "low"])
        expected = {
            # count, count share, revenue, revenue share
            "high": ("2", 20.0, 8000, 80.0),
            "medium": ("3", 30.0, 1600, 16.0),
            "low": ("5", 50.0, 400, 4.0),
        }
        for key, (count, count_share, revenue, revenue_share) in expected.items():
            with self.subTest(tier=key):
                row = tiers[key]
                self.assertEqual(row["o_count"], count)
                self.assertEqual(self.share(row["o_count_share"]), count_share)
                self.assertIn(self.money(revenue), row["o_revenue"])
                self.assertEqual(self.share(row["o_revenue_share"]), revenue_share)
        self.assertIn("High Value", text_of(tree))

    def test_distribution_every_dimension_adds_up(self):
        tree = self.render_distribution()
        for dimension in DIMENSIONS:
            with self.subTest(dimension=dimension):
                rows = self.dimension_table(tree, dimension)
                self.assertTrue(rows)
                self.assertEqual(sum(int(r["o_count"]) for r in rows.values()), 10)
                self.assertAlmostEqual(
                    sum(self.share(r["o_count_share"]) for r in rows.values()),
                    100.0,
                    delta=0.2,
                )
                self.assertAlmostEqual(
                    sum(self.share(r["o_revenue_share"]) for r in rows.values()),
                    100.0,
                    delta=0.2,
                )
        frequency = self.dimension_table(tree, "frequency_class")
        self.assertEqual(
            {k: r["o_count"] for k, r in frequency.items()},
            {"high": "1", "medium": "1", "low": "7", "inactive": "1"},
        )
        scale = self.dimension_table(tree, "scale_class")
        self.assertEqual(list(scale)[:4], ["large", "medium", "small", "micro"])

    def test_distribution_quadrant_pareto_credit(self):
        tree = self.render_distribution()
        quadrant = self.table_rows(
            tree, "//table[contains(@class, 'o_segment_quadrant')]"
        )
        cells = {
            cell.get("data-class"): self.cells(cell)
            for cell in tree.xpath(
                "//table[contains(@class, 'o_segment_quadrant')]//td"
            )
        }
        self.assertFalse(quadrant)  # cells, not rows, carry the classes
        self.assertEqual(
            {k: c["o_count"] for k, c in cells.items()},
            {"old_big": "1", "old_small": "1", "new_big": "1", "new_small": "7"},
        )
        self.assertIn(self.money(6000), cells["old_big"]["o_revenue"])
        self.assertIn(self.money(2000), cells["new_big"]["o_revenue"])

        pareto = self.table_rows(
            tree, "//table[contains(@class, 'o_segment_pareto')]", key="data-share"
        )
        # 9 customers with revenue: top 1, 2 and 5 of them
        self.assertEqual(
            {
                k: (r["o_count"], self.share(r["o_revenue_share"]))
                for k, r in pareto.items()
            },
            {"10": ("1", 60.0), "20": ("2", 80.0), "50": ("5", 96.0)},
        )
        verdict = text_of(tree.xpath("//p[@class='o_segment_pareto_verdict']")[0])
        self.assertIn("80/20 rule holds", verdict)

        credit = self.table_rows(tree, "//table[contains(@class, 'o_segment_credit')]")
        self.assertEqual(
            {k: r["o_count"] for k, r in credit.items()},
            {"AAA": "2", "AA": "6", "A": "1", "B": "0", "C": "1"},
        )
        self.assertIn(self.money(500), credit["A"]["o_open"])
        self.assertIn(self.money(500), credit["A"]["o_overdue"])
        self.assertIn(self.money(300), credit["C"]["o_overdue"])
        self.assertIn(self.money(100), credit["AA"]["o_open"])
        self.assertIn(self.money(0), credit["AA"]["o_overdue"])
        total = self.cells(tree.xpath("//tr[contains(@class, 'o_total')]")[0])
        self.assertIn(self.money(900), total["o_open"])
        self.assertIn(self.money(800), total["o_overdue"])

    def test_distribution_movements_in_the_period(self):
        tree = self.render_distribution()
        movements = self.table_rows(
            tree,
            "//table[contains(@class, 'o_segment_movements')]",
            key="data-dimension",
        )
        self.assertEqual(
            (movements["value_tier"]["o_up"], movements["value_tier"]["o_down"]),
            ("1", "1"),
        )
        self.assertEqual(movements["credit_grade"]["o_down"], "1")
        self.assertEqual(movements["frequency_class"]["o_customers"], "0")
        # a period reaching the old change counts it too
        tree = self.render_distribution(date_from=str(AS_OF - timedelta(days=500)))
        movements = self.table_rows(
            tree,
            "//table[contains(@class, 'o_segment_movements')]",
            key="data-dimension",
        )
        self.assertEqual(movements["value_tier"]["o_up"], "2")

    def test_distribution_movements_of_scale_and_region(self):
        customer = self.customers["a"].with_user(self.employee)
        today = fields.Date.context_today(customer)

        def movements():
            tree = self.render_distribution(
                as_of=str(today), date_from=str(today - timedelta(days=1))
            )
            rows = self.table_rows(
                tree,
                "//table[contains(@class, 'o_segment_movements')]",
                key="data-dimension",
            )
            return {
                (dimension, cell): int(rows[dimension][cell])
                for dimension in ("scale_class", "region_id")
                for cell in ("o_up", "o_customers", "o_changes")
            }

        before = movements()
        customer.write({"employee_count": 500, "annual_revenue": 50_000_000})
        customer.write({"employee_count": 1500, "annual_revenue": 500_000_000})
        customer.state_id = self.state("BJ")
        after = movements()
        self.assertEqual(
            {
                key: after[key] - before[key]
                for key in after
                if after[key] != before[key]
            },
            {
                ("scale_class", "o_up"): 1,
                ("scale_class", "o_customers"): 1,
                ("scale_class", "o_changes"): 2,  # classified, then up
                ("region_id", "o_changes"): 1,  # already moved in the set-up
            },
        )

    def test_distribution_from_the_wizard_with_filters(self):
        wizard = Form(self.env["partner.segment.report"].with_user(self.segment_user))
        wizard.as_of = AS_OF
        self.assertEqual(wizard.date_from, AS_OF - timedelta(days=365))
        wizard.region_ids.add(self.region["south"])
        action = wizard.save().action_print()
        self.assertEqual(
            action["report_name"], "partner_segment.report_segment_distribution"
        )
        tree = self.render_distribution(**action["data"])
        header = self.cells(
            tree.xpath("//table[contains(@class, 'o_segment_header')]")[0]
        )
        self.assertEqual(header["o_segment_customer_count"], "2")
        self.assertIn(self.money(8000), header["o_segment_revenue"])
        tiers = self.dimension_table(tree, "value_tier")
        self.assertEqual(self.share(tiers["high"]["o_count_share"]), 100.0)

    def test_distribution_of_selected_customers(self):
        selected = self.customers["a"] | self.customers["b"] | self.customers["c"]
        tree = self.render(
            "partner_segment.report_segment_distribution",
            selected.ids,
            env=self.env(user=self.segment_user),
        )
        header = self.cells(
            tree.xpath("//table[contains(@class, 'o_segment_header')]")[0]
        )
        self.assertEqual(header["o_segment_customer_count"], "3")
        self.assertIn(self.money(8800), header["o_segment_revenue"])

    def test_distribution_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["partner_segment"], ["zh_CN"])
        tree = self.render_distribution(env=self.env(context={"lang": "zh_CN"}))
        text = text_of(tree)
        for label in ("客户价值", "信用等级", "大型", "高价值", "高频", "客户规模"):
            self.assertIn(label, text)
        self.assertNotIn("High Value", text)
        tiers = self.dimension_table(tree, "value_tier")
        self.assertEqual(
            {k: r["o_count"] for k, r in tiers.items()},
            {"high": "2", "medium": "3", "low": "5"},
        )
        self.assertEqual(self.share(tiers["high"]["o_revenue_share"]), 80.0)

    # ------------------------------------------------------------ profile
    def test_profile(self):
        a, e = self.customers["a"], self.customers["e"]
        a.with_user(self.segment_manager).value_tier = "medium"  # locks it
        tree = self.render(
            "partner_segment.report_partner_profile",
            (a | e).ids,
            env=self.env(user=self.segment_user),
        )
        pages = tree.xpath("//div[@data-partner]")
        self.assertEqual([int(p.get("data-partner")) for p in pages], [a.id, e.id])
        page_a, page_e = pages
        classes = self.table_rows(page_a, ".//table", key="data-dimension")
        self.assertEqual(classes["value_tier"]["o_effective"], "Medium Value")
        self.assertEqual(classes["value_tier"]["o_computed"], "High Value")
        self.assertEqual(classes["value_tier"]["o_locked"], "Locked")
        self.assertEqual(classes["frequency_class"]["o_effective"], "High Frequency")
        self.assertEqual(classes["frequency_class"]["o_locked"], "-")
        self.assertEqual(classes["region_id"]["o_effective"], self.region["south"].name)
        aggregates = self.cells(
            page_a.xpath(".//table[contains(@class, 'o_segment_aggregates')]")[0]
        )
        self.assertIn(self.money(6000), aggregates["o_revenue"])
        self.assertEqual(aggregates["o_invoice_count"], "12")
        self.assertEqual(aggregates["o_credit_limit"], "-")  # no invoicing rights
        changes = page_a.xpath(
            ".//table[contains(@class, 'o_segment_changes')]/tbody/tr"
        )
        # the override, the province set up (its region move), the logged move
        self.assertEqual(len(changes), 3)
        self.assertIn("Manual Override", text_of(changes[0]))
        self.assertIn("Customer Data Edited", text_of(changes[1]))
        aggregates_e = self.cells(
            page_e.xpath(".//table[contains(@class, 'o_segment_aggregates')]")[0]
        )
        self.assertIn(self.money(300), aggregates_e["o_open"])
        self.assertIn(self.money(300), aggregates_e["o_overdue"])
        self.assertEqual(aggregates_e["o_overdue_days"], "120")
        self.assertEqual(
            self.table_rows(page_e, ".//table", key="data-dimension")["credit_grade"][
                "o_effective"
            ],
            "C",
        )

    def test_profile_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["partner_segment"], ["zh_CN"])
        tree = self.render(
            "partner_segment.report_partner_profile",
            self.customers["a"].ids,
            env=self.env(context={"lang": "zh_CN"}),
        )
        text = text_of(tree)
        for label in ("客户价值", "信用等级", "高价值", "华南"):
            self.assertIn(label, text)

    def test_reports_need_segment_rights(self):
        with self.assertRaises(AccessError):
            self.render_distribution(env=self.env(user=self.employee))
        with self.assertRaises(AccessError):
            self.render(
                "partner_segment.report_partner_profile",
                self.customers["a"].ids,
                env=self.env(user=self.employee),
            )

    def test_overview_counts_and_opens_customers(self):
        Overview = self.env["partner.segment.overview"].with_user(self.segment_user)
        rows = Overview.search(
            [("company_id", "=", self.env.company.id), ("dimension", "=", "value_tier")]
        )
        self.assertEqual(
            {r.class_key: (r.customer_count, r.revenue) for r in rows},
            {"high": (2, 8000), "medium": (3, 1600), "low": (5, 400)},
        )
        high = rows.filtered(lambda r: r.class_key == "high")
        self.assertEqual(high.class_label, "High Value")
        action = high.action_open_customers()
        # the breadcrumb (display name) names the card
        self.assertEqual(action["display_name"], "Value Tier: High Value")
        customers = self.env["res.partner"].search(action["domain"])
        self.assertEqual(customers, self.customers["a"] | self.customers["b"])
        industry = Overview.search(
            [("company_id", "=", self.env.company.id), ("dimension", "=", "industry")]
        )
        manufacturing = industry.filtered(lambda r: r.class_key)
        self.assertEqual(manufacturing.class_label, self.industry["C"].display_name)
        self.assertEqual(
            self.env["res.partner"].search(
                manufacturing.action_open_customers()["domain"]
            ),
            self.customers["a"],
        )
        self.assertEqual(sum(industry.mapped("customer_count")), 10)

    def test_overview_columns_follow_the_dimensions(self):
        groups = (
            self.env["partner.segment.overview"]
            .with_user(self.segment_user)
            .web_read_group(
                [("company_id", "=", self.env.company.id)], ["id:count"], ["dimension"]
            )["groups"]
        )
        order = [
            "value_tier",
            "frequency_class",
            "quadrant",
            "credit_grade",
            "rfm_class",
            "lifecycle",
            "scale_class",
            "region_id",
            "industry",
        ]
        dimensions = [g["dimension"] for g in groups]
        self.assertEqual(dimensions, sorted(dimensions, key=order.index))
        self.assertEqual(dimensions[:2], ["value_tier", "frequency_class"])
        self.assertIn("industry", dimensions)

    def test_overview_counts_are_pluralised(self):
        Overview = self.env["partner.segment.overview"].with_user(self.segment_user)
        rows = Overview.search(
            [("company_id", "=", self.env.company.id), ("dimension", "=", "industry")]
        )
        one = rows.filtered(lambda r: r.customer_count == 1)
        many = rows.filtered(lambda r: r.customer_count == 9)
        self.assertEqual(one.customer_count_label, "1 customer")
        self.assertEqual(many.customer_count_label, "9 customers")
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["partner_segment"], ["zh_CN"])
        rows = rows.with_context(lang="zh_CN")
        self.assertEqual(
            rows.filtered(lambda r: r.customer_count == 1).customer_count_label,
            "1 个客户",
        )
        self.assertEqual(
            rows.filtered(lambda r: r.customer_count == 9).customer_count_label,
            "9 个客户",
        )


@tagged("post_install", "-at_install")
class TestSegmentReportAccess(SegmentReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.segment_invoicing_user = new_test_user(
            cls.env,
            login="segment_invoicing_user",
            groups="base.group_user,account.group_account_invoice,"
            "partner_segment.partner_segment_group_user",
        )

    def test_register_needs_invoicing_rights(self):
        data = {"company_ids": self.env.company.ids}
        with self.assertRaises(AccessError):
            self.render(
                "partner_segment.report_red_invoice_register",
                [],
                data=data,
                env=self.env(user=self.segment_user),
            )
        tree = self.render(
            "partner_segment.report_red_invoice_register",
            [],
            data=data,
            env=self.env(user=self.segment_invoicing_user),
        )
        self.assertEqual(text_of(tree.xpath("//span[@class='o_red_count']")[0]), "0")
