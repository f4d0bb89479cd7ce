from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    red_partial_invoicing_error = fields.Boolean(
        "Partial Red Invoice for Invoicing Errors",
        help="Allow a partial red invoice for reason 01 (invoicing error); "
        "otherwise such a red invoice reverses the whole invoice.",
    )
