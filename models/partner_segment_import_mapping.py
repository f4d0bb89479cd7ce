from odoo import api, fields, models


class PartnerSegmentImportMapping(models.Model):
    """A header of an import file and the column the user chose for it.

    The mapping step of an import (``partner.segment.import.column``) stores
    here, per company and import kind, the choices that differ from the
    import's own aliases: the next file with the same header maps itself.
    A choice equal to the aliases' is not kept (the aliases decide again).
    """

    _name = "partner.segment.import.mapping"
    _description = "Remembered Import Column"
    _order = "res_model, header"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        ondelete="cascade",
        default=lambda self: self.env.company,
    )
    res_model = fields.Char("Import Kind", required=True)
    header = fields.Char(
        required=True,
        help="The header as the import compares it: without case, spaces, the "
        "required mark and a unit in brackets.",
    )
    header_label = fields.Char("Header as Written")
    column_key = fields.Char(
        "Column", help="The import's column the header is read as; empty: not imported."
    )

    _sql_constraints = [
        (
            "header_uniq",
            "unique(company_id, res_model, header)",
            "A header is mapped once per company and import kind.",
        )
    ]

    @api.model
    def _mapping_get(self, res_model):
        """{header: column key, "" for not imported} of the current company."""
        records = self.search(
            [("res_model", "=", res_model), ("company_id", "=", self.env.company.id)]
        )
        return {r.header: r.column_key or "" for r in records}

    @api.model
    def _mapping_remember(self, res_model, keep, drop):
        """Store the choices ``keep`` {header: (header as written, column key)}
        and forget those of the headers ``drop``, for the current company."""
        headers = set(keep) | set(drop)
        if not headers:
            return
        existing = {
            r.header: r
            for r in self.search(
                [
                    ("res_model", "=", res_model),
                    ("company_id", "=", self.env.company.id),
                    ("header", "in", list(headers)),
                ]
            )
        }
        self.browse(r.id for h, r in existing.items() if h in drop).unlink()
        creates = []
        for header, (label, key) in keep.items():
            record = existing.get(header)
            if record is None:
                creates.append(
                    {
                        "res_model": res_model,
                        "header": header,
                        "header_label": label,
                        "column_key": key,
                    }
                )
            elif (record.column_key or "") != key:
                record.write({"column_key": key, "header_label": label})
        if creates:
            self.create(creates)
