from odoo.tests import BaseCase, tagged

from ..engine import dimensions
from ..engine.dimensions import Dimension, SegmentClass

BUILT_IN = [
    "scale_class",
    "region_id",
    "value_tier",
    "frequency_class",
    "lifecycle",
    "quadrant",
    "credit_grade",
    "rfm_class",
    "industry",
    "economic_region_id",
]


@tagged("post_install", "-at_install")
class TestDimensionRegistry(BaseCase):
    """The registry of dimensions alone, without the ORM."""

    def keys(self, dims):
        return [d.key for d in dims]

    def add(self, dimension):
        self.addCleanup(dimensions.unregister, dimension.key)
        return dimensions.register(dimension)

    def test_built_in_dimensions(self):
        self.assertEqual(self.keys(dimensions.all_dimensions()), BUILT_IN)
        # shown, not classified by the override: industry and economic region
        self.assertEqual(dimensions.override_dimensions(), BUILT_IN[:8])
        self.assertEqual(
            [d.key for d in dimensions.all_dimensions() if d.per_company],
            [
                "value_tier",
                "frequency_class",
                "lifecycle",
                "quadrant",
                "credit_grade",
                "rfm_class",
            ],
        )
        self.assertEqual(dimensions.get("industry").field_name, "industry_id")
        self.assertEqual(dimensions.get("region_id").field_name, "region_id")

    def test_selections_in_class_order(self):
        self.assertEqual(
            dimensions.selection("scale_class"),
            [
                ("large", "Large"),
                ("medium", "Medium"),
                ("small", "Small"),
                ("micro", "Micro"),
            ],
        )
        self.assertEqual(
            dimensions.selection("value_tier"),
            [("high", "High Value"), ("medium", "Medium Value"), ("low", "Low Value")],
        )
        self.assertEqual(
            dimensions.selection("frequency_class"),
            [
                ("high", "High Frequency"),
                ("medium", "Medium Frequency"),
                ("low", "Low Frequency"),
                ("inactive", "No Transactions"),
            ],
        )
        self.assertEqual(
            dimensions.selection("lifecycle"),
            [("new", "New Customer"), ("old", "Existing Customer")],
        )
        self.assertEqual(
            dimensions.get("credit_grade").class_keys(), ("AAA", "AA", "A", "B", "C")
        )
        self.assertEqual(len(dimensions.selection("rfm_class")), 8)
        self.assertEqual(dimensions.selection("region_id"), [])

    def test_class_orders_give_history_its_direction(self):
        self.assertEqual(
            dimensions.class_orders(),
            {
                "scale_class": ("large", "medium", "small", "micro"),
                "value_tier": ("high", "medium", "low"),
                "frequency_class": ("high", "medium", "low", "inactive"),
                "quadrant": ("old_big", "new_big", "new_small", "old_small"),
                "credit_grade": ("AAA", "AA", "A", "B", "C"),
                "rfm_class": (
                    "important_value",
                    "important_develop",
                    "important_keep",
                    "important_retain",
                    "general_value",
                    "general_develop",
                    "general_keep",
                    "general_retain",
                ),
            },
        )
        # no direction: classes that are records, or not ordered
        self.assertIsNone(dimensions.get("region_id").class_order())
        self.assertIsNone(dimensions.get("lifecycle").class_order())

    def test_aliases_of_the_import(self):
        self.assertEqual(dimensions.get("scale_class").aliases()["大型企业"], "large")
        self.assertEqual(dimensions.get("scale_class").aliases()["微"], "micro")
        self.assertEqual(dimensions.get("value_tier").aliases()["中价值"], "medium")
        self.assertEqual(
            dimensions.get("frequency_class").aliases()["无交易"], "inactive"
        )
        self.assertEqual(dimensions.get("credit_grade").aliases(), {})
        self.assertEqual(
            dimensions.get("region_id").record_aliases["海外"], "international"
        )

    def test_template_choices_are_importable(self):
        """Every choice the template offers is read back by the import."""
        for dimension in dimensions.import_dimensions():
            with self.subTest(dimension=dimension.key):
                self.assertTrue(dimension.template_header)
                self.assertTrue(dimension.import_headers)
                known = (
                    set(dimension.record_aliases)
                    if dimension.relation
                    else {*dimension.aliases(), *dimension.class_keys()}
                )
                self.assertLessEqual(set(dimension.template_choices), known)

    def test_sequences_order_the_overview_report_and_import(self):
        self.assertEqual(
            self.keys(dimensions.overview_dimensions()),
            [
                "value_tier",
                "frequency_class",
                "quadrant",
                "credit_grade",
                "rfm_class",
                "lifecycle",
                "scale_class",
                "region_id",
                # shown where the company's region grouping includes it
                "economic_region_id",
                "industry",
            ],
        )
        # the quadrant has its own matrix in the report
        self.assertEqual(
            self.keys(dimensions.report_dimensions()),
            [
                "scale_class",
                "industry",
                "region_id",
                "economic_region_id",
                "credit_grade",
                "value_tier",
                "frequency_class",
                "lifecycle",
                "rfm_class",
            ],
        )
        self.assertEqual(
            self.keys(dimensions.import_dimensions()),
            [
                "scale_class",
                "credit_grade",
                "value_tier",
                "frequency_class",
                "region_id",
            ],
        )

    def test_register_and_unregister(self):
        loyalty = self.add(
            Dimension(
                "x_loyalty",
                "Loyalty",
                (
                    SegmentClass("gold", "Gold", ("金卡",)),
                    SegmentClass("silver", "Silver", ("银卡",)),
                ),
                overview_sequence=45,
                report_sequence=55,
                import_headers=("会员等级",),
                import_sequence=25,
            )
        )
        self.assertIs(dimensions.get("x_loyalty"), loyalty)
        self.assertEqual(self.keys(dimensions.all_dimensions())[-1], "x_loyalty")
        self.assertIn("x_loyalty", dimensions.override_dimensions())
        self.assertEqual(dimensions.class_orders()["x_loyalty"], ("gold", "silver"))
        self.assertEqual(loyalty.aliases(), {"金卡": "gold", "银卡": "silver"})
        overview = self.keys(dimensions.overview_dimensions())
        self.assertEqual(overview[overview.index("credit_grade") + 1], "x_loyalty")
        report = self.keys(dimensions.report_dimensions())
        self.assertEqual(report[report.index("credit_grade") + 1], "x_loyalty")
        imported = self.keys(dimensions.import_dimensions())
        self.assertEqual(imported[imported.index("credit_grade") + 1], "x_loyalty")
        # registering the key again replaces it, in place
        unordered = self.add(
            Dimension("x_loyalty", "Loyalty", loyalty.classes, ordered=False)
        )
        self.assertIs(dimensions.get("x_loyalty"), unordered)
        self.assertEqual(self.keys(dimensions.all_dimensions()).count("x_loyalty"), 1)
        self.assertNotIn("x_loyalty", dimensions.class_orders())
        self.assertNotIn("x_loyalty", self.keys(dimensions.overview_dimensions()))
        dimensions.unregister("x_loyalty")
        self.assertNotIn("x_loyalty", self.keys(dimensions.all_dimensions()))
        with self.assertRaises(KeyError):
            dimensions.get("x_loyalty")
        dimensions.unregister("x_loyalty")  # unknown: nothing happens
        self.assertEqual(self.keys(dimensions.all_dimensions()), BUILT_IN)

    def test_a_display_only_dimension_has_no_override(self):
        self.add(Dimension("x_shown", "Shown", override=False, report_sequence=95))
        self.assertNotIn("x_shown", dimensions.override_dimensions())
        self.assertEqual(self.keys(dimensions.report_dimensions())[-1], "x_shown")
