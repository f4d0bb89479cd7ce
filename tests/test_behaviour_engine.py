from datetime import date, timedelta

from odoo.tests import BaseCase, tagged

from ..engine.behaviour import (
    Aggregates,
    Rules,
    classify,
    credit_grade,
    frequency_class,
    lifecycle,
    quadrant,
    rfm_class,
    rfm_means,
    value_tiers,
)

AS_OF = date(2026, 6, 30)
RULES = Rules()


def agg(revenue=0.0, count=0, first=None, last=None, **kw):
    return Aggregates(
        revenue=revenue, invoice_count=count, first_date=first, last_date=last, **kw
    )


@tagged("post_install", "-at_install")
class TestBehaviourEngine(BaseCase):
    """The behavioural rules alone, on hand-made aggregates."""

    def test_value_tiers_pareto_boundaries(self):
        day = date(2026, 1, 1)
        aggregates = {
            1: agg(50, 1, day, day),  # before: 0 %   -> high
            2: agg(30, 1, day, day),  # before: 50 %  -> high
            3: agg(15, 1, day, day),  # before: exactly 80 % -> medium
            4: agg(5, 1, day, day),  # before: exactly 95 % -> low
            5: agg(-10, 1, day, day),  # history, negative revenue -> low
            6: agg(0, 0, day, day),  # history, nothing in the window -> low
            7: agg(),  # never invoiced -> no class
        }
        self.assertEqual(
            value_tiers(aggregates, RULES),
            {1: "high", 2: "high", 3: "medium", 4: "low", 5: "low", 6: "low"},
        )

    def test_value_ties_are_broken_by_partner_id(self):
        day = date(2026, 1, 1)
        aggregates = {
            9: agg(40, 1, day, day),
            3: agg(40, 1, day, day),
            5: agg(20, 1, day, day),
        }
        # 3 first (before 0 %), then 9 (before 40 %), then 5 (before 80 %)
        self.assertEqual(
            value_tiers(aggregates, RULES), {3: "high", 9: "high", 5: "medium"}
        )

    def test_frequency_boundaries(self):
        day = date(2026, 1, 1)
        expected = {
            12: "high",
            11: "medium",
            4: "medium",
            3: "low",
            1: "low",
            0: "inactive",
        }
        for count, klass in expected.items():
            with self.subTest(count=count):
                self.assertEqual(frequency_class(agg(1, count, day, day), RULES), klass)
        self.assertIsNone(frequency_class(agg(), RULES))

    def test_lifecycle_window_edge(self):
        start = AS_OF - timedelta(days=365)
        self.assertEqual(lifecycle(agg(1, 1, start, AS_OF), AS_OF, RULES), "old")
        self.assertEqual(
            lifecycle(agg(1, 1, start + timedelta(days=1), AS_OF), AS_OF, RULES), "new"
        )
        self.assertIsNone(lifecycle(agg(), AS_OF, RULES))

    def test_quadrant(self):
        self.assertEqual(quadrant("old", "high"), "old_big")
        self.assertEqual(quadrant("new", "high"), "new_big")
        self.assertEqual(quadrant("new", "medium"), "new_small")
        self.assertEqual(quadrant("old", "low"), "old_small")
        self.assertIsNone(quadrant(None, None))

    def test_credit_grade_overdue_boundaries(self):
        day = date(2025, 1, 1)
        expected = {0: "AAA", 1: "A", 30: "A", 31: "B", 90: "B", 91: "C"}
        for days, grade in expected.items():
            with self.subTest(days=days):
                self.assertEqual(
                    credit_grade(agg(1, 1, day, day, overdue_days=days), "old", RULES),
                    grade,
                )
        self.assertEqual(credit_grade(agg(1, 1, day, day), "new", RULES), "AA")
        self.assertIsNone(credit_grade(agg(), None, RULES))

    def test_credit_limit_exceeded_caps_at_b(self):
        day = date(2025, 1, 1)
        over = {"credit_limit": 1000.0, "open_receivable": 1000.01}
        self.assertEqual(credit_grade(agg(1, 1, day, day, **over), "old", RULES), "B")
        within = {"credit_limit": 1000.0, "open_receivable": 1000.0}
        self.assertEqual(
            credit_grade(agg(1, 1, day, day, **within), "old", RULES), "AAA"
        )
        worse = {"credit_limit": 1000.0, "open_receivable": 5000.0, "overdue_days": 120}
        self.assertEqual(credit_grade(agg(1, 1, day, day, **worse), "old", RULES), "C")

    def test_rfm_eight_classes(self):
        d = AS_OF
        aggregates = {
            1: agg(100, 10, d, d),  # recent, frequent, big
            2: agg(100, 1, d, d),  # recent, rare, big
            3: agg(100, 10, d, d - timedelta(days=300)),
            4: agg(100, 1, d, d - timedelta(days=300)),
            5: agg(1, 10, d, d),
            6: agg(1, 1, d, d),
            7: agg(1, 10, d, d - timedelta(days=300)),
            8: agg(1, 1, d, d - timedelta(days=300)),
            9: agg(0, 0, d - timedelta(days=800), d - timedelta(days=500)),  # lapsed
        }
        means = rfm_means(aggregates, AS_OF)
        self.assertEqual(means, (150.0, 5.5, 50.5))
        got = {pid: rfm_class(a, AS_OF, means) for pid, a in aggregates.items()}
        self.assertEqual(
            got,
            {
                1: "important_value",
                2: "important_develop",
                3: "important_keep",
                4: "important_retain",
                5: "general_value",
                6: "general_develop",
                7: "general_keep",
                8: "general_retain",
                9: "general_retain",
            },
        )

    def test_classify_combines_every_dimension(self):
        day = AS_OF - timedelta(days=10)
        result = classify({1: agg(100, 12, day, day), 2: agg()}, AS_OF, RULES)
        self.assertEqual(
            result[1],
            {
                "value_tier": "high",
                "frequency_class": "high",
                "lifecycle": "new",
                "quadrant": "new_big",
                "credit_grade": "AA",
                "rfm_class": "important_value",
            },
        )
        self.assertEqual(set(result[2].values()), {None})

    def test_rules_refuse_inconsistent_thresholds(self):
        for kwargs in (
            {"window_days": 0},
            {"value_high": 0.96},
            {"freq_medium": 13},
            {"credit_b_days": 100},
        ):
            with self.subTest(**kwargs), self.assertRaises(ValueError):
                Rules(**kwargs)
