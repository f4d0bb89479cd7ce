from odoo import api, fields, models
from odoo.exceptions import UserError

from ..engine import dimensions

REPORT = "report.partner_segment.report_segment_distribution"
DEFAULT_DIMENSION = "value_tier"
MOVE_MONTHS = 12


class PartnerSegmentDashboard(models.AbstractModel):
    """Data of the segment dashboard (客户分类看板), one call per refresh.

    Every figure comes from the distribution report's provider (the same
    grouped queries over the same customers), for the current company and the
    customers the user may read; each entry carries the domain of
    ``res.partner`` that opens exactly its customers.
    """

    _name = "partner.segment.dashboard"
    _description = "Customer Segment Dashboard"

    @api.model
    def get_dashboard_data(self, dimension=None, as_of=None):
        """Figures of the dashboard: ``distribution`` of ``dimension`` (one
        entry per class), the Pareto curve, the 2 x 2 customer groups, the moves
        per month and the credit exposure per grade, as of ``as_of`` (default
        today), for the current company."""
        report = self.env[REPORT]
        report._check_report_access()
        company = self.env.company
        as_of = fields.Date.to_date(as_of) or fields.Date.context_today(self)
        choices = self._get_dimension_choices(company)
        dimension = dimension or (
            DEFAULT_DIMENSION if DEFAULT_DIMENSION in dict(choices) else choices[0][0]
        )
        if dimension not in dict(choices):
            raise UserError(
                self.env._(
                    "The dimension %(dimension)s is not shown for %(company)s.",
                    dimension=dimension,
                    company=company.name,
                )
            )
        options = report._get_options(
            None, {"company_ids": company.ids, "as_of": fields.Date.to_string(as_of)}
        )
        # the source rows once, with the classes the charts read: five
        # grouped queries below read them
        partner_query, source = report._get_company_source(
            company, options, keys={dimension, "quadrant", "credit_grade"}
        )
        source = report._materialize_source(source)
        total_count, total_revenue, classified_on = report._query_totals(source)
        groups = report._query_groups(source, [dimension, "quadrant"])
        pareto = report._get_pareto(source)
        exposure = report._get_credit_exposure(company, source, as_of)
        return {
            "company": {"id": company.id, "name": company.name},
            "currency_id": company.currency_id.id,
            "as_of": fields.Date.to_string(as_of),
            "dimension": dimension,
            "dimensions": [{"key": key, "label": label} for key, label in choices],
            "figures": {
                "customers": total_count,
                "revenue": total_revenue,
                "overdue": exposure["overdue_amount"],
                "open_receivable": exposure["open_amount"],
                "classified_on": fields.Date.to_string(classified_on),
                "last_run": fields.Datetime.to_string(company.segment_last_run),
            },
            "distribution": self._get_distribution(
                dimension, groups.get(dimension, {}), total_count, total_revenue
            ),
            "pareto": self._get_pareto_entries(
                report._get_pareto_curve(source), pareto
            ),
            "quadrants": self._get_quadrant_entries(
                report._get_quadrant_matrix(
                    groups.get("quadrant", {}), total_count, total_revenue
                )
            ),
            "moves": self._get_move_entries(
                report._get_monthly_moves(
                    company, partner_query, dimension, as_of, MOVE_MONTHS
                ),
                dimension,
                company,
            ),
            "exposure": self._get_exposure_entries(exposure),
        }

    @api.model
    def _get_dimension_choices(self, company):
        """[(key, label)] of the dimensions the company shows: the report's."""
        report = self.env[REPORT]
        return [
            (key, report._get_dimension_title(key))
            for key in report._get_report_dimensions(company)
        ]

    @api.model
    def _class_domain(self, dimension, key):
        return self.env["partner.segment.overview"]._get_class_domain(
            dimension, None if key == "none" else key
        )

    @api.model
    def _get_distribution(self, dimension, groups, total_count, total_revenue):
        table = self.env[REPORT]._get_dimension_table(
            dimension, groups, total_count, total_revenue
        )
        return [
            {
                "key": row["key"],
                "label": row["label"],
                "customers": row["count"],
                "revenue": row["revenue"],
                "customer_share": row["count_share"],
                "revenue_share": row["revenue_share"],
                "domain": self._class_domain(dimension, row["key"]),
            }
            for row in table["rows"]
        ]

    @api.model
    def _get_pareto_entries(self, curve, pareto):
        points = []
        for point in curve["points"]:
            domain = None
            if point["min_revenue"] is not None:
                domain = [
                    ("segment_classified_on", "!=", False),
                    ("segment_revenue", ">=", point["min_revenue"]),
                ]
            points.append({**point, "domain": domain})
        crossing = curve["crossing"]
        return {
            "points": points,
            "customers": curve["count"],
            "revenue": curve["revenue"],
            "top20_share": pareto["top20_share"],
            "is_80_20": pareto["is_80_20"],
            "crossing_customer_share": crossing["customer_share"] if crossing else None,
        }

    @api.model
    def _get_quadrant_entries(self, matrix):
        return [
            [
                {
                    "key": cell["key"],
                    "label": cell["label"],
                    "customers": cell["count"],
                    "revenue": cell["revenue"],
                    "customer_share": cell["count_share"],
                    "revenue_share": cell["revenue_share"],
                    "domain": self._class_domain("quadrant", cell["key"]),
                }
                for cell in row
            ]
            for row in matrix
        ]

    @api.model
    def _get_move_entries(self, months, dimension, company):
        history_dimension = dimension in dimensions.override_dimensions()
        entries = []
        for month in months:
            date_from = fields.Date.to_string(month["date_from"])
            date_to = fields.Date.to_string(month["date_to"])
            entry = {
                "month": fields.Date.to_string(month["month"]),
                "label": month["month"].strftime("%Y-%m"),
            }
            for direction in ("up", "down", "moved"):
                entry[direction] = month[direction]
                entry[f"{direction}_domain"] = (
                    [
                        (
                            "segment_history_ids",
                            "any",
                            [
                                ("company_id", "in", [company.id, False]),
                                ("dimension", "=", dimension),
                                ("direction", "=", direction),
                                ("date", ">=", date_from),
                                ("date", "<=", date_to),
                            ],
                        )
                    ]
                    if history_dimension
                    else None
                )
            entries.append(entry)
        return entries

    @api.model
    def _get_exposure_entries(self, exposure):
        return [
            {
                "key": row["key"],
                "label": row["label"],
                "customers": row["count"],
                "overdue_customers": row["overdue_count"],
                "open_amount": row["open_amount"],
                "overdue_amount": row["overdue_amount"],
                "domain": self._class_domain("credit_grade", row["key"]),
            }
            for row in exposure["rows"]
        ]

    @api.model
    def action_open_customers(self, name, domain):
        """The customer list of a chart's entry (``domain`` from
        :meth:`get_dashboard_data`), in the current company."""
        self.env[REPORT]._check_report_access()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_segment.res_partner_segment_action"
        )
        # the breadcrumb shows the display name
        action["name"] = action["display_name"] = name
        action["domain"] = domain
        action["context"] = {"default_is_company": True}
        return action
