"""Benchmark of the behavioural classification at scale.

Builds a synthetic database of CUSTOMERS customers and INVOICES posted customer
invoices over two years (direct SQL insertion: a fixture, not the code under
test), then measures, in one process against real PostgreSQL:

1. the first full reclassification, where every customer gets classes:
   wall time and peak memory (RSS) of the process;
2. the aggregate queries alone, and a second full run where nothing changed:
   the ratio steady-state run / bare aggregates;
3. an incremental run after 1,000 customers get a new invoice;
4. the naive baseline: per-partner ORM searches for 1,000 customers,
   extrapolated to all of them.

Usage (after ``make setup``)::

    .venv/bin/python bench/segment_bench.py --customers 10000 --invoices 100000
    .venv/bin/python bench/segment_bench.py --customers 100000 --invoices 1000000

It creates (and at the end drops, unless --keep) the database
``partner_segment_bench_<customers>`` from the test template.
"""

import argparse
import contextlib
import cProfile
import os
import pstats
import resource
import subprocess
import sys
import time
from datetime import date, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(command):
    subprocess.run(
        ["bash", "-c", f"source {ROOT}/scripts/common.sh; {command}"], check=True
    )


def open_registry(db, *options):
    """The registry of ``db``, with the checkout's configuration (``make setup``)
    and the Odoo source of ``ODOO_SRC``."""
    sys.path.insert(
        0, os.environ.get("ODOO_SRC", os.path.expanduser("~/.cache/odoo/18.0"))
    )
    import odoo

    odoo.tools.config.parse_config(
        ["-c", os.path.join(ROOT, ".build", "odoo.conf"), "-d", db, *options]
    )
    return odoo.modules.registry.Registry(db)


def print_results(results):
    """One aligned line per figure, as every benchmark here prints them."""
    for key, value in results.items():
        print(
            f"{key:<48} {value:>12.2f}"
            if isinstance(value, float)
            else f"{key:<48} {value:>12}"
        )


@contextlib.contextmanager
def profiled(variable, sort):
    """cProfile the block when the environment variable ``variable`` is set."""
    if not os.environ.get(variable):
        yield
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        pstats.Stats(profiler).sort_stats(sort).print_stats(35)


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_database(db):
    print(
        f"== creating {db} from the template and installing partner_segment", flush=True
    )
    sh(
        'require_setup; ensure_template "$TMPL" nodemo && '
        f'copy_template "$TMPL" {db} && '
        f'"${{ODOO_BIN[@]}}" -d {db} -i partner_segment --without-demo=all '
        "--stop-after-init --no-http --log-level=warn"
    )


