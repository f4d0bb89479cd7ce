from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    red_partial_invoicing_error = fields.Boolean(
        related="company_id.red_partial_invoicing_error", readonly=False
    )
