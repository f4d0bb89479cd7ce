from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..engine import dimensions
from .common import SegmentCase, add_test_dimension, html_tree, text_of

# best first, in an order that is not the alphabetical order of the keys
CLASSES = (("platinum", "Platinum"), ("gold", "Gold"), ("bronze", "Bronze"))


class DimensionExtensionTests:
    """A dimension added as a module adds one: registered, with its four
    partner fields; four customers classified gold, gold, bronze and none.

    Mixed into a SegmentCase once per kind of field (plain, per company).
    """

    key = "x_test_dim"
    per_company = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dimension = add_test_dimension(
            cls.env,
            key=cls.key,
            classes=CLASSES,
            per_company=cls.per_company,
            case=cls,
            label="Loyalty",
            # after the credit grade in the overview and in the report
            overview_sequence=45,
            report_sequence=55,
        )
        cls.today = fields.Date.context_today(cls.Partner)
        cls.partners = cls.Partner.create(
            [{"name": f"维度客户 {n}", "is_company": True} for n in range(4)]
        )
        cls.partners.write({"segment_classified_on": cls.today})
        manager = cls.partners.with_user(cls.segment_manager)
        manager[:2].write({cls.key: "gold"})
        manager[2].write({cls.key: "bronze"})

    def overview_rows(self, company=None):
        company = company or self.env.company
        return (
            self.env["partner.segment.overview"]
            .with_user(self.segment_user)
            .search([("company_id", "=", company.id), ("dimension", "=", self.key)])
        )

    def distribution(self, company=None):
        company = company or self.env.company
        html, _type = self.env(user=self.segment_user)[
            "ir.actions.report"
        ]._render_qweb_html(
            "partner_segment.report_segment_distribution",
            [],
            data={"company_ids": company.ids, "as_of": str(self.today)},
        )
        return html_tree(html)

    def dimension_table(self, tree):
        """[(class key, label, customers)] of the dimension's table, in order."""
        return [
            (
                row.get("data-class"),
                text_of(row.xpath("./td[1]")[0]),
                int(text_of(row.xpath(".//*[contains(@class, 'o_count')]")[0])),
            )
            for row in tree.xpath(
                f"//table[@data-dimension='{self.key}']/tbody/tr[@data-class]"
            )
        ]

    def test_hook_and_its_consumers_list_it(self):
        self.assertIn(self.key, self.Partner._segment_dimensions())
        self.assertIn(self.key, dimensions.override_dimensions())
        self.assertIn(
            (self.key, "Loyalty"),
            self.env["partner.segment.history"]._selection_dimension(),
        )
        overview = self.env["partner.segment.overview"]._selection_dimension()
        keys = [key for key, _label in overview]
        self.assertEqual(keys.index(self.key), keys.index("credit_grade") + 1)
        self.assertIn(
            (f"{self.key}:gold", "Loyalty: Gold"),
            self.env["partner.segment.followup.rule"]._selection_class_key(),
        )

    def test_hand_written_class_is_locked_and_logged(self):
        partner = self.partners[0]
        self.assertEqual(partner[f"{self.key}_manual"], "gold")
        self.assertTrue(partner[f"{self.key}_locked"])
        self.assertFalse(partner[f"{self.key}_computed"])
        self.assertTrue(partner.segment_override_differs)
        partner.with_user(self.segment_manager).write({self.key: "platinum"})
        history = self.env["partner.segment.history"].search(
            [("partner_id", "=", partner.id), ("dimension", "=", self.key)],
            order="id",
        )
        company = self.env.company if self.per_company else self.env["res.company"]
        self.assertEqual(
            [
                (h.old_value, h.new_value, h.direction, h.source, h.company_id)
                for h in history
            ],
            [
                (False, "gold", "new", "override", company),
                ("gold", "platinum", "up", "override", company),
            ],
        )
        self.assertEqual(history[1].new_label, "Platinum")

    def test_a_plain_employee_may_not_set_it(self):
        with self.assertRaises(AccessError):
            self.partners[3].with_user(self.employee).write({self.key: "gold"})

    def test_overview_counts_its_classes_in_order(self):
        rows = self.overview_rows()
        self.assertEqual(
            [(r.class_key, r.class_label, r.customer_count) for r in rows],
            [
                (False, "Not classified", 1),
                ("gold", "Gold", 2),
                ("bronze", "Bronze", 1),
            ],
        )
        gold = rows.filtered(lambda r: r.class_key == "gold")
        self.assertEqual(
            self.Partner.search(gold.action_open_customers()["domain"]),
            self.partners[:2],
        )
        groups = (
            self.env["partner.segment.overview"]
            .with_user(self.segment_user)
            .web_read_group(
                [("company_id", "=", self.env.company.id)], ["id:count"], ["dimension"]
            )["groups"]
        )
        order = [g["dimension"] for g in groups]
        self.assertEqual(order.index(self.key), order.index("credit_grade") + 1)

    def test_overview_sees_a_class_written_in_the_same_transaction(self):
        self.partners[3].write({self.key: "platinum"})
        self.assertEqual(
            {r.class_key: r.customer_count for r in self.overview_rows()},
            {"platinum": 1, "gold": 2, "bronze": 1},
        )

    def test_distribution_report_prints_its_table(self):
        tree = self.distribution()
        self.assertEqual(
            self.dimension_table(tree),
            [
                ("platinum", "Platinum", 0),
                ("gold", "Gold", 2),
                ("bronze", "Bronze", 1),
                ("none", "Not classified", 1),
            ],
        )
        printed = [
            table.get("data-dimension")
            for table in tree.xpath("//table[@data-dimension]")
        ]
        self.assertEqual(printed.index(self.key), printed.index("credit_grade") + 1)
        title = tree.xpath(
            f"//table[@data-dimension='{self.key}']/preceding-sibling::h4[1]"
        )[0]
        self.assertEqual(text_of(title), "Loyalty")

    def test_classification_run_keeps_its_classes(self):
        """The engine writes the per-company dimensions it classifies; an added
        one it does not classify keeps its hand-written (locked) classes."""
        self.env["partner.segment.engine"]._reclassify(self.env.company)
        self.assertEqual(
            self.partners.mapped(self.key), ["gold", "gold", "bronze", False]
        )
        self.assertEqual(
            {r.class_key: r.customer_count for r in self.overview_rows()},
            {False: 1, "gold": 2, "bronze": 1},
        )

    def test_groups_come_in_the_order_of_its_classes(self):
        groups = self.Partner.with_user(self.segment_user).read_group(
            [("id", "in", self.partners.ids)], [self.key], [self.key]
        )
        self.assertEqual([g[self.key] for g in groups], ["gold", "bronze", False])


