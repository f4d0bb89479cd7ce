from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import AS_OF, SegmentReportCase, add_test_dimension, text_of


class DashboardMixin:
    def dashboard(self, user=None, dimension="value_tier", company=None):
        Dashboard = self.env["partner.segment.dashboard"].with_user(
            user or self.segment_user
        )
        if company:
            Dashboard = Dashboard.with_company(company)
        return Dashboard.get_dashboard_data(dimension, str(AS_OF))

    def assertOpens(self, entry, count, user=None, company=None):
        """The entry's domain opens ``count`` customers for the user."""
        Partner = self.env["res.partner"].with_user(user or self.segment_user)
        if company:
            Partner = Partner.with_company(company)
        self.assertEqual(Partner.search_count(entry["domain"]), count, entry)


@tagged("post_install", "-at_install")
class TestSegmentDashboard(DashboardMixin, SegmentReportCase):
    """The dashboard's data call on the report's ten customers (revenue a
    6,000 · b 2,000 · c 800 · d 500 · e 300 · f 200 · g 100 · h 60 · i 40)."""

    def test_figures_and_distribution(self):
        data = self.dashboard()
        self.assertEqual(data["dimension"], "value_tier")
        self.assertEqual(data["as_of"], str(AS_OF))
        self.assertEqual(data["figures"]["customers"], 10)
        self.assertEqual(data["figures"]["revenue"], 10000)
        self.assertEqual(data["figures"]["overdue"], 800)
        self.assertEqual(data["figures"]["open_receivable"], 900)
        self.assertTrue(data["figures"]["last_run"])
        self.assertIn("credit_grade", [d["key"] for d in data["dimensions"]])
        self.assertNotIn("quadrant", [d["key"] for d in data["dimensions"]])
        self.assertEqual(
            [
                (e["key"], e["customers"], e["revenue"], e["customer_share"])
                for e in data["distribution"]
            ],
            [
                ("high", 2, 8000, 20.0),
                ("medium", 3, 1600, 30.0),
                ("low", 5, 400, 50.0),
            ],
        )
        self.assertEqual(data["distribution"][0]["label"], "High Value")
        for entry in data["distribution"]:
            with self.subTest(entry=entry["key"]):
                self.assertOpens(entry, entry["customers"])

    def test_read_only_cursor_gives_the_same_figures(self):
        """The dashboard computes its source rows once into a temporary table;
        on a read-only cursor (which cannot create one) it reads them as a
        subquery, with the same figures."""
        for dimension in ("value_tier", "credit_grade"):
            with self.subTest(dimension=dimension):
                expected = self.dashboard(dimension=dimension)
                self.env.flush_all()
                self.registry.enter_test_mode(self.env.cr)
                try:
                    with self.registry.cursor(readonly=True) as cr:
                        self.assertTrue(cr.readonly)
                        data = (
                            self.env(cr=cr)["partner.segment.dashboard"]
                            .with_user(self.segment_user)
                            .get_dashboard_data(dimension, str(AS_OF))
                        )
                finally:
                    self.registry.leave_test_mode()
                self.assertEqual(data, expected)

    def test_distribution_of_other_dimensions_opens_the_same_customers(self):
        for dimension in ("credit_grade", "frequency_class", "region_id", "industry"):
            data = self.dashboard(dimension=dimension)
            entries = data["distribution"]
            self.assertEqual(sum(e["customers"] for e in entries), 10)
            for entry in entries:
                with self.subTest(dimension=dimension, entry=entry["key"]):
                    self.assertOpens(entry, entry["customers"])
        frequency = self.dashboard(dimension="frequency_class")["distribution"]
        self.assertEqual(
            {e["key"]: e["customers"] for e in frequency},
            {"high": 1, "medium": 1, "low": 7, "inactive": 1},
        )

    def test_pareto_curve(self):
        pareto = self.dashboard()["pareto"]
        self.assertEqual(pareto["customers"], 9)
        self.assertEqual(pareto["revenue"], 10000)
        self.assertEqual(pareto["top20_share"], 80.0)
        self.assertTrue(pareto["is_80_20"])
        points = pareto["points"]
        self.assertEqual(
            (points[0]["customer_share"], points[0]["revenue_share"]), (0.0, 0.0)
        )
        self.assertEqual(
            (points[-1]["customer_share"], points[-1]["revenue_share"]), (1.0, 1.0)
        )
        cumulated = [6000, 8000, 8800, 9300, 9600, 9800, 9900, 9960, 10000]
        self.assertEqual([p["revenue"] for p in points[1:]], cumulated)
        self.assertEqual([p["customers"] for p in points], list(range(10)))
        self.assertAlmostEqual(points[2]["customer_share"], 2 / 9)
        self.assertAlmostEqual(points[2]["revenue_share"], 0.8)
        # 80 % of the revenue is reached with the second customer of nine
        self.assertAlmostEqual(pareto["crossing_customer_share"], 2 / 9)
        self.assertIsNone(points[0]["domain"])
        for point in points[1:]:
            with self.subTest(customers=point["customers"]):
                self.assertOpens(point, point["customers"])

    def test_quadrants_and_exposure(self):
        data = self.dashboard()
        cells = {c["key"]: c for row in data["quadrants"] for c in row}
        self.assertEqual(
            [[c["key"] for c in row] for row in data["quadrants"]],
            [["old_big", "old_small"], ["new_big", "new_small"]],
        )
        self.assertEqual(
            {k: (c["customers"], c["revenue"]) for k, c in cells.items()},
            {
                "old_big": (1, 6000),
                "old_small": (1, 0),
                "new_big": (1, 2000),
                "new_small": (7, 2000),
            },
        )
        for cell in cells.values():
            self.assertOpens(cell, cell["customers"])
        exposure = {e["key"]: e for e in data["exposure"]}
        self.assertEqual(
            {
                k: (e["customers"], e["open_amount"], e["overdue_amount"])
                for k, e in exposure.items()
            },
            {
                "AAA": (2, 0, 0),
                "AA": (6, 100, 0),
                "A": (1, 500, 500),
                "B": (0, 0, 0),
                "C": (1, 300, 300),
            },
        )
        for entry in exposure.values():
            self.assertOpens(entry, entry["customers"])

    def test_moves_per_month(self):
        moves = self.dashboard()["moves"]
        self.assertEqual(len(moves), 12)
        self.assertEqual(moves[0]["month"], "2025-07-01")
        self.assertEqual(moves[-1]["month"], "2026-06-01")
        self.assertEqual(moves[-1]["label"], "2026-06")
        # a moved up, c down, ten days before AS_OF; b's move is 400 days old
        self.assertEqual(
            [(m["up"], m["down"]) for m in moves], [(0, 0)] * 11 + [(1, 1)]
        )
        self.assertOpens({"domain": moves[-1]["up_domain"]}, 1)
        self.assertEqual(
            self.Partner.with_user(self.segment_user).search(moves[-1]["up_domain"]),
            self.customers["a"],
        )
        self.assertEqual(
            self.Partner.with_user(self.segment_user).search(moves[-1]["down_domain"]),
            self.customers["c"],
        )
        self.assertOpens({"domain": moves[0]["up_domain"]}, 0)
        credit = self.dashboard(dimension="credit_grade")["moves"]
        self.assertEqual((credit[-1]["up"], credit[-1]["down"]), (0, 1))
        # the industry section has no history: no moves, nothing to open
        industry = self.dashboard(dimension="industry")["moves"]
        self.assertEqual(sum(m["up"] + m["down"] for m in industry), 0)
        self.assertIsNone(industry[-1]["up_domain"])

    def test_open_customers_action(self):
        entry = self.dashboard()["distribution"][0]
        action = (
            self.env["partner.segment.dashboard"]
            .with_user(self.segment_user)
            .action_open_customers("High Value", entry["domain"])
        )
        self.assertEqual(action["res_model"], "res.partner")
        self.assertEqual(action["domain"], entry["domain"])
        self.assertEqual(action["name"], "High Value")

    def test_rights_and_bad_input(self):
        with self.assertRaises(AccessError):
            self.dashboard(user=self.employee)
        with self.assertRaises(AccessError):
            self.env["partner.segment.dashboard"].with_user(
                self.employee
            ).action_open_customers("x", [])
        with self.assertRaisesRegex(UserError, "not_a_dimension"):
            self.dashboard(dimension="not_a_dimension")

    def test_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["partner_segment"], ["zh_CN"])
        data = (
            self.env["partner.segment.dashboard"]
            .with_user(self.segment_user)
            .with_context(lang="zh_CN")
            .get_dashboard_data("value_tier", str(AS_OF))
        )
        labels = {e["key"]: e["label"] for e in data["distribution"]}
        self.assertEqual(labels["high"], "高价值")
        dimension_labels = {d["key"]: d["label"] for d in data["dimensions"]}
        self.assertEqual(dimension_labels["credit_grade"], "信用等级")
        self.assertEqual(data["quadrants"][0][0]["label"], "老客户大客户")

    def test_as_of_moves_the_window_of_moves_and_receivables(self):
        data = (
            self.env["partner.segment.dashboard"]
            .with_user(self.segment_user)
            .get_dashboard_data("value_tier", str(AS_OF - timedelta(days=40)))
        )
        self.assertEqual(data["moves"][-1]["month"], "2026-05-01")
        self.assertEqual(sum(m["up"] + m["down"] for m in data["moves"]), 0)
        # e's invoice was due before, d's not yet
        self.assertEqual(data["figures"]["overdue"], 300)


