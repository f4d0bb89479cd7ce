from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from ..engine import custom, dimensions
from .common import AS_OF, ClassificationCase


def purge_registry(partner_fields=()):
    """Unregister the user-defined dimensions whose fields a test rolled back."""
    for dimension in dimensions.all_dimensions():
        if dimension.key.startswith("x_seg_") and dimension.key not in partner_fields:
            dimensions.unregister(dimension.key)


class CustomDimensionCase(ClassificationCase):
    """Three customers whose every measure is computed by hand below.

    As of AS_OF, window 365 days:
    - 甲 (company): invoices 10 days ago 30,000 (a product of 芯片, under 硬件)
      and 40 days ago 10,000, the latter paid 20 days ago.
    - 乙 (company): 400 days ago 1,000 (paid 380 days ago, before the window),
      100 days ago 5,000 (paid 30 days ago: 70 days), a credit note 50 days
      ago of 1,000 (open).
    - 丙 (a person): 200 days ago 500, due after 30 days, unpaid.
    """

    @classmethod
    def setUpClass(cls):
        # after the class's registry reset (cleanups run last registered first)
        cls.addClassCleanup(purge_registry)
        super().setUpClass()
        Category = cls.env["product.category"]
        cls.hardware = Category.create({"name": "硬件"})
        cls.chips = Category.create({"name": "芯片", "parent_id": cls.hardware.id})
        cls.chip = cls.env["product.product"].create(
            {"name": "芯片 X1", "categ_id": cls.chips.id}
        )
        cls.jia = cls.company("甲公司")
        cls.yi = cls.company("乙公司")
        cls.bing = cls.Partner.create({"name": "丙先生", "is_company": False})
        moves = cls.invoices(
            [
                (cls.jia, 40, 10000),
                (cls.yi, 400, 1000),
                (cls.yi, 100, 5000),
                (cls.yi, 50, 1000, 30, "out_refund"),
                (cls.bing, 200, 500),
            ],
            post=False,
        )
        chip_invoice = cls.invoices([(cls.jia, 10, 30000)], post=False)
        chip_invoice.invoice_line_ids.product_id = cls.chip
        chip_invoice.invoice_line_ids.write({"price_unit": 30000, "tax_ids": False})
        (moves | chip_invoice).action_post()
        for move, days in ((moves[0], 20), (moves[1], 380), (moves[2], 30)):
            cls.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=move.ids
            ).create({"payment_date": AS_OF - timedelta(days=days)})._create_payments()
        cls.customers = cls.jia | cls.yi | cls.bing

    def setUp(self):
        # after the test's rollback: the fields it made leave the registry
        self.addCleanup(self._reset_registry)
        super().setUp()

    def _reset_registry(self):
        # a test's classes and fields are rolled back: so are their selections
        self.env.registry.setup_models(self.env.cr)
        purge_registry(self.env.registry["res.partner"]._fields)

    @classmethod
    def dimension(cls, code, classes, user=None, **vals):
        """A dimension created as a segment manager; ``classes``: (code, bound
        or domain), best first."""
        vals.setdefault("kind", "measure")
        key = "lower_bound" if vals["kind"] == "measure" else "domain"
        Dimension = cls.env["partner.segment.dimension"].with_user(
            user or cls.segment_manager
        )
        return Dimension.create(
            {
                "name": code.replace("_", " ").title(),
                "code": code,
                "class_ids": [
                    Command.create(
                        {"name": c.title(), "code": c, "sequence": seq, key: value}
                    )
                    for seq, (c, value) in enumerate(classes)
                ],
                **vals,
            }
        )

    def classes(self, dimension, partners=None):
        key = dimension.sudo()._field_key()
        return [p[key] for p in (partners or self.customers)]