@tagged("post_install", "-at_install")
class TestDimensionExtension(DimensionExtensionTests, SegmentCase):
    """A dimension whose partner fields are plain (not company-dependent)."""

    allow_inherited_tests_method = True


@tagged("post_install", "-at_install")
class TestDimensionExtensionPerCompany(DimensionExtensionTests, SegmentCase):
    """A per-company dimension: company-dependent fields, as the behaviour's."""

    allow_inherited_tests_method = True

    key = "x_test_co_dim"
    per_company = True

    def test_classes_are_kept_per_company(self):
        self.assertTrue(self.Partner._fields[self.key].company_dependent)
        other = self.env["res.company"].create({"name": "维度二公司"})
        self.segment_user.company_ids |= other
        self.segment_manager.company_ids |= other
        partners = self.partners.with_company(other)
        partners.write({"segment_classified_on": self.today})
        partners.with_user(self.segment_manager)[3].write({self.key: "bronze"})
        self.assertEqual(self.partners[3][self.key], False)
        self.assertEqual(partners[0][self.key], False)
        self.assertEqual(
            {r.class_key: r.customer_count for r in self.overview_rows(other)},
            {False: 3, "bronze": 1},
        )
        self.assertEqual(
            self.dimension_table(self.distribution(other)),
            [
                ("platinum", "Platinum", 0),
                ("gold", "Gold", 0),
                ("bronze", "Bronze", 1),
                ("none", "Not classified", 3),
            ],
        )