@tagged("post_install", "-at_install")
class TestSegmentDashboardRules(DashboardMixin, SegmentReportCase):
    """A salesman restricted to his own customers (a, b, d), and companies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = cls.restricted_salesman("dashboard_salesman")
        cls.company_b = cls.env["res.company"].create({"name": "看板第二公司"})
        cls.segment_user.company_ids += cls.company_b

    def test_salesman_sees_his_customers_only(self):
        data = self.dashboard(user=self.salesman)
        self.assertEqual(data["figures"]["customers"], 3)
        self.assertEqual(data["figures"]["revenue"], 8500)
        self.assertEqual(data["figures"]["overdue"], 500)
        self.assertEqual(
            {e["key"]: (e["customers"], e["revenue"]) for e in data["distribution"]},
            {"high": (2, 8000), "medium": (1, 500), "low": (0, 0)},
        )
        for entry in data["distribution"]:
            self.assertOpens(entry, entry["customers"], user=self.salesman)
        self.assertEqual(data["pareto"]["customers"], 3)
        for point in data["pareto"]["points"][1:]:
            self.assertOpens(point, point["customers"], user=self.salesman)
        exposure = {e["key"]: e["customers"] for e in data["exposure"]}
        self.assertEqual(sum(exposure.values()), 3)
        # his moves: a's up, not c's down
        self.assertEqual((data["moves"][-1]["up"], data["moves"][-1]["down"]), (1, 0))
        self.assertOpens(
            {"domain": data["moves"][-1]["down_domain"]}, 0, user=self.salesman
        )

    def test_other_company_has_its_own_classification(self):
        data = self.dashboard(company=self.company_b)
        self.assertEqual(data["company"]["id"], self.company_b.id)
        self.assertEqual(data["figures"]["customers"], 0)
        self.assertEqual(sum(e["customers"] for e in data["distribution"]), 0)
        self.assertEqual(len(data["pareto"]["points"]), 1)
        self.assertEqual(sum(m["up"] + m["down"] for m in data["moves"]), 0)
        # the first company's classes do not open in the second
        first = self.dashboard()["distribution"][0]
        self.assertOpens(first, 0, company=self.company_b)
        self.assertOpens(first, 2)


@tagged("post_install", "-at_install")
class TestSegmentDashboardUserDimension(DashboardMixin, SegmentReportCase):
    """A user-defined, per-company dimension is charted like a built-in one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        add_test_dimension(
            cls.env,
            key="x_dash_dim",
            classes=(("gold", "Gold"), ("silver", "Silver")),
            per_company=True,
            case=cls,
            label="Loyalty",
            report_sequence=95,
        )
        c = cls.customers
        manager = cls.env["res.partner"].with_user(cls.segment_manager)
        manager.browse((c["a"] | c["b"]).ids).write({"x_dash_dim": "gold"})
        manager.browse(c["c"].ids).write({"x_dash_dim": "silver"})

    def test_user_dimension(self):
        data = self.dashboard(dimension="x_dash_dim")
        self.assertIn("x_dash_dim", [d["key"] for d in data["dimensions"]])
        self.assertEqual(
            [(e["key"], e["customers"], e["revenue"]) for e in data["distribution"]],
            [("gold", 2, 8000), ("silver", 1, 800), ("none", 7, 1200)],
        )
        for entry in data["distribution"]:
            self.assertOpens(entry, entry["customers"])
        # the manual classes are history: moved today, after AS_OF
        self.assertEqual(sum(m["up"] + m["down"] for m in data["moves"]), 0)


