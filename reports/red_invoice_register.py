from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..engine import red_invoice as red_rules

AMOUNT_COLUMNS = ("untaxed", "tax", "total")
# Rows per printed block: each block has its own header and is never split
# across pages (wkhtmltopdf built on unpatched Qt neither repeats table headers
# nor keeps rows whole), and a block always fits on an A4 landscape page.
CHUNK_ROWS = 25


class ReportRedInvoiceRegister(models.AbstractModel):
    """Values of the red invoice register (红字发票登记簿).

    One row per red invoice (customer credit note that reverses an invoice or
    carries a red invoice reason) in company currency, with subtotals by month
    and by reason and a grand total from one grouped query per company.
    """

    _name = "report.partner_segment.report_red_invoice_register"
    _description = "Red Invoice Register Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        self._check_report_access()
        data = data or {}
        lang = self.env.lang or self.env.user.lang
        report = self.with_context(lang=lang)
        options = report._get_options(docids, data)
        sections = []
        for company in self.env["res.company"].browse(options["company_ids"]):
            query = report._get_move_query(company, options)
            if docids and not data.get("company_ids"):
                # printed on selected moves: only the companies they belong to
                self.env.cr.execute(
                    SQL("SELECT 1 FROM %s AS moves LIMIT 1", query.subselect())
                )
                if not self.env.cr.fetchone():
                    continue
            sections.append(report._get_company_section(company, query, options))
        return {
            "doc_ids": docids,
            "doc_model": "account.move",
            "docs": self.env["account.move"].browse(docids or []),
            "sections": sections,
            "lang": lang,
            # one layout for all companies: unpatched wkhtmltopdf prints one document only
            "layout_company": sections[0]["company"] if sections else self.env.company,
        }

    @api.model
    def _check_report_access(self):
        if not self.env.su and not self.env.user.has_group(
            "account.group_account_invoice"
        ):
            raise AccessError(
                self.env._("Only invoicing users may print the red invoice register.")
            )

    @api.model
    def _get_options(self, docids, data):
        company_ids = data.get("company_ids") or self.env.companies.ids
        if not self.env.su:
            allowed = set(self.env.user.company_ids.ids)
            company_ids = [cid for cid in company_ids if cid in allowed]
        return {
            "company_ids": company_ids,
            "date_from": fields.Date.to_date(data.get("date_from")),
            "date_to": fields.Date.to_date(data.get("date_to")),
            "move_ids": docids if not data.get("company_ids") else None,
            "include_draft": data.get("include_draft", False),
        }

    @api.model
    def _get_move_domain(self, company, options):
        """Hook: the red invoices of ``company`` that the register lists."""
        domain = [
            ("company_id", "=", company.id),
            ("move_type", "=", "out_refund"),
            "|",
            ("reversed_entry_id", "!=", False),
            ("red_reason", "!=", False),
        ]
        if options["move_ids"]:
            domain += [("id", "in", options["move_ids"]), ("state", "!=", "cancel")]
        elif options["include_draft"]:
            domain.append(("state", "!=", "cancel"))
        else:
            domain.append(("state", "=", "posted"))
        if options["date_from"]:
            domain.append(("invoice_date", ">=", options["date_from"]))
        if options["date_to"]:
            domain.append(("invoice_date", "<=", options["date_to"]))
        return domain

    @api.model
    def _get_move_query(self, company, options):
        # record rules of account.move apply through _search
        self.env["account.move"].flush_model()
        return (
            self.env["account.move"]
            .with_company(company)
            ._search(self._get_move_domain(company, options))
        )

    @api.model
    def _get_company_section(self, company, query, options):
        rows = self._query_rows(query)
        groups = self._query_subtotals(query)
        reasons = dict(
            self.env["account.move"]
            ._fields["red_reason"]
            ._description_selection(self.env)
        )
        states = dict(
            self.env["account.move"]
            ._fields["red_form_state"]
            ._description_selection(self.env)
        )
        now = fields.Datetime.now()
        for row in rows:
            row["reason_label"] = reasons.get(row["reason"], "")
            row["form_state_label"] = states.get(row["form_state"], "")
            # a pending form of a draft: the hours before it lapses
            row["hours_left"] = (
                red_rules.hours_left(row["form_state"], row["form_datetime"], now)
                if row["state"] == "draft"
                else None
            )
        months = []
        for month, subtotal in groups["month"].items():
            month_rows = [r for r in rows if r["month"] == month]
            months.append(
                {
                    "month": month,
                    "label": month.strftime("%Y-%m") if month else "-",
                    "chunks": [
                        month_rows[start : start + CHUNK_ROWS]
                        for start in range(0, len(month_rows), CHUNK_ROWS)
                    ],
                    "subtotal": subtotal,
                }
            )
        by_reason = [
            {
                "key": key or "none",
                "label": reasons.get(key) or self.env._("No reason"),
                **subtotal,
            }
            for key, subtotal in groups["reason"].items()
        ]
        return {
            "company": company,
            "currency": company.currency_id,
            "date_from": options["date_from"],
            "date_to": options["date_to"],
            "months": months,
            "by_reason": by_reason,
            "total": groups["total"],
            "count": len(rows),
        }

    @api.model
    def _query_rows(self, query):
        self.env.cr.execute(
            SQL(
                """
                SELECT m.id, m.invoice_date, date_trunc('month', m.invoice_date)::date,
                       m.name, p.name, b.name, b.cn_invoice_code, b.cn_invoice_number,
                       COALESCE(m.red_invoice_number, m.cn_invoice_number),
                       m.red_reason, m.red_form_number,
                       m.red_form_state, m.red_form_datetime, m.state,
                       m.amount_untaxed_signed, m.amount_tax_signed, m.amount_total_signed
                  FROM account_move m
                  JOIN res_partner p ON p.id = m.commercial_partner_id
             LEFT JOIN account_move b ON b.id = m.reversed_entry_id
                 WHERE m.id IN %s
              ORDER BY m.invoice_date, m.name, m.id
                """,
                query.subselect(),
            )
        )
        keys = (
            "id",
            "date",
            "month",
            "name",
            "customer",
            "blue_name",
            "blue_code",
            "blue_number",
            "red_number",
            "reason",
            "form_number",
            "form_state",
            "form_datetime",
            "state",
            "untaxed",
            "tax",
            "total",
        )
        return [dict(zip(keys, row, strict=True)) for row in self.env.cr.fetchall()]

    @api.model
    def _query_subtotals(self, query):
        """Count and amounts by month, by reason and in total: one grouped query."""
        self.env.cr.execute(
            SQL(
                """
                SELECT GROUPING(date_trunc('month', m.invoice_date)::date),
                       GROUPING(m.red_reason),
                       date_trunc('month', m.invoice_date)::date, m.red_reason, COUNT(*),
                       COALESCE(SUM(m.amount_untaxed_signed), 0),
                       COALESCE(SUM(m.amount_tax_signed), 0),
                       COALESCE(SUM(m.amount_total_signed), 0)
                  FROM account_move m
                 WHERE m.id IN %s
              GROUP BY GROUPING SETS ((date_trunc('month', m.invoice_date)::date),
                                      (m.red_reason), ())
              ORDER BY 3, 4
                """,
                query.subselect(),
            )
        )
        groups = {
            "month": {},
            "reason": {},
            "total": dict.fromkeys(("count", *AMOUNT_COLUMNS), 0),
        }
        for (
            no_month,
            no_reason,
            month,
            reason,
            count,
            *amounts,
        ) in self.env.cr.fetchall():
            values = {
                "count": count,
                **dict(zip(AMOUNT_COLUMNS, map(float, amounts), strict=True)),
            }
            if not no_month:
                groups["month"][month] = values
            elif not no_reason:
                groups["reason"][reason] = values
            else:
                groups["total"] = values
        return groups
