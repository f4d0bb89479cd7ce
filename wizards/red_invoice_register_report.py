from odoo import fields, models


class RedInvoiceRegisterReport(models.TransientModel):
    """Options of the red invoice register (红字发票登记簿)."""

    _name = "red.invoice.register.report"
    _description = "Print the Red Invoice Register"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    date_from = fields.Date(
        "From",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
    )
    date_to = fields.Date(
        "To", required=True, default=lambda self: fields.Date.context_today(self)
    )
    include_draft = fields.Boolean(
        "Include Drafts",
        help="Also list red invoices not posted yet (cancelled ones never appear).",
    )

    def action_print(self):
        """Print the register of the period."""
        self.ensure_one()
        return self.env.ref(
            "partner_segment.report_red_invoice_register_action"
        ).report_action(None, data=self._prepare_report_data())

    def _prepare_report_data(self):
        self.ensure_one()
        return {
            "company_ids": self.company_id.ids,
            "date_from": fields.Date.to_string(self.date_from),
            "date_to": fields.Date.to_string(self.date_to),
            "include_draft": self.include_draft,
        }
