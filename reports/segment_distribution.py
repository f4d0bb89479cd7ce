from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, formatLang

from ..engine import dimensions
from ..models.partner_segment_history import POLICY_FIELDS

# the quadrant has its own 2 x 2 matrix, not a table
QUADRANT = "quadrant"
PARETO_SHARES = (10, 20, 50)
QUADRANT_MATRIX = (("old_big", "old_small"), ("new_big", "new_small"))


class ReportSegmentDistribution(models.AbstractModel):
    """Values of the customer segment distribution (客户分类统计报表).

    Every figure comes from a few grouped queries per company over the stored
    classification (company-dependent jsonb columns of ``res_partner``), the open
    receivables and the classification history: never a loop over partners.
    """

    _name = "report.partner_segment.report_segment_distribution"
    _description = "Customer Segment Distribution Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        self._check_report_access()
        options = self._get_options(docids, data or {})
        lang = self.env.lang or self.env.user.lang
        report = self.with_context(lang=lang)
        sections = [
            report.with_company(company)._get_company_section(company, options)
            for company in self.env["res.company"].browse(options["company_ids"])
        ]
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": self.env["res.partner"].browse(docids or []),
            "sections": sections,
            "lang": lang,
            "format_share": report._format_share,
            # one layout for all companies: unpatched wkhtmltopdf prints one document only
            "layout_company": sections[0]["company"] if sections else self.env.company,
        }

    # ------------------------------------------------------------ options
    @api.model
    def _check_report_access(self):
        if not self.env.su and not self.env.user.has_group(
            "partner_segment.partner_segment_group_user"
        ):
            raise AccessError(
                self.env._("Only Customer Segments users may print segment reports.")
            )

    @api.model
    def _get_options(self, docids, data):
        """Companies, as-of date, movement period and partner filters of a run.

        From the wizard, ``data`` holds them; from the customer list, the
        selected customers are reported for the current companies, as of today.
        """
        company_ids = data.get("company_ids") or self.env.companies.ids
        allowed = set(self.env.user.company_ids.ids)
        if self.env.su:
            allowed = set(company_ids)
        company_ids = [cid for cid in company_ids if cid in allowed]
        if not company_ids:
            raise AccessError(self.env._("You may not report on this company."))
        as_of = fields.Date.to_date(data.get("as_of")) or fields.Date.context_today(
            self
        )
        return {
            "company_ids": company_ids,
            "as_of": as_of,
            "date_from": fields.Date.to_date(data.get("date_from")),
            "partner_ids": data.get("partner_ids") or (docids or None),
            "user_ids": data.get("user_ids") or [],
            "region_ids": data.get("region_ids") or [],
            "industry_ids": data.get("industry_ids") or [],
        }

    @api.model
    def _get_partner_domain(self, options):
        """Hook: which customers the report covers (before the company's own filter)."""
        domain = []
        if options["partner_ids"]:
            partners = self.env["res.partner"].browse(options["partner_ids"])
            domain.append(("id", "in", partners.commercial_partner_id.ids))
        if options["user_ids"]:
            domain.append(("user_id", "in", options["user_ids"]))
        if options["region_ids"]:
            regions = self.env["partner.region"].browse(options["region_ids"])
            for grouping, fname in (
                ("geographic", "region_id"),
                ("economic", "economic_region_id"),
            ):
                chosen = regions.filtered(lambda r, g=grouping: r.grouping == g)
                if chosen:
                    domain.append((fname, "in", chosen.ids))
        if options["industry_ids"]:
            domain.append(("industry_id", "child_of", options["industry_ids"]))
        return domain

    # ------------------------------------------------------------ sections
    @api.model
    def _get_company_section(self, company, options):
        rules = company._get_segment_rules()
        as_of = options["as_of"]
        date_from = options["date_from"] or as_of - timedelta(days=rules.window_days)
        # record rules of res.partner apply through _search
        partner_query = (
            self.env["res.partner"]
            .with_company(company)
            ._search(self._get_partner_domain(options))
        )
        self.env["res.partner"].flush_model()
        self.env["res.partner.industry"].flush_model()
        source = self._source_sql(company, partner_query)
        total_count, total_revenue, classified_on = self._query_totals(source)
        groups = self._query_groups(source)
        currency = company.currency_id
        return {
            "company": company,
            "currency": currency,
            "as_of": as_of,
            "window_days": rules.window_days,
            "window_from": as_of - timedelta(days=rules.window_days - 1),
            "classified_on": classified_on,
            "customer_count": total_count,
            "revenue": total_revenue,
            "dimensions": [
                self._get_dimension_table(
                    dimension, groups.get(dimension, {}), total_count, total_revenue
                )
                for dimension in self._get_report_dimensions(company)
            ],
            "quadrant": self._get_quadrant_matrix(
                groups.get("quadrant", {}), total_count, total_revenue
            ),
            "pareto": self._get_pareto(source),
            "credit": self._get_credit_exposure(company, source, as_of),
            "movement_from": date_from,
            "movements": self._get_movements(company, partner_query, date_from, as_of),
        }

    @api.model
    def _report_dimensions(self):
        """The registry's dimensions with a table, in printed order: read at
        each call, so that a dimension registered later gets its table (those
        whose partner field this database lacks are left out)."""
        partner = self.env["res.partner"]
        return [
            d for d in dimensions.report_dimensions() if d.field_name in partner._fields
        ]

    @api.model
    def _get_report_dimensions(self, company):
        """The dimensions printed for ``company``: its region grouping decides
        whether the geographic regions, the economic ones or both appear."""
        grouping = company.segment_region_grouping
        return [d.key for d in self._report_dimensions() if d.shown_for(grouping)]

    @api.model
    def _source_dimensions(self):
        """The dimensions of the source rows: the tables' and the quadrant."""
        source = self._report_dimensions()
        if QUADRANT not in {d.key for d in source}:
            source.append(dimensions.get(QUADRANT))
        return source

    @api.model
    def _source_sql(self, company, partner_query):
        """One row per classified customer of ``company``: revenue and every class.

        The per-company classes are company-dependent (``column ->> company
        id``); scale, industry section and region are plain columns (see
        ``partner.segment.overview._class_key_sql``).
        """
        key = str(company.id)
        Overview = self.env["partner.segment.overview"]
        source_dimensions = self._source_dimensions()

        def value(fname):
            return SQL("(p.%s ->> %s)", SQL.identifier(fname), key)

        return SQL(
            """
            SELECT p.id,
                   COALESCE(%(revenue)s::numeric, 0) AS revenue,
                   %(classified)s::date AS classified_on,
                   %(classes)s
              FROM res_partner p
                   %(joins)s
             WHERE %(classified)s IS NOT NULL
               AND p.id IN %(partners)s
            """,
            revenue=value("segment_revenue"),
            classified=value("segment_classified_on"),
            classes=SQL(", ").join(
                SQL(
                    "%s AS %s",
                    Overview._class_key_sql(d, SQL("%s", key)),
                    SQL.identifier(d.key),
                )
                for d in source_dimensions
            ),
            joins=SQL(" ").join(Overview._class_join_sql(d) for d in source_dimensions),
            partners=partner_query.subselect(),
        )

    @api.model
    def _query_totals(self, source):
        self.env.cr.execute(
            SQL(
                "SELECT COUNT(*), COALESCE(SUM(revenue), 0), MAX(classified_on) "
                "FROM (%s) s",
                source,
            )
        )
        count, revenue, classified_on = self.env.cr.fetchone()
        return count, float(revenue), classified_on

    @api.model
    def _query_groups(self, source):
        """{dimension: {class key or None: (count, revenue)}} in one scan:
        every customer row is unpivoted into one (dimension, class) row each."""
        keys = [d.key for d in self._source_dimensions()]
        self.env.cr.execute(
            SQL(
                """
                SELECT d.dimension, d.class, COUNT(*), COALESCE(SUM(s.revenue), 0)
                  FROM (%(source)s) s
            CROSS JOIN LATERAL (VALUES %(pairs)s) AS d(dimension, class)
              GROUP BY d.dimension, d.class
                """,
                source=source,
                pairs=SQL(", ").join(
                    SQL("(%s, s.%s)", key, SQL.identifier(key)) for key in keys
                ),
            )
        )
        groups = {}
        for dimension, key, count, revenue in self.env.cr.fetchall():
            groups.setdefault(dimension, {})[key] = (count, float(revenue))
        return groups

    @api.model
    def _get_dimension_table(self, dimension, groups, total_count, total_revenue):
        rows = [
            self._make_row(
                key, label, *groups.get(key, (0, 0.0)), total_count, total_revenue
            )
            for key, label in self._get_class_labels(dimension, groups)
        ]
        if groups.get(None):
            rows.append(
                self._make_row(
                    "none",
                    self.env._("Not classified"),
                    *groups[None],
                    total_count,
                    total_revenue,
                )
            )
        return {
            "dimension": dimension,
            "title": self._get_dimension_title(dimension),
            "rows": rows,
        }

    @api.model
    def _get_dimension_title(self, dimension):
        fname = dimensions.get(dimension).field_name
        return (
            self.env["res.partner"]._fields[fname].get_description(self.env)["string"]
        )

    @api.model
    def _get_class_labels(self, dimension, groups):
        """[(key, label)] of a dimension's classes in their natural order: every
        class of a selection, the records that occur (regions, industry
        sections) in their model's order."""
        fname = dimensions.get(dimension).field_name
        field = self.env["res.partner"]._fields[fname]
        if field.type == "selection":
            return field._description_selection(self.env)
        records = self.env[field.comodel_name].browse(int(key) for key in groups if key)
        return [
            (str(r.id), r.display_name)
            for r in records.with_context(active_test=False).sorted()
        ]

    @api.model
    def _make_row(self, key, label, count, revenue, total_count, total_revenue):
        count_share = 100.0 * count / total_count if total_count else 0.0
        revenue_share = 100.0 * revenue / total_revenue if total_revenue else 0.0
        return {
            "key": key,
            "label": label,
            "count": count,
            "count_share": count_share,
            "revenue": revenue,
            "revenue_share": revenue_share,
            "count_bar": self._bar_width(count_share),
            "revenue_bar": self._bar_width(revenue_share),
        }

    @api.model
    def _bar_width(self, share):
        return round(min(max(share, 0.0), 100.0), 1)

    @api.model
    def _get_quadrant_matrix(self, groups, total_count, total_revenue):
        labels = dict(
            self.env["res.partner"]._fields[QUADRANT]._description_selection(self.env)
        )
        return [
            [
                self._make_row(
                    key,
                    labels[key],
                    *groups.get(key, (0, 0.0)),
                    total_count,
                    total_revenue,
                )
                for key in row
            ]
            for row in QUADRANT_MATRIX
        ]

    @api.model
    def _get_pareto(self, source):
        """Share of revenue of the top 10/20/50 % of customers with revenue > 0
        (largest first, ties by id, as the value tiers): is it 80/20?"""
        self.env.cr.execute(
            SQL(
                """
                WITH ranked AS (
                    SELECT revenue,
                           ROW_NUMBER() OVER (ORDER BY revenue DESC, id) AS rank,
                           COUNT(*) OVER () AS n
                      FROM (%(source)s) s
                     WHERE revenue > 0
                )
                SELECT MAX(n), COALESCE(SUM(revenue), 0), %(tops)s FROM ranked
                """,
                source=source,
                tops=SQL(", ").join(
                    SQL(
                        "COUNT(*) FILTER (WHERE rank <= CEIL(n * %s / 100.0)), "
                        "COALESCE(SUM(revenue) FILTER (WHERE rank <= CEIL(n * %s / 100.0)), 0)",
                        share,
                        share,
                    )
                    for share in PARETO_SHARES
                ),
            )
        )
        row = self.env.cr.fetchone()
        count, revenue = row[0] or 0, float(row[1])
        rows = []
        for index, share in enumerate(PARETO_SHARES):
            top_count, top_revenue = row[2 + 2 * index], float(row[3 + 2 * index])
            revenue_share = 100.0 * top_revenue / revenue if revenue else 0.0
            rows.append(
                {
                    "share": share,
                    "count": top_count,
                    "revenue": top_revenue,
                    "revenue_share": revenue_share,
                    "revenue_bar": self._bar_width(revenue_share),
                }
            )
        top20 = next(r for r in rows if r["share"] == 20)
        return {
            "count": count,
            "revenue": revenue,
            "rows": rows,
            "is_80_20": bool(count) and top20["revenue_share"] >= 80.0,
            "top20_share": top20["revenue_share"],
        }

    @api.model
    def _get_credit_exposure(self, company, source, as_of):
        """Open receivable and overdue amount (as of ``as_of``) per credit grade."""
        receivables = self.env["partner.segment.engine"]._receivables_query(
            company, as_of
        )
        self.env.cr.execute(
            SQL(
                """
                WITH receivables AS (%(receivables)s)
                SELECT s.credit_grade, COUNT(*),
                       COUNT(*) FILTER (WHERE r.overdue_amount > 0),
                       COALESCE(SUM(r.open_amount), 0), COALESCE(SUM(r.overdue_amount), 0)
                  FROM (%(source)s) s
             LEFT JOIN receivables r ON r.partner_id = s.id
              GROUP BY s.credit_grade
                """,
                receivables=receivables,
                source=source,
            )
        )
        by_grade = {
            grade: (count, overdue_count, float(open_amount), float(overdue))
            for grade, count, overdue_count, open_amount, overdue in self.env.cr.fetchall()
        }
        grades = (
            self.env["res.partner"]
            ._fields["credit_grade"]
            ._description_selection(self.env)
        )
        if by_grade.get(None):
            grades = [*grades, (None, self.env._("Not classified"))]
        rows = []
        for key, label in grades:
            count, overdue_count, open_amount, overdue = by_grade.get(
                key, (0, 0, 0.0, 0.0)
            )
            rows.append(
                {
                    "key": key or "none",
                    "label": label,
                    "count": count,
                    "overdue_count": overdue_count,
                    "open_amount": open_amount,
                    "overdue_amount": overdue,
                }
            )
        total_overdue = sum(r["overdue_amount"] for r in rows)
        for row in rows:
            row["overdue_share"] = (
                100.0 * row["overdue_amount"] / total_overdue if total_overdue else 0.0
            )
        return {
            "rows": rows,
            "open_amount": sum(r["open_amount"] for r in rows),
            "overdue_amount": total_overdue,
        }

    @api.model
    def _get_movements(self, company, partner_query, date_from, as_of):
        """Customers whose class moved up or down in (date_from, as_of], per
        dimension, from the classification history."""
        self.env["partner.segment.history"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT dimension,
                       COUNT(DISTINCT partner_id) FILTER (WHERE direction = 'up'),
                       COUNT(DISTINCT partner_id) FILTER (WHERE direction = 'down'),
                       COUNT(DISTINCT partner_id),
                       COUNT(*)
                  FROM partner_segment_history
                 WHERE (company_id = %(company)s OR company_id IS NULL)
                   AND date > %(date_from)s AND date <= %(as_of)s
                   AND partner_id IN %(partners)s
              GROUP BY dimension
                """,
                company=company.id,
                date_from=date_from,
                as_of=as_of,
                partners=partner_query.subselect(),
            )
        )
        by_dimension = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        history_dimensions = dict(
            self.env["partner.segment.history"]
            ._fields["dimension"]
            ._description_selection(self.env)
        )
        return [
            {
                "dimension": dimension,
                "label": label,
                "up": by_dimension.get(dimension, (0, 0, 0, 0))[0],
                "down": by_dimension.get(dimension, (0, 0, 0, 0))[1],
                "customers": by_dimension.get(dimension, (0, 0, 0, 0))[2],
                "changes": by_dimension.get(dimension, (0, 0, 0, 0))[3],
            }
            for dimension, label in history_dimensions.items()
            # the history also logs what the policies set: not a class move
            if dimension not in POLICY_FIELDS
        ]

    @api.model
    def _format_share(self, share):
        """A percentage in the report language: 12.5 %."""
        return formatLang(self.env, share, digits=1) + " %"