@tagged("post_install", "-at_install")
class TestSegmentDistributionCharts(SegmentReportCase):
    """The distribution report draws the Pareto curve and the bars in SVG."""

    def test_svg_pareto_curve_and_bars(self):
        tree = self.render_distribution(env=self.env(user=self.segment_user))
        (curve,) = tree.xpath("//svg[contains(@class, 'o_segment_svg_pareto')]")
        points = [
            tuple(float(v) for v in point.split(","))
            for point in curve.xpath(".//polyline")[0].get("points").split()
        ]
        # (0, 0) and nine customers: x from 48 to 608, y from 232 to 12
        self.assertEqual(len(points), 10)
        self.assertEqual(points[0], (48.0, 232.0))
        self.assertEqual(points[-1], (608.0, 12.0))
        self.assertEqual(points[1][1], round(12 + 220 * 0.4, 1))  # a: 60 %
        cut = curve.xpath(".//line[contains(@class, 'o_svg_cut')]")[0]
        self.assertEqual(float(cut.get("y1")), round(12 + 220 * 0.2, 1))
        crossing = curve.xpath(".//line[contains(@class, 'o_svg_crossing')]")[0]
        self.assertEqual(float(crossing.get("x1")), round(48 + 560 * 2 / 9, 1))
        self.assertIn("80 % of revenue", text_of(curve))
        (bars,) = tree.xpath("//svg[@data-dimension='value_tier']")
        widths = [
            (
                float(bar.get("width")),
                float(bar.getnext().get("width")),
            )
            for bar in bars.xpath(".//rect[contains(@class, 'o_svg_count_bar')]")
        ]
        # high 20 % / 80 %, medium 30 % / 16 %, low 50 % / 4 % of 420 px
        self.assertEqual(widths, [(84.0, 336.0), (126.0, 67.2), (210.0, 16.8)])
        self.assertIn("High Value", text_of(bars))

    def test_svg_charts_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["partner_segment"], ["zh_CN"])
        tree = self.render_distribution(env=self.env(context={"lang": "zh_CN"}))
        (curve,) = tree.xpath("//svg[contains(@class, 'o_segment_svg_pareto')]")
        self.assertIn("80 % 的收入", text_of(curve))
        (bars,) = tree.xpath("//svg[@data-dimension='value_tier']")
        self.assertIn("高价值", text_of(bars))
        self.assertIn("收入", text_of(bars))
