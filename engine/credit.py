"""Credit check (信用检查): exposure, limit and overdue days in, an action out.

Plain Python, no Odoo.  ``res.partner._segment_credit_check`` reads the figures
with one query and calls :func:`decide`; the action is the one of the
customer's credit policy (``partner.segment.policy.check_action``) when the
customer is over the limit or overdue beyond the policy's tolerance, else
``none``.

- exposure = open receivable (posted, unreconciled, company currency)
  [+ draft and to-post customer invoices and credit notes, when the company
  counts them] + the document being checked;
- over the limit: a limit is set (> 0) and exposure > limit; a limit of 0 is
  "no limit", as core's ``credit_limit``;
- overdue: a tolerance is set (> 0) and the oldest open receivable is more
  than ``tolerance`` days past due; a tolerance of 0 does not check overdue.
"""

from dataclasses import dataclass
from datetime import date

ACTIONS = ("none", "warn", "block", "approval")
# actions that refuse the posting unless approved or overridden
REFUSING = ("block", "approval")


@dataclass(frozen=True)
class CheckRule:
    """A credit policy as the check applies it: plain data, kept in a cache.

    ``condition`` is the customers it covers, as an SQL condition on the table
    ``res_partner`` (an ``odoo.tools.SQL``, built by the model from the
    policy's domain): the check query evaluates it, so that matching the
    policy costs no query of its own.
    """

    policy_id: int
    action: str
    tolerance: int
    condition: object


@dataclass(frozen=True)
class Figures:
    """What the check query returns, in company currency."""

    credit_limit: float = 0.0
    open_receivable: float = 0.0
    draft_receivable: float = 0.0
    oldest_due: date | None = None


def overdue_days(oldest_due, today):
    """Days the oldest open receivable is past due on ``today`` (0 if none)."""
    if not oldest_due or oldest_due >= today:
        return 0
    return (today - oldest_due).days


def is_over_limit(exposure, limit, precision=0.005):
    return limit > 0 and exposure - limit > precision


def is_overdue(days, tolerance):
    return tolerance > 0 and days > tolerance


def decide(policy_action, exposure, limit, days, tolerance):
    """The action the check takes: the policy's when over the limit or overdue
    beyond the tolerance, else ``none``."""
    if policy_action not in ACTIONS:
        raise ValueError(f"unknown credit check action {policy_action!r}")
    if is_over_limit(exposure, limit) or is_overdue(days, tolerance):
        return policy_action
    return "none"
