from odoo.tests import tagged

from .common import SegmentCase

SELECTION_DIMENSIONS = (
    "scale_class",
    "value_tier",
    "frequency_class",
    "lifecycle",
    "quadrant",
    "credit_grade",
    "rfm_class",
)


@tagged("post_install", "-at_install")
class TestGroupOrder(SegmentCase):
    """Grouped lists, pivots and sorted lists follow the order of the classes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.Partner
        cls.keys = {
            dim: Partner._fields[dim].get_values(cls.env)
            for dim in SELECTION_DIMENSIONS
        }
        width = max(len(keys) for keys in cls.keys.values())
        # created worst class first, so neither id nor key order is the class order
        cls.partners = Partner.create(
            [{"name": f"排序客户 {i}", "is_company": True} for i in range(width)]
        )
        regions = cls.env["partner.region"].search([], order="sequence, id")
        cls.regions = regions
        for i, partner in enumerate(cls.partners):
            vals = {dim: keys[-1 - i % len(keys)] for dim, keys in cls.keys.items()}
            vals["region_id"] = regions[-1 - i % len(regions)].id
            partner.write(vals)
        cls.domain = [("id", "in", cls.partners.ids)]

    def _group_keys(self, dim):
        groups = self.Partner.with_user(self.segment_user).web_read_group(
            self.domain, ["id:count"], [dim]
        )["groups"]
        return [group[dim] for group in groups]

    def test_grouped_list_follows_the_classes(self):
        for dim, keys in self.keys.items():
            with self.subTest(dim=dim):
                self.assertEqual(self._group_keys(dim), keys)
        self.assertEqual(
            self.keys["scale_class"], ["large", "medium", "small", "micro"]
        )
        self.assertEqual(self.keys["credit_grade"], ["AAA", "AA", "A", "B", "C"])
        self.assertEqual(
            self.keys["frequency_class"], ["high", "medium", "low", "inactive"]
        )

    def test_descending_order_reverses_the_classes(self):
        groups = self.Partner.with_user(self.segment_user).read_group(
            self.domain, ["id:count"], ["credit_grade"], orderby="credit_grade desc"
        )
        self.assertEqual(
            [g["credit_grade"] for g in groups], ["C", "B", "A", "AA", "AAA"]
        )

    def test_region_groups_follow_the_region_sequence(self):
        groups = self._group_keys("region_id")
        used = self.regions & self.partners.region_id  # keeps the sequence order
        self.assertEqual(len(used), len(self.partners))
        self.assertEqual([g[0] for g in groups], used.ids)

    def test_pivot_rows_and_columns_follow_the_classes(self):
        rows = self.Partner.with_user(self.segment_user).read_group(
            self.domain,
            ["id:count"],
            ["value_tier", "frequency_class"],
            lazy=False,
        )
        pairs = [(r["value_tier"], r["frequency_class"]) for r in rows]
        self.assertEqual(
            [p[0] for p in pairs],
            sorted((p[0] for p in pairs), key=self.keys["value_tier"].index),
        )
        self.assertEqual(
            pairs,
            sorted(
                pairs,
                key=lambda p: (
                    self.keys["value_tier"].index(p[0]),
                    self.keys["frequency_class"].index(p[1]),
                ),
            ),
        )
        self.assertEqual(pairs[0][0], "high")
        self.assertEqual(pairs[-1][0], "low")

    def test_sorting_a_list_by_a_class_column(self):
        partners = self.Partner.with_user(self.segment_user).search(
            self.domain, order="credit_grade, id"
        )
        grades = [p.credit_grade for p in partners]
        self.assertEqual(grades, sorted(grades, key=self.keys["credit_grade"].index))
        self.assertEqual(grades[0], "AAA")
