from datetime import timedelta

from odoo import api, fields, models


class PartnerSegmentReport(models.TransientModel):
    """Options of the customer segment distribution (客户分类统计报表)."""

    _name = "partner.segment.report"
    _description = "Print the Customer Segment Distribution"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    as_of = fields.Date(
        "As of",
        required=True,
        default=lambda self: self._default_as_of(),
        help="Open receivables and overdue amounts are computed on this day, and "
        "class movements are counted up to it. Classes and window revenue are "
        "those of the last classification run.",
    )
    date_from = fields.Date(
        "Movements Since",
        compute="_compute_date_from",
        store=True,
        readonly=False,
        required=True,
        help="Class movements are counted after this day (excluded) up to the as-of "
        "date. Defaults to the classification window before the as-of date; set "
        "the end of the previous report period to compare two reports.",
    )
    user_ids = fields.Many2many("res.users", string="Salespersons")
    region_ids = fields.Many2many("partner.region", string="Regions")
    industry_ids = fields.Many2many(
        "res.partner.industry",
        string="Industries",
        help="Customers of these industries or of their classes.",
    )

    @api.model
    def _default_as_of(self):
        last_run = self.env.company.segment_last_run
        if last_run:
            return fields.Date.context_today(self, last_run)
        return fields.Date.context_today(self)

    @api.depends("as_of", "company_id")
    def _compute_date_from(self):
        for wizard in self:
            if wizard.as_of and wizard.company_id:
                window = wizard.company_id.segment_window_days or 365
                wizard.date_from = wizard.as_of - timedelta(days=window)

    def action_print(self):
        """Print the distribution with these options."""
        self.ensure_one()
        return self.env.ref(
            "partner_segment.report_segment_distribution_action"
        ).report_action(None, data=self._prepare_report_data())

    def _prepare_report_data(self):
        self.ensure_one()
        return {
            "company_ids": self.company_id.ids,
            "as_of": fields.Date.to_string(self.as_of),
            "date_from": fields.Date.to_string(self.date_from),
            "user_ids": self.user_ids.ids,
            "region_ids": self.region_ids.ids,
            "industry_ids": self.industry_ids.ids,
        }
