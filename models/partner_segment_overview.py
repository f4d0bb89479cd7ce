from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .res_partner import MONEY_GROUPS

# Dimensions of the overview, in display order: (dimension, partner field).
# "industry" is the GB/T 4754 section of the partner's industry.
OVERVIEW_DIMENSIONS = (
    ("value_tier", "value_tier"),
    ("frequency_class", "frequency_class"),
    ("quadrant", "quadrant"),
    ("credit_grade", "credit_grade"),
    ("rfm_class", "rfm_class"),
    ("lifecycle", "lifecycle"),
    ("scale_class", "scale_class"),
    ("region_id", "region_id"),
    ("industry", "industry_id"),
)
# what the partners a user may read depend on: the user and the allowed companies
READER_CONTEXT = ("uid", "allowed_company_ids")
# a class of a dimension of a company gets id (company * 100 + dimension) * 10^8 + class
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
    _depends = {
        "res.partner": [
            "active",
            "industry_id",
            "region_id",
            "scale_class",
            "segment_classified_on",
            "segment_overdue_amount",
            "segment_revenue",
            *(fname for _dimension, fname in OVERVIEW_DIMENSIONS),
        ],
        "res.partner.industry": ["parent_path"],
        "res.company": ["currency_id"],
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
    def _selection_dimension(self):
        partner = self.env["res.partner"]
        return [
            (dimension, partner._fields[fname].get_description(self.env)["string"])
            for dimension, fname in OVERVIEW_DIMENSIONS
        ]

    def _compute_class_label(self):
        partner = self.env["res.partner"]
        labels = {}
        for dimension, fname in OVERVIEW_DIMENSIONS:
            field = partner._fields[fname]
            if field.type == "selection":
                labels[dimension] = dict(field._description_selection(self.env))
        records = {
            "region_id": self.env["partner.region"].with_context(active_test=False),
            "industry": self.env["res.partner.industry"].with_context(
                active_test=False
            ),
        }
        for dimension, model in records.items():
            keys = {int(r.class_key) for r in self if r.dimension == dimension}
            keys.discard(0)
            labels[dimension] = {
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
            keys = [dimension for dimension, _fname in OVERVIEW_DIMENSIONS]
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
        action["name"] = self.env._(
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
        fname = dict(OVERVIEW_DIMENSIONS)[self.dimension]
        domain = [("segment_classified_on", "!=", False)]
        if not self.class_key:
            return [*domain, (fname, "=", False)]
        if self.dimension == "industry":
            return [*domain, (fname, "child_of", int(self.class_key))]
        if self.dimension == "region_id":
            return [*domain, (fname, "=", int(self.class_key))]
        return [*domain, (fname, "=", self.class_key)]

    @api.model
    def _readable_partners_sql(self):
        """SQL condition on ``p``: a partner the current user may read."""
        if self.env.su:
            return SQL("TRUE")
        query = self.env["res.partner"].with_context(active_test=False)._search([])
        return SQL("p.id IN %s", query.subselect())

    @api.model
    def _overview_query(self):
        partner = self.env["res.partner"]

        def value(fname):
            return SQL("(p.%s ->> c.id::text)", SQL.identifier(fname))

        def class_number(dimension, fname):
            field = partner._fields[fname]
            if field.type != "selection":
                return SQL("COALESCE(s.%s::int, 0)", SQL.identifier(dimension))
            return SQL(
                "CASE s.%s %s ELSE 0 END",
                SQL.identifier(dimension),
                SQL(" ").join(
                    SQL("WHEN %s THEN %s", key, index)
                    for index, (key, _label) in enumerate(field.selection, start=1)
                ),
            )

        behaviour = [
            d
            for d, fname in OVERVIEW_DIMENSIONS
            if partner._fields[fname].company_dependent
        ]
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
                           COALESCE(%(revenue)s::numeric, 0) AS revenue,
                           COALESCE(%(overdue)s::numeric, 0) AS overdue_amount,
                           p.scale_class,
                           split_part(ind.parent_path, '/', 1) AS industry,
                           p.region_id::varchar AS region_id,
                           %(behaviour)s
                      FROM res_partner p
                CROSS JOIN res_company c
                 LEFT JOIN res_partner_industry ind ON ind.id = p.industry_id
                     WHERE p.segment_classified_on ? c.id::text
                       AND p.active
                       AND %(readable)s
                   ) s
        CROSS JOIN LATERAL (VALUES %(pairs)s)
                AS d(dimension, dimension_sequence, class_key, sequence)
          GROUP BY s.company_id, s.currency_id, d.dimension, d.dimension_sequence,
                   d.class_key, d.sequence
            """,
            span=CLASS_SPAN,
            readable=self._readable_partners_sql(),
            revenue=value("segment_revenue"),
            overdue=value("segment_overdue_amount"),
            behaviour=SQL(", ").join(
                SQL("%s AS %s", value(d), SQL.identifier(d)) for d in behaviour
            ),
            pairs=SQL(", ").join(
                SQL(
                    "(%s, %s, s.%s, %s)",
                    dimension,
                    index,
                    SQL.identifier(dimension),
                    class_number(dimension, fname),
                )
                for index, (dimension, fname) in enumerate(OVERVIEW_DIMENSIONS)
            ),
        )