def load_fixture(env, customers, invoices, as_of):
    """Customers and posted invoices with plain SQL (fast, realistic shape)."""
    cr = env.cr
    company = env.company
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    receivable = env["account.account"].search(
        [("account_type", "=", "asset_receivable"), ("company_ids", "in", company.id)],
        limit=1,
    )
    t0 = time.monotonic()
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, is_company, active, type,
                                 autopost_bills, create_date, write_date, customer_rank)
        SELECT 'Bench Customer ' || g, 'Bench Customer ' || g, true, true, 'contact',
               'ask', now(), now(), 1
          FROM generate_series(1, %s) g
        """,
        [customers],
    )
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id "
        "WHERE commercial_partner_id IS NULL AND name LIKE 'Bench Customer %%'"
    )
    # skewed: a few customers buy often and much (Pareto), most rarely
    cr.execute(
        """
        WITH ids AS (SELECT array_agg(id ORDER BY id) AS a, count(*) AS n
                       FROM res_partner WHERE name LIKE 'Bench Customer %%'),
             raw AS (SELECT g, floor(n * power(random(), 2.5))::int + 1 AS k,
                            (%(as_of)s::date - floor(random() * 730)::int) AS d,
                            random() < 0.05 AS refund,
                            round((50 + random() * 5000)::numeric, 2) AS amount
                       FROM ids, generate_series(1, %(invoices)s) g)
        INSERT INTO account_move (name, move_type, state, journal_id, company_id,
                                  currency_id, date, invoice_date, invoice_date_due,
                                  partner_id, commercial_partner_id, auto_post,
                                  amount_untaxed_signed, amount_total_signed,
                                  amount_untaxed, amount_total, payment_state,
                                  create_date, write_date)
        SELECT 'BENCH/' || g,
               CASE WHEN refund THEN 'out_refund' ELSE 'out_invoice' END,
               'posted', %(journal)s, %(company)s, %(currency)s, d, d, d + 30,
               ids.a[k], ids.a[k], 'no',
               CASE WHEN refund THEN -amount ELSE amount END,
               CASE WHEN refund THEN -amount ELSE amount END,
               amount, amount, 'paid', now() - interval '2 days', now() - interval '2 days'
          FROM raw, ids
        """,
        {
            "as_of": as_of,
            "invoices": invoices,
            "journal": journal.id,
            "company": company.id,
            "currency": company.currency_id.id,
        },
    )
    # 3 % of the invoices still open: receivable lines, some overdue
    cr.execute(
        """
        INSERT INTO account_move_line (move_id, account_id, partner_id, company_id,
                                       company_currency_id, currency_id, journal_id,
                                       parent_state, date, date_maturity, display_type,
                                       debit, credit, balance, amount_currency,
                                       amount_residual, amount_residual_currency,
                                       reconciled, create_date, write_date)
        SELECT m.id, %(account)s, m.commercial_partner_id, m.company_id, m.currency_id,
               m.currency_id, m.journal_id, 'posted', m.date, m.invoice_date_due,
               'payment_term', m.amount_total_signed, 0, m.amount_total_signed,
               m.amount_total_signed, m.amount_total_signed, m.amount_total_signed, false,
               now(), now()
          FROM account_move m
         WHERE m.name LIKE 'BENCH/%%' AND m.move_type = 'out_invoice' AND m.id %% 33 = 0
        """,
        {"account": receivable.id},
    )
    cr.execute("ANALYZE res_partner; ANALYZE account_move; ANALYZE account_move_line;")
    env.invalidate_all()
    cr.commit()
    print(
        f"fixture: {customers} customers, {invoices} invoices in {time.monotonic() - t0:.1f} s"
    )


def load_custom_fixture(env, as_of):
    """What the shipped example dimensions read: a product line on every
    invoice (four products in four categories) and, for a third of the paid
    invoices, a reconciled receivable line paid 0-90 days after the invoice.
    The partial reconciliation points back to the same line for its credit side
    (a fixture: the engine reads only the debit side and the date)."""
    cr = env.cr
    company = env.company
    t0 = time.monotonic()
    Category = env["product.category"]
    categories = Category.create(
        [
            {"name": name}
            for name in (
                "Bench Hardware",
                "Bench Software",
                "Bench Services",
                "Bench Parts",
            )
        ]
    )
    products = env["product.product"].create(
        [{"name": f"Bench product {c.name}", "categ_id": c.id} for c in categories]
    )
    income = env["account.account"].search(
        [("account_type", "=", "income"), ("company_ids", "in", company.id)], limit=1
    )
    receivable = env["account.account"].search(
        [("account_type", "=", "asset_receivable"), ("company_ids", "in", company.id)],
        limit=1,
    )
    env.flush_all()
    cr.execute(
        """
        INSERT INTO account_move_line (move_id, account_id, partner_id, company_id,
                                       company_currency_id, currency_id, journal_id,
                                       parent_state, date, display_type, product_id,
                                       quantity, price_unit, price_subtotal,
                                       debit, credit, balance, amount_currency,
                                       amount_residual, amount_residual_currency,
                                       reconciled, create_date, write_date)
        SELECT m.id, %(income)s, m.commercial_partner_id, m.company_id, m.currency_id,
               m.currency_id, m.journal_id, 'posted', m.date, 'product',
               (%(products)s::int[])[1 + m.id %% 4], 1, m.amount_untaxed,
               m.amount_untaxed,
               GREATEST(-m.amount_untaxed_signed, 0), GREATEST(m.amount_untaxed_signed, 0),
               -m.amount_untaxed_signed, -m.amount_untaxed_signed, 0, 0, false, now(), now()
          FROM account_move m
         WHERE m.name LIKE 'BENCH/%%'
        """,
        {"income": income.id, "products": products.ids},
    )
    cr.execute(
        """
        WITH paid AS (
            INSERT INTO account_move_line (move_id, account_id, partner_id, company_id,
                                           company_currency_id, currency_id, journal_id,
                                           parent_state, date, date_maturity, display_type,
                                           debit, credit, balance, amount_currency,
                                           amount_residual, amount_residual_currency,
                                           reconciled, create_date, write_date)
            SELECT m.id, %(account)s, m.commercial_partner_id, m.company_id, m.currency_id,
                   m.currency_id, m.journal_id, 'posted', m.date, m.invoice_date_due,
                   'payment_term', m.amount_total_signed, 0, m.amount_total_signed,
                   m.amount_total_signed, 0, 0, true, now(), now()
              FROM account_move m
             WHERE m.name LIKE 'BENCH/%%' AND m.move_type = 'out_invoice'
               AND m.id %% 3 = 0 AND m.id %% 33 != 0
            RETURNING id, date, debit
        )
        INSERT INTO account_partial_reconcile (debit_move_id, credit_move_id, company_id,
                                               amount, debit_amount_currency,
                                               credit_amount_currency, max_date,
                                               create_date, write_date)
        SELECT id, id, %(company)s, debit, debit, debit,
               LEAST(date + floor(random() * 90)::int, %(as_of)s::date), now(), now()
          FROM paid
        """,
        {"account": receivable.id, "company": company.id, "as_of": as_of},
    )
    cr.execute("ANALYZE account_move_line; ANALYZE account_partial_reconcile;")
    env.invalidate_all()
    cr.commit()
    print(
        f"custom fixture: product lines and payments in {time.monotonic() - t0:.1f} s"
    )
    return categories[0]


def clear_classes(env):
    """Forget every stored class and input, as before a first run."""
    Partner = env["res.partner"]
    engine = env["partner.segment.engine"]
    names = [*engine._stored_field_names(), "segment_classified_on"]
    names += [Partner._segment_field_names(d)[1] for d in engine._engine_dimensions()]
    env.cr.execute(
        "UPDATE res_partner SET "
        + ", ".join(f'"{name}" = NULL' for name in sorted(set(names)))
        + " WHERE segment_classified_on IS NOT NULL"
    )
    env.cr.execute("UPDATE res_company SET segment_last_run = NULL")
    env.cr.execute("DELETE FROM partner_segment_history")
    env.invalidate_all()
    env.cr.commit()


def custom_dimensions_bench(env, as_of, category, results):
    """The four shipped examples active, side by side with the built-in run."""
    engine = env["partner.segment.engine"]
    company = env.company
    rules = company._get_segment_rules()
    examples = (
        env["partner.segment.dimension"]
        .with_context(active_test=False)
        .search(
            [
                (
                    "code",
                    "in",
                    [
                        "customer_type",
                        "invoice_amount",
                        "product_line",
                        "payment_speed",
                    ],
                )
            ]
        )
    )
    examples.filtered(lambda d: d.code == "product_line").product_category_id = category
    examples.write({"active": True})
    env.cr.commit()
    clear_classes(env)

    t0 = time.monotonic()
    written = engine._reclassify(company, as_of=as_of, commit=True)
    results["with the 4 examples: first full run (s)"] = time.monotonic() - t0
    results["with the 4 examples: partners written"] = written
    results["ratio first run with / without examples"] = (
        results["with the 4 examples: first full run (s)"]
        / results["first full run (s)"]
    )

    t0 = time.monotonic()
    aggregates = engine._read_aggregates(company, as_of, rules)
    conditions = examples.filtered(lambda d: d.kind == "conditions")
    env["partner.segment.dimension"]._classify_custom(
        company, aggregates, as_of, only=conditions
    )
    results["with examples: aggregates + condition searches (s)"] = (
        time.monotonic() - t0
    )

    t0 = time.monotonic()
    written = engine._reclassify(company, as_of=as_of, commit=True)
    results["with examples: steady-state full run (s)"] = time.monotonic() - t0
    results["with examples: steady-state partners written"] = written
    results["with examples: ratio steady / aggregates"] = (
        results["with examples: steady-state full run (s)"]
        / results["with examples: aggregates + condition searches (s)"]
    )
    for code in ("payment_speed", "product_line", "customer_type"):
        dimension = examples.filtered(lambda d, code=code: d.code == code)
        t0 = time.monotonic()
        counts = dimension._preview_counts(company)
        results[f"preview of {code} (s)"] = time.monotonic() - t0
        results[f"preview of {code}: customers with a class"] = sum(
            n for c, n in counts.items() if c
        )


def fresh_condition_bench(env, as_of, results):
    """A condition on the credit grade of the same run, side by side with the
    steady-state run without it: the cost of reading this run's grades (one id
    list per condition on a class) and of its Preview."""
    engine = env["partner.segment.engine"]
    company = env.company
    t0 = time.monotonic()
    engine._reclassify(company, as_of=as_of, commit=True)
    results["fresh condition: steady-state run without it (s)"] = time.monotonic() - t0
    dimension = env["partner.segment.dimension"].create(
        {
            "name": "Bench credit",
            "code": "bench_credit",
            "kind": "conditions",
            "class_ids": [
                (
                    0,
                    0,
                    {
                        "name": "Good",
                        "code": "good",
                        "sequence": 1,
                        "domain": "[('credit_grade', 'in', ['AAA', 'AA'])]",
                    },
                ),
                (
                    0,
                    0,
                    {
                        "name": "Watch",
                        "code": "watch",
                        "sequence": 2,
                        "domain": "[('credit_grade', '!=', 'C')]",
                    },
                ),
            ],
        }
    )
    env.cr.commit()
    engine._reclassify(company, as_of=as_of, commit=True)  # its first values
    t0 = time.monotonic()
    engine._reclassify(company, as_of=as_of, commit=True)
    results["fresh condition: steady-state run with it (s)"] = time.monotonic() - t0
    results["fresh condition: ratio with / without"] = (
        results["fresh condition: steady-state run with it (s)"]
        / results["fresh condition: steady-state run without it (s)"]
    )
    t0 = time.monotonic()
    counts = dimension._preview_counts(company)
    results["fresh condition: preview (s)"] = time.monotonic() - t0
    results["fresh condition: preview customers with a class"] = sum(
        n for c, n in counts.items() if c
    )


def add_invoices(env, count, as_of):
    """One new invoice today for ``count`` customers (as the incremental case)."""
    env.cr.execute(
        """
        INSERT INTO account_move (name, move_type, state, journal_id, company_id, currency_id,
                                  date, invoice_date, invoice_date_due, partner_id,
                                  commercial_partner_id, auto_post, amount_untaxed_signed,
                                  amount_total_signed, amount_untaxed, amount_total,
                                  payment_state, create_date, write_date)
        SELECT 'BENCHNEW/' || m.commercial_partner_id, 'out_invoice', 'posted', m.journal_id,
               m.company_id, m.currency_id, %(as_of)s, %(as_of)s, %(as_of)s::date + 30,
               m.commercial_partner_id, m.commercial_partner_id, 'no', 99999, 99999, 99999,
               99999, 'not_paid', now(), now()
          FROM (SELECT DISTINCT ON (commercial_partner_id) * FROM account_move
                 WHERE name LIKE 'BENCH/%%' ORDER BY commercial_partner_id, id
                 LIMIT %(count)s) m
        """,
        {"as_of": as_of, "count": count},
    )
    env.cr.commit()


def naive_baseline(env, as_of, sample):
    """Per-partner ORM searches: what a straightforward implementation does."""
    start = as_of - timedelta(days=365)
    partners = env["res.partner"].search(
        [("name", "like", "Bench Customer %")], limit=sample
    )
    t0 = time.monotonic()
    for partner in partners:
        moves = env["account.move"].search(
            [
                ("commercial_partner_id", "=", partner.id),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("invoice_date", "<=", as_of),
            ]
        )
        window = moves.filtered(lambda m: m.invoice_date > start)
        sum(window.mapped("amount_untaxed_signed"))
        len(window.filtered(lambda m: m.move_type == "out_invoice"))
        env["account.move.line"].search(
            [
                ("partner_id", "=", partner.id),
                ("account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("parent_state", "=", "posted"),
            ]
        ).mapped("amount_residual")
        env.invalidate_all()
    return time.monotonic() - t0, len(partners)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10000)
    parser.add_argument("--invoices", type=int, default=100000)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--db", help="database name (default partner_segment_bench_<customers>)"
    )
    parser.add_argument(
        "--no-custom",
        action="store_true",
        help="skip the user-defined dimensions (the four shipped examples)",
    )
    parser.add_argument(
        "--naive-sample",
        type=int,
        default=1000,
        help="customers timed for the naive baseline (0: skip it)",
    )
    args = parser.parse_args()
    db = args.db or f"partner_segment_bench_{args.customers}"
    build_database(db)

    registry = open_registry(db)
    import odoo
    from odoo import api

    as_of = date.today()
    results = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        load_fixture(env, args.customers, args.invoices, as_of)
        category = None if args.no_custom else load_custom_fixture(env, as_of)
        engine = env["partner.segment.engine"]
        company = env.company
        rules = company._get_segment_rules()
        rss_before = rss_mb()

        t0 = time.monotonic()
        with profiled("PROFILE", "cumulative"):
            written = engine._reclassify(company, as_of=as_of, commit=True)
        results["first full run (s)"] = time.monotonic() - t0
        results["first run: partners written"] = written
        results["peak RSS after first run (MB)"] = rss_mb()
        results["RSS before the run (MB)"] = rss_before
        cr.execute("SELECT count(*) FROM partner_segment_history")
        results["history rows"] = cr.fetchone()[0]

        t0 = time.monotonic()
        engine._read_aggregates(company, as_of, rules)
        results["aggregate queries alone (s)"] = time.monotonic() - t0

        t0 = time.monotonic()
        with profiled("PROFILE_STEADY", "tottime"):
            written = engine._reclassify(company, as_of=as_of, commit=True)
        results["steady-state full run (s)"] = time.monotonic() - t0
        results["steady-state: partners written"] = written
        results["ratio steady / aggregates"] = (
            results["steady-state full run (s)"]
            / results["aggregate queries alone (s)"]
        )

        add_invoices(env, 1000, as_of)
        t0 = time.monotonic()
        written = engine._reclassify_incremental(company, as_of=as_of, commit=True)
        results["incremental run, 1,000 new invoices (s)"] = time.monotonic() - t0
        results["incremental: partners written"] = written

        sample = min(args.naive_sample, args.customers)
        if sample:
            seconds, count = naive_baseline(env, as_of, sample)
            results[f"naive ORM, {count} customers (s)"] = seconds
            results[f"naive ORM extrapolated to {args.customers} (s)"] = (
                seconds * args.customers / count
            )
        if category is not None:
            custom_dimensions_bench(env, as_of, category, results)
            fresh_condition_bench(env, as_of, results)
        cr.rollback()

    print(
        f"\n== partner_segment classification benchmark: {args.customers} customers, "
        f"{args.invoices} invoices, {os.cpu_count()} cores"
    )
    print_results(results)
    registry.delete(db)
    if not args.keep:
        sh(f"drop_db {db}")


if __name__ == "__main__":
    main()
