from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..engine import dimensions
from .res_partner import MONEY_GROUPS

# what the partners a user may read depend on: the user and the allowed companies
READER_CONTEXT = ("uid", "allowed_company_ids")
# a class of a dimension of a company gets id (company * 100 + dimension) * 10^8 +
# class: dimension is the position in the overview (under 100), class the
# position in the selection or the record id (under 10^8)
CLASS_SPAN = 10**8


class PartnerSegmentOverview(models.Model):
    """One row per company, dimension and class: its customers and revenue.

    A read-only SQL view over the stored classification (company-dependent
    jsonb columns of ``res_partner``), for the overview kanban whose cards
    open the customers of their class.  Its query is built for the user who
    reads it: it counts only the partners that user may read (record rules
    of ``res.partner``), so a salesman sees the totals of his own customers.
    """

    _name = "partner.segment.overview"
    _description = "Customer Segment Overview"
    _auto = False
    _order = "company_id, dimension_sequence, sequence"
    _rec_name = "class_label"
    # the fields of dimensions registered later are flushed by the query itself
    # (its columns carry them, see _class_key_sql)
    _depends = {
        "res.partner": [
            "active",
            "segment_classified_on",
            "segment_overdue_amount",
            "segment_revenue",
            *(d.field_name for d in dimensions.overview_dimensions()),
        ],
        "res.partner.industry": ["parent_path"],
        "res.company": ["currency_id", "segment_region_grouping"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    dimension = fields.Selection(selection="_selection_dimension", readonly=True)
    dimension_sequence = fields.Integer(readonly=True)
    class_key = fields.Char("Class Key", readonly=True)
    class_label = fields.Char("Class", compute="_compute_class_label")
    sequence = fields.Integer(readonly=True)
    # the figures depend on who reads them (the partners they may read)
    customer_count = fields.Integer(
        "Customers", readonly=True, depends_context=READER_CONTEXT
    )
    customer_count_label = fields.Char(
        "Customers Label",
        compute="_compute_customer_count_label",
        depends_context=(*READER_CONTEXT, "lang"),
    )
    revenue = fields.Monetary(
        "Window Revenue",
        readonly=True,
        groups=MONEY_GROUPS,
        depends_context=READER_CONTEXT,
    )
    overdue_amount = fields.Monetary(
        "Overdue Amount",
        readonly=True,
        groups=MONEY_GROUPS,
        depends_context=READER_CONTEXT,
    )

    @property
    def _table_query(self):
        return self._overview_query()

    @api.model
    def _overview_dimensions(self):
        """The registry's dimensions of the overview, in display order: read at
        each call, so that a dimension registered later is shown (those whose
        partner field this database lacks are left out)."""
        partner = self.env["res.partner"]
        return [
            d
            for d in dimensions.overview_dimensions()
            if d.field_name in partner._fields
        ]

    @api.model
    def _selection_dimension(self):
        partner = self.env["res.partner"]
        return [
            (d.key, partner._fields[d.field_name].get_description(self.env)["string"])
            for d in self._overview_dimensions()
        ]

    def _compute_class_label(self):
        partner = self.env["res.partner"]
        labels = {}
        for dimension in self._overview_dimensions():
            field = partner._fields[dimension.field_name]
            if field.type == "selection":
                labels[dimension.key] = dict(field._description_selection(self.env))
                continue
            # classes that are records: their names, archived ones included
            model = self.env[field.comodel_name].with_context(active_test=False)
            keys = {
                int(r.class_key)
                for r in self
                if r.dimension == dimension.key and r.class_key
            }
            labels[dimension.key] = {
                str(record.id): record.display_name for record in model.browse(keys)
            }
        not_classified = self.env._("Not classified")
        for row in self:
            row.class_label = (
                labels.get(row.dimension, {}).get(row.class_key) or not_classified
                if row.class_key
                else not_classified
            )

    def _read_group_orderby(self, order, groupby_terms, query):
        """The kanban's dimension columns in the overview's order (value tier
        first), not in the alphabetical order of their keys."""
        ranked = dict(groupby_terms)
        if "dimension" in ranked:
            keys = [d.key for d in self._overview_dimensions()]
            ranked["dimension"] = SQL(
                "array_position(%s::text[], (%s)::text)", keys, ranked["dimension"]
            )
        return super()._read_group_orderby(order, ranked, query)

    @api.depends("customer_count")
    def _compute_customer_count_label(self):
        for row in self:
            if row.customer_count == 1:
                row.customer_count_label = self.env._("1 customer")
            else:
                row.customer_count_label = self.env._(
                    "%(count)s customers", count=row.customer_count
                )

    def action_open_customers(self):
        """The customers of this card's class, in the current company."""
        self.ensure_one()
        if self.company_id != self.env.company:
            raise UserError(
                self.env._(
                    "Switch to %(company)s to open its customers: their classes "
                    "are per company.",
                    company=self.company_id.name,
                )
            )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_segment.res_partner_segment_action"
        )
        # Odoo 18's breadcrumb shows the action's display name
        action["name"] = action["display_name"] = self.env._(
            "%(dimension)s: %(class)s",
            dimension=dict(self._selection_dimension())[self.dimension],
            **{"class": self.class_label},
        )
        action["domain"] = self._get_customer_domain()
        action["context"] = {"default_is_company": True}
        return action

    def _get_customer_domain(self):
        """Domain of the classified customers of this row's class."""
        self.ensure_one()
        return self._get_class_domain(self.dimension, self.class_key)

    @api.model
    def _get_class_domain(self, dimension_key, class_key):
        """Domain of the customers classified (in the current company) in the
        class ``class_key`` (the overview's and the distribution report's key:
        a selection value or a record id as text; none: not classified) of
        ``dimension_key``.  The overview cards and the dashboard open these."""
        dimension = dimensions.get(dimension_key)
        fname = dimension.field_name
        domain = [("segment_classified_on", "!=", False)]
        if not class_key:
            return [*domain, (fname, "=", False)]
        if self.env["res.partner"]._fields[fname].type == "many2one":
            # a class shown by the root of its hierarchy (the industry's section)
            # holds the records under it
            operator = "child_of" if fname != dimension.key else "="
            return [*domain, (fname, operator, int(class_key))]
        return [*domain, (fname, "=", class_key)]

    @api.model
    def _readable_partners_sql(self):
        """SQL condition on ``p``: a partner the current user may read."""
        if self.env.su:
            return SQL("TRUE")
        query = self.env["res.partner"].with_context(active_test=False)._search([])
        return SQL("p.id IN %s", query.subselect())

    @api.model
    def _class_key_sql(self, dimension, company_key):
        """SQL on ``p`` (``res_partner``): the partner's class of ``dimension``
        as text, in the company whose id (as text) is ``company_key``.

        A per-company class is the company's key of its jsonb column; a
        dimension shown through another field (industry: ``industry_id``) is
        the root of that field's hierarchy (the GB/T 4754 section), read from
        the join of :meth:`_class_join_sql`; a record class is its id.  The
        column carries its field, so the query flushes it.
        """
        partner = self.env["res.partner"]
        field = partner._fields[dimension.field_name]
        column = SQL.identifier("p", dimension.field_name, to_flush=field)
        if field.company_dependent:
            return SQL("(%s ->> %s)", column, company_key)
        if dimension.field_name != dimension.key:
            return SQL(
                "split_part(%s, '/', 1)",
                SQL.identifier(self._class_join_alias(dimension), "parent_path"),
            )
        return SQL("%s::varchar", column)

    @api.model
    def _class_join_sql(self, dimension):
        """SQL: the join :meth:`_class_key_sql` reads a hierarchy's root from
        (empty for the other dimensions)."""
        if dimension.field_name == dimension.key:
            return SQL()
        field = self.env["res.partner"]._fields[dimension.field_name]
        comodel = self.env[field.comodel_name]
        alias = self._class_join_alias(dimension)
        return SQL(
            "LEFT JOIN %s AS %s ON %s = %s",
            SQL.identifier(comodel._table),
            SQL.identifier(alias),
            SQL.identifier(alias, "id"),
            SQL.identifier("p", dimension.field_name, to_flush=field),
        )

    @api.model
    def _class_join_alias(self, dimension):
        return f"root_{dimension.key}"

    @api.model
    def _overview_query(self):
        partner = self.env["res.partner"]
        overview_dimensions = self._overview_dimensions()

        def value(fname):
            return SQL("(p.%s ->> c.id::text)", SQL.identifier(fname))

        def class_number(dimension):
            field = partner._fields[dimension.field_name]
            column = SQL.identifier("s", dimension.key)
            if field.type != "selection":
                return SQL("COALESCE(%s::int, 0)", column)
            return SQL(
                "CASE %s %s ELSE 0 END",
                column,
                SQL(" ").join(
                    SQL("WHEN %s THEN %s", key, index)
                    for index, key in enumerate(field.get_values(self.env), start=1)
                ),
            )

        return SQL(
            """
            SELECT (s.company_id * 100 + d.dimension_sequence)::bigint * %(span)s
                       + d.sequence AS id,
                   s.company_id, s.currency_id, d.dimension, d.dimension_sequence,
                   d.class_key, d.sequence,
                   COUNT(*) AS customer_count,
                   SUM(s.revenue) AS revenue,
                   SUM(s.overdue_amount) AS overdue_amount
              FROM (
                    SELECT p.id, c.id AS company_id, c.currency_id,
                           c.segment_region_grouping AS region_grouping,
                           COALESCE(%(revenue)s::numeric, 0) AS revenue,
                           COALESCE(%(overdue)s::numeric, 0) AS overdue_amount,
                           %(classes)s
                      FROM res_partner p
                CROSS JOIN res_company c
                           %(joins)s
                     WHERE p.segment_classified_on ? c.id::text
                       AND p.active
                       AND %(readable)s
                   ) s
        CROSS JOIN LATERAL (VALUES %(pairs)s)
                AS d(dimension, dimension_sequence, class_key, sequence, grouping,
                     dimension_company_id)
             WHERE (d.grouping = '' OR s.region_grouping IN (d.grouping, 'both'))
               AND (d.dimension_company_id = 0 OR d.dimension_company_id = s.company_id)
          GROUP BY s.company_id, s.currency_id, d.dimension, d.dimension_sequence,
                   d.class_key, d.sequence
            """,
            span=CLASS_SPAN,
            readable=self._readable_partners_sql(),
            revenue=value("segment_revenue"),
            overdue=value("segment_overdue_amount"),
            classes=SQL(", ").join(
                SQL(
                    "%s AS %s",
                    self._class_key_sql(d, SQL("c.id::text")),
                    SQL.identifier(d.key),
                )
                for d in overview_dimensions
            ),
            joins=SQL(" ").join(self._class_join_sql(d) for d in overview_dimensions),
            pairs=SQL(", ").join(
                SQL(
                    "(%s, %s, s.%s, %s, %s, %s)",
                    dimension.key,
                    index,
                    SQL.identifier(dimension.key),
                    class_number(dimension),
                    dimension.grouping,
                    # a user dimension of one company: that company's rows only
                    dimension.company_id or 0,
                )
                for index, dimension in enumerate(overview_dimensions)
            ),
        )
