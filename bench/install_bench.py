"""Benchmark: installing partner_segment into a database that already has many
customers and invoices.

Copies the test template (account, contacts, mail; no partner_segment), loads
CUSTOMERS Chinese customers (country China, a province each, a third with an
industry) and INVOICES posted invoices with the classification benchmark's SQL
fixture, then times ``odoo -i partner_segment --stop-after-init`` as a whole
process.  Usage (after ``make setup``)::

    .venv/bin/python bench/install_bench.py --customers 100000 --invoices 1000000

``--profile FILE`` runs the install under cProfile and writes its statistics to
FILE; ``--keep`` keeps the installed database.
"""

import argparse
import os
import subprocess
import time
from datetime import date

from segment_bench import (
    ROOT,
    load_fixture,
    open_registry,
    print_results,
    sh,
)


def add_addresses(env, customers):
    """Country China and a province for every customer, an industry for a third
    (the stored scale and region computes read them at install)."""
    cr = env.cr
    china = env.ref("base.cn")
    cr.execute(
        """
        WITH states AS (SELECT array_agg(id ORDER BY id) AS a, count(*) AS n
                          FROM res_country_state WHERE country_id = %(cn)s),
             industries AS (SELECT array_agg(id ORDER BY id) AS a, count(*) AS n
                               FROM res_partner_industry)
        UPDATE res_partner p
           SET country_id = %(cn)s,
               state_id = states.a[p.id %% states.n + 1],
               industry_id = CASE WHEN p.id %% 3 = 0 AND industries.n > 0
                                  THEN industries.a[p.id %% industries.n + 1] END
          FROM states, industries
         WHERE p.name LIKE 'Bench Customer %%'
        """,
        {"cn": china.id},
    )
    cr.commit()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10000)
    parser.add_argument("--invoices", type=int, default=100000)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--profile", help="cProfile statistics file of the install")
    args = parser.parse_args()
    db = f"partner_segment_install_bench_{args.customers}"
    sh(
        f'require_setup; ensure_template "$TMPL" nodemo && drop_db {db}; '
        f'copy_template "$TMPL" {db}'
    )
    registry = open_registry(db)
    import odoo
    from odoo import api

    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        load_fixture(env, args.customers, args.invoices, date.today())
        add_addresses(env, args.customers)
    registry.delete(db)

    profile = f"-m cProfile -o {args.profile} " if args.profile else ""
    t0 = time.monotonic()
    sh(
        'link_addon; "$VENV/bin/python" '
        f'{profile}"$ODOO_SCRIPT" -c "$CONF" -d {db} -i partner_segment '
        "--without-demo=all --stop-after-init --no-http --log-level=warn"
    )
    seconds = time.monotonic() - t0
    out = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-tAc",
            "SELECT count(*) FILTER (WHERE region_id IS NOT NULL), "
            "count(*) FILTER (WHERE scale_class IS NOT NULL) FROM res_partner "
            "WHERE name LIKE 'Bench Customer %'",
            db,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    regions, scales = (int(x) for x in out.split("|"))
    print(
        f"\n== install of partner_segment into {args.customers} customers, "
        f"{args.invoices} invoices ({os.cpu_count()} cores, checkout {ROOT})"
    )
    print_results(
        {
            "install (s)": seconds,
            "customers with a region": regions,
            "customers with a scale": scales,
        }
    )
    if not args.keep:
        sh(f"drop_db {db}")


if __name__ == "__main__":
    main()
