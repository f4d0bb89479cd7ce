from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine.scale import Bounds

INDICATOR_FIELDS = {
    "employees": (
        "use_employees",
        "employees_large",
        "employees_medium",
        "employees_small",
    ),
    "revenue": ("use_revenue", "revenue_large", "revenue_medium", "revenue_small"),
    "assets": ("use_assets", "assets_large", "assets_medium", "assets_small"),
}


class PartnerScaleRule(models.Model):
    _name = "partner.scale.rule"
    _description = "Enterprise Scale Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    industry_ids = fields.Many2many(
        "res.partner.industry",
        "partner_scale_rule_industry_rel",
        "rule_id",
        "industry_id",
        string="Industries",
        help="GB/T 4754 industries this rule applies to, at any level. An industry "
        "without a rule of its own uses the rule of the nearest level above it "
        "that has one.",
    )
    use_employees = fields.Boolean("Use Employees")
    employees_large = fields.Integer("Large: Employees ≥")
    employees_medium = fields.Integer("Medium: Employees ≥")
    employees_small = fields.Integer("Small: Employees ≥")
    use_revenue = fields.Boolean("Use Revenue")
    revenue_large = fields.Float("Large: Revenue ≥ (CNY)", digits=(16, 0))
    revenue_medium = fields.Float("Medium: Revenue ≥ (CNY)", digits=(16, 0))
    revenue_small = fields.Float("Small: Revenue ≥ (CNY)", digits=(16, 0))
    use_assets = fields.Boolean("Use Total Assets")
    assets_large = fields.Float("Large: Assets ≥ (CNY)", digits=(16, 0))
    assets_medium = fields.Float("Medium: Assets ≥ (CNY)", digits=(16, 0))
    assets_small = fields.Float("Small: Assets ≥ (CNY)", digits=(16, 0))
    note = fields.Text()

    @api.constrains(*[f for names in INDICATOR_FIELDS.values() for f in names])
    def _check_bounds(self):
        labels = {
            "employees": self.env._("employees"),
            "revenue": self.env._("revenue"),
            "assets": self.env._("total assets"),
        }
        for rule in self:
            for indicator, (use, large, medium, small) in INDICATOR_FIELDS.items():
                values = (rule[large], rule[medium], rule[small])
                if rule[use] and (
                    min(values) <= 0 or not values[0] >= values[1] >= values[2]
                ):
                    raise ValidationError(
                        self.env._(
                            "Scale rule %(rule)s: the %(indicator)s bounds must be "
                            "positive and ordered large ≥ medium ≥ small "
                            "(got %(large)s / %(medium)s / %(small)s).",
                            rule=rule.display_name,
                            indicator=labels[indicator],
                            large=values[0],
                            medium=values[1],
                            small=values[2],
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        self.env["res.partner"].flush_model(["scale_class"])
        rules = super().create(vals_list)
        rules._reclassify_partners()
        return rules

    def write(self, vals):
        industries = self.industry_ids
        # the classes as they stand before the edit, for the history
        self.env["res.partner"].flush_model(["scale_class"])
        res = super().write(vals)
        self._reclassify_partners(industries)
        return res

    def unlink(self):
        industries = self.industry_ids
        self.env["res.partner"].flush_model(["scale_class"])
        res = super().unlink()
        self.env["partner.scale.rule"]._reclassify_partners(industries)
        return res

    def _get_engine_rule(self):
        """The rule as the engine takes it: indicator -> Bounds, used ones only."""
        self.ensure_one()
        return {
            indicator: Bounds(self[large], self[medium], self[small])
            for indicator, (use, large, medium, small) in INDICATOR_FIELDS.items()
            if self[use]
        }

    def _reclassify_partners(self, industries=None):
        """Recompute the scale of partners whose industry the change touches."""
        industries = (
            industries or self.env["res.partner.industry"]
        ) | self.industry_ids
        if not industries:
            return
        partners = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("industry_id", "child_of", industries.ids)])
        )
        partners._segment_recompute_and_report(["scale_class"], "scale_rule")
