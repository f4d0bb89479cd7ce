import ast
import re

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class PartnerSegmentClass(models.Model):
    """A class of a user-defined dimension: a lower bound or a condition."""

    _name = "partner.segment.class"
    _description = "Customer Classification Class"
    _order = "sequence, id"

    dimension_id = fields.Many2one(
        "partner.segment.dimension", required=True, index=True, ondelete="cascade"
    )
    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True, help="Stored value: letters, digits and underscores."
    )
    sequence = fields.Integer(default=10, help="Best first.")
    color = fields.Integer()
    lower_bound = fields.Float(
        help="Customers whose measure reaches this bound take the class, unless "
        "a class with a higher bound takes them."
    )
    domain = fields.Char(
        default="[]",
        help="Customers that match take the class (the first class "
        "in sequence that matches).",
    )
    kind = fields.Selection(related="dimension_id.kind")

    _sql_constraints = [
        (
            "code_unique",
            "UNIQUE(dimension_id, code)",
            "Two classes of a dimension cannot share a code.",
        ),
    ]

    @api.constrains("code")
    def _check_code(self):
        for segment_class in self:
            if not re.match(r"^[A-Za-z0-9_]{1,30}$", segment_class.code or ""):
                raise ValidationError(
                    self.env._(
                        "The class code %(code)s may hold only letters, digits and "
                        "underscores (at most 30).",
                        code=segment_class.code,
                    )
                )

    @api.constrains("domain")
    def _check_domain(self):
        Partner = self.env["res.partner"]
        for segment_class in self:
            try:
                Partner._search(segment_class._parsed_domain())
            except Exception as error:
                raise ValidationError(
                    self.env._(
                        "The condition of %(class)s is not a valid customer "
                        "domain: %(error)s",
                        **{"class": segment_class.name, "error": error},
                    )
                ) from error

    @api.model_create_multi
    def create(self, vals_list):
        classes = super().create(vals_list)
        if not self.env.context.get("segment_no_sync"):
            classes.dimension_id._sync_fields()
        return classes

    def write(self, vals):
        if "code" in vals and any(c.code != vals["code"] for c in self):
            raise UserError(
                self.env._(
                    "The code of a class cannot change: customers store it. "
                    "Create a new class instead."
                )
            )
        result = super().write(vals)
        if "dimension_id" in vals:
            # the credit check's rules name the dimension's customer field
            self.env["partner.segment.policy"]._clear_check_rules()
        if self.env.context.get("segment_no_sync"):
            return result
        if vals.keys() & {"name", "sequence"}:
            self.dimension_id._sync_fields()
        return result

    def unlink(self):
        dimensions_ = self.dimension_id
        result = super().unlink()
        # their policies went with them (cascade): the credit check's rules too
        self.env["partner.segment.policy"]._clear_check_rules()
        if not self.env.context.get("segment_no_sync"):
            dimensions_.exists()._sync_fields()
        return result

    def _translations(self, fname, langs):
        self.ensure_one()
        return [self.with_context(lang=lang)[fname] for lang in langs]

    def _parsed_domain(self):
        """The condition as a domain (a literal: no code is evaluated)."""
        self.ensure_one()
        domain = ast.literal_eval((self.domain or "[]").strip())
        if not isinstance(domain, list):
            raise ValueError(self.env._("a domain is a list"))
        return domain
