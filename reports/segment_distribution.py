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
# the Pareto curve: points where the customers' share crosses a percent, the 80 % line
PARETO_CURVE_BUCKETS = 100
PARETO_CUT = 0.8
MOVE_DIRECTIONS = ("up", "down", "moved")
# SVG charts of the PDF, in px at the paper format's 90 dpi
SVG_BARS_LABEL, SVG_BARS_PLOT, SVG_BARS_VALUE = 150, 420, 130
SVG_BARS_ROW, SVG_BARS_TOP = 20, 18
SVG_PARETO_LEFT, SVG_PARETO_TOP, SVG_PARETO_PLOT = 48, 12, (560, 220)


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
    def _get_company_source(self, company, options, keys=None):
        """(customers query, source rows SQL) of ``company``: the customers the
        current user may read (record rules of ``res.partner`` apply through
        ``_search``) and one row per classified customer, with the classes of
        the dimensions ``keys`` (default: all of the report's).  The report
        and the dashboard (``partner.segment.dashboard``) both start from
        here."""
        partner_query = (
            self.env["res.partner"]
            .with_company(company)
            ._search(self._get_partner_domain(options))
        )
        self.env["res.partner"].flush_model()
        self.env["res.partner.industry"].flush_model()
        return partner_query, self._source_sql(company, partner_query, keys)

    @api.model
    def _materialize_source(self, source):
        """``source`` computed once into a temporary table, for callers that
        read it several times in one transaction (the dashboard: five grouped
        queries).  A read-only cursor (a report download) cannot create one:
        there the source stays a subquery."""
        if self.env.cr.readonly:
            return source
        table = SQL.identifier("partner_segment_source")
        self.env.cr.execute(SQL("DROP TABLE IF EXISTS %s", table))
        self.env.cr.execute(
            SQL("CREATE TEMPORARY TABLE %s ON COMMIT DROP AS %s", table, source)
        )
        self.env.cr.execute(SQL("ANALYZE %s", table))
        return SQL("SELECT * FROM %s", table)

    @api.model
    def _get_company_section(self, company, options):
        rules = company._get_segment_rules()
        as_of = options["as_of"]
        date_from = options["date_from"] or as_of - timedelta(days=rules.window_days)
        partner_query, source = self._get_company_source(company, options)
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
            "pareto_chart": self._get_pareto_chart(self._get_pareto_curve(source)),
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
        whether the geographic regions, the economic ones or both appear; a
        user-defined dimension of another company does not."""
        grouping = company.segment_region_grouping
        return [
            d.key
            for d in self._report_dimensions()
            if d.shown_for(grouping) and d.shown_in(company.id)
        ]

    @api.model
    def _source_dimensions(self):
        """The dimensions of the source rows: the tables' and the quadrant."""
        source = self._report_dimensions()
        if QUADRANT not in {d.key for d in source}:
            source.append(dimensions.get(QUADRANT))
        return source

    @api.model
    def _source_sql(self, company, partner_query, keys=None):
        """One row per classified customer of ``company``: revenue and every
        class (of the dimensions ``keys`` only, when given).

        The per-company classes are company-dependent (``column ->> company
        id``); scale, industry section and region are plain columns (see
        ``partner.segment.overview._class_key_sql``).
        """
        key = str(company.id)
        Overview = self.env["partner.segment.overview"]
        source_dimensions = [
            d for d in self._source_dimensions() if keys is None or d.key in keys
        ]

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
    def _query_groups(self, source, keys=None):
        """{dimension: {class key or None: (count, revenue)}} in one scan:
        every customer row is unpivoted into one (dimension, class) row each
        (of the dimensions ``keys``, by default all those of the source)."""
        keys = keys or [d.key for d in self._source_dimensions()]
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
            "chart": self._get_bars_chart(rows),
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

    # ------------------------------------------------------------ SVG charts
    @api.model
    def _get_bars_chart(self, rows):
        """Geometry of the SVG bars of a dimension (drawn by QWeb, printed by
        wkhtmltopdf): per class, a bar of its share of customers over one of
        its share of revenue, on a 0-100 % scale."""
        left, width, row_height = SVG_BARS_LABEL, SVG_BARS_PLOT, SVG_BARS_ROW
        bars = []
        for index, row in enumerate(rows):
            top = SVG_BARS_TOP + index * row_height
            bars.append(
                {
                    "label": row["label"],
                    "y": top,
                    "label_y": top + 11,
                    "count_width": round(width * row["count_bar"] / 100.0, 1),
                    "revenue_width": round(width * row["revenue_bar"] / 100.0, 1),
                    "count_share": row["count_share"],
                    "revenue_share": row["revenue_share"],
                }
            )
        return {
            "left": left,
            "plot_width": width,
            "width": left + width + SVG_BARS_VALUE,
            "height": SVG_BARS_TOP + len(rows) * row_height + 4,
            "ticks": [
                {"x": round(left + width * share / 100.0, 1), "label": f"{share} %"}
                for share in (0, 25, 50, 75, 100)
            ],
            "bars": bars,
        }

    @api.model
    def _get_pareto_chart(self, curve):
        """Geometry of the SVG Pareto curve: the cumulative share of revenue
        against the cumulative share of customers, the 80 % line and the share
        of customers where the curve crosses it."""
        left, top = SVG_PARETO_LEFT, SVG_PARETO_TOP
        width, height = SVG_PARETO_PLOT

        def x(share):
            return round(left + width * share, 1)

        def y(share):
            return round(top + height * (1.0 - share), 1)

        crossing = curve["crossing"]
        return {
            "width": left + width + 20,
            "height": top + height + 36,
            "left": left,
            "right": left + width,
            "top": top,
            "bottom": top + height,
            "points": " ".join(
                f"{x(p['customer_share'])},{y(p['revenue_share'])}"
                for p in curve["points"]
            ),
            "count": curve["count"],
            "cut_y": y(PARETO_CUT),
            "crossing_x": x(crossing["customer_share"]) if crossing else None,
            "crossing_share": 100.0 * crossing["customer_share"] if crossing else None,
            "grid": [
                {"x": x(share / 100.0), "y": y(share / 100.0), "label": f"{share} %"}
                for share in (0, 20, 40, 60, 80, 100)
            ],
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
    def _get_pareto_curve(self, source, buckets=PARETO_CURVE_BUCKETS):
        """The Pareto curve: cumulative share of revenue (0-1) against the
        cumulative share of customers (0-1), customers with revenue > 0 largest
        first, from (0, 0) to (1, 1).

        One point per revenue level where the customers' share crosses one of
        ``buckets`` steps, and the level where 80 % of the revenue is reached:
        a point holds every customer with at least its revenue (``min_revenue``),
        so the customers behind it are exactly ``segment_revenue >= min_revenue``.
        """
        self.env.cr.execute(
            SQL(
                """
                WITH levels AS (
                    SELECT revenue, COUNT(*) AS n_at, SUM(revenue) AS r_at
                      FROM (%(source)s) s
                     WHERE revenue > 0
                  GROUP BY revenue
                ), cumulated AS (
                    SELECT revenue, n_at, r_at,
                           SUM(n_at) OVER w AS cum_n, SUM(r_at) OVER w AS cum_r,
                           SUM(n_at) OVER () AS n, SUM(r_at) OVER () AS total
                      FROM levels
                    WINDOW w AS (ORDER BY revenue DESC)
                )
                SELECT revenue, cum_n, cum_r, n, total,
                       cum_r >= %(cut)s * total AND cum_r - r_at < %(cut)s * total
                  FROM cumulated
                 WHERE FLOOR(cum_n * %(buckets)s / n)
                           > FLOOR((cum_n - n_at) * %(buckets)s / n)
                    OR cum_n = n
                    OR (cum_r >= %(cut)s * total AND cum_r - r_at < %(cut)s * total)
              ORDER BY revenue DESC
                """,
                source=source,
                buckets=buckets,
                cut=PARETO_CUT,
            )
        )
        rows = self.env.cr.fetchall()
        points = [
            {
                "customer_share": 0.0,
                "revenue_share": 0.0,
                "customers": 0,
                "revenue": 0.0,
                "min_revenue": None,
            }
        ]
        crossing = None
        for revenue, cum_n, cum_r, n, total, crosses in rows:
            point = {
                "customer_share": float(cum_n) / float(n),
                "revenue_share": float(cum_r) / float(total),
                "customers": int(cum_n),
                "revenue": float(cum_r),
                "min_revenue": float(revenue),
            }
            points.append(point)
            if crosses:
                crossing = point
        return {
            "points": points,
            "count": int(rows[0][3]) if rows else 0,
            "revenue": float(rows[0][4]) if rows else 0.0,
            "crossing": crossing,
        }

    @api.model
    def _get_monthly_moves(self, company, partner_query, dimension, as_of, months=12):
        """Customers whose class of ``dimension`` moved up, down (or, without a
        direction, moved) per calendar month, the last ``months`` months up to
        ``as_of``, from the classification history: [{month, date_from,
        date_to, up, down, moved}] oldest first."""
        periods = self._month_periods(as_of, months)
        history = self.env["partner.segment.history"]
        history.flush_model()
        if dimension not in dict(
            history._fields["dimension"]._description_selection(self.env)
        ):
            counts = {}
        else:
            self.env.cr.execute(
                SQL(
                    """
                    SELECT date_trunc('month', date)::date, direction,
                           COUNT(DISTINCT partner_id)
                      FROM partner_segment_history
                     WHERE (company_id = %(company)s OR company_id IS NULL)
                       AND dimension = %(dimension)s
                       AND direction IN ('up', 'down', 'moved')
                       AND date >= %(date_from)s AND date <= %(as_of)s
                       AND partner_id IN %(partners)s
                  GROUP BY 1, 2
                    """,
                    company=company.id,
                    dimension=dimension,
                    date_from=periods[0][0],
                    as_of=as_of,
                    partners=partner_query.subselect(),
                )
            )
            counts = {
                (month, direction): n for month, direction, n in self.env.cr.fetchall()
            }
        return [
            {
                "month": date_from,
                "date_from": date_from,
                "date_to": date_to,
                **{
                    direction: counts.get((date_from, direction), 0)
                    for direction in MOVE_DIRECTIONS
                },
            }
            for date_from, date_to in periods
        ]

    @api.model
    def _month_periods(self, as_of, months):
        """[(first day, last day)] of the ``months`` calendar months up to
        ``as_of``'s (that one ending on ``as_of``), oldest first."""
        periods = []
        end = as_of
        for _index in range(months):
            start = end.replace(day=1)
            periods.append((start, end))
            end = start - timedelta(days=1)
        return periods[::-1]

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
