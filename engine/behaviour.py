"""Behavioural classification: invoice aggregates in, classes out.

Plain Python, no Odoo: every function takes numbers and rules and returns a
class key, so the rules are unit-tested in milliseconds.  A later module adds a
dimension by writing one more function and extending the model hook
``partner.segment.engine._classify`` that calls :func:`classify`.

Definitions, "as of" a day ``as_of`` over a window of ``rules.window_days``:

- value tier: Pareto on window revenue among customers with revenue > 0,
  sorted descending (ties by partner id): ``high`` while the cumulative revenue
  *before* the customer is below ``value_high`` of the total, ``medium`` below
  ``value_medium``, else ``low``; customers with history but revenue <= 0: low.
- frequency: invoice count >= freq_high high, >= freq_medium medium, >= 1 low,
  0 inactive.
- lifecycle: first invoice inside the window: new, else old.
- quadrant: lifecycle x (value tier == high).
- credit grade: overdue days > credit_c C, > credit_b B, > credit_a A, else AA
  (new) or AAA (old); at most B when the credit limit in use is exceeded.
- RFM: recency (days since the last invoice, fewer is better), frequency and
  monetary each compared with its mean over the customers invoiced in the
  window (>= mean is high); customers with nothing in the window: 一般挽留.

Customers never invoiced get no class at all (``None``).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from .dimensions import CREDIT_GRADE


@dataclass(frozen=True)
class Rules:
    """Thresholds of one company (defaults as in DOMAIN.md)."""

    window_days: int = 365
    value_high: float = 0.80
    value_medium: float = 0.95
    freq_high: int = 12
    freq_medium: int = 4
    credit_a_days: int = 0
    credit_b_days: int = 30
    credit_c_days: int = 90

    def __post_init__(self):
        if self.window_days <= 0:
            raise ValueError("window_days must be positive")
        if not 0 < self.value_high <= self.value_medium <= 1:
            raise ValueError("value cut-offs must satisfy 0 < high <= medium <= 1")
        if not 1 <= self.freq_medium <= self.freq_high:
            raise ValueError("frequency thresholds must satisfy 1 <= medium <= high")
        if not 0 <= self.credit_a_days <= self.credit_b_days <= self.credit_c_days:
            raise ValueError("overdue cut-offs must satisfy 0 <= A <= B <= C")


@dataclass
class Aggregates:
    """What the invoices of one customer in one company say."""

    revenue: float = 0.0  # net untaxed revenue in the window (invoices - credit notes)
    invoice_count: int = 0  # posted invoices in the window
    invoice_amount: float = 0.0  # untaxed total of those invoices (credit notes apart)
    refund_count: int = 0  # posted credit notes in the window
    first_date: date | None = None  # first posted invoice, all time up to as_of
    last_date: date | None = None  # last posted invoice, all time up to as_of
    overdue_days: int = 0  # oldest open receivable past due, in days
    overdue_amount: float = 0.0
    open_receivable: float = 0.0
    credit_limit: float = 0.0  # 0: no limit in use
    extra: dict = field(default_factory=dict)  # room for other modules' inputs

    @property
    def ever_invoiced(self):
        return self.first_date is not None


def window_start(as_of, rules):
    """First day *after* which invoices count: the window is (start, as_of]."""
    return as_of - timedelta(days=rules.window_days)


def value_tiers(aggregates, rules):
    """Pareto value tier of every customer: {partner_id: 'high'|'medium'|'low'}."""
    positive = sorted(
        ((pid, agg.revenue) for pid, agg in aggregates.items() if agg.revenue > 0),
        key=lambda item: (-item[1], item[0]),
    )
    total = sum(revenue for _pid, revenue in positive)
    tiers, before = {}, 0.0
    for pid, revenue in positive:
        share = before / total
        if share < rules.value_high:
            tiers[pid] = "high"
        elif share < rules.value_medium:
            tiers[pid] = "medium"
        else:
            tiers[pid] = "low"
        before += revenue
    for pid, agg in aggregates.items():
        if pid not in tiers and agg.ever_invoiced:
            tiers[pid] = "low"
    return tiers


def frequency_class(agg, rules):
    if not agg.ever_invoiced:
        return None
    if agg.invoice_count >= rules.freq_high:
        return "high"
    if agg.invoice_count >= rules.freq_medium:
        return "medium"
    if agg.invoice_count >= 1:
        return "low"
    return "inactive"


def lifecycle(agg, as_of, rules):
    if not agg.ever_invoiced:
        return None
    return "new" if agg.first_date > window_start(as_of, rules) else "old"


def quadrant(life, tier):
    if not life:
        return None
    big = tier == "high"
    return {
        ("old", True): "old_big",
        ("new", True): "new_big",
        ("new", False): "new_small",
        ("old", False): "old_small",
    }[life, big]


# best first, as the registry orders the grades
CREDIT_ORDER = CREDIT_GRADE.class_keys()


def credit_grade(agg, life, rules):
    if not agg.ever_invoiced:
        return None
    if agg.overdue_days > rules.credit_c_days:
        grade = "C"
    elif agg.overdue_days > rules.credit_b_days:
        grade = "B"
    elif agg.overdue_days > rules.credit_a_days:
        grade = "A"
    else:
        grade = "AA" if life == "new" else "AAA"
    if agg.credit_limit > 0 and agg.open_receivable > agg.credit_limit:
        grade = max(grade, "B", key=CREDIT_ORDER.index)
    return grade


RFM_CLASSES = {
    (True, True, True): "important_value",
    (True, False, True): "important_develop",
    (False, True, True): "important_keep",
    (False, False, True): "important_retain",
    (True, True, False): "general_value",
    (True, False, False): "general_develop",
    (False, True, False): "general_keep",
    (False, False, False): "general_retain",
}


def rfm_means(aggregates, as_of):
    """Mean recency (days), frequency and monetary over customers active in the window."""
    active = [a for a in aggregates.values() if a.invoice_count > 0]
    if not active:
        return None
    count = len(active)
    return (
        sum((as_of - a.last_date).days for a in active) / count,
        sum(a.invoice_count for a in active) / count,
        sum(a.revenue for a in active) / count,
    )


def rfm_class(agg, as_of, means):
    if not agg.ever_invoiced:
        return None
    if agg.invoice_count == 0 or means is None:
        return "general_retain"
    recency, frequency, monetary = means
    key = (
        (as_of - agg.last_date).days <= recency,
        agg.invoice_count >= frequency,
        agg.revenue >= monetary,
    )
    return RFM_CLASSES[key]


def classify(aggregates, as_of, rules):
    """Classes of every customer: {partner_id: {dimension: class or None}}.

    ``aggregates`` must hold every customer of the company (value tiers and
    RFM means are company-wide), even if only some of them get written.
    """
    tiers = value_tiers(aggregates, rules)
    means = rfm_means(aggregates, as_of)
    result = {}
    for pid, agg in aggregates.items():
        life = lifecycle(agg, as_of, rules)
        tier = tiers.get(pid)
        result[pid] = {
            "value_tier": tier,
            "frequency_class": frequency_class(agg, rules),
            "lifecycle": life,
            "quadrant": quadrant(life, tier),
            "credit_grade": credit_grade(agg, life, rules),
            "rfm_class": rfm_class(agg, as_of, means),
        }
    return result
