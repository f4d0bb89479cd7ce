from odoo import models

from .partner_segment_dimension import FIELD_PREFIX


class IrModelFields(models.Model):
    _inherit = "ir.model.fields"

    def _instanciate_attrs(self, field_data):
        """The customer fields of a user-defined dimension (``x_seg_*``) are
        company dependent and for internal users, as the built-in per-company
        dimensions' fields are; core makes no manual field so."""
        attrs = super()._instanciate_attrs(field_data)
        if (
            attrs is not None
            and field_data["model"] == "res.partner"
            and field_data["name"].startswith(FIELD_PREFIX)
        ):
            attrs["company_dependent"] = bool(field_data.get("company_dependent"))
            attrs["groups"] = "base.group_user"
        return attrs


class IrModelFieldsSelection(models.Model):
    _inherit = "ir.model.fields.selection"

    def _get_records(self):
        """A class value of a user-defined dimension is company dependent
        (jsonb): core's lookup by column value cannot find it.  Its values are
        removed in every company before (``partner.segment.dimension``)."""
        field = self.field_id
        if field.model == "res.partner" and field.name.startswith(FIELD_PREFIX):
            return self.env["res.partner"]
        return super()._get_records()
