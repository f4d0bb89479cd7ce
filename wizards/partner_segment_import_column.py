from odoo import api, fields, models


class PartnerSegmentImportColumn(models.TransientModel):
    """One column of an import file in the mapping step: its header, two
    sample values and the column of the import it is read as, which the user
    may change (to any column they may write, or to "not imported")."""

    _name = "partner.segment.import.column"
    _description = "Import Column Mapping"
    _order = "position, id"

    res_model = fields.Char("Import Model", required=True)
    res_id = fields.Many2oneReference("Import", model_field="res_model", required=True)
    position = fields.Integer(readonly=True)
    header = fields.Char("Column of the File", readonly=True)
    header_key = fields.Char(readonly=True)
    sample_1 = fields.Char("Sample", readonly=True)
    sample_2 = fields.Char("Second Sample", readonly=True)
    column_key = fields.Selection(
        selection="_selection_column_key",
        string="Imported As",
        help="Empty: the column is not imported.",
    )
    note = fields.Char(readonly=True)

    @api.model
    def _selection_column_key(self):
        """The columns of every import with a mapping step, less those the
        user may not write (a mapping the user cannot write is not offered)."""
        mixin = self.env.registry["partner.segment.import.mixin"]
        choices = {}
        for name in sorted(self.env.registry):
            cls = self.env.registry[name]
            if (
                cls._abstract
                or not issubclass(cls, mixin)
                or not cls._import_mapping_step
            ):
                continue
            choices.update(self.env[name]._import_column_choices())
        return list(choices.items())
