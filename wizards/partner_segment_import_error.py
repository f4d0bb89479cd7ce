from odoo import fields, models


class PartnerSegmentImportError(models.TransientModel):
    _name = "partner.segment.import.error"
    _description = "Import Problem"
    _order = "row_number, id"

    res_model = fields.Char("Import Model", required=True)
    res_id = fields.Many2oneReference("Import", model_field="res_model", required=True)
    row_number = fields.Integer("Row")
    column = fields.Char()
    message = fields.Char(required=True)
