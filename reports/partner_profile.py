from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import dimensions

HISTORY_LIMIT = 20
CREDIT_GROUPS = ("account.group_account_invoice", "account.group_account_readonly")


class ReportPartnerProfile(models.AbstractModel):
    """Values of the customer classification profile (客户分类档案).

    One profile per commercial partner, in the current company: identity,
    every classification (computed, effective, locked), the window aggregates,
    credit data and the last classification changes.  Receivables and history
    are read for all printed partners at once.
    """

    _name = "report.partner_segment.report_partner_profile"
    _description = "Customer Classification Profile Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        self.env[
            "report.partner_segment.report_segment_distribution"
        ]._check_report_access()
        lang = self.env.lang or self.env.user.lang
        report = self.with_context(lang=lang)
        partners = report.env["res.partner"].browse(docids).commercial_partner_id
        partners.check_access("read")
        company = self.env.company
        open_amounts = report._get_open_receivables(company, partners)
        history = report._get_last_changes(company, partners)
        show_credit_limit = any(self.env.user.has_group(g) for g in CREDIT_GROUPS)
        profiles = [
            {
                "partner": partner,
                "classes": report._get_classification_rows(partner),
                "open_amount": open_amounts.get(partner.id, 0.0),
                "credit_limit": partner.credit_limit if show_credit_limit else None,
                "changes": history.get(partner.id, []),
            }
            for partner in partners
        ]
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "profiles": profiles,
            "company": company,
            # one layout for all partners: unpatched wkhtmltopdf prints one document only
            "layout_company": company,
            "currency": company.currency_id,
            "lang": lang,
            "history_limit": HISTORY_LIMIT,
        }

    @api.model
    def _get_classification_rows(self, partner):
        """[{dimension, label, computed, effective, locked}] of one partner."""
        rows = []
        company_id = self.env.company.id
        for dimension in partner._segment_dimensions():
            if not dimensions.get(dimension).shown_in(company_id):
                continue  # a user-defined dimension of another company
            computed, _manual, locked = partner._segment_field_names(dimension)
            field = partner._fields[dimension]
            rows.append(
                {
                    "dimension": dimension,
                    "label": field.get_description(self.env)["string"],
                    "computed": self._value_label(partner, computed),
                    "effective": self._value_label(partner, dimension),
                    "locked": partner[locked],
                }
            )
        return rows

    @api.model
    def _value_label(self, partner, fname):
        value = partner[fname]
        field = partner._fields[fname]
        if field.type == "many2one":
            return value.display_name or ""
        return dict(field._description_selection(self.env)).get(value, "")

    @api.model
    def _get_open_receivables(self, company, partners):
        """{commercial partner id: open receivable} in company currency, one query."""
        if not partners:
            return {}
        receivables = self.env["partner.segment.engine"]._receivables_query(
            company, fields.Date.context_today(self), partner_ids=partners.ids
        )
        self.env.cr.execute(
            SQL("SELECT partner_id, open_amount FROM (%s) r", receivables)
        )
        return {pid: float(amount or 0.0) for pid, amount in self.env.cr.fetchall()}

    @api.model
    def _get_last_changes(self, company, partners):
        """{partner id: history records}, the last HISTORY_LIMIT changes of each."""
        if not partners:
            return {}
        History = self.env["partner.segment.history"]
        History.check_access("read")
        History.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM (
                    SELECT id, ROW_NUMBER() OVER (
                               PARTITION BY partner_id ORDER BY date DESC, id DESC) AS rank
                      FROM partner_segment_history
                     WHERE (company_id = %(company)s OR company_id IS NULL)
                       AND partner_id = ANY(%(ids)s)
                ) ranked
                 WHERE rank <= %(limit)s
                """,
                company=company.id,
                ids=partners.ids,
                limit=HISTORY_LIMIT,
            )
        )
        changes = History.browse(row[0] for row in self.env.cr.fetchall())
        return {
            partner.id: records.sorted()
            for partner, records in changes.grouped("partner_id").items()
        }
