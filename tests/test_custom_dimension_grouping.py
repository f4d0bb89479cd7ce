from odoo.tests import tagged

from .common import AS_OF
from .test_custom_dimension import CustomDimensionCase

KEY = "x_seg_amount_grade"


@tagged("post_install", "-at_install")
class TestCustomDimensionGrouping(CustomDimensionCase):
    """The customers grouped by a user dimension as the web client asks for
    them, as a segment user: averages 20,000 / 5,000 / 500 make 甲 large,
    乙 medium, 丙 small."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.amount = cls.dimension(
            "amount_grade",
            [("small", 0), ("large", 10000), ("medium", 1000)],
            measure="average_invoice_amount",
        )
        cls.engine._reclassify(cls.env.company, as_of=AS_OF)

    def partners(self):
        return self.Partner.with_user(self.segment_user)

    def domain(self):
        return [("id", "in", self.customers.ids)]

    def kanban(self):
        """[(class, count)] of the kanban's columns (``web_read_group``)."""
        result = self.partners().web_read_group(
            self.domain(), ["display_name"], [KEY], lazy=True
        )
        return [(g[KEY], g[f"{KEY}_count"]) for g in result["groups"]]

    def graph(self):
        """[(class, count)] of the graph's bars (``read_group`` not lazy)."""
        groups = self.partners().read_group(
            self.domain(), ["__count"], [KEY], lazy=False
        )
        return [(g[KEY], g["__count"]) for g in groups]

    def test_kanban_and_graph_in_class_order(self):
        # the classes' sequence, not the order of their codes or bounds
        expected = [("small", 1), ("large", 1), ("medium", 1)]
        self.assertEqual(self.kanban(), expected)
        self.assertEqual(self.graph(), expected)
        self.amount.class_ids.filtered(lambda c: c.code == "medium").sequence = -1
        expected = [("medium", 1), ("small", 1), ("large", 1)]
        self.assertEqual(self.kanban(), expected)
        self.assertEqual(self.graph(), expected)

    def test_grouped_with_an_override_and_an_unclassified_customer(self):
        self.yi.with_user(self.segment_manager)[KEY] = "large"
        extra = self.company("未分类客户")
        domain = [("id", "in", (self.customers | extra).ids)]
        groups = self.partners().read_group(domain, ["__count"], [KEY], lazy=False)
        self.assertEqual(
            [(g[KEY], g["__count"]) for g in groups],
            [("small", 1), ("large", 2), (False, 1)],
        )
        # each column opens its customers
        large = next(g for g in groups if g[KEY] == "large")
        self.assertEqual(self.partners().search(large["__domain"]), self.jia | self.yi)

    def test_grouped_in_another_company(self):
        other = self.env["res.company"].create({"name": "分组公司"})
        self.segment_user.company_ids |= other
        partners = self.partners().with_context(allowed_company_ids=other.ids)
        groups = partners.read_group(self.domain(), ["__count"], [KEY], lazy=False)
        self.assertEqual([(g[KEY], g["__count"]) for g in groups], [(False, 3)])

    def test_equal_bounds_follow_the_class_sequence(self):
        # revenue 40,000 / 4,000 / 500: two classes from 1,000, the first in
        # sequence takes both customers; resequenced, the other one does
        tied = self.dimension(
            "tied", [("first", 1000), ("second", 1000)], measure="revenue"
        )
        self.reclassify()
        self.assertEqual(self.classes(tied), ["first", "first", False])
        tied.class_ids.filtered(lambda c: c.code == "second").sequence = -1
        self.reclassify()
        self.assertEqual(self.classes(tied), ["second", "second", False])
        # the move is logged as up: "second" is now the better class
        history = self.env["partner.segment.history"].search(
            [("dimension", "=", "x_seg_tied"), ("partner_id", "=", self.jia.id)]
        )
        self.assertEqual(
            [(h.old_value, h.new_value, h.direction) for h in history],
            [("first", "second", "up")],
        )
