from odoo import api, fields, models
from odoo.exceptions import UserError


class PartnerRegion(models.Model):
    _name = "partner.region"
    _description = "Customer Region"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    grouping = fields.Selection(
        [
            ("geographic", "Geographic regions (七大地理分区)"),
            ("economic", "Economic regions (四大经济区域)"),
        ],
        required=True,
        default="geographic",
        help="Geographic regions make the Region dimension; economic regions (the "
        "statistics bureau's 东部, 中部, 西部, 东北) make the Economic Region.",
    )
    region_type = fields.Selection(
        [
            ("area", "Provinces and countries"),
            ("domestic", "Domestic, no mapped province"),
            ("international", "International"),
        ],
        string="Type",
        required=True,
        default="area",
        help="Provinces and countries: partners whose province or country is listed. "
        "Domestic: partners in the company's country whose province is in no region. "
        "International: partners in another country than the company's.",
    )
    state_ids = fields.Many2many(
        "res.country.state",
        "partner_region_state_rel",
        "region_id",
        "state_id",
        string="Provinces",
    )
    country_ids = fields.Many2many(
        "res.country",
        "partner_region_country_rel",
        "region_id",
        "country_id",
        string="Countries",
        help="Partners of these countries belong to this region whatever their "
        "province, before the international rule applies.",
    )
    partner_count = fields.Integer(compute="_compute_partner_count", string="Customers")

    _sql_constraints = [
        ("code_uniq", "unique(code)", "A region code must be unique."),
    ]

    def _compute_partner_count(self):
        counts = {}
        for fname in ("region_id", "economic_region_id"):
            counts.update(
                self.env["res.partner"]._read_group(
                    [(fname, "in", self.ids)], [fname], ["__count"]
                )
            )
        for region in self:
            region.partner_count = counts.get(region, 0)

    @api.constrains("grouping", "region_type")
    def _check_grouping(self):
        for region in self:
            if region.grouping == "economic" and region.region_type != "area":
                raise UserError(
                    self.env._(
                        "Region %(region)s: an economic region lists provinces; "
                        "only geographic regions may be domestic or international.",
                        region=region.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self.env["res.partner"].flush_model(["region_id"])
        regions = super().create(vals_list)
        if not regions._segment_installing():
            regions._reclassify_partners()
        return regions

    def _segment_installing(self):
        """Whether these records come from the addon's data while it is being
        installed: the end of the data file then classifies every partner once."""
        return bool(
            self.env.context.get("install_mode")
            and self.env["ir.module.module"]
            .sudo()
            .search_count(
                [("name", "=", "partner_segment"), ("state", "=", "to install")]
            )
        )

    @api.model
    def _segment_install_regions(self):
        """Every partner's geographic and economic region, computed once at
        install (models/install.py), without a chatter message per partner."""
        partners = (
            self.env["res.partner"]
            .with_context(active_test=False, mail_notrack=True)
            .search(["|", ("country_id", "!=", False), ("state_id", "!=", False)])
        )
        self.env.add_to_compute(partners._fields["economic_region_id"], partners)
        partners._segment_recompute_and_report(["region_id"], "region")

    def write(self, vals):
        before = self._get_region_scope()
        # the regions as they stand before the edit, for the history
        self.env["res.partner"].flush_model(["region_id"])
        res = super().write(vals)
        self._reclassify_partners(before)
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_use(self):
        partners = self.env["res.partner"].with_context(active_test=False)
        for region in self:
            count = partners.search_count(
                [
                    "|",
                    "|",
                    "|",
                    ("economic_region_id", "=", region.id),
                    ("region_id", "=", region.id),
                    ("region_id_computed", "=", region.id),
                    ("region_id_manual", "=", region.id),
                ]
            )
            if count:
                raise UserError(
                    self.env._(
                        "The region %(region)s cannot be deleted: %(count)s customers "
                        "belong to it. Archive it instead, or move its provinces to "
                        "another region first.",
                        region=region.display_name,
                        count=count,
                    )
                )

    def action_open_partners(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name,
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [
                (
                    "economic_region_id"
                    if self.grouping == "economic"
                    else "region_id",
                    "=",
                    self.id,
                )
            ],
        }

    def _get_region_scope(self):
        return (
            self.state_ids,
            self.country_ids,
            self.region_type,
            set(self.mapped("grouping")),
        )

    def _reclassify_partners(self, before=None):
        """Recompute the region of the partners a change of regions may move."""
        if any(r.grouping == "economic" for r in self) or (
            before and "economic" in before[3]
        ):
            self._reclassify_economic(before)
        regions = self.filtered(lambda r: r.grouping == "geographic")
        if regions or (before and "geographic" in before[3]):
            regions._reclassify_geographic(before)

    def _reclassify_economic(self, before=None):
        states = self.state_ids | (
            before[0] if before else self.env["res.country.state"]
        )
        domain = [("economic_region_id", "in", self.ids)]
        if states:
            domain = ["|", ("state_id", "in", states.ids), *domain]
        partners = (
            self.env["res.partner"].with_context(active_test=False).search(domain)
        )
        self.env.add_to_compute(
            self.env["res.partner"]._fields["economic_region_id"], partners
        )

    def _reclassify_geographic(self, before=None):
        states, countries = self.state_ids, self.country_ids
        if before:
            states |= before[0]
            countries |= before[1]
        domain = [("region_id_computed", "in", self.ids)]
        if states:
            domain = ["|", ("state_id", "in", states.ids), *domain]
        if countries:
            domain = ["|", ("country_id", "in", countries.ids), *domain]
        if any(r.region_type != "area" for r in self) or (
            before and before[2] != "area"
        ):
            domain = [("country_id", "!=", False)]
        partners = (
            self.env["res.partner"].with_context(active_test=False).search(domain)
        )
        partners._segment_recompute_and_report(["region_id"], "region")

    @api.model
    def _get_region_map(self):
        """All active regions in one read: (state map, country map, domestic, international)."""
        regions = self.search([("grouping", "=", "geographic")])
        by_state, by_country = {}, {}
        for region in regions.filtered(lambda r: r.region_type == "area"):
            for state_id in region.state_ids.ids:
                by_state.setdefault(state_id, region)
            for country_id in region.country_ids.ids:
                by_country.setdefault(country_id, region)
        domestic = regions.filtered(lambda r: r.region_type == "domestic")[:1]
        international = regions.filtered(lambda r: r.region_type == "international")[:1]
        return by_state, by_country, domestic, international

    @api.model
    def _get_economic_region_map(self):
        """{state id: economic region} of all active economic regions."""
        by_state = {}
        for region in self.search([("grouping", "=", "economic")]):
            for state_id in region.state_ids.ids:
                by_state.setdefault(state_id, region)
        return by_state
