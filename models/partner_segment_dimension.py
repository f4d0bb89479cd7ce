import re

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..engine import custom, dimensions
from ..engine.behaviour import classify, window_start

FIELD_PREFIX = "x_seg_"
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
# measures read from the open receivables (a preview of others skips them)
RECEIVABLE_MEASURES = ("overdue_days", "overdue_amount", "open_receivable")
# after the built-in dimensions in the overview, the report and the import
SEQUENCE_BASE = 100


class PartnerSegmentDimension(models.Model):
    """A classification dimension a manager defines (自定义分类标准).

    Stored as a built-in per-company dimension is: four company-dependent
    manual fields on ``res.partner`` (``x_seg_<code>``, ``_computed``,
    ``_manual``, ``_locked``), selections whose values are the class codes,
    and a ``Dimension`` in the registry (``engine/dimensions.py``), so that
    the override, history, follow-ups, overview, reports, import, lists and
    the engine's grouped writes handle it as they handle the built-in ones.
    """

    _name = "partner.segment.dimension"
    _description = "Customer Classification Dimension"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Technical name: lowercase letters, digits and underscores. The "
        "customer fields are named x_seg_<code>; it cannot change later.",
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Classified in this company only; empty: in every company.",
    )
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    kind = fields.Selection(
        [("measure", "From a measure with bands"), ("conditions", "From conditions")],
        required=True,
        default="measure",
    )
    measure = fields.Selection(
        [
            ("revenue", "Window revenue"),
            ("invoice_count", "Window invoice count"),
            ("average_invoice_amount", "Average invoice amount"),
            ("days_since_last_invoice", "Days since the last invoice"),
            ("customer_age_days", "Days since the first invoice"),
            ("overdue_days", "Oldest overdue days"),
            ("overdue_amount", "Overdue amount"),
            ("open_receivable", "Open receivable"),
            ("category_revenue", "Revenue from a product category"),
            ("category_share", "Share of revenue from a product category (%)"),
            ("days_to_pay", "Average days to pay"),
            ("credit_note_ratio", "Credit notes per invoice (%)"),
            ("pareto_share", "Cumulative revenue share, largest first (%)"),
        ],
        help="Each company counts it over its own classification window.",
    )
    product_category_id = fields.Many2one(
        "product.category",
        string="Product Category",
        help="The category whose revenue is measured, its subcategories included.",
    )
    class_ids = fields.One2many(
        "partner.segment.class", "dimension_id", string="Classes", copy=True
    )
    field_name = fields.Char(
        "Customer Field", compute="_compute_field_name", help="The customer field."
    )

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "A dimension with this code exists already."),
    ]

    @api.depends("code")
    def _compute_field_name(self):
        for dimension in self:
            dimension.field_name = dimension._field_key()

    @api.constrains("code")
    def _check_code(self):
        for dimension in self:
            if not CODE_PATTERN.match(dimension.code or ""):
                raise ValidationError(
                    self.env._(
                        "The code %(code)s must start with a lowercase letter and "
                        "hold only lowercase letters, digits and underscores (at "
                        "most 30).",
                        code=dimension.code,
                    )
                )

    @api.constrains("kind", "measure", "product_category_id")
    def _check_measure(self):
        for dimension in self:
            if dimension.kind != "measure":
                continue
            if not dimension.measure:
                raise ValidationError(
                    self.env._(
                        "%(dimension)s: choose the measure its classes band.",
                        dimension=dimension.name,
                    )
                )
            if (
                dimension.measure in ("category_revenue", "category_share")
                and not dimension.product_category_id
            ):
                raise ValidationError(
                    self.env._(
                        "%(dimension)s: choose the product category it measures.",
                        dimension=dimension.name,
                    )
                )

    # ------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        # the classes given here are synced once, with their dimension
        no_sync = self.with_context(segment_no_sync=True)
        dimensions_ = super(PartnerSegmentDimension, no_sync).create(vals_list)
        dimensions_ = dimensions_.with_env(self.env)
        dimensions_._sync_fields()
        return dimensions_

    def write(self, vals):
        if "code" in vals and any(d.code != vals["code"] for d in self):
            raise UserError(
                self.env._(
                    "The code of a dimension cannot change: its customer fields "
                    "are named after it."
                )
            )
        no_sync = self.with_context(segment_no_sync=True)
        result = super(PartnerSegmentDimension, no_sync).write(vals)
        if vals.keys() & {"name", "class_ids"}:
            self._sync_fields()
        elif "active" in vals:
            self._sync_views()
        self._sync_registry()
        if "company_id" in vals:
            # the customer views leave out other companies' dimensions
            self.env.registry.clear_cache("templates")
        if vals.keys() & {"active", "name", "sequence", "company_id"}:
            # the other workers register it anew when their registry reloads
            self.env.registry.registry_invalidated = True
        return result

    def copy_data(self, default=None):
        """A copy needs codes of its own (its fields are named after them)."""
        vals_list = super().copy_data(default=default)
        for dimension, vals in zip(self, vals_list, strict=True):
            if "code" not in (default or {}):
                vals["code"] = f"{dimension.code}_copy"[:30]
            vals["name"] = self.env._("%(name)s (copy)", name=dimension.name)
        return vals_list

    def unlink(self):
        """A dimension with members goes only when confirmed: its customers'
        classes, their history and the follow-up rules on its classes go with it."""
        with_members = self.filtered(lambda d: d._member_count())
        if with_members and not self.env.context.get("segment_dimension_unlink"):
            raise UserError(
                self.env._(
                    "%(dimensions)s classify customers. Delete it with its button "
                    "“Delete with its classes” to remove their classes, history and "
                    "follow-up rules too, or archive it to keep them.",
                    dimensions=", ".join(with_members.mapped("name")),
                )
            )
        keys = [d._field_key() for d in self]
        self._remove_dependents(keys)
        self._views(keys).unlink()
        for key in keys:
            dimensions.unregister(key)
        result = super().unlink()
        # the policies on its classes went with them (cascade)
        self.env["partner.segment.policy"]._clear_check_rules()
        self.env["ir.model.fields"].sudo().search(
            [
                ("model", "=", "res.partner"),
                ("name", "in", [n for key in keys for n in self._field_names(key)]),
            ]
        ).unlink()
        return result

    # ------------------------------------------------------------ actions
    def action_preview(self):
        """Customers per class now, in the current company: computed by the
        engine from the invoices, written nowhere (a notification says them)."""
        self.ensure_one()
        company = self.company_id or self.env.company
        counts = self._preview_counts(company)
        lines = [
            self.env._(
                "%(class)s: %(count)s", **{"class": c.name, "count": counts.get(c, 0)}
            )
            for c in self._classes()
        ]
        lines.append(self.env._("No class: %(count)s", count=counts.get(None, 0)))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._(
                    "Preview of %(dimension)s in %(company)s",
                    dimension=self.name,
                    company=company.name,
                ),
                "message": "\n".join(lines),
                "sticky": True,
                "type": "info",
            },
        }

    def action_unlink_with_members(self):
        """The form's delete button, after its confirmation."""
        self.with_context(segment_dimension_unlink=True).unlink()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "list,form",
            "target": "main",
            "name": self.env._("Dimensions"),
        }

    def action_open_customers(self):
        """Customers grouped by this dimension."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_segment.res_partner_segment_action"
        )
        # grouped through the search view's own group-by of the dimension
        action["context"] = {
            f"search_default_group_{self._field_key()}": 1,
            "default_is_company": True,
        }
        return action

    # ------------------------------------------------------------ engine
    @api.model
    def _custom_dimensions(self, company):
        """Active dimensions classified in ``company`` whose fields exist."""
        Partner = self.env["res.partner"]
        return (
            self.sudo()
            .search(["|", ("company_id", "=", False), ("company_id", "=", company.id)])
            .filtered(lambda d: d._field_key() in Partner._fields)
        )

    @api.model
    def _foreign_field_names(self, company):
        """Customer fields of the dimensions of other companies than
        ``company`` (archived ones too): hidden from its users."""
        others = (
            self.sudo()
            .with_context(active_test=False)
            .search([("company_id", "!=", False), ("company_id", "!=", company.id)])
        )
        return {name for d in others for name in self._field_names(d._field_key())}

    @api.model
    def _read_custom_aggregates(self, company, as_of, rules, aggregates):
        """Add the inputs only some measures need to ``aggregates`` (``extra``):
        read once per company, and only when an active dimension uses them."""
        previewed = self.sudo().browse(
            self.env.context.get("segment_extra_dimension_ids", ())
        )
        # a preview reads only what its dimension needs
        records = previewed or self._custom_dimensions(company)
        active = records.filtered(lambda d: d.kind == "measure")
        measures = set(active.mapped("measure"))
        if not measures & custom.EXTRA_MEASURES:
            return
        start = window_start(as_of, rules)
        if "days_to_pay" in measures:
            for pid, days in self._query_days_to_pay(company, start, as_of):
                if pid in aggregates:
                    aggregates[pid].extra["days_to_pay"] = float(days)
        for dimension in active.filtered(
            lambda d: d.measure in ("category_revenue", "category_share")
        ):
            key = dimension._extra_key()
            categories = (
                self.env["product.category"]
                .sudo()
                ._search([("id", "child_of", dimension.product_category_id.id)])
            )
            for pid, revenue in self._query_category_revenue(
                company, start, as_of, list(categories)
            ):
                if pid in aggregates:
                    aggregates[pid].extra[key] = revenue or 0.0

    @api.model
    def _query_days_to_pay(self, company, start, as_of):
        """(partner, average days from invoice date to full payment) over the
        invoices paid in the window (start, as_of]."""
        self.env["account.move"].flush_model()
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT partner_id, AVG(paid_on - invoice_date)
                  FROM (
                    SELECT m.commercial_partner_id AS partner_id, m.invoice_date,
                           MAX(r.max_date) AS paid_on
                      FROM account_move m
                      JOIN account_move_line l ON l.move_id = m.id
                                              AND l.display_type = 'payment_term'
                      JOIN account_partial_reconcile r ON r.debit_move_id = l.id
                     WHERE m.company_id = %(company)s
                       AND m.state = 'posted'
                       AND m.move_type = 'out_invoice'
                       AND m.payment_state IN ('paid', 'in_payment')
                       AND m.invoice_date <= %(as_of)s
                       AND m.commercial_partner_id IS NOT NULL
                  GROUP BY m.id
                  ) paid
                 WHERE paid_on > %(start)s AND paid_on <= %(as_of)s
              GROUP BY partner_id
                """,
                company=company.id,
                start=start,
                as_of=as_of,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _query_category_revenue(self, company, start, as_of, category_ids):
        """(partner, net untaxed revenue of the window from the products of
        ``category_ids``), credit notes deducted, in company currency."""
        self.env["account.move"].flush_model()
        self.env["account.move.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT m.commercial_partner_id, -SUM(l.balance)
                  FROM account_move_line l
                  JOIN account_move m ON m.id = l.move_id
                  JOIN product_product pp ON pp.id = l.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE m.company_id = %(company)s
                   AND m.state = 'posted'
                   AND m.move_type IN ('out_invoice', 'out_refund')
                   AND m.invoice_date > %(start)s AND m.invoice_date <= %(as_of)s
                   AND m.commercial_partner_id IS NOT NULL
                   AND l.display_type = 'product'
                   AND pt.categ_id = ANY(%(categories)s)
              GROUP BY 1
                """,
                company=company.id,
                start=start,
                as_of=as_of,
                categories=category_ids,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _classify_custom(self, company, aggregates, as_of, only=None, classes=None):
        """{field key: {partner id: class code or None}} of the active dimensions
        of ``company`` (or of ``only``), for the customers of ``aggregates``.

        The measures first, then the conditions in sequence: a condition on a
        class computed in this run (``classes``, the built-in ones: {partner
        id: {dimension: class}}, or a user dimension classified before it)
        reads that class, not the previous run's."""
        result = {}
        pareto = None
        records = only if only is not None else self._custom_dimensions(company)
        for dimension in records.filtered(lambda d: d.kind == "measure"):
            if dimension.measure == "pareto_share" and pareto is None:
                pareto = custom.pareto_shares(aggregates)
            result[dimension._field_key()] = custom.classify_bands(
                aggregates,
                as_of,
                dimension.measure,
                [(c.code, c.lower_bound) for c in dimension._classes()],
                extra_key=dimension._extra_key(),
                pareto=pareto,
            )
        built_in = set(next(iter((classes or {}).values()), {}))
        transposed = {}

        def fresh(fname):
            """{partner id: class} computed in this run, or None."""
            if fname in result:
                return result[fname]
            if fname in built_in and fname not in transposed:
                transposed[fname] = {pid: c.get(fname) for pid, c in classes.items()}
            return transposed.get(fname)

        for dimension in records.filtered(lambda d: d.kind == "conditions"):
            result[dimension._field_key()] = dimension._classify_conditions(
                company, aggregates, fresh
            )
        return result

    def _classify_conditions(self, company, aggregates, fresh=None):
        """{partner id: code}: the first class in sequence whose domain matches,
        each domain evaluated by the database for every partner at once.

        :param fresh: ``fresh(field)``: {partner id: class} of a dimension
            classified in this run (None for other fields), which the domain's
            conditions on that dimension read instead of the stored class
        """
        self.ensure_one()
        Partner = (
            self.env["res.partner"]
            .sudo()
            .with_company(company)
            .with_context(active_test=False)
        )
        result = dict.fromkeys(aggregates)
        left = set(aggregates)
        for segment_class in self._classes():
            if not left:
                break
            domain = segment_class._parsed_domain()
            if fresh is not None:
                domain = self._fresh_domain(domain, fresh)
            query = Partner._search(domain)
            matched = left.intersection(query.get_result_ids())
            for pid in matched:
                result[pid] = segment_class.code
            left -= matched
        return result

    @api.model
    def _fresh_domain(self, domain, fresh):
        """``domain`` whose conditions on the classes ``fresh`` gives read them
        (see ``engine.custom.fresh_domain``)."""
        Partner = self.env["res.partner"]
        runs, locks = {}, {}
        for fname in custom.domain_fields(domain):
            if fname not in Partner._segment_dimensions():
                continue
            values = fresh(fname)
            if values is None:
                continue
            runs[fname] = (dimensions.get(fname).class_keys(), values)
            locks[fname] = Partner._segment_field_names(fname)[2]
        return custom.fresh_domain(domain, runs, locks) if runs else domain

    def _preview_counts(self, company):
        """{class record or None: customers} the engine would give now."""
        self.ensure_one()
        self.check_access("read")
        # a condition on a built-in class reads the class the engine computes
        # now (credit grades need the receivables)
        on_built_in = self.kind == "conditions" and self._reads_built_in_classes()
        Engine = (
            self.env["partner.segment.engine"]
            .sudo()
            .with_company(company)
            .with_context(
                segment_extra_dimension_ids=self.ids,
                segment_without_receivables=not on_built_in
                and (
                    self.kind == "conditions" or self.measure not in RECEIVABLE_MEASURES
                ),
            )
        )
        as_of = fields.Date.context_today(self)
        rules = company.sudo()._get_segment_rules()
        aggregates = Engine._read_aggregates(company, as_of, rules)
        classes = classify(aggregates, as_of, rules) if on_built_in else None
        codes = self._classify_custom(
            company, aggregates, as_of, only=self.sudo(), classes=classes
        )[self._field_key()]
        by_code = {c.code: c for c in self._classes()}
        counts = {}
        for code in codes.values():
            segment_class = by_code.get(code)
            counts[segment_class] = counts.get(segment_class, 0) + 1
        return counts

    def _reads_built_in_classes(self):
        """Whether a condition of a class reads a class the engine computes."""
        self.ensure_one()
        Engine = self.env["partner.segment.engine"]
        written = {d for d in Engine._engine_dimensions() if not self._is_field_key(d)}
        return any(
            custom.domain_fields(c._parsed_domain()) & written for c in self._classes()
        )

    # ------------------------------------------------------------ storage
    @api.model
    def _is_field_key(self, name):
        return name.startswith(FIELD_PREFIX)

    @api.model
    def _active_field_keys(self):
        """Field keys of the active dimensions, read from the database (not the
        registry, which another worker's change reaches only when it reloads)."""
        self.flush_model(["code", "active"])
        self.env.cr.execute(
            SQL("SELECT code FROM partner_segment_dimension WHERE active")
        )
        return {f"{FIELD_PREFIX}{code}" for (code,) in self.env.cr.fetchall()}

    def _classes(self):
        """The classes in their order (a cached one2many keeps the order it was
        read in, whatever sequence was written since)."""
        self.ensure_one()
        return self.class_ids.sorted(lambda c: (c.sequence, c.id))

    def _field_key(self):
        self.ensure_one()
        return f"{FIELD_PREFIX}{self.code}"

    def _extra_key(self):
        self.ensure_one()
        return f"category:{self.id}"

    @api.model
    def _field_names(self, key):
        return (key, f"{key}_computed", f"{key}_manual", f"{key}_locked")

    def _member_count(self):
        """Customers with a class of this dimension in any company."""
        self.ensure_one()
        key = self._field_key()
        Partner = self.env["res.partner"]
        if key not in Partner._fields:
            return 0
        Partner.flush_model([key])
        self.env.cr.execute(
            SQL(
                "SELECT COUNT(*) FROM res_partner WHERE %s IS NOT NULL "
                "AND jsonb_path_exists(%s, '$.* ? (@ != null)')",
                SQL.identifier(key),
                SQL.identifier(key),
            )
        )
        return self.env.cr.fetchone()[0]

    def _remove_dependents(self, keys):
        """History rows and follow-up rules of the dimensions ``keys``."""
        self.env["partner.segment.history"].sudo().search(
            [("dimension", "in", keys)]
        ).unlink()
        rules = self.env["partner.segment.followup.rule"].sudo()
        rules.with_context(active_test=False).search(
            [("dimension", "in", keys)]
        ).unlink()

    def _sync_fields(self):
        """Create or update the four customer fields; selection values follow
        the classes (codes, names, order)."""
        IrFields = self.env["ir.model.fields"].sudo()
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        for dimension in self:
            key = dimension._field_key()
            existing = IrFields.search(
                [("model", "=", "res.partner"), ("name", "like", key)]
            )
            existing = existing.filtered(
                lambda f, key=key: f.name in self._field_names(key)
            )
            if not existing:
                # the values are created apart: ir.model.fields.selection takes
                # no command from a sudo'ed create
                existing = IrFields.create(dimension._prepare_field_vals())
            dimension._sync_selections(existing)
            dimension._sync_labels(existing, langs)
            dimension._sync_views()
        self._sync_registry()

    def _prepare_field_vals(self):
        self.ensure_one()
        key = self._field_key()
        common = {
            "model_id": self.env["ir.model"]._get_id("res.partner"),
            "state": "manual",
            "store": True,
            "copied": False,
            "company_dependent": True,
        }
        names = self._field_names(key)
        return [
            {
                **common,
                "name": names[0],
                "ttype": "selection",
                "field_description": self.name,
            },
            {
                **common,
                "name": names[1],
                "ttype": "selection",
                "field_description": f"Computed {self.name}",
            },
            {
                **common,
                "name": names[2],
                "ttype": "selection",
                "field_description": f"Manual {self.name}",
            },
            {
                **common,
                "name": names[3],
                "ttype": "boolean",
                "field_description": f"{self.name} Locked",
            },
        ]

    @api.model
    def _views(self, keys):
        """The customer list and search views that show the dimensions ``keys``."""
        return (
            self.env["ir.ui.view"]
            .sudo()
            .with_context(active_test=False)
            .search([("name", "in", [f"res.partner.segment.{key}" for key in keys])])
        )

    def _sync_views(self):
        """An optional column in the customers' list, a filter by class and a
        group-by in their search view (list, kanban, pivot, graph), as Odoo's
        own custom fields get; active while the dimension is."""
        View = self.env["ir.ui.view"].sudo()
        for dimension in self:
            key = dimension._field_key()
            name = f"res.partner.segment.{key}"
            label = (
                dimension.name.replace('"', "'")
                .replace("&", "&amp;")
                .replace("<", "&lt;")
            )
            archs = {
                "partner_segment.res_partner_segment_view_list": (
                    f'<xpath expr="//field[@name=\'rfm_class\']" position="after">'
                    f'<field name="{key}" optional="show"/></xpath>'
                ),
                "partner_segment.res_partner_view_search": (
                    f"<data><xpath expr=\"//filter[@name='group_rfm_class']\" "
                    f'position="after"><filter string="{label}" name="group_{key}" '
                    f"context=\"{{'group_by': '{key}'}}\"/></xpath>"
                    f'<xpath expr="//search" position="inside">'
                    f'<field name="{key}"/></xpath></data>'
                ),
            }
            existing = self._views([key])
            for parent, arch in archs.items():
                parent_id = self.env.ref(parent).id
                view = existing.filtered(lambda v, p=parent_id: v.inherit_id.id == p)
                vals = {"arch_db": arch, "active": dimension.active}
                if view:
                    view.write(vals)
                else:
                    View.create(
                        {
                            **vals,
                            "name": name,
                            "model": "res.partner",
                            "inherit_id": parent_id,
                            "mode": "extension",
                            "priority": 99,
                        }
                    )

    def _sync_selections(self, ir_fields):
        """Selection values of the existing fields = the classes, in order."""
        self.ensure_one()
        wanted = {c.code: (seq, c.name) for seq, c in enumerate(self._classes())}
        Selection = self.env["ir.model.fields.selection"].sudo()
        to_create, to_unlink = [], Selection
        for ir_field in ir_fields.filtered(lambda f: f.ttype == "selection"):
            current = {s.value: s for s in ir_field.selection_ids}
            removed = [v for v in current if v not in wanted]
            if removed:
                self._clear_values(ir_field.name, removed)
                to_unlink |= Selection.browse([current[v].id for v in removed])
            for code, (seq, name) in wanted.items():
                selection = current.get(code)
                if selection is None:
                    to_create.append(
                        {
                            "field_id": ir_field.id,
                            "value": code,
                            "name": name,
                            "sequence": seq,
                        }
                    )
                elif (selection.sequence, selection.name) != (seq, name):
                    selection.write({"sequence": seq, "name": name})
        if to_unlink:
            to_unlink.unlink()
        if to_create:
            Selection.create(to_create)

    @api.model
    def _clear_values(self, fname, codes):
        """Remove the values ``codes`` of a company-dependent field in every company."""
        Partner = self.env["res.partner"]
        if fname not in Partner._fields:
            return
        Partner.flush_model([fname])
        column = SQL.identifier(fname)
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner
                   SET %(column)s = (SELECT COALESCE(jsonb_object_agg(k, v), '{}'::jsonb)
                                       FROM jsonb_each(%(column)s) AS e(k, v)
                                      WHERE NOT (v #>> '{}') = ANY(%(codes)s))
                 WHERE %(column)s IS NOT NULL
                   AND EXISTS (SELECT 1 FROM jsonb_each(%(column)s) AS e(k, v)
                                WHERE (v #>> '{}') = ANY(%(codes)s))
                """,
                column=column,
                codes=list(codes),
            )
        )
        Partner.invalidate_model([fname])

    def _sync_labels(self, ir_fields, langs):
        """Field labels in every installed language, from the dimension's name."""
        self.ensure_one()
        names = {lang: self.with_context(lang=lang).name for lang in langs}
        prefixes = {
            "_computed": lambda lang, name: self.with_context(lang=lang).env._(
                "Computed %(name)s", name=name
            ),
            "_manual": lambda lang, name: self.with_context(lang=lang).env._(
                "Manual %(name)s", name=name
            ),
            "_locked": lambda lang, name: self.with_context(lang=lang).env._(
                "%(name)s Locked", name=name
            ),
        }
        for ir_field in ir_fields.with_context(lang=None):
            suffix = ir_field.name.removeprefix(self._field_key())
            label = prefixes.get(suffix)
            ir_field.update_field_translations(
                "field_description",
                {
                    lang: label(lang, name) if label else name
                    for lang, name in names.items()
                },
            )
        for segment_class in self._classes():
            class_names = {
                lang: segment_class.with_context(lang=lang).name for lang in langs
            }
            for selection in ir_fields.selection_ids.filtered(
                lambda s, code=segment_class.code: s.value == code
            ):
                selection.update_field_translations("name", class_names)

    # ------------------------------------------------------------ registry
    def _register_hook(self):
        """Register the active dimensions of this database (the registry is
        set up again after every change of the customer fields)."""
        super()._register_hook()
        self._sync_registry_all()

    @api.model
    def _sync_registry_all(self):
        self.env.cr.execute(
            "SELECT to_regclass('partner_segment_dimension') IS NOT NULL"
        )
        if not self.env.cr.fetchone()[0]:
            return
        records = self.sudo().with_context(active_test=False).search([])
        # the registry is the process's: a user dimension of this database that
        # is gone (deleted, or rolled back) must not reach the import or overview
        keys = {d._field_key() for d in records}
        for dimension in dimensions.all_dimensions():
            if self._is_field_key(dimension.key) and dimension.key not in keys:
                dimensions.unregister(dimension.key)
        records._sync_registry()

    def _sync_registry(self):
        """(Un)register these dimensions as they are now: active ones whose
        fields exist are in the registry, the others not."""
        Partner = self.env["res.partner"]
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        for dimension in self.sudo().with_context(active_test=False):
            key = dimension._field_key()
            if dimension.active and key in Partner._fields:
                dimensions.register(dimension._registry_dimension(langs))
            else:
                dimensions.unregister(key)

    def _registry_dimension(self, langs):
        """The registry's ``Dimension`` of this record."""
        self.ensure_one()
        names = self._translations("name", langs)
        classes = []
        for segment_class in self._classes():
            class_names = segment_class._translations("name", langs)
            classes.append(
                dimensions.SegmentClass(
                    segment_class.code,
                    segment_class.with_context(lang="en_US").name,
                    tuple(dict.fromkeys([*class_names, segment_class.code])),
                )
            )
        position = SEQUENCE_BASE + self.sequence
        return dimensions.Dimension(
            self._field_key(),
            self.with_context(lang="en_US").name,
            tuple(classes),
            per_company=True,
            overview_sequence=position,
            report_sequence=position,
            import_headers=tuple(dict.fromkeys([*names, self.code])),
            import_sequence=position,
            template_header=self.name,
            template_choices=tuple(c.name for c in self._classes()),
            company_id=self.company_id.id or None,
        )

    def _translations(self, fname, langs):
        self.ensure_one()
        return [self.with_context(lang=lang)[fname] for lang in langs]
