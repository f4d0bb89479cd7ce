"""User-defined dimensions: a measure per customer, and classes from bands.

Plain Python, no Odoo.  A user-defined dimension (``partner.segment.dimension``)
either bands a measure (each class has a lower bound; the class with the
highest bound the value reaches wins, the first in sequence on a tie) or
matches conditions (evaluated by the database, not here).

The measures read the engine's :class:`~.behaviour.Aggregates` of one customer
in one company, as of ``as_of``; ``None`` where the measure has no value (no
invoice in the window for an average, no invoice paid for the days to pay):
such a customer gets no class.  Shares and ratios are percentages (0-100).
"""

# the measures that need a query of their own (read only when a dimension uses them)
EXTRA_MEASURES = {"category_revenue", "category_share", "days_to_pay"}
MEASURES = (
    "revenue",
    "invoice_count",
    "average_invoice_amount",
    "days_since_last_invoice",
    "customer_age_days",
    "overdue_days",
    "overdue_amount",
    "open_receivable",
    "category_revenue",
    "category_share",
    "days_to_pay",
    "credit_note_ratio",
    "pareto_share",
)


def pareto_shares(aggregates):
    """{partner id: cumulative revenue share before the customer, in percent}.

    As the value tier computes it: customers with revenue > 0, largest first
    (ties by partner id), the share of the total revenue of the customers
    before; customers invoiced once but without positive revenue: 100.
    """
    positive = sorted(
        ((pid, agg.revenue) for pid, agg in aggregates.items() if agg.revenue > 0),
        key=lambda item: (-item[1], item[0]),
    )
    total = sum(revenue for _pid, revenue in positive)
    shares, before = {}, 0.0
    for pid, revenue in positive:
        shares[pid] = 100.0 * before / total
        before += revenue
    for pid, agg in aggregates.items():
        if pid not in shares and agg.ever_invoiced:
            shares[pid] = 100.0
    return shares


def measure_value(measure, agg, as_of, extra_key=None, pareto=None, pid=None):
    """The value of ``measure`` for one customer, or None when it has none.

    :param extra_key: key of ``agg.extra`` holding the dimension's own inputs
        (the revenue of its product category)
    :param pareto: :func:`pareto_shares` of the company, for ``pareto_share``
    """
    if not agg.ever_invoiced:
        return None
    if measure == "revenue":
        return agg.revenue
    if measure == "invoice_count":
        return agg.invoice_count
    if measure == "average_invoice_amount":
        if not agg.invoice_count:
            return None
        return agg.invoice_amount / agg.invoice_count
    if measure == "days_since_last_invoice":
        return (as_of - agg.last_date).days
    if measure == "customer_age_days":
        return (as_of - agg.first_date).days
    if measure == "overdue_days":
        return agg.overdue_days
    if measure == "overdue_amount":
        return agg.overdue_amount
    if measure == "open_receivable":
        return agg.open_receivable
    if measure == "category_revenue":
        return agg.extra.get(extra_key, 0.0)
    if measure == "category_share":
        if agg.revenue <= 0:
            return None
        return 100.0 * agg.extra.get(extra_key, 0.0) / agg.revenue
    if measure == "days_to_pay":
        return agg.extra.get("days_to_pay")
    if measure == "credit_note_ratio":
        if not agg.invoice_count:
            return None
        return 100.0 * agg.refund_count / agg.invoice_count
    if measure == "pareto_share":
        return (pareto or {}).get(pid)
    raise ValueError(f"unknown measure {measure!r}")


def band_class(value, bands):
    """The class of ``value``: ``bands`` are (class key, lower bound) in class
    sequence; the class with the highest bound reached wins, the first in
    sequence among equal bounds; None when no bound is reached."""
    if value is None:
        return None
    best = None
    for key, bound in bands:
        if value >= bound and (best is None or bound > best[1]):
            best = (key, bound)
    return best and best[0]


def classify_bands(aggregates, as_of, measure, bands, extra_key=None, pareto=None):
    """{partner id: class key or None} of every customer for a banded measure."""
    if measure == "pareto_share" and pareto is None:
        pareto = pareto_shares(aggregates)
    return {
        pid: band_class(
            measure_value(measure, agg, as_of, extra_key, pareto, pid), bands
        )
        for pid, agg in aggregates.items()
    }


# operators a condition on a class computed in the same run is read with
FRESH_OPERATORS = ("=", "!=", "in", "not in")


def matching_keys(operator, value, keys):
    """The classes among ``keys`` and ``False`` (no class) that the condition
    ``(field, operator, value)`` holds for, as the database decides it (``!=``
    and ``not in`` hold for no class); None for another operator."""
    candidates = {*keys, False}
    if operator in ("=", "!="):
        hit = {value or False} & candidates
    elif operator in ("in", "not in"):
        values = value if isinstance(value, list | tuple | set) else [value]
        hit = {v or False for v in values} & candidates
    else:
        return None
    return hit if operator in ("=", "in") else candidates - hit


def domain_fields(domain):
    """The field names of the leaves of ``domain``."""
    return {
        term[0]
        for term in domain
        if isinstance(term, list | tuple)
        and len(term) == 3
        and isinstance(term[0], str)
    }


def fresh_domain(domain, fresh, locks):
    """``domain`` where a condition on a class computed in this run reads that
    class, not the one stored by the previous run.

    :param fresh: {field: (class keys, {partner id: class key or None})} of the
        classes computed in this run
    :param locks: {field: its lock field}: a locked class keeps the stored
        value, which the original condition reads
    A leaf ``(field, op, value)`` of ``fresh`` becomes
    ``(locked and the leaf) or (not locked and id in the partners whose
    computed class matches)``; other leaves, and operators other than
    :data:`FRESH_OPERATORS`, are kept (they read what is stored).
    """
    result = []
    for term in domain:
        if isinstance(term, list | tuple) and len(term) == 3 and term[0] in fresh:
            fname, operator, value = term
            keys, values = fresh[fname]
            hit = matching_keys(operator, value, keys)
            if hit is not None:
                ids = sorted(
                    pid for pid, key in values.items() if (key or False) in hit
                )
                lock = locks[fname]
                result += [
                    "|",
                    "&",
                    (lock, "=", True),
                    tuple(term),
                    "&",
                    (lock, "!=", True),
                    ("id", "in", ids),
                ]
                continue
        result.append(term)
    return result
