from dataclasses import dataclass, field, replace
from datetime import date as Date

from odoo import fields, models
from odoo.tools import SQL, formatLang

from ..engine import credit as credit_rules
from ..engine import dimensions

CONTROLLER_GROUP = "partner_segment.group_credit_controller"


@dataclass(frozen=True)
class CreditCheck:
    """The outcome of :meth:`ResPartner._segment_credit_check`.

    ``action`` is what the caller must do: ``none`` (go on), ``warn`` (go on,
    show ``message``), ``block`` (refuse with ``message``) or ``approval``
    (refuse unless a credit controller approved the document).  Amounts are in
    the currency of ``company``.
    """

    action: str
    partner: object
    company: object
    policy: object = None
    policy_action: str = "none"
    grade: str = ""
    amount: float = 0.0
    exposure: float = 0.0
    limit: float = 0.0
    open_receivable: float = 0.0
    draft_receivable: float = 0.0
    overdue_days: int = 0
    tolerance: int = 0
    message: str = ""
    over_limit: bool = field(default=False)
    overdue: bool = field(default=False)

    @property
    def refuses(self):
        return self.action in credit_rules.REFUSING


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _segment_credit_check(self, amount, document=None, currency=None, date=None):
        """Check the customer's credit before ``document`` is posted or confirmed.

        The one credit check of the addon, documented for other modules: the
        invoice posting calls it, and a sales bridge calls it on order
        confirmation with the order's total (``amount`` in ``currency``,
        default the document's ``currency_id``, else the company's, converted
        into the company currency at ``date``, default the document's date or
        today).  The company is the document's (else the current one).

        The customer's credit policy (``partner.segment.policy``, first match in
        priority with a check action) decides what happens when the exposure
        (open receivable of the commercial partner [+ draft customer invoices,
        per the company setting] + ``amount``) is over ``credit_limit`` (core's,
        company dependent, 0 = no limit), or when its oldest receivable is
        overdue beyond the policy's tolerance.  In a company without a policy
        with a check action no query is made; otherwise a single query finds
        the customer's policy and reads limit, receivable and overdue (only
        the customer's row when no policy covers it).

        Returns a :class:`CreditCheck`; the caller applies its ``action``.
        """
        self.ensure_one()
        company = self._segment_credit_company(document)
        rules = self.env["partner.segment.policy"]._get_check_rules(company)
        return self._segment_credit_check_rules(
            rules, amount, document=document, currency=currency, date=date
        )

    def _segment_credit_check_rules(
        self, rules, amount, document=None, currency=None, date=None, lock=False
    ):
        """:meth:`_segment_credit_check` with the company's check rules
        (:meth:`partner.segment.policy._get_check_rules`): no query without a
        rule, else one, which finds the customer's rule too."""
        self.ensure_one()
        partner = self.commercial_partner_id
        company = self._segment_credit_company(document)
        if not rules:
            return CreditCheck("none", partner, company)
        exclude_move = (
            document if document and document._name == "account.move" else None
        )
        rule, grade, figures = partner._segment_credit_figures(
            company, rules, exclude_move, lock=lock
        )
        if rule is None:
            return CreditCheck("none", partner, company)
        today = fields.Date.context_today(self)
        amount = self._segment_credit_amount(amount, document, currency, date, company)
        exposure = figures.open_receivable + figures.draft_receivable + amount
        days = credit_rules.overdue_days(figures.oldest_due, today)
        action = credit_rules.decide(
            rule.action, exposure, figures.credit_limit, days, rule.tolerance
        )
        check = CreditCheck(
            action,
            partner,
            company,
            # as superuser, as the rules: the poster need not read the policy
            policy=self.env["partner.segment.policy"].sudo().browse(rule.policy_id),
            policy_action=rule.action,
            grade=grade or "",
            amount=amount,
            exposure=exposure,
            limit=figures.credit_limit,
            open_receivable=figures.open_receivable,
            draft_receivable=figures.draft_receivable,
            overdue_days=days,
            tolerance=rule.tolerance,
            over_limit=credit_rules.is_over_limit(exposure, figures.credit_limit),
            overdue=credit_rules.is_overdue(days, rule.tolerance),
        )
        if action == "none":
            return check
        return replace(check, message=self._segment_credit_message(check))

    def _segment_credit_company(self, document):
        if document is not None and "company_id" in document._fields:
            return document.company_id or self.env.company
        return self.env.company

    def _segment_credit_amount(self, amount, document, currency, date, company):
        """``amount`` in the company currency, converted at the document's date."""
        if (
            currency is None
            and document is not None
            and "currency_id" in document._fields
        ):
            currency = document.currency_id
        currency = currency or company.currency_id
        if currency == company.currency_id:
            return amount
        if date is None and document is not None:
            for name in ("invoice_date", "date_order", "date"):
                if name in document._fields and document[name]:
                    date = document[name]
                    break
        date = date or fields.Date.context_today(self)
        if not isinstance(date, Date):
            date = fields.Date.to_date(date)
        return currency._convert(amount, company.currency_id, company, date)

    def _segment_credit_figures(self, company, rules, exclude_move=None, lock=False):
        """The customer's check rule, grade and figures: one query.

        Returns ``(rule, grade, figures)``: the first of ``rules`` (the
        company's, :meth:`partner.segment.policy._get_check_rules`) whose
        condition the customer meets, or None; its credit grade in the
        company; and :class:`~..engine.credit.Figures`.  The limit is core's
        company-dependent ``credit_limit`` (its fallback included); the
        receivable is the residual of the posted, unreconciled receivable
        lines of the commercial partner in the company (credit notes and
        payments not yet matched lower it, as in core's ``credit``), in
        company currency; drafts are the receivable lines of draft customer
        invoices and credit notes other than ``exclude_move``, when the
        company counts them.  For a customer no rule covers, only its row is
        read (the subqueries are skipped).  Posted and draft lines are summed in two
        subqueries: one scan with an ``OR`` across the tables cost the
        planner several times the execution.

        With ``lock`` (posting), a customer some rule covers has its row
        rewritten by the same query: two transactions posting for one
        customer at once are serialised, the second fails to serialise if the
        first committed after it started, and Odoo's retry sees the first
        one's receivable.
        """
        self.ensure_one()
        self.env["account.move.line"].flush_model(
            [
                "partner_id",
                "company_id",
                "account_id",
                "parent_state",
                "reconciled",
                "amount_residual",
                "balance",
                "date_maturity",
                "move_id",
            ]
        )
        self.env["account.move"].flush_model(["move_type"])
        self.env["account.account"].flush_model(["account_type"])
        Partner = self.sudo().with_company(company)
        rule_index = self.env["partner.segment.policy"]._rule_index_sql(rules)
        drafts = SQL("0")
        if company.segment_credit_include_draft:
            drafts = SQL(
                """
                (SELECT COALESCE(SUM(aml.balance), 0)
                   FROM account_move_line aml
                   JOIN account_move move ON move.id = aml.move_id
                   JOIN account_account account ON account.id = aml.account_id
                  WHERE aml.partner_id = %(partner)s
                    AND aml.company_id = %(company)s
                    AND account.account_type = 'asset_receivable'
                    AND aml.parent_state = 'draft'
                    AND move.move_type IN ('out_invoice', 'out_refund')
                    AND aml.move_id != %(exclude)s
                    AND partner.rule_index IS NOT NULL)
                """,
                partner=self.id,
                company=company.id,
                exclude=(exclude_move._origin.id if exclude_move else 0) or 0,
            )
        serialize = SQL()
        if lock and rules:
            # only when posting: a read-only request (the form) cannot write.
            # The row is found by its id through the CTE: the rules'
            # conditions in the UPDATE's own WHERE let the planner pick an
            # index on a class and scan every customer.
            serialize = SQL(
                """,
                serialized AS (
                    UPDATE res_partner SET credit_limit = res_partner.credit_limit
                      FROM partner
                     WHERE res_partner.id = partner.id
                       AND partner.rule_index IS NOT NULL
                 RETURNING res_partner.id)
                """
            )
        [(index, grade, limit, open_receivable, oldest_due, draft_receivable)] = (
            self.env.execute_query(
                SQL(
                    """
                    WITH partner AS MATERIALIZED (
                        SELECT res_partner.id, %(rule_index)s AS rule_index,
                               %(grade)s AS grade, %(limit)s AS limit_value
                          FROM res_partner
                         WHERE res_partner.id = %(partner)s
                    )%(serialize)s
                    SELECT partner.rule_index, partner.grade, partner.limit_value,
                           posted.open_receivable, posted.oldest_due, %(drafts)s
                      FROM partner,
                           -- a customer no rule covers: no line is read
                           LATERAL (SELECT COALESCE(SUM(aml.amount_residual), 0)
                                       AS open_receivable,
                                   MIN(aml.date_maturity)
                                       FILTER (WHERE aml.amount_residual > 0)
                                       AS oldest_due
                              FROM account_move_line aml
                              JOIN account_account account
                                ON account.id = aml.account_id
                             WHERE aml.partner_id = %(partner)s
                               AND aml.company_id = %(company)s
                               AND account.account_type = 'asset_receivable'
                               AND aml.parent_state = 'posted'
                               AND NOT aml.reconciled
                               AND partner.rule_index IS NOT NULL) posted
                    """,
                    serialize=serialize,
                    rule_index=rule_index,
                    grade=Partner._field_to_sql("res_partner", "credit_grade"),
                    limit=Partner._field_to_sql("res_partner", "credit_limit"),
                    drafts=drafts,
                    partner=self.id,
                    company=company.id,
                )
            )
        )
        figures = credit_rules.Figures(
            credit_limit=float(limit or 0.0),
            open_receivable=float(open_receivable),
            draft_receivable=float(draft_receivable),
            oldest_due=oldest_due,
        )
        return (None if index is None else rules[index]), grade, figures

    def _segment_credit_message(self, check):
        """The message naming customer, grade, exposure, limit and overdue days."""
        env = self.env
        currency = check.company.currency_id
        grade = dict(dimensions.CREDIT_GRADE.selection()).get(check.grade) or env._(
            "none"
        )
        limit = (
            formatLang(env, check.limit, currency_obj=currency)
            if check.limit > 0
            else env._("no limit")
        )
        values = {
            "customer": check.partner.display_name,
            "grade": grade,
            "exposure": formatLang(env, check.exposure, currency_obj=currency),
            "amount": formatLang(env, check.amount, currency_obj=currency),
            "limit": limit,
            "days": check.overdue_days,
        }
        if check.tolerance:
            details = env._(
                "%(customer)s (credit grade %(grade)s): exposure %(exposure)s "
                "including this document's %(amount)s, credit limit %(limit)s; "
                "oldest invoice %(days)s days overdue (tolerance %(tolerance)s days).",
                tolerance=check.tolerance,
                **values,
            )
        else:
            details = env._(
                "%(customer)s (credit grade %(grade)s): exposure %(exposure)s "
                "including this document's %(amount)s, credit limit %(limit)s; "
                "oldest invoice %(days)s days overdue.",
                **values,
            )
        if check.action == "warn":
            return env._("Over the credit limit: %(details)s", details=details)
        if check.action == "block":
            return env._("Posting refused: %(details)s", details=details)
        return env._(
            "A credit controller must approve this document before it is posted: "
            "%(details)s",
            details=details,
        )
