from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..engine import dimensions
from ..engine.scale import classify_scale
from .partner_segment_engine import INPUT_FIELDS

# Who may read the classification (see README, "Who sees what"): internal users
# only, as core protects a partner's credit figures from its portal user; the
# money figures only Customer Segments users and invoicing users, the groups
# core gives a partner's receivable (``credit``, ``total_invoiced``).
INTERNAL_GROUPS = "base.group_user"
MONEY_GROUPS = (
    "partner_segment.partner_segment_group_user,"
    "account.group_account_invoice,account.group_account_readonly"
)
# Behavioural dimensions: per company, written by partner.segment.engine;
# {dimension: (label, selection)} from the registry (engine/dimensions.py)
BEHAVIOUR_DIMENSIONS = {
    d.key: (d.label, d.selection())
    for d in dimensions.all_dimensions()
    if d.per_company and d.override
}


def _behaviour_fields(dimension, **effective_attrs):
    """The four fields of a per-company dimension: effective, computed, manual, lock."""
    label, selection = BEHAVIOUR_DIMENSIONS[dimension]
    # a copy is classified anew: it starts unlocked, without manual values
    protected = {"company_dependent": True, "copy": False, "groups": INTERNAL_GROUPS}
    return (
        fields.Selection(
            selection, string=label, tracking=True, **protected, **effective_attrs
        ),
        fields.Selection(selection, string=f"Computed {label}", **protected),
        fields.Selection(selection, string=f"Manual {label}", **protected),
        fields.Boolean(f"{label} Locked", tracking=True, **protected),
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Scale inputs (统计上大中小微型企业划分办法 2017)
    employee_count = fields.Integer(
        "Employees",
        tracking=True,
        groups=INTERNAL_GROUPS,
        help="Number of employees (从业人员). Zero counts as not entered.",
    )
    annual_revenue = fields.Monetary(
        tracking=True,
        groups=INTERNAL_GROUPS,
        currency_field="segment_currency_id",
        help="Operating revenue of the last year (营业收入), in the currency of the "
        "partner's company (of the main company for a shared partner). "
        "Zero counts as not entered.",
    )
    total_assets = fields.Monetary(
        tracking=True,
        groups=INTERNAL_GROUPS,
        currency_field="segment_currency_id",
        help="Total assets (资产总额), in the currency of the partner's company (of "
        "the main company for a shared partner). Zero counts as not entered.",
    )
    segment_currency_id = fields.Many2one(
        "res.currency",
        string="Scale Currency",
        compute="_compute_segment_currency_id",
        help="Currency of the revenue and assets: the partner's company's, or the "
        "main company's for a partner shared by all companies.",
    )

    # Scale: computed, effective (manual when locked) and lock
    scale_class_computed = fields.Selection(
        dimensions.SCALE.selection(),
        string=f"Computed {dimensions.SCALE.label}",
        compute="_compute_scale_class_computed",
        store=True,
        groups=INTERNAL_GROUPS,
        help="The scale the 2017 standard gives from employees, revenue, assets "
        "and the industry's sector.",
    )
    scale_class_manual = fields.Selection(
        dimensions.SCALE.selection(),
        string=f"Manual {dimensions.SCALE.label}",
        copy=False,
        groups=INTERNAL_GROUPS,
    )
    scale_class = fields.Selection(
        dimensions.SCALE.selection(),
        string=dimensions.SCALE.label,
        compute="_compute_scale_class",
        inverse="_inverse_scale_class",
        store=True,
        readonly=False,
        copy=False,
        index=True,
        tracking=True,
        groups=INTERNAL_GROUPS,
    )
    scale_class_locked = fields.Boolean(
        f"{dimensions.SCALE.label} Locked",
        tracking=True,
        copy=False,
        groups=INTERNAL_GROUPS,
        help="Set by hand: recomputation never overwrites a locked scale.",
    )

    # Region: computed, effective and lock
    region_id_computed = fields.Many2one(
        dimensions.REGION.relation,
        string=f"Computed {dimensions.REGION.label}",
        domain=[("grouping", "=", "geographic")],
        compute="_compute_region_id_computed",
        store=True,
        ondelete="set null",
        groups=INTERNAL_GROUPS,
    )
    region_id_manual = fields.Many2one(
        dimensions.REGION.relation,
        string=f"Manual {dimensions.REGION.label}",
        domain=[("grouping", "=", "geographic")],
        ondelete="restrict",
        copy=False,
        groups=INTERNAL_GROUPS,
    )
    region_id = fields.Many2one(
        dimensions.REGION.relation,
        string=dimensions.REGION.label,
        domain=[("grouping", "=", "geographic")],
        compute="_compute_region_id",
        inverse="_inverse_region_id",
        store=True,
        readonly=False,
        copy=False,
        index=True,
        tracking=True,
        ondelete="restrict",
        groups=INTERNAL_GROUPS,
    )
    region_id_locked = fields.Boolean(
        f"{dimensions.REGION.label} Locked",
        tracking=True,
        copy=False,
        groups=INTERNAL_GROUPS,
        help="Set by hand: recomputation never overwrites a locked region.",
    )
    economic_region_id = fields.Many2one(
        "partner.region",
        string="Economic Region",
        compute="_compute_economic_region_id",
        store=True,
        index=True,
        ondelete="set null",
        domain=[("grouping", "=", "economic")],
        groups=INTERNAL_GROUPS,
        help="The statistics bureau's economic region (东部, 中部, 西部, 东北) of the "
        "company's province.",
    )
    segment_region_grouping = fields.Selection(
        [
            ("geographic", "Geographic regions"),
            ("economic", "Economic regions"),
            ("both", "Both"),
        ],
        compute="_compute_segment_region_grouping",
        string="Region Grouping",
        help="The grouping the current company shows (Settings › Customer Segments).",
    )

    # Behavioural classification, per company (partner.segment.engine writes it)
    (
        value_tier,
        value_tier_computed,
        value_tier_manual,
        value_tier_locked,
    ) = _behaviour_fields("value_tier")
    (
        frequency_class,
        frequency_class_computed,
        frequency_class_manual,
        frequency_class_locked,
    ) = _behaviour_fields("frequency_class")
    lifecycle, lifecycle_computed, lifecycle_manual, lifecycle_locked = (
        _behaviour_fields("lifecycle")
    )
    quadrant, quadrant_computed, quadrant_manual, quadrant_locked = _behaviour_fields(
        "quadrant"
    )
    (
        credit_grade,
        credit_grade_computed,
        credit_grade_manual,
        credit_grade_locked,
    ) = _behaviour_fields("credit_grade")
    rfm_class, rfm_class_computed, rfm_class_manual, rfm_class_locked = (
        _behaviour_fields("rfm_class")
    )
    # Inputs of the behavioural classification, per company (the engine writes them)
    segment_revenue = fields.Float(
        "Window Revenue",
        company_dependent=True,
        copy=False,
        groups=MONEY_GROUPS,
        digits="Account",
        help="Net untaxed revenue of posted customer invoices minus credit notes in "
        "the classification window, in company currency.",
    )
    segment_invoice_count = fields.Integer(
        "Window Invoices",
        company_dependent=True,
        copy=False,
        groups=INTERNAL_GROUPS,
        help="Posted customer invoices in the classification window.",
    )
    segment_first_invoice_date = fields.Date(
        "First Invoice", company_dependent=True, copy=False, groups=INTERNAL_GROUPS
    )
    segment_last_invoice_date = fields.Date(
        "Last Invoice", company_dependent=True, copy=False, groups=INTERNAL_GROUPS
    )
    segment_overdue_days = fields.Integer(
        "Overdue Days",
        company_dependent=True,
        copy=False,
        groups=INTERNAL_GROUPS,
        help="Days past due of the oldest open receivable on the classification day.",
    )
    segment_overdue_amount = fields.Float(
        "Overdue Amount",
        company_dependent=True,
        copy=False,
        groups=MONEY_GROUPS,
        digits="Account",
    )
    segment_company_currency_id = fields.Many2one(
        "res.currency",
        string="Segment Currency",
        compute="_compute_segment_company_currency_id",
        help="Currency of the window revenue and overdue amount: the current "
        "company's, in which the classification counts them.",
    )
    segment_classified_on = fields.Date(
        "Classified On", company_dependent=True, copy=False, groups=INTERNAL_GROUPS
    )
    # the dashboard's moves open the customers whose history has a change
    segment_history_ids = fields.One2many(
        "partner.segment.history",
        "partner_id",
        string="Classification Changes",
        groups="partner_segment.partner_segment_group_user",
    )
    segment_history_count = fields.Integer(
        compute="_compute_segment_history_count",
        groups="partner_segment.partner_segment_group_user",
    )

    segment_override_differs = fields.Boolean(
        "Override Differs",
        compute="_compute_segment_override_differs",
        search="_search_segment_override_differs",
        groups=INTERNAL_GROUPS,
        help="A locked classification differs from what the rules compute.",
    )
    industry_code = fields.Char(related="industry_id.code", string="Industry Code")
    # Same name and relation table as OCA partner_industry_secondary, so that
    # both can be installed together and share the data.
    secondary_industry_ids = fields.Many2many(
        "res.partner.industry",
        "res_partner_res_partner_industry_rel",
        "res_partner_id",
        "res_partner_industry_id",
        string="Secondary Industries",
        domain="[('id', '!=', industry_id)]",
        help="Other industries the company works in (跨行业经营). Searches by "
        "industry find them; the enterprise scale follows the main industry.",
    )

    # The company's values, shown read-only on its contacts
    commercial_scale_class = fields.Selection(
        related="commercial_partner_id.scale_class",
        string="Company Scale",
        tracking=False,
    )
    commercial_region_id = fields.Many2one(
        related="commercial_partner_id.region_id",
        string="Company Region",
        tracking=False,
    )

    # ------------------------------------------------------------ computes
    @api.depends("company_id")
    def _compute_segment_currency_id(self):
        for partner in self:
            partner.segment_currency_id = partner._segment_home_company().currency_id

    @api.depends_context("company")
    def _compute_segment_company_currency_id(self):
        self.segment_company_currency_id = self.env.company.currency_id

    @api.depends(
        "employee_count",
        "annual_revenue",
        "total_assets",
        "industry_id",
        "is_company",
        "parent_id",
        "company_id",
    )
    def _compute_scale_class_computed(self):
        cny = self.env.ref("base.CNY")
        today = fields.Date.today()  # not the user's day: the same for everyone
        rules = {}  # industry -> the engine's rule, read once per industry
        for partner in self:
            industry = partner.industry_id
            if industry not in rules:
                rule = industry._get_scale_rule() if industry else None
                rules[industry] = rule._get_engine_rule() if rule else None
            rule = rules[industry]
            if not partner._is_segment_entity() or not rule:
                partner.scale_class_computed = False
                continue
            company = partner._segment_home_company()
            currency = company.currency_id

            def to_cny(amount, currency=currency, company=company):
                if not amount or currency == cny:
                    return amount
                return currency._convert(amount, cny, company, today)

            partner.scale_class_computed = (
                classify_scale(
                    rule,
                    {
                        "employees": partner.employee_count,
                        "revenue": to_cny(partner.annual_revenue),
                        "assets": to_cny(partner.total_assets),
                    },
                )
                or False
            )

    @api.depends("scale_class_computed", "scale_class_manual", "scale_class_locked")
    def _compute_scale_class(self):
        self._compute_segment_effective("scale_class")

    def _inverse_scale_class(self):
        self._inverse_segment_effective("scale_class")

    @api.depends(
        "country_id", "state_id", "is_company", "parent_id", "company_id.country_id"
    )
    def _compute_region_id_computed(self):
        by_state, by_country, domestic, international = self.env[
            "partner.region"
        ]._get_region_map()
        main_country = self.env["res.company"]._get_main_company().country_id
        home_countries = {}  # company -> its country, read once per company
        for partner in self:
            region = self.env["partner.region"]
            if partner._is_segment_entity() and partner.country_id:
                company = partner.company_id
                if company not in home_countries:
                    home_countries[company] = (
                        company.sudo().country_id if company else main_country
                    )
                home = home_countries[company]
                region = by_country.get(partner.country_id.id) or by_state.get(
                    partner.state_id.id
                )
                if not region:
                    if home and partner.country_id != home:
                        region = international
                    else:
                        region = domestic
            partner.region_id_computed = region

    @api.depends_context("company")
    def _compute_segment_region_grouping(self):
        self.segment_region_grouping = self.env.company.segment_region_grouping

    @api.depends("state_id", "is_company", "parent_id")
    def _compute_economic_region_id(self):
        by_state = self.env["partner.region"]._get_economic_region_map()
        empty = self.env["partner.region"]
        for partner in self:
            partner.economic_region_id = (
                by_state.get(partner.state_id.id, empty)
                if partner._is_segment_entity()
                else empty
            )

    @api.depends("region_id_computed", "region_id_manual", "region_id_locked")
    def _compute_region_id(self):
        self._compute_segment_effective("region_id")

    def _inverse_region_id(self):
        self._inverse_segment_effective("region_id")

    def _compute_segment_effective(self, dimension):
        """Effective value of a dimension: the manual one when locked, else the computed one."""
        computed, manual, locked = self._segment_field_names(dimension)
        locked_ones = self.filtered(locked)
        # assigned by value, a group at a time: an install computes every partner
        for source, partners in ((manual, locked_ones), (computed, self - locked_ones)):
            for value, group in partners.grouped(source).items():
                group[dimension] = value

    def _inverse_segment_effective(self, dimension):
        """Setting a dimension by hand makes it a locked manual value."""
        _computed, manual, locked = self._segment_field_names(dimension)
        for partner in self:
            partner[manual] = partner[dimension]
            partner[locked] = True

    @api.depends(lambda self: self._segment_depends_all())
    def _compute_segment_override_differs(self):
        dimensions = self._segment_dimensions()
        names = {d: self._segment_field_names(d) for d in dimensions}
        for partner in self:
            partner.segment_override_differs = any(
                partner[names[d][2]] and partner[d] != partner[names[d][0]]
                for d in dimensions
            )

    def _search_segment_override_differs(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on Override Differs."))
        conditions = SQL(" OR ").join(
            self._segment_differs_sql(d) for d in self._segment_dimensions()
        )
        query = SQL("(SELECT id FROM res_partner WHERE %s)", conditions)
        return [("id", "in" if (operator == "=") == value else "not in", query)]

    def _compute_segment_history_count(self):
        counts = dict(
            self.env["partner.segment.history"]._read_group(
                [
                    ("partner_id", "in", self.ids),
                    ("company_id", "in", [False, self.env.company.id]),
                ],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.segment_history_count = counts.get(partner, 0)

    # ------------------------------------------------------------ constraints
    @api.constrains("employee_count", "annual_revenue", "total_assets")
    def _check_scale_inputs(self):
        for partner in self:
            for fname in ("employee_count", "annual_revenue", "total_assets"):
                if partner[fname] < 0:
                    raise ValidationError(
                        self.env._(
                            "%(partner)s: %(field)s cannot be negative (%(value)s).",
                            partner=partner.display_name,
                            field=partner._fields[fname].get_description(self.env)[
                                "string"
                            ],
                            value=partner[fname],
                        )
                    )

    @api.constrains("industry_id", "secondary_industry_ids")
    def _check_secondary_industries(self):
        for partner in self:
            if partner.industry_id in partner.secondary_industry_ids:
                raise ValidationError(
                    self.env._(
                        "%(partner)s: the main industry %(industry)s cannot also be "
                        "a secondary industry.",
                        partner=partner.display_name,
                        industry=partner.industry_id.display_name,
                    )
                )

    # ------------------------------------------------------------ CRUD
    @api.model
    def default_get(self, fields):
        """A default (context or ir.default) never sets a classification by hand."""
        defaults = super().default_get(fields)
        if not self._segment_may_override():
            for fname in self._segment_protected_fields() & defaults.keys():
                del defaults[fname]
        return defaults

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """Without the protected fields while a non-manager's merge reads which
        fields to carry over (hiding fields grants nothing)."""
        result = super().fields_get(allfields=allfields, attributes=attributes)
        if self.env.context.get("segment_merge_keep_classification"):
            for fname in self._segment_protected_fields():
                result.pop(fname, None)
        return result

    @api.model
    def _get_view_cache_key(self, view_id=None, view_type="form", **options):
        """The customer views differ per company: see :meth:`_get_view`."""
        key = super()._get_view_cache_key(view_id, view_type, **options)
        return (*key, self.env.company.id)

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        """Without the user-defined dimensions of other companies than the
        current one: no column, filter, group-by or search field of theirs
        (the views that add them are shared by every company).  Switching
        company reloads the web client, which then reads the views again."""
        arch, view = super()._get_view(view_id, view_type, **options)
        foreign = self._segment_foreign_field_names()
        if foreign:
            for node in arch.xpath("//field[@name] | //filter[@name]"):
                name = node.get("name")
                if name in foreign or name.removeprefix("group_") in foreign:
                    node.getparent().remove(node)
        return arch, view

    @api.model_create_multi
    def create(self, vals_list):
        """A class given on create is an override, exactly as when written:
        the manual value is set and locked (in the current company for the
        per-company dimensions) and the move is logged and followed up."""
        # compared with a new partner's empty values (copy() calls create on the original)
        vals_list = [self.browse()._segment_guard_override(vals) for vals in vals_list]
        if self.env.context.get("segment_engine"):
            return super().create(vals_list)
        vals_list = [dict(vals) for vals in vals_list]
        sources = [self._segment_create_sources(vals) for vals in vals_list]
        # an unlock restores the computed value; on a new partner only where
        # the effective or computed value is given (both are empty otherwise)
        unlocked = [
            [
                d
                for d in self._segment_prepare_overrides(vals)
                if vals.keys() & {d, self._segment_field_names(d)[0]}
            ]
            for vals in vals_list
        ]
        partners = super().create(vals_list)
        for dimension in {d for names in unlocked for d in names}:
            partners.browse(
                [
                    p.id
                    for p, names in zip(partners, unlocked, strict=True)
                    if dimension in names
                ]
            )._segment_restore_computed([dimension])
        partners._segment_report_created(sources)
        return partners

    def write(self, vals):
        vals = self._segment_guard_override(vals)
        self._segment_keep_locked_values(vals)
        if self.env.context.get("segment_engine"):
            return super().write(vals)
        sources = self._segment_write_sources(vals)
        # sudo: the classes are read to log what moved, whoever writes the inputs
        before = {d: {p.id: p[d] for p in self.sudo()} for d in sources}
        unlocked = self._segment_prepare_overrides(vals)
        result = super().write(vals)
        if unlocked:
            self._segment_restore_computed(unlocked)
        if sources:
            changes = [
                (p.id, d, before[d].get(p.id), p[d])
                for d in sources
                for p in self.sudo()
            ]
            self._segment_report_changes(changes, sources)
        return result

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        """Export reads values directly: hold this module's fields to their groups
        as ``read`` does, so an export never shows what the form hides."""
        names = {path[0] for path in fields if path}
        self.check_field_access_rights(
            "read",
            [
                name
                for name in names
                if name in self._fields
                and self._fields[name]._module == "partner_segment"
            ],
        )
        return super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)

    def _read_group_orderby(self, order, groupby_terms, query):
        """Groups of a class dimension come in the order of its classes (大型 before
        微型, AAA before C), not in the alphabetical order of their keys."""
        ranked = dict(groupby_terms)
        ordered = self._segment_class_ordered_fields()
        for spec, sql_expr in groupby_terms.items():
            if spec in ordered:
                ranked[spec] = self._segment_class_rank_sql(spec, sql_expr)
        return super()._read_group_orderby(order, ranked, query)

    def _order_field_to_sql(self, alias, field_name, direction, nulls, query):
        """Sorting a list by a class column follows the order of the classes too."""
        if field_name in self._segment_class_ordered_fields():
            sql_expr = self._field_to_sql(alias, field_name, query)
            return SQL(
                "%s %s %s",
                self._segment_class_rank_sql(field_name, sql_expr),
                direction,
                nulls,
            )
        return super()._order_field_to_sql(alias, field_name, direction, nulls, query)

    # ------------------------------------------------------------ actions
    def action_segment_reclassify(self):
        """Reclassify these customers in the current company: now, or in the
        background above the company's threshold (the job's form then opens)."""
        self.env["partner.segment.engine"]._check_manager()
        partners = self.commercial_partner_id
        threshold = self.env.company.segment_reclassify_background_partners
        if threshold > 0 and len(partners) > threshold:
            job = self.env["partner.segment.reclassify.job"]._job_start(partners)
            return job._job_open()
        self.env["partner.segment.engine"]._reclassify(
            self.env.company, partners=partners, source="manual"
        )
        return True

    def action_open_segment_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_segment.partner_segment_history_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_group_dimension": 1}
        return action

    # ------------------------------------------------------------ helpers
    def _segment_custom_classes(self, dimension):
        """{partner id: partner.segment.class} of these partners in the current
        company, for a user-defined ``dimension`` (partners without a class are
        left out): what other modules and scripts read instead of its field."""
        key = dimension.sudo()._field_key()
        if key not in self._fields:
            return {}
        by_code = {c.code: c for c in dimension.class_ids}
        values = self.sudo().read([key], load=None) if self else []
        return {row["id"]: by_code[row[key]] for row in values if row[key] in by_code}

    @api.model
    def _segment_foreign_field_names(self):
        """Fields of the user-defined dimensions of companies other than the
        current one: not shown to its users (their values there are empty)."""
        return self.env["partner.segment.dimension"]._foreign_field_names(
            self.env.company
        )

    @api.model
    def _segment_dimensions(self):
        """Names of the classification dimensions that use the override mechanism.

        Each dimension ``d`` has four fields: ``d_computed`` (what the rules
        give), ``d_manual`` (set by hand or imported), ``d_locked`` and ``d``,
        the effective value users filter and group by: the manual value when
        locked, else the computed one.  Writing ``d`` directly sets and locks
        the manual value.

        The list is the registry's (``engine/dimensions.py``), read at each
        call.  A module adds a dimension by registering it
        (``dimensions.register(Dimension("x", "Label", classes, ...))`` when its
        Python is imported) and declaring its four fields on ``res.partner``:
        company-dependent selections written by the engine (extend
        ``partner.segment.engine._classify``) for a per-company dimension, or an
        ORM-computed effective field with an inverse, as ``scale_class``.  The
        history, follow-ups, overview, reports and import then show it.
        """
        # a dimension registered by a module this database lacks has no fields
        return [d for d in dimensions.override_dimensions() if d in self._fields]

    @api.model
    def _segment_class_ordered_fields(self):
        """Selection fields of the dimensions (effective, computed and manual) that
        group and sort by the position of their classes."""
        names = set()
        for dimension in self._segment_dimensions():
            computed, manual, _locked = self._segment_field_names(dimension)
            for fname in (dimension, computed, manual):
                field = self._fields.get(fname)
                if field is not None and field.type == "selection":
                    names.add(fname)
        return names

    @api.model
    def _segment_class_rank_sql(self, fname, sql_expr):
        """SQL: the position of the value in the field's selection (NULL if empty)."""
        keys = self._fields[fname].get_values(self.env)
        return SQL("array_position(%s::text[], (%s)::text)", keys, sql_expr)

    @api.model
    def _segment_field_names(self, dimension):
        """(computed, manual, locked) field names of a dimension."""
        return f"{dimension}_computed", f"{dimension}_manual", f"{dimension}_locked"

    @api.model
    def _segment_depends_all(self):
        names = []
        for dimension in self._segment_dimensions():
            names += [dimension, *self._segment_field_names(dimension)]
        return names

    @api.model
    def _segment_differs_sql(self, dimension):
        """SQL condition: the dimension is locked and differs from its computed value."""
        computed, _manual, locked = self._segment_field_names(dimension)
        if self._fields[dimension].company_dependent:
            company = str(self.env.company.id)

            def value(fname):
                return SQL("(%s ->> %s)", SQL.identifier(fname), company)

            return SQL(
                "(COALESCE((%s)::boolean, FALSE) AND %s IS DISTINCT FROM %s)",
                value(locked),
                value(dimension),
                value(computed),
            )
        return SQL(
            "(%s AND %s IS DISTINCT FROM %s)",
            SQL.identifier(locked),
            SQL.identifier(dimension),
            SQL.identifier(computed),
        )

    def _is_segment_entity(self):
        """Classification lives on the commercial partner, not on its contacts."""
        self.ensure_one()
        return self.is_company or not self.parent_id

    def _segment_home_company(self):
        """The company whose country and currency the scale and region read.

        The partner's company, or the main company for a partner shared by all
        companies: never the current user's company, so that a customer's scale
        and region are the same whoever edits it.
        """
        self.ensure_one()
        return self.company_id.sudo() or self.env["res.company"]._get_main_company()

    def _segment_keep_locked_values(self, vals):
        """Locking without giving a value locks the value the partner has now."""
        for dimension in self._segment_dimensions():
            _computed, manual, locked = self._segment_field_names(dimension)
            if not vals.get(locked) or vals.keys() & {dimension, manual}:
                continue
            to_lock = self.filtered(lambda p, locked=locked: not p[locked])
            for value, partners in to_lock.grouped(lambda p, d=dimension: p[d]).items():
                partners.write(
                    {manual: value.id if isinstance(value, models.BaseModel) else value}
                )

    @api.model
    def _segment_written_dimensions(self):
        """Dimensions stored as plain fields (not ORM-computed): the per-company ones."""
        return [d for d in self._segment_dimensions() if not self._fields[d].compute]

    def _segment_prepare_overrides(self, vals):
        """Turn a hand-written value or an unlock into the override mechanism's writes.

        Writing ``d`` sets and locks the manual value (added to ``vals``);
        unlocking puts the computed value back, which differs per partner, so
        the unlocked dimensions are returned to be written after ``vals``.
        """
        unlocked = []
        for dimension in self._segment_written_dimensions():
            _computed, manual, locked = self._segment_field_names(dimension)
            if dimension in vals and locked not in vals:
                vals[manual] = vals[dimension]
                vals[locked] = True
            elif dimension in vals and vals[locked]:
                vals[manual] = vals[dimension]
            elif locked in vals and not vals[locked]:
                unlocked.append(dimension)
        return unlocked

    def _segment_restore_computed(self, dimensions):
        """Unlocked partners take their computed value back."""
        engine_self = self.with_context(segment_engine=True)
        for dimension in dimensions:
            computed = self._segment_field_names(dimension)[0]
            for value, partners in engine_self.grouped(computed).items():
                partners.write({dimension: value})

    @api.model
    def _segment_touched_dimensions(self, vals):
        """Dimensions whose effective value a write by hand may change."""
        return [
            d
            for d in self._segment_dimensions()
            if vals.keys() & {d, *self._segment_field_names(d)[1:]}
        ]

    @api.model
    def _segment_computed_dimensions(self):
        """Dimensions the ORM computes from the partner's data (scale, region)."""
        return [d for d in self._segment_dimensions() if self._fields[d].compute]

    @api.model
    def _segment_dimension_inputs(self, dimension):
        """Partner fields an ORM-computed dimension is computed from."""
        computed = self._segment_field_names(dimension)[0]
        depends, _context = self._fields[computed].get_depends(self)
        return {path.split(".")[0] for path in depends}

    @api.model
    def _segment_write_sources(self, vals):
        """{dimension: history source} of the dimensions a write may move.

        An override or an unlock is said so; the classes computed from the
        written data (employees, province...) are moves by ``input``; an
        import says so through the ``segment_source`` context key.
        """
        forced = self.env.context.get("segment_source")
        sources = {}
        for dimension in self._segment_touched_dimensions(vals):
            locked = self._segment_field_names(dimension)[2]
            unlock = locked in vals and not vals[locked] and dimension not in vals
            sources[dimension] = forced or ("unlock" if unlock else "override")
        for dimension in self._segment_computed_dimensions():
            if dimension not in sources and (
                vals.keys() & self._segment_dimension_inputs(dimension)
            ):
                sources[dimension] = forced or "input"
        return sources

    @api.model
    def _segment_create_sources(self, vals):
        """{dimension: history source} of the classes a create sets by hand.

        As for a write, but without the classes computed from the inputs: a
        new partner's first computed class is no move."""
        touched = self._segment_touched_dimensions(vals)
        return {
            dimension: source
            for dimension, source in self._segment_write_sources(vals).items()
            if dimension in touched
        }

    def _segment_overridden_values(self, dimensions):
        """{dimension: [class set by hand of each partner, or None]}, many2one as ids.

        What a write of a class would leave unchanged: a class already set by
        hand (an import shows the other rows as changes)."""
        result = {}
        if not dimensions:
            return result
        locks = [self._segment_field_names(d)[2] for d in dimensions]
        self.fetch([*dimensions, *locks])
        relational = [d for d in dimensions if self._fields[d].type == "many2one"]
        rows = self.read(relational, load=None) if relational else []
        for dimension, lock in zip(dimensions, locks, strict=True):
            if dimension in relational:
                values = [row[dimension] for row in rows]
            else:
                values = self.mapped(dimension)
            result[dimension] = [
                value if locked else None
                for value, locked in zip(values, self.mapped(lock), strict=True)
            ]
        return result

    def _segment_report_created(self, sources):
        """Log and follow up the classes given to these new partners.

        :param sources: one {dimension: history source} per partner, in order
        """
        by_source = {}
        # sudo: the classes are read to log what moved, as on write
        for partner, partner_sources in zip(self.sudo(), sources, strict=True):
            for dimension, source in partner_sources.items():
                by_source.setdefault(source, []).append(
                    (partner.id, dimension, None, partner[dimension])
                )
        for source, changes in by_source.items():
            self._segment_report_changes(
                changes, {change[1]: source for change in changes}
            )

    @api.model
    def _segment_report_changes(self, changes, sources, date=None):
        """Log and follow up moves of effective classes, in bulk.

        :param changes: (partner id, dimension, old, new), values or records;
            those where nothing moved are skipped
        :param sources: {dimension: history source}

        Moves of per-company dimensions belong to the current company; moves
        of the scale and region (the same in every company) to the partner's
        company, or to none for a partner shared by all companies.  Every
        company's follow-up rules see them, each for its own customers.
        """
        History = self.env["partner.segment.history"].sudo()
        moves = [
            (pid, dim, History._key(old), History._key(new))
            for pid, dim, old, new in changes
            if History._key(old) != History._key(new)
        ]
        if not moves:
            return 0
        company = self.env.company
        by_source = {}
        for pid, dim, old, new in moves:
            cid = company.id if self._fields[dim].company_dependent else None
            by_source.setdefault(sources[dim], []).append((pid, cid, dim, old, new))
        for source, rows in by_source.items():
            History._log_changes(rows, source, date=date)
        FollowupRule = self.env["partner.segment.followup.rule"].sudo()
        shared = [m for m in moves if not self._fields[m[1]].company_dependent]
        per_company = [m for m in moves if self._fields[m[1]].company_dependent]
        if per_company:
            FollowupRule._apply_to_changes(company, per_company)
        if shared:
            FollowupRule._apply_to_changes(None, shared)
        return len(moves)

    def _segment_recompute_and_report(self, dimensions, source, before=None):
        """Recompute ORM-computed dimensions of these partners now, then log and
        follow up the moves (a scale rule or region edit may move thousands).

        The classes are read before (unless given, as read by
        :meth:`_segment_read_columns` before the change) and after with one
        query each; the recompute is the ORM's, the history one INSERT.
        """
        if not self:
            return 0
        fnames = [
            name for d in dimensions for name in (d, self._segment_field_names(d)[0])
        ]
        if before is None:
            before = self._segment_read_columns(dimensions)
        self._segment_recompute(dimensions)
        self.flush_model(fnames)
        after = self._segment_read_columns(dimensions)
        changes = [
            (pid, d, before.get(pid, {}).get(d), values[d])
            for pid, values in after.items()
            for d in dimensions
        ]
        return self._segment_report_changes(changes, dict.fromkeys(dimensions, source))

    def _segment_read_columns(self, dimensions):
        """{partner id: {dimension: stored value}} of plain-column dimensions."""
        self.flush_model(dimensions)
        self.env.cr.execute(
            SQL(
                "SELECT id, %s FROM res_partner WHERE id = ANY(%s)",
                SQL(", ").join(SQL.identifier(d) for d in dimensions),
                self.ids,
            )
        )
        return {
            row[0]: dict(zip(dimensions, row[1:], strict=True))
            for row in self.env.cr.fetchall()
        }

    def _segment_recompute(self, dimensions):
        """Recompute the given dimensions (computed and effective) of these partners."""
        for dimension in dimensions:
            dimension = dimension.removesuffix("_computed")
            for fname in (self._segment_field_names(dimension)[0], dimension):
                self.env.add_to_compute(self._fields[fname], self)

    @api.model
    def _segment_may_override(self):
        return self.env.su or self.env.user.has_group(
            "partner_segment.partner_segment_group_manager"
        )

    @api.model
    def _segment_protected_fields(self):
        """Fields only Customer Segments managers (and the engine) may change.

        Every field of every dimension (effective, computed, manual, lock) and
        the engine's inputs: writing a computed value or an input directly,
        then unlocking, would forge a classification as surely as a lock.
        """
        return {
            *self._segment_depends_all(),
            *INPUT_FIELDS.values(),
            "segment_classified_on",
        }

    def _segment_guard_override(self, vals):
        """``vals`` without the protected values that change nothing.

        For anyone but a segment manager, a protected field may be given only
        with the value it already has on every partner written (the empty value
        on create): a duplicate, an import of exported columns or a form that
        sends unchanged values go through; a change is refused.
        """
        protected = self._segment_protected_fields() & vals.keys()
        if not protected or self._segment_may_override():
            return vals
        vals = dict(vals)
        for fname in sorted(protected):
            field = self._fields[fname]
            new = field.convert_to_cache(vals.pop(fname), self, validate=False)
            current = {
                field.convert_to_cache(value, self, validate=False)
                for value in ([p[fname] for p in self] if self else [False])
            }
            if current != {new}:
                raise AccessError(
                    self.env._(
                        "Only Customer Segments managers may set a classification "
                        "by hand (%(field)s).",
                        field=field.get_description(self.env)["string"],
                    )
                )
        return vals
