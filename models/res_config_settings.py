from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    segment_import_background_rows = fields.Integer(
        related="company_id.segment_import_background_rows", readonly=False
    )
    segment_reclassify_background_partners = fields.Integer(
        related="company_id.segment_reclassify_background_partners", readonly=False
    )
    segment_region_grouping = fields.Selection(
        related="company_id.segment_region_grouping", readonly=False
    )
    segment_window_days = fields.Integer(
        related="company_id.segment_window_days", readonly=False
    )
    segment_value_high = fields.Float(
        related="company_id.segment_value_high", readonly=False
    )
    segment_value_medium = fields.Float(
        related="company_id.segment_value_medium", readonly=False
    )
    segment_freq_high = fields.Integer(
        related="company_id.segment_freq_high", readonly=False
    )
    segment_freq_medium = fields.Integer(
        related="company_id.segment_freq_medium", readonly=False
    )
    segment_credit_a_days = fields.Integer(
        related="company_id.segment_credit_a_days", readonly=False
    )
    segment_credit_b_days = fields.Integer(
        related="company_id.segment_credit_b_days", readonly=False
    )
    segment_credit_c_days = fields.Integer(
        related="company_id.segment_credit_c_days", readonly=False
    )
    red_partial_invoicing_error = fields.Boolean(
        related="company_id.red_partial_invoicing_error", readonly=False
    )
    red_rule_all_invoices = fields.Boolean(
        related="company_id.red_rule_all_invoices", readonly=False
    )
    segment_credit_include_draft = fields.Boolean(
        related="company_id.segment_credit_include_draft", readonly=False
    )
    segment_policy_propose_daily = fields.Boolean(
        related="company_id.segment_policy_propose_daily", readonly=False
    )
