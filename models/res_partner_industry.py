from odoo import api, fields, models


class ResPartnerIndustry(models.Model):
    _inherit = "res.partner.industry"
    _order = "code, name"
    _parent_store = True

    code = fields.Char(
        index=True,
        help="GB/T 4754-2017 code: a section letter (A–T), then the division, group "
        "or class digits (C39, C391, C3911).",
    )
    parent_id = fields.Many2one(
        "res.partner.industry",
        string="Parent Industry",
        index=True,
        ondelete="restrict",
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many(
        "res.partner.industry", "parent_id", string="Sub-industries"
    )
    scale_rule_ids = fields.Many2many(
        "partner.scale.rule",
        "partner_scale_rule_industry_rel",
        "industry_id",
        "rule_id",
        string="Scale Rules",
    )
    scale_rule_id = fields.Many2one(
        "partner.scale.rule",
        compute="_compute_scale_rule_id",
        string="Scale Rule",
        recursive=True,
        help="The enterprise-scale rule of this industry, or of the nearest level "
        "above it that has one (class, group, division, section).",
    )

    _sql_constraints = [
        ("code_uniq", "unique(code)", "An industry code must be unique."),
    ]

    @api.depends(
        "scale_rule_ids.active", "scale_rule_ids.sequence", "parent_id.scale_rule_id"
    )
    def _compute_scale_rule_id(self):
        for industry in self:
            industry.scale_rule_id = industry._get_scale_rule()

    @api.depends("code", "name")
    def _compute_display_name(self):
        for industry in self:
            industry.display_name = (
                f"{industry.code} {industry.name}" if industry.code else industry.name
            )

    @api.model
    def _search_display_name(self, operator, value):
        if operator in ("ilike", "=ilike", "like", "=like") and value:
            domain = ["|", ("code", "=ilike", value), ("name", operator, value)]
            if isinstance(value, str) and value.isdigit():  # 3911 finds C3911
                domain = ["|", ("code", "=ilike", f"_{value}"), *domain]
            return domain
        return super()._search_display_name(operator, value)

    def _get_scale_rule(self):
        """The active rule of the nearest industry up the tree that has one."""
        self.ensure_one()
        industry = self
        while industry:
            rules = industry.scale_rule_ids.filtered("active")
            if rules:
                return rules.sorted("sequence")[0]
            industry = industry.parent_id
        return self.env["partner.scale.rule"]
