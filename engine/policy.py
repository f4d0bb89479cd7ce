"""Credit limits and proposal rules of the segment policies (分级政策), no ORM.

The model (``partner.segment.policy``) reads the customers' figures in one
query and hands them here; what a policy would set, and whether a value was
set by hand, are decided by these functions.
"""

import math

# a year's months over its days: the window of N days spans N * 12 / 365 months
MONTHS_PER_DAY = 12 / 365


def window_months(window_days):
    """Months in a classification window of ``window_days`` days."""
    return window_days * MONTHS_PER_DAY


def round_to_step(value, step):
    """``value`` rounded half up to a multiple of ``step`` (no rounding when
    ``step`` is not positive)."""
    if not step or step <= 0:
        return value
    return math.floor(value / step + 0.5) * step


def credit_limit(mode, amount, multiple, rounding, revenue, window_days):
    """The credit limit a policy gives a customer, never negative.

    :param mode: ``fixed`` (``amount``) or ``revenue_multiple`` (``multiple``
        × ``revenue`` / the months of a window of ``window_days`` days)
    :param rounding: the step the limit is rounded to (half up)
    :param revenue: the customer's window revenue, in company currency
    :return: the limit, or None when the mode sets no limit
    """
    if mode == "fixed":
        value = amount or 0.0
    elif mode == "revenue_multiple":
        months = window_months(window_days)
        value = (multiple or 0.0) * (revenue or 0.0) / months if months > 0 else 0.0
    else:
        return None
    return max(round_to_step(value, rounding), 0.0)


def is_hand_set(current, last_applied, empty=None):
    """Whether ``current`` was set by hand: it differs from the value a policy
    last applied, or, when no policy ever applied one (``last_applied`` None),
    it is not empty (a value entered before the policies)."""
    if last_applied is None:
        return current not in (None, empty)
    return current != last_applied
