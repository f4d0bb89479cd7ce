"""Benchmark of the credit check on posting (issue 16: ≤ 5 ms per posting).

Builds the classification benchmark's synthetic database (CUSTOMERS customers,
INVOICES posted customer invoices, 3 % open, by direct SQL: a fixture, not the
code under test), gives every customer credit grade B and a credit limit, and
a "block" policy for grade B, then measures in one process:

1. ``res.partner._segment_credit_check`` (the public API: policy lookup and the
   one query) on a sample of customers, the ORM cache cleared before each:
   mean, median and 95th percentile, and the queries it makes;
2. the check query alone (``_segment_credit_figures``) on the same customers;
3. posting draft invoices one by one (``action_post``) with the policy active
   and then, on as many other drafts, with it archived: the difference per
   posting is what the check costs a posting; without a policy it costs one
   policy search.

Usage (after ``make setup``)::

    .venv/bin/python bench/credit_check_bench.py --customers 100000 --invoices 500000

It creates (and at the end drops, unless --keep) the database
``partner_segment_bench_credit_<customers>`` from the test template.
"""

import argparse
import os
import random
import statistics
import time
from datetime import date

from segment_bench import build_database, load_fixture, open_registry, print_results, sh


def grade_everyone(env, limit):
    """Grade B and a credit limit for every bench customer (jsonb, per company)."""
    key = str(env.company.id)
    env.cr.execute(
        """
        UPDATE res_partner
           SET credit_grade = jsonb_build_object(%(key)s, 'B'),
               credit_limit = jsonb_build_object(%(key)s, %(limit)s::numeric)
         WHERE name LIKE 'Bench Customer %%'
        """,
        {"key": key, "limit": limit},
    )
    env.invalidate_all()


def sample_customers(env, size):
    """Half the customers with the most open receivable lines, half at random."""
    env.cr.execute(
        """
        SELECT partner_id FROM account_move_line
         WHERE partner_id IS NOT NULL AND NOT reconciled
         GROUP BY partner_id ORDER BY count(*) DESC LIMIT %s
        """,
        [size // 2],
    )
    busiest = [row[0] for row in env.cr.fetchall()]
    env.cr.execute(
        "SELECT id FROM res_partner WHERE name LIKE 'Bench Customer %%' "
        "ORDER BY random() LIMIT %s",
        [size - len(busiest)],
    )
    return busiest + [row[0] for row in env.cr.fetchall()]


def timed_checks(env, partner_ids, call):
    times, queries = [], []
    for partner_id in partner_ids:
        env.invalidate_all()
        partner = env["res.partner"].browse(partner_id)
        count = env.cr.sql_log_count
        t0 = time.perf_counter()
        call(partner)
        times.append((time.perf_counter() - t0) * 1000)
        queries.append(env.cr.sql_log_count - count)
    times.sort()
    return {
        "mean": statistics.mean(times),
        "median": statistics.median(times),
        "p95": times[int(len(times) * 0.95) - 1],
        "queries": statistics.mean(queries),
    }


def draft_invoices(env, partner_ids):
    from odoo import Command

    return env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": partner_id,
                "invoice_date": date.today(),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "bench",
                            "price_unit": 10.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
            for partner_id in partner_ids
        ]
    )


def timed_postings(env, moves):
    times = []
    for move in moves:
        env.invalidate_all()
        t0 = time.perf_counter()
        move.action_post()
        env.flush_all()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.mean(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100000)
    parser.add_argument("--invoices", type=int, default=500000)
    parser.add_argument("--sample", type=int, default=500)
    parser.add_argument("--postings", type=int, default=100)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    db = f"partner_segment_bench_credit_{args.customers}"
    sh(f"drop_db {db}")
    build_database(db)
    registry = open_registry(db)

    import odoo
    from odoo import api

    results = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        load_fixture(env, args.customers, args.invoices, date.today())
        # a limit most customers stay under, so that postings go through
        grade_everyone(env, 10**7)
        policy = env["partner.segment.policy"].create(
            {"name": "B block", "credit_grade": "B", "check_action": "block"}
        )
        env.company.segment_credit_include_draft = True
        cr.commit()

        partner_ids = sample_customers(env, args.sample)
        api_times = timed_checks(
            env, partner_ids, lambda partner: partner._segment_credit_check(100.0)
        )
        for key, value in api_times.items():
            results[f"_segment_credit_check {key} (ms, queries)"] = value
        query_times = timed_checks(
            env,
            partner_ids,
            lambda partner: partner._segment_credit_figures(env.company),
        )
        results["check query alone mean (ms)"] = query_times["mean"]
        results["check query alone p95 (ms)"] = query_times["p95"]

        posting_ids = random.sample(partner_ids, min(args.postings, len(partner_ids)))
        checked = draft_invoices(env, posting_ids)
        unchecked = draft_invoices(env, posting_ids)
        cr.commit()
        results["posting with the policy, mean (ms)"] = timed_postings(env, checked)
        policy.active = False
        results["posting without policy, mean (ms)"] = timed_postings(env, unchecked)
        results["check cost per posting (ms)"] = (
            results["posting with the policy, mean (ms)"]
            - results["posting without policy, mean (ms)"]
        )
        cr.rollback()

    print(
        f"\n== partner_segment credit check benchmark: {args.customers} customers, "
        f"{args.invoices} invoices, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    print_results(results)
    registry.delete(db)
    if not args.keep:
        sh(f"drop_db {db}")


if __name__ == "__main__":
    main()
