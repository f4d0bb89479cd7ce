from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine.behaviour import Rules


class ResCompany(models.Model):
    _inherit = "res.company"

    segment_window_days = fields.Integer(
        "Classification Window (days)",
        default=365,
        help="Invoices dated in the last N days count for value, frequency and RFM.",
    )
    segment_value_high = fields.Float(
        "High Value Cut-off (%)",
        default=80.0,
        help="Customers are high value while the revenue of the customers before "
        "them (largest first) is below this share of the total.",
    )
    segment_value_medium = fields.Float("Medium Value Cut-off (%)", default=95.0)
    segment_freq_high = fields.Integer("High Frequency: Invoices ≥", default=12)
    segment_freq_medium = fields.Integer("Medium Frequency: Invoices ≥", default=4)
    segment_credit_a_days = fields.Integer("Grade A: Overdue Days >", default=0)
    segment_credit_b_days = fields.Integer("Grade B: Overdue Days >", default=30)
    segment_credit_c_days = fields.Integer("Grade C: Overdue Days >", default=90)
    red_partial_invoicing_error = fields.Boolean(
        "Partial Red Invoice for Invoicing Errors",
        help="Allow a partial red invoice for reason 01 (invoicing error); "
        "otherwise such a red invoice reverses the whole invoice.",
    )
    red_rule_all_invoices = fields.Boolean(
        "Red Invoice Rule on All Customer Invoices",
        help="Never let credit notes reverse more than invoiced on every customer "
        "invoice of the company; otherwise only on invoices that carry a Chinese "
        "tax invoice (kind, code or number).",
    )
    segment_import_background_rows = fields.Integer(
        "Import in Background Above (rows)",
        default=5000,
        help="An import or a Test of a file with more data rows runs in the "
        "background, in committed batches, with its progress shown; 0 runs every "
        "import in the request.",
    )
    segment_reclassify_background_partners = fields.Integer(
        "Reclassify in Background Above (customers)",
        default=20000,
        help="Reclassifying more customers than this runs in the background, in "
        "committed batches, with its progress shown; 0 reclassifies in the request "
        "whatever the number.",
    )
    segment_region_grouping = fields.Selection(
        [
            ("geographic", "Geographic regions"),
            ("economic", "Economic regions"),
            ("both", "Both"),
        ],
        "Region Grouping",
        default="geographic",
        required=True,
        help="Which regions this company's reports, lists and filters show: the "
        "seven geographic regions (七大地理分区), the statistics bureau's four "
        "economic regions (东部, 中部, 西部, 东北), or both as two dimensions.",
    )
    segment_last_run = fields.Datetime("Last Classification", readonly=True, copy=False)
    segment_credit_include_draft = fields.Boolean(
        "Credit Check Counts Draft Invoices",
        help="The credit check adds the customer's draft and to-post invoices "
        "(less draft credit notes) to its open receivable.",
    )
    segment_policy_propose_daily = fields.Boolean(
        "Propose Policy Changes Daily",
        help="The daily classification then proposes what the segment policies "
        "would change (credit limits, payment terms, pricelists), for a manager "
        "to review and apply; nothing is applied automatically.",
    )

    @api.constrains(
        "segment_window_days",
        "segment_value_high",
        "segment_value_medium",
        "segment_freq_high",
        "segment_freq_medium",
        "segment_credit_a_days",
        "segment_credit_b_days",
        "segment_credit_c_days",
    )
    def _check_segment_rules(self):
        for company in self:
            if company.segment_window_days <= 0:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the classification window must be at least one "
                        "day (got %(days)s).",
                        company=company.name,
                        days=company.segment_window_days,
                    )
                )
            numbers = [
                company.segment_value_high,
                company.segment_value_medium,
                company.segment_freq_high,
                company.segment_freq_medium,
                company.segment_credit_a_days,
                company.segment_credit_b_days,
                company.segment_credit_c_days,
            ]
            if min(numbers) < 0:
                raise ValidationError(
                    self.env._(
                        "%(company)s: classification thresholds cannot be negative.",
                        company=company.name,
                    )
                )
            try:
                company._get_segment_rules()
            except ValueError as error:
                raise ValidationError(
                    self.env._(
                        "%(company)s: inconsistent classification thresholds: value "
                        "cut-offs need 0 < high ≤ medium ≤ 100 %%, frequencies "
                        "1 ≤ medium ≤ high, overdue days A ≤ B ≤ C.",
                        company=company.name,
                    )
                ) from error

    def write(self, vals):
        if "country_id" not in vals:
            return super().write(vals)
        main = self.env["res.company"]._get_main_company()
        # the region of partners depends on their home company's country;
        # shared partners take it from the main company
        domain = [("company_id", "in", self.ids)]
        if main in self:
            domain = ["|", ("company_id", "=", False), *domain]
        partners = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search([("country_id", "!=", False), *domain])
        )
        before = partners._segment_read_columns(["region_id"])
        result = super().write(vals)
        partners._segment_recompute_and_report(["region_id"], "region", before=before)
        return result

    def _get_segment_rules(self):
        """The thresholds of this company as the plain-Python engine takes them."""
        self.ensure_one()
        return Rules(
            window_days=self.segment_window_days,
            value_high=self.segment_value_high / 100,
            value_medium=self.segment_value_medium / 100,
            freq_high=self.segment_freq_high,
            freq_medium=self.segment_freq_medium,
            credit_a_days=self.segment_credit_a_days,
            credit_b_days=self.segment_credit_b_days,
            credit_c_days=self.segment_credit_c_days,
        )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        # the shipped grade policies, archived, for each new company
        self.env["partner.segment.policy"]._create_default_policies(companies)
        return companies