@tagged("post_install", "-at_install")
class TestCustomDimension(CustomDimensionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.amount = cls.dimension(
            "amount_grade",
            [("large", 10000), ("medium", 1000), ("small", 0)],
            measure="average_invoice_amount",
        )

    def test_fields_and_registry(self):
        key = "x_seg_amount_grade"
        self.assertEqual(self.amount.field_name, key)
        for fname in (key, f"{key}_computed", f"{key}_manual", f"{key}_locked"):
            self.assertTrue(self.Partner._fields[fname].company_dependent, fname)
        self.assertEqual(
            self.Partner._fields[key].get_values(self.env), ["large", "medium", "small"]
        )
        self.assertIn(key, self.Partner._segment_dimensions())
        registered = dimensions.get(key)
        self.assertTrue(registered.per_company)
        self.assertEqual(registered.class_keys(), ("large", "medium", "small"))
        self.assertIn("amount_grade", registered.import_headers)
        self.assertIn("Amount Grade", registered.import_headers)

    def test_measure_bands_through_the_engine(self):
        # averages 20,000 / 5,000 / 500
        self.reclassify()
        self.assertEqual(self.classes(self.amount), ["large", "medium", "small"])
        self.assertEqual(
            self.classes(self.amount, self.customers),
            [p["x_seg_amount_grade_computed"] for p in self.customers],
        )

    def test_every_measure_by_hand(self):
        # the measures needing their own queries are read when a dimension uses them
        self.dimension(
            "chips",
            [("yes", 1)],
            measure="category_revenue",
            product_category_id=self.hardware.id,
        )
        self.dimension("paying", [("fast", 0)], measure="days_to_pay")
        rules = self.env.company._get_segment_rules()
        aggregates = self.engine._read_aggregates(self.env.company, AS_OF, rules)
        pareto = custom.pareto_shares(aggregates)
        chips = self.env["partner.segment.dimension"].search([("code", "=", "chips")])
        expected = {
            "revenue": (40000, 4000, 500),
            "invoice_count": (2, 1, 1),
            "average_invoice_amount": (20000, 5000, 500),
            "days_since_last_invoice": (10, 100, 200),
            "customer_age_days": (40, 400, 200),
            "overdue_days": (0, 0, 170),
            "overdue_amount": (0, 0, 500),
            "open_receivable": (30000, -1000, 500),
            "category_revenue": (30000, 0, 0),
            "category_share": (75, 0, 0),
            "days_to_pay": (20, 70, None),
            "credit_note_ratio": (0, 100, 0),
            # 44,500 in all: 甲 first (0 %), then 40,000 before 乙, 44,000 before 丙
            "pareto_share": (0, 100 * 40000 / 44500, 100 * 44000 / 44500),
        }
        self.assertEqual(set(expected), set(custom.MEASURES))
        for measure, values in expected.items():
            got = tuple(
                custom.measure_value(
                    measure, aggregates[p.id], AS_OF, chips._extra_key(), pareto, p.id
                )
                for p in self.customers
            )
            for value, want in zip(got, values, strict=True):
                if want is None:
                    self.assertIsNone(value, measure)
                else:
                    self.assertAlmostEqual(value, want, 6, measure)

    def test_custom_classes_of_partners(self):
        self.reclassify()
        classes = self.customers._segment_custom_classes(self.amount)
        self.assertEqual(
            {pid: c.code for pid, c in classes.items()},
            {self.jia.id: "large", self.yi.id: "medium", self.bing.id: "small"},
        )
        other = self.env["res.company"].create({"name": "三公司"})
        self.assertEqual(
            self.customers.with_company(other)._segment_custom_classes(self.amount), {}
        )

    def test_pareto_cut_points(self):
        pareto = self.dimension(
            "abc", [("a", 0), ("b", 70), ("c", 90)], measure="pareto_share"
        )
        self.reclassify()
        # shares before: 0 %, 89.9 %, 98.9 %
        self.assertEqual(self.classes(pareto), ["a", "b", "c"])

    def test_conditions_first_match_wins(self):
        kind = self.dimension(
            "kind",
            [
                ("named", "[('name', 'ilike', '甲')]"),
                ("company", "[('is_company', '=', True)]"),
                ("person", "[('is_company', '=', False)]"),
            ],
            kind="conditions",
        )
        self.reclassify()
        self.assertEqual(self.classes(kind), ["named", "company", "person"])

    def test_condition_on_a_built_in_class_and_unmatched(self):
        self.reclassify()  # the built-in classes first
        self.assertEqual(self.jia.value_tier, "high")
        by_tier = self.dimension(
            "vip", [("vip", "[('value_tier', '=', 'high')]")], kind="conditions"
        )
        self.reclassify()
        self.assertEqual(self.classes(by_tier), ["vip", False, False])

    def test_ties_first_in_sequence_and_unreached_bound(self):
        tied = self.dimension(
            "tied",
            [("first", 1000), ("second", 1000), ("top", 100000)],
            measure="revenue",
        )
        self.reclassify()
        # 40,000 and 4,000 reach 1,000 (twice: the first wins); 500 reaches nothing
        self.assertEqual(self.classes(tied), ["first", "first", False])

    def test_preview_writes_nothing(self):
        counts = self.amount.with_user(self.segment_user)._preview_counts(
            self.env.company
        )
        self.assertEqual(
            {c.code if c else None: n for c, n in counts.items()},
            {"large": 1, "medium": 1, "small": 1},
        )
        self.assertEqual(self.classes(self.amount), [False, False, False])
        self.assertFalse(self.jia.segment_classified_on)
        action = self.amount.with_user(self.segment_manager).action_preview()
        self.assertIn("Large: 1", action["params"]["message"])
        self.assertIn("No class: 0", action["params"]["message"])

    def test_preview_of_receivables_and_conditions(self):
        # open receivable 30,000 / -1,000 / 500
        open_ = self.dimension(
            "open", [("hi", 1000), ("lo", 0)], measure="open_receivable"
        )
        counts = open_._preview_counts(self.env.company)
        self.assertEqual(
            {c.code if c else None: n for c, n in counts.items()},
            {"hi": 1, "lo": 1, None: 1},
        )
        kind = self.dimension(
            "kind", [("person", "[('is_company', '=', False)]")], kind="conditions"
        )
        counts = kind._preview_counts(self.env.company)
        self.assertEqual(
            {c.code if c else None: n for c, n in counts.items()},
            {"person": 1, None: 2},
        )

    def test_preview_of_an_archived_dimension(self):
        self.amount.active = False
        self.assertNotIn("x_seg_amount_grade", self.Partner._segment_dimensions())
        counts = self.amount._preview_counts(self.env.company)
        self.assertEqual(sum(counts.values()), 3)

    def test_override_keeps_the_manual_class(self):
        self.reclassify()
        key = "x_seg_amount_grade"
        self.bing.with_user(self.segment_manager).write({key: "large"})
        self.assertTrue(self.bing[f"{key}_locked"])
        self.reclassify()
        self.assertEqual(self.bing[key], "large")
        self.assertEqual(self.bing[f"{key}_computed"], "small")
        self.assertIn(
            self.bing,
            self.Partner.search([("segment_override_differs", "=", True)]),
        )
        with self.assertRaises(AccessError):
            self.jia.with_user(self.segment_user).write({key: "small"})

    def test_history_and_followup(self):
        key = "x_seg_amount_grade"
        rule = self.env["partner.segment.followup.rule"].create(
            {"name": "大额客户", "trigger": "enter", "class_key": f"{key}:large"}
        )
        self.reclassify()
        self.assertEqual(
            self.env["mail.activity"]
            .search([("segment_followup_rule_id", "=", rule.id)])
            .res_id,
            self.jia.id,
        )
        # 乙 gains a big invoice: average (5,000 + 95,000) / 2 = 50,000: medium -> large
        self.invoices([(self.yi, 5, 95000)])
        self.reclassify()
        history = self.env["partner.segment.history"].search(
            [("partner_id", "=", self.yi.id), ("dimension", "=", key)]
        )
        self.assertEqual(
            [(h.old_value, h.new_value, h.direction) for h in history],
            [("medium", "large", "up")],
        )
        self.assertEqual(history.new_label, "Large")

    def test_group_by_in_list_and_pivot(self):
        self.reclassify()
        key = "x_seg_amount_grade"
        groups = self.Partner.with_user(self.segment_user).read_group(
            [("id", "in", self.customers.ids)], [key], [key]
        )
        self.assertEqual(
            [(g[key], g[f"{key}_count"]) for g in groups],
            [("large", 1), ("medium", 1), ("small", 1)],
        )
        pivot = (
            self.Partner.with_user(self.segment_user).formatted_read_group(
                [("id", "in", self.customers.ids), (key, "in", ["large", "small"])],
                [key],
                ["__count"],
            )
            if hasattr(self.Partner, "formatted_read_group")
            else None
        )
        found = self.Partner.with_user(self.segment_user).search(
            [("id", "in", self.customers.ids), (key, "=", "medium")]
        )
        self.assertEqual(found, self.yi)
        del pivot

    def test_per_company_values(self):
        other = self.env["res.company"].create({"name": "二公司"})
        self.segment_manager.company_ids |= other
        self.reclassify()
        self.assertEqual(self.jia.with_company(other)["x_seg_amount_grade"], False)
        own = self.dimension(
            "own", [("any", 0)], measure="revenue", company_id=other.id
        )
        self.reclassify()
        self.assertEqual(self.classes(own), [False, False, False])
        self.assertNotIn(
            own,
            self.env["partner.segment.dimension"]._custom_dimensions(self.env.company),
        )

    def test_only_managers_define(self):
        with self.assertRaises(AccessError):
            self.dimension(
                "nope", [("x", 0)], user=self.segment_user, measure="revenue"
            )
        with self.assertRaises(AccessError):
            self.amount.with_user(self.segment_user).write({"name": "X"})
        self.assertEqual(
            self.env["partner.segment.dimension"]
            .with_user(self.segment_user)
            .search([("code", "=", "amount_grade")]),
            self.amount,
        )
        self.assertTrue(self.amount.with_user(self.segment_user).class_ids)

    def test_classes_follow_their_dimension(self):
        key = "x_seg_amount_grade"
        self.reclassify()
        with Form(self.amount.with_user(self.segment_manager)) as form:
            with form.class_ids.new() as line:
                line.name = "Huge"
                line.code = "huge"
                line.lower_bound = 100000
        self.assertEqual(
            self.Partner._fields[key].get_values(self.env),
            ["large", "medium", "small", "huge"],
        )
        self.assertIn("huge", dimensions.get(key).class_keys())
        # a class removed takes its customers' values with it, in every company
        self.amount.class_ids.filtered(lambda c: c.code == "small").unlink()
        self.Partner.invalidate_model()
        self.assertEqual(self.classes(self.amount), ["large", "medium", False])

    def test_archive_keeps_and_delete_removes(self):
        key = "x_seg_amount_grade"
        self.env["partner.segment.followup.rule"].create(
            {"name": "大额客户", "trigger": "enter", "class_key": f"{key}:large"}
        )
        self.reclassify()
        self.jia.with_user(self.segment_manager).write({key: "small"})
        self.amount.with_user(self.segment_manager).action_archive()
        self.assertNotIn(key, self.Partner._segment_dimensions())
        self.reclassify()
        self.assertEqual(self.classes(self.amount), ["small", "medium", "small"])
        self.amount.with_user(self.segment_manager).action_unarchive()
        self.assertIn(key, self.Partner._segment_dimensions())
        with self.assertRaises(UserError):
            self.amount.with_user(self.segment_manager).unlink()
        self.amount.with_user(self.segment_manager).action_unlink_with_members()
        self.assertNotIn(key, self.Partner._fields)
        self.assertNotIn(key, dimensions.override_dimensions())
        self.assertFalse(
            self.env["partner.segment.history"].search([("dimension", "=", key)])
        )
        self.assertFalse(
            self.env["partner.segment.followup.rule"]
            .with_context(active_test=False)
            .search([("dimension", "=", key)])
        )

    def test_copy_gets_its_own_fields(self):
        copy = self.amount.with_user(self.segment_manager).copy()
        self.assertEqual(copy.code, "amount_grade_copy")
        self.assertEqual(copy._classes().mapped("code"), ["large", "medium", "small"])
        self.assertIn("x_seg_amount_grade_copy", self.Partner._segment_dimensions())

    def test_uninstall_removes_the_fields(self):
        from ..hooks import uninstall_hook

        self.reclassify()
        uninstall_hook(self.env)
        self.assertFalse(
            self.env["ir.model.fields"].search(
                [("model", "=", "res.partner"), ("name", "=like", "x_seg_%")]
            )
        )
        self.assertNotIn("x_seg_amount_grade", self.Partner._fields)

    def test_archived_in_another_worker_is_not_written(self):
        self.reclassify()
        key = "x_seg_amount_grade"
        # archived by another process: this registry still holds the dimension
        self.env.cr.execute(
            "UPDATE partner_segment_dimension SET active = FALSE WHERE id = %s",
            [self.amount.id],
        )
        self.amount.invalidate_recordset(["active"])
        self.assertIn(key, self.Partner._segment_dimensions())
        self.assertNotIn(key, self.engine._engine_dimensions())
        self.invoices([(self.bing, 5, 95000)])
        self.reclassify()
        self.assertEqual(self.bing[key], "small")

    def test_delete_without_members(self):
        empty = self.dimension("empty", [("x", 10**12)], measure="revenue")
        self.reclassify()
        empty.with_user(self.segment_manager).unlink()
        self.assertNotIn("x_seg_empty", self.Partner._fields)
