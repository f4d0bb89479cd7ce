"""Benchmark of the credit check on posting (issue 16: ≤ 5 ms per posting).

Builds the classification benchmark's synthetic database (CUSTOMERS customers,
INVOICES posted customer invoices, 3 % open, by direct SQL: a fixture, not the
code under test), gives every customer credit grade B and a credit limit, and
a "block" policy for grade B, then measures in one process:

1. ``res.partner._segment_credit_check`` (the public API: the company's check
   rules, cached, and the one query that finds the customer's) on a sample of customers, the ORM cache cleared before each
   (the worst case: every record read again): mean, median, 95th percentile
   and queries;
2. the check query alone (``_segment_credit_figures``, with the posting's row
   lock and the rule match) on the same customers, and its plan and server
   time (EXPLAIN ANALYZE);
3. what a posting adds: ``account.move._segment_credit_checks(lock=True)`` (what
   ``_post`` runs) on draft invoices whose invoice, customer, company and user
   are loaded as a posting has them, with the policy active, then on another
   grade than the customers' (one query reading the customer's row only), then
   archived (no query), side by side in one run.

Usage (after ``make setup``)::

    .venv/bin/python bench/credit_check_bench.py --customers 100000 --invoices 200000
    # again on the same database (--keep above), without rebuilding it
    .venv/bin/python bench/credit_check_bench.py --customers 100000 --reuse --keep

It creates (and at the end drops, unless --keep) the database
``partner_segment_bench_credit_<customers>`` from the test template.
"""

import argparse
import os
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
    return summary(times, queries)


def summary(times, queries, cpu=None):
    """Mean, median and 95th percentile of ``times`` (ms), mean ``queries``
    and, when given, the mean CPU time."""
    times = sorted(times)
    result = {
        "mean": statistics.mean(times),
        "median": statistics.median(times),
        "p95": times[int(len(times) * 0.95) - 1],
    }
    if cpu is not None:
        result["Odoo process CPU mean"] = statistics.mean(cpu)
    result["queries"] = statistics.mean(queries)
    return result


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


def timed_invoice_checks(env, moves):
    """What a posting adds: the checks of ``_post`` on a loaded draft invoice.

    Wall time, and the CPU time of the Odoo process (which the machine's load
    inflates less: it leaves out the waits for a core and for PostgreSQL)."""
    times, cpu, queries = [], [], []
    for move in moves:
        env.invalidate_all()
        # what posting has loaded before: the invoice, its customer, company, user
        move.read(["partner_id", "commercial_partner_id", "amount_total_signed"])
        move.commercial_partner_id.with_company(move.company_id).read(["name"])
        move.company_id.read(["name", "currency_id", "segment_credit_include_draft"])
        env.user.read(["tz"])
        count = env.cr.sql_log_count
        t0, c0 = time.perf_counter(), time.process_time()
        move._segment_credit_checks(lock=True)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        queries.append(env.cr.sql_log_count - count)
    return summary(times, queries, cpu)


def explain_check(env, partner_id):
    """Server-side time of the check query (EXPLAIN ANALYZE) for one customer."""
    from odoo.tools import SQL

    partner = env["res.partner"].browse(partner_id)
    cr = env.cr
    original = cr.execute
    plans = []

    def explain(query, params=None, log_exceptions=True):
        if isinstance(query, SQL) and "account_move_line aml" in query.code:
            original(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))
            plans.append("\n".join(row[0] for row in cr.fetchall()))
        return original(query, params, log_exceptions)

    cr.execute = explain
    try:
        partner._segment_credit_figures(
            env.company,
            env["partner.segment.policy"]._get_check_rules(env.company),
            lock=True,
        )
    finally:
        cr.execute = original
    return plans[0] if plans else ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100000)
    parser.add_argument("--invoices", type=int, default=500000)
    parser.add_argument("--sample", type=int, default=500)
    parser.add_argument("--postings", type=int, default=100)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--reuse", action="store_true", help="measure on the database a --keep run left"
    )
    args = parser.parse_args()
    db = f"partner_segment_bench_credit_{args.customers}"
    if not args.reuse:
        sh(f"drop_db {db}")
        build_database(db)
    registry = open_registry(db)

    import odoo
    from odoo import api

    results = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        if not args.reuse:
            load_fixture(env, args.customers, args.invoices, date.today())
            # a limit most customers stay under, so that postings go through
            grade_everyone(env, 10**7)
            env["partner.segment.policy"].create(
                {"name": "B block", "credit_grade": "B", "check_action": "block"}
            )
            env.company.segment_credit_include_draft = True
            cr.commit()
        policy = (
            env["partner.segment.policy"]
            .with_context(active_test=False)
            .search([("name", "=", "B block")])
        )
        if not policy.active:  # a run stopped before it reactivated it
            policy.active = True
            cr.commit()
        # what the database holds (a --reuse run does not know the fixture's size)
        cr.execute(
            "SELECT count(*) FROM account_move WHERE move_type IN "
            "('out_invoice', 'out_refund') AND state = 'posted'"
        )
        invoices = cr.fetchone()[0]

        partner_ids = sample_customers(env, args.sample)
        api_times = timed_checks(
            env, partner_ids, lambda partner: partner._segment_credit_check(100.0)
        )
        for key, value in api_times.items():
            results[f"API _segment_credit_check, cold cache: {key}"] = value
        rules = env["partner.segment.policy"]._get_check_rules(env.company)
        query_times = timed_checks(
            env,
            partner_ids,
            lambda partner: partner._segment_credit_figures(
                env.company, rules, lock=True
            ),
        )
        results["check query (+flushes), cold cache: mean ms"] = query_times["mean"]
        results["check query (+flushes), cold cache: p95 ms"] = query_times["p95"]

        moves = draft_invoices(env, partner_ids[: args.postings])
        cr.commit()
        for key, value in timed_invoice_checks(env, moves).items():
            results[f"posting's check, policy active: {key}"] = value
        plan = explain_check(env, partner_ids[0])
        # committed, as a manager's change is: the transaction that changed
        # the policies reads them afresh until it commits
        policy.credit_grade = "C"
        cr.commit()
        for key, value in timed_invoice_checks(env, moves).items():
            results[f"posting's check, customer not covered: {key}"] = value
        policy.write({"credit_grade": "B", "active": False})
        cr.commit()
        for key, value in timed_invoice_checks(env, moves).items():
            results[f"posting's check, no policy: {key}"] = value
        print(plan)
        cr.rollback()
        policy.active = True
        cr.commit()

    print(
        f"\n== partner_segment credit check benchmark: {args.customers} customers, "
        f"{invoices} posted invoices, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    print_results(results)
    registry.delete(db)
    if not args.keep:
        sh(f"drop_db {db}")


if __name__ == "__main__":
    main()
