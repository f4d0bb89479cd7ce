"""Benchmark of the customer segment reports on a large database.

Times, in one process against real PostgreSQL, the HTML rendering of the
segment distribution (客户分类统计报表) for the whole company, its values alone
(the grouped queries), the segment overview that the kanban reads, and the
segment dashboard's data call (``partner.segment.dashboard.get_dashboard_data``).

Usage (after ``make setup``), on the database that the classification
benchmark keeps::

    .venv/bin/python bench/segment_bench.py --customers 100000 --invoices 1000000 --keep
    .venv/bin/python bench/report_bench.py --db partner_segment_bench_100000
    dropdb -h 127.0.0.1 partner_segment_bench_100000

Nothing is written (the transaction is rolled back).
"""

import argparse
import os
import sys
import time
from datetime import date

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DISTRIBUTION = "partner_segment.report_segment_distribution"


def timed(function, runs):
    """(best, first) wall time in seconds of ``runs`` calls, and the last result."""
    times, result = [], None
    for _run in range(runs):
        t0 = time.monotonic()
        result = function()
        times.append(time.monotonic() - t0)
    return min(times), times[0], result


def add_history(cr, company_id, rows):
    """``rows`` class moves (value tier and credit grade, up and down) of the
    classified customers, spread over the last 365 days (plain SQL: a fixture)."""
    cr.execute(
        """
        WITH customers AS (
            SELECT id, row_number() OVER (ORDER BY id) AS n
              FROM res_partner WHERE segment_classified_on ? %(key)s
        ), total AS (SELECT count(*) AS n FROM customers)
        INSERT INTO partner_segment_history
            (partner_id, company_id, dimension, old_value, new_value, direction,
             source, date)
        SELECT c.id, %(company)s,
               CASE WHEN g %% 2 = 0 THEN 'value_tier' ELSE 'credit_grade' END,
               NULL, NULL,
               CASE WHEN g %% 3 = 0 THEN 'down' ELSE 'up' END,
               'cron', current_date - (g %% 365)
          FROM generate_series(1, %(rows)s) g
         CROSS JOIN total
          JOIN customers c ON c.n = 1 + (g::bigint * 7919) %% total.n
        """,
        {"key": str(company_id), "company": company_id, "rows": rows},
    )
    cr.execute("ANALYZE partner_segment_history")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="partner_segment_bench_100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--history",
        type=int,
        default=300000,
        help="class moves added to the history over the last 12 months before "
        "timing (rolled back with the rest): the classification benchmark's "
        "database has none, and the dashboard's moves chart reads them",
    )
    args = parser.parse_args()

    sys.path.insert(
        0, os.environ.get("ODOO_SRC", os.path.expanduser("~/.cache/odoo/18.0"))
    )
    import odoo
    from odoo import api

    odoo.tools.config.parse_config(
        ["-c", os.path.join(ROOT, ".build", "odoo.conf"), "-d", args.db]
    )
    registry = odoo.modules.registry.Registry(args.db)
    results = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
        company = env.company
        data = {"company_ids": company.ids, "as_of": str(date.today())}
        cr.execute(
            "SELECT count(*) FROM res_partner WHERE segment_classified_on ? %s",
            [str(company.id)],
        )
        results["classified customers"] = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*) FROM account_move WHERE company_id = %s", [company.id]
        )
        results["moves"] = cr.fetchone()[0]

        if args.history:
            add_history(cr, company.id, args.history)
        cr.execute("SELECT count(*) FROM partner_segment_history")
        results["history rows"] = cr.fetchone()[0]

        report_values = env[f"report.{DISTRIBUTION}"]
        best, first, values = timed(
            lambda: report_values._get_report_values([], data=dict(data)), args.runs
        )
        results["distribution values, grouped queries (s)"] = best
        results["distribution: customers in the report"] = values["sections"][0][
            "customer_count"
        ]

        reports = env["ir.actions.report"]
        best, first, (html, _type) = timed(
            lambda: reports._render_qweb_html(DISTRIBUTION, [], data=dict(data)),
            args.runs,
        )
        results["distribution HTML, first render (s)"] = first
        results["distribution HTML, best of runs (s)"] = best
        results["distribution HTML size (kB)"] = len(html) / 1024

        overview = env["partner.segment.overview"]
        best, first, rows = timed(
            lambda: overview.search_read(
                [("company_id", "=", company.id)],
                ["dimension", "class_label", "customer_count", "revenue"],
            ),
            args.runs,
        )
        results["segment overview, all cards (s)"] = best
        results["segment overview: cards"] = len(rows)

        # the dashboard's one call per refresh, as a segment user reads it
        # (record rules applied), for two dimensions
        user = env.ref("base.user_admin")
        dashboard = env["partner.segment.dashboard"].with_user(user)
        as_of = str(date.today())
        for dimension in ("value_tier", "credit_grade"):
            best, first, values = timed(
                lambda dimension=dimension: dashboard.get_dashboard_data(
                    dimension, as_of
                ),
                args.runs,
            )
            results[f"dashboard refresh, {dimension}, first (s)"] = first
            results[f"dashboard refresh, {dimension}, best (s)"] = best
        results["dashboard: customers"] = values["figures"]["customers"]
        results["dashboard: Pareto points"] = len(values["pareto"]["points"])
        results["dashboard: moves in 12 months"] = sum(
            m["up"] + m["down"] for m in values["moves"]
        )
        cr.rollback()

    print(
        f"\n== partner_segment report benchmark: {args.db}, {args.runs} runs, "
        f"{os.cpu_count()} cores"
    )
    for key, value in results.items():
        print(
            f"{key:<48} {value:>12.2f}"
            if isinstance(value, float)
            else f"{key:<48} {value:>12}"
        )


if __name__ == "__main__":
    main()
