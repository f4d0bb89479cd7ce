"""Benchmark of the policy proposals (issue 16) at scale.

Builds CUSTOMERS customers with a credit grade, a value tier and a window
revenue (direct SQL: a fixture, not the code under test), activates the five
shipped grade policies (limit from a multiple of the monthly revenue, payment
term) plus a value-tier policy setting a pricelist, then measures in one
process against real PostgreSQL:

1. a first proposal run where every covered customer differs (two or three
   proposals each: limit, term, pricelist), inserted in bulk;
2. a second run proposing the same (the open proposals are kept), then a run
   after 1,000 customers' window revenue changed (their limits are replaced);
3. a run where every customer already has what the policies set (none stored);
4. the naive baseline: per-customer ORM (read the grade, search the policies,
   read and compare the values, create the proposal), timed on a sample and
   extrapolated.

Usage (after ``make setup``)::

    .venv/bin/python bench/policy_bench.py --customers 100000

It creates (and at the end drops, unless --keep) the database
``partner_segment_policy_bench_<customers>`` from the test template.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from segment_bench import build_database, open_registry, print_results, sh

GRADES = ("AAA", "AA", "A", "B", "C")


def load_fixture(env, customers):
    """Customers with a grade, a value tier and a revenue in the company."""
    cr = env.cr
    key = str(env.company.id)
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, is_company, active, type,
                                 autopost_bills, create_date, write_date, customer_rank,
                                 credit_grade, value_tier, segment_revenue)
        SELECT 'Policy Bench ' || g, 'Policy Bench ' || g, true, true, 'contact',
               'ask', now(), now(), 1,
               jsonb_build_object(%(key)s, (%(grades)s::varchar[])[1 + g %% 5]),
               jsonb_build_object(%(key)s, CASE WHEN g %% 10 = 0 THEN 'high'
                                                ELSE 'low' END),
               jsonb_build_object(%(key)s, round((random() * 2000000)::numeric, 2))
          FROM generate_series(1, %(n)s) g
        """,
        {"key": key, "grades": list(GRADES), "n": customers},
    )
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id "
        "WHERE commercial_partner_id IS NULL AND name LIKE 'Policy Bench %%'"
    )
    env.invalidate_all()
    Policy = env["partner.segment.policy"].with_context(active_test=False)
    Policy.search([("company_id", "=", env.company.id)]).active = True
    pricelist = env["product.pricelist"].create({"name": "Bench VIP"})
    Policy.create(
        {
            "name": "High value: VIP pricelist",
            "dimension_key": "value_tier",
            "class_key": "high",
            "priority": 1,
            "pricelist_id": pricelist.id,
        }
    )
    env.flush_all()


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def naive(env, company, partners):
    """Per-customer ORM: what a loop over customers would cost."""
    Policy = env["partner.segment.policy"]
    Proposal = env["partner.segment.policy.proposal"]
    months = company.segment_window_days * 12 / 365
    for partner in partners:
        partner = partner.with_company(company)
        policy = Policy.search(
            [
                ("company_id", "=", company.id),
                ("credit_grade", "=", partner.credit_grade),
            ],
            limit=1,
        )
        if not policy or policy.credit_limit_mode == "none":
            continue
        proposed = policy.credit_limit_multiple * partner.segment_revenue / months
        if proposed != partner.credit_limit:
            Proposal.create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "target": "credit_limit",
                    "policy_id": policy.id,
                    "current_amount": partner.credit_limit,
                    "proposed_amount": proposed,
                }
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100000)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--naive-sample", type=int, default=1000)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the database a --keep run left (fixture included)",
    )
    args = parser.parse_args()
    db = f"partner_segment_policy_bench_{args.customers}"
    if not args.reuse:
        build_database(db)
    registry = open_registry(db)
    import odoo
    from odoo import api

    results = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        if not args.reuse:
            load_fixture(env, args.customers)
        # a first run starts from no proposal (a --reuse run finds the last
        # run's open ones, which the next run would keep)
        cr.execute("DELETE FROM partner_segment_policy_proposal")
        cr.commit()
        company = env.company
        Policy = env["partner.segment.policy"]
        Proposal = env["partner.segment.policy.proposal"]

        seconds, count = timed(lambda: Policy._propose(company))
        results["first run, proposals stored"] = count
        results["first run (s)"] = seconds
        cr.commit()
        seconds, count = timed(lambda: Policy._propose(company))
        results["second run, the same proposals kept (s)"] = seconds
        cr.commit()
        # a day later: 1,000 customers' revenue moved (SQL: a fixture step)
        cr.execute(
            """
            UPDATE res_partner
               SET segment_revenue = jsonb_build_object(
                       %(key)s, (segment_revenue ->> %(key)s)::numeric * 2 + 100000)
             WHERE id IN (SELECT id FROM res_partner
                           WHERE name LIKE 'Policy Bench %%' ORDER BY id LIMIT 1000)
            """,
            {"key": str(company.id)},
        )
        env.invalidate_all()
        seconds, count = timed(lambda: Policy._propose(company))
        results["run after 1,000 revenues moved (s)"] = seconds
        cr.commit()
        # every customer gets what was proposed (SQL: a fixture step), then
        # nothing differs
        for fname, target, value in (
            ("credit_limit", "credit_limit", "proposed_amount"),
            ("property_payment_term_id", "payment_term", "proposed_record_id"),
            ("specific_property_product_pricelist", "pricelist", "proposed_record_id"),
        ):
            cr.execute(
                f"""
                UPDATE res_partner rp
                   SET {fname} = COALESCE(rp.{fname}, '{{}}'::jsonb)
                                 || jsonb_build_object(%(key)s, p.{value})
                  FROM partner_segment_policy_proposal p
                 WHERE p.partner_id = rp.id AND p.target = %(target)s
                   AND p.state = 'proposed'
                """,
                {"key": str(company.id), "target": target},
            )
        env.invalidate_all()
        seconds, count = timed(lambda: Policy._propose(company))
        results["run with nothing to change, proposals"] = count
        results["run with nothing to change (s)"] = seconds
        cr.rollback()
        if args.naive_sample:
            sample = env["res.partner"].search(
                [("name", "like", "Policy Bench %")], limit=args.naive_sample
            )
            seconds, _ = timed(lambda: naive(env, company, sample))
            results[f"naive ORM, {len(sample)} customers (s)"] = seconds
            extrapolated = seconds * args.customers / len(sample)
            results["naive ORM extrapolated (s)"] = extrapolated
            results["ratio naive / first run"] = extrapolated / results["first run (s)"]
            cr.rollback()
        print(f"open proposals after the runs: {Proposal.search_count([])}")
    print_results(results)
    if not args.keep:
        registry.delete(db) if hasattr(registry, "delete") else None
        sh(f"drop_db {db}")


if __name__ == "__main__":
    main()
