from odoo import fields, models


class ResCountryState(models.Model):
    _inherit = "res.country.state"

    segment_region_ids = fields.Many2many(
        "partner.region",
        "partner_region_state_rel",
        "state_id",
        "region_id",
        string="Customer Regions",
    )
