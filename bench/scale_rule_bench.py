"""Benchmark of a scale-rule edit that moves many customers (issue 23).

Builds CUSTOMERS customers of industry C with plain SQL (a fixture, not the
code under test): MOVED of them medium (500 employees, 5,000 万 revenue), the
others small.  Then, in one process against real PostgreSQL, edits the
"Industry" scale rule so that the medium ones become large, twice, rolled back
in between:

1. without history and follow-ups: the rule written and the scale recomputed
   by the ORM, as before issue 23;
2. with them: ``partner.scale.rule.write``, which also logs one history row per
   moved customer (one INSERT) and lets an "enters Large" follow-up rule create
   its activities.

Usage (after ``make setup``)::

    .venv/bin/python bench/scale_rule_bench.py --customers 100000 --moved 20000

It creates (and at the end drops, unless --keep) the database
``partner_segment_bench_scale_<customers>`` from the test template.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from segment_bench import build_database, open_registry, print_results, sh

NEW_BOUNDS = {"employees_large": 400, "revenue_large": 40_000_000}


def load_fixture(env, customers, moved):
    cr = env.cr
    industry = env.ref("partner_segment.industry_gbt_C")
    t0 = time.monotonic()
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, is_company, active, type,
                                 autopost_bills, create_date, write_date, customer_rank,
                                 industry_id, employee_count, annual_revenue,
                                 scale_class_computed, scale_class)
        SELECT 'Bench Customer ' || g, 'Bench Customer ' || g, true, true, 'contact',
               'ask', now(), now(), 1, %(industry)s,
               CASE WHEN g <= %(moved)s THEN 500 ELSE 100 END,
               CASE WHEN g <= %(moved)s THEN 50000000 ELSE 5000000 END,
               CASE WHEN g <= %(moved)s THEN 'medium' ELSE 'small' END,
               CASE WHEN g <= %(moved)s THEN 'medium' ELSE 'small' END
          FROM generate_series(1, %(customers)s) g
        """,
        {"industry": industry.id, "moved": moved, "customers": customers},
    )
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id "
        "WHERE commercial_partner_id IS NULL AND name LIKE 'Bench Customer %%'"
    )
    cr.execute("ANALYZE res_partner")
    env["partner.segment.followup.rule"].create(
        {"name": "Visit large customers", "class_key": "scale_class:large"}
    )
    env.invalidate_all()
    cr.commit()
    print(f"fixture: {customers} customers in {time.monotonic() - t0:.1f} s")


def edit_without_history(env, rule):
    """What the edit did before issue 23: write, recompute, flush."""
    from odoo import models

    industries = rule.industry_ids
    models.BaseModel.write(rule, NEW_BOUNDS)
    partners = (
        env["res.partner"]
        .with_context(active_test=False)
        .search([("industry_id", "child_of", industries.ids)])
    )
    partners._segment_recompute(["scale_class_computed"])
    env["res.partner"].flush_model(["scale_class", "scale_class_computed"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100000)
    parser.add_argument("--moved", type=int, default=20000)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    db = f"partner_segment_bench_scale_{args.customers}"
    build_database(db)

    registry = open_registry(db)
    import odoo
    from odoo import api

    results = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        load_fixture(env, args.customers, args.moved)
        rule = env.ref("partner_segment.scale_rule_industry")

        def count(query):
            cr.execute(query)
            return cr.fetchone()[0]

        def moved_count():
            return count("SELECT count(*) FROM res_partner WHERE scale_class = 'large'")

        t0 = time.monotonic()
        edit_without_history(env, rule)
        results["without history and follow-ups (s)"] = time.monotonic() - t0
        results["  customers moved to large"] = moved_count()
        cr.rollback()
        env.invalidate_all()
        env.transaction.clear()

        t0 = time.monotonic()
        rule.write(NEW_BOUNDS)
        env.flush_all()
        results["with history and follow-ups (s)"] = time.monotonic() - t0
        results["  customers moved to large"] = moved_count()
        results["  history rows of the edit"] = count(
            "SELECT count(*) FROM partner_segment_history WHERE source = 'scale_rule'"
        )
        results["  follow-up activities"] = count(
            "SELECT count(*) FROM mail_activity WHERE segment_followup_rule_id IS NOT NULL"
        )
        results["ratio with / without"] = (
            results["with history and follow-ups (s)"]
            / results["without history and follow-ups (s)"]
        )
        cr.rollback()

    print(
        f"\n== scale-rule edit: {args.customers} customers, {args.moved} moved, "
        f"{os.cpu_count()} cores"
    )
    print_results(results)
    registry.delete(db)
    if not args.keep:
        sh(f"drop_db {db}")


if __name__ == "__main__":
    main()
