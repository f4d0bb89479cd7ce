"""Customer import benchmark (not a test): run it with the Odoo shell.

    "${ODOO_PY[@]}" shell -c "$CONF" -d bench_import --no-http < bench/import_bench.py

Environment: BENCH_ROWS (default 10000), BENCH_PARTS (create,update),
BENCH_REPEAT (rounds, default 2), BENCH_BIG_ROWS (default 0; 100000 for the
peak-memory run, best alone in its own process: ru_maxrss is per process),
BENCH_BIG_STREAMED=1 to read that big file with openpyxl's streaming reader,
which the wizard keeps for sheets above 200 MB of XML.
Every measurement is rolled back; nothing stays in the database except the
manager group given to the admin user.  See bench/README.md, section "Import".
"""

import base64
import csv
import io
import logging
import os
import resource
import time

import openpyxl
import psycopg2

from odoo.sql_db import connection_info_for
from odoo.tools import mute_logger

from odoo.addons.partner_segment.engine import uscc

ROWS = int(os.environ.get("BENCH_ROWS", "10000"))
PARTS = os.environ.get("BENCH_PARTS", "create,update").split(",")
REPEAT = int(os.environ.get("BENCH_REPEAT", "2"))  # interleaved rounds, best kept
BIG_ROWS = int(os.environ.get("BENCH_BIG_ROWS", "0"))
BIG_STREAMED = os.environ.get("BENCH_BIG_STREAMED") == "1"
HEADERS = ["客户编码", "客户名称", "统一社会信用代码", "所属行业", "员工人数",
           "年营业收入", "资产总额", "省份", "信用等级"]  # fmt: skip
INDUSTRIES = ["C", "F51", "F52", "I65", "E", "G59"]
STATES = ["广东省", "浙江省", "北京市", "四川省", "湖北省", "辽宁省"]
GRADES = ["AAA", "AA", "A", "B", "C"]

env = env  # noqa: F821 - given by the Odoo shell
_logger = logging.getLogger("bench")


def make_uscc(number):
    return uscc.complete(f"91440101M{number:07d}")


def make_rows(count, grade_shift=0):
    for n in range(count):
        yield [
            f"B{n:07d}",
            f"基准测试客户{n:07d}有限公司",
            make_uscc(n),
            INDUSTRIES[n % len(INDUSTRIES)],
            10 + n % 900,
            1_000_000 + 1000 * (n % 5000),
            500_000 + 700 * (n % 3000),
            STATES[n % len(STATES)],
            GRADES[(n + grade_shift) % len(GRADES)],
        ]


def csv_file(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def xlsx_file(rows):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("客户")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def vacuum():
    """Remove the row versions that a rolled-back measure left behind.

    Without it every measure updates a table (and indexes) that the previous
    ones made bigger, and whichever runs first in a round looks fastest.  The
    versions written by an aborted savepoint are dead for every transaction,
    so VACUUM (on its own connection) removes them while the bench's
    transaction stays open.
    """
    _db, info = connection_info_for(env.cr.dbname)
    connection = psycopg2.connect(**info)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            for table in ("res_partner", "partner_segment_history"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    finally:
        connection.close()


def timed(label, function):
    vacuum()
    env.cr.execute("SAVEPOINT bench")
    start = time.perf_counter()
    result = function()
    env.flush_all()
    elapsed = time.perf_counter() - start
    env.cr.execute("ROLLBACK TO SAVEPOINT bench")
    env.invalidate_all()
    print(f"{label:<58} {elapsed:8.2f} s  {ROWS / elapsed:8.0f} rows/s  {result or ''}")
    return elapsed


def best_of(*measures):
    """Best time of each measure over REPEAT rounds (the machine is shared).

    The order turns from round to round, so that no measure always runs first.
    """
    best = [float("inf")] * len(measures)
    for round_ in range(REPEAT):
        order = list(range(len(measures)))
        shift = round_ % len(order)
        for index in order[shift:] + order[:shift]:
            label, function = measures[index]
            best[index] = min(best[index], timed(label, function))
    return best


def manager_env():
    admin = env.ref("base.user_admin")
    group = env.ref("partner_segment.partner_segment_group_manager")
    if group not in admin.groups_id:
        admin.groups_id = [(4, group.id)]
    env.company.country_id = env.ref("base.cn")
    # every measure runs in the request: a file above the company's threshold
    # would only be handed to a background job
    env.company.segment_import_background_rows = 0
    env.flush_all()
    env.cr.commit()  # the bench database's set-up, before any measurement
    return env(user=admin, context={"lang": "en_US"})


def orm_vals(rows, lookups):
    industries, states = lookups
    cn = env.ref("base.cn").id
    for ref, name, vat, industry, employees, revenue, assets, state, grade in rows:
        yield {
            "ref": ref,
            "name": name,
            "vat": vat,
            "is_company": True,
            "country_id": cn,
            "industry_id": industries[industry],
            "employee_count": employees,
            "annual_revenue": revenue,
            "total_assets": assets,
            "state_id": states[state],
            "credit_grade": grade,
            "credit_grade_manual": grade,
            "credit_grade_locked": True,
        }


def orm_create(menv, rows, lookups):
    partners = menv["res.partner"].with_context(
        tracking_disable=True, mail_create_nolog=True, segment_source="import"
    )
    vals = list(orm_vals(rows, lookups))
    for start in range(0, len(vals), 1000):
        partners.create(vals[start : start + 1000])
    return f"{len(vals)} created"


def wizard_import(menv, filename, content):
    wizard = menv["partner.segment.import"].create(
        {"file": base64.b64encode(content), "filename": filename, "policy": "all"}
    )
    wizard.action_import()
    return (
        f"{wizard.create_count} created, {wizard.update_count} updated, "
        f"{wizard.error_count} errors"
    )


def base_import_file(rows):
    """base_import maps industries by name only: the same rows with names."""
    names = {
        i.code: i.name
        for i in env["res.partner.industry"].with_context(lang="en_US").search([])
    }
    return csv_file([*row[:3], names[row[3]], *row[4:]] for row in rows)


def base_import(menv, content):
    """res.partner through base_import with the fields it can map."""
    wizard = menv["base_import.import"].create(
        {"res_model": "res.partner", "file": content, "file_type": "text/csv"}
    )
    fields = ["ref", "name", "vat", "industry_id", "employee_count",
              "annual_revenue", "total_assets", "state_id", "credit_grade"]  # fmt: skip
    options = {
        "has_headers": True,
        "quoting": '"',
        "separator": ",",
        "encoding": "utf-8",
        "float_thousand_separator": ",",
        "float_decimal_separator": ".",
        "date_format": "",
        "datetime_format": "",
    }
    with mute_logger("odoo.addons.base_import.models.base_import"):
        result = wizard.with_context(
            tracking_disable=True, mail_create_nolog=True
        ).execute_import(fields, HEADERS, options)
    errors = [m for m in result.get("messages", []) if m.get("type") == "error"]
    return f"{len(result.get('ids') or [])} created, {len(errors)} errors " + (
        errors[0]["message"][:80] if errors else ""
    )


def orm_update(menv, rows):
    """The same updates as the wizard's, grouped by identical values by hand."""
    partners = menv["res.partner"].with_context(
        tracking_disable=True, segment_source="import"
    )
    by_vat = {
        p["vat"]: p["id"]
        for p in partners.search_read([("ref", "=like", "B%")], ["vat"])
    }
    groups = {}
    for row in rows:
        groups.setdefault(row[8], []).append(by_vat[row[2]])
    for grade, ids in groups.items():
        partners.browse(ids).write({"credit_grade": grade})
    return f"{len(by_vat)} updated in {len(groups)} writes"


def main():
    menv = manager_env()
    lookups = (
        {
            i.code: i.id
            for i in env["res.partner.industry"].search([("code", "!=", False)])
        },
        {
            s.name: s.id
            for s in env["res.country.state"].search([("country_id.code", "=", "CN")])
        },
    )
    rows = list(make_rows(ROWS))
    content_csv, content_xlsx = csv_file(rows), xlsx_file(rows)
    has_base_import = "base_import.import" in env
    print(
        f"\n== customer import benchmark, {ROWS} rows, base_import installed: {has_base_import}"
    )
    if "create" in PARTS:
        measure_creates(menv, rows, lookups, content_csv, content_xlsx, has_base_import)
    if "update" in PARTS:
        measure_updates(menv, rows, lookups)
    if BIG_ROWS:
        measure_big(menv)
    env.cr.rollback()


def measure_creates(menv, rows, lookups, content_csv, content_xlsx, has_base_import):
    floor, wizard_csv, wizard_xlsx = best_of(
        (
            "(a) ORM floor: create in lists of 1000",
            lambda: orm_create(menv, rows, lookups),
        ),
        ("(c) this wizard, CSV", lambda: wizard_import(menv, "b.csv", content_csv)),
        ("(c) this wizard, xlsx", lambda: wizard_import(menv, "b.xlsx", content_xlsx)),
    )
    print(
        f"    wizard / floor: csv {wizard_csv / floor:.2f}x, xlsx {wizard_xlsx / floor:.2f}x"
    )
    if has_base_import:
        content_base = base_import_file(rows)
        base = timed("(b) base_import, CSV", lambda: base_import(menv, content_base))
        print(f"    wizard csv / base_import: {wizard_csv / base:.2f}x")


def measure_updates(menv, rows, lookups):
    """The same customers exist; the file changes every credit grade.

    The customers are committed (and analysed) before the measures, as in a
    real database, and deleted afterwards.
    """
    orm_create(menv, rows, lookups)
    env.flush_all()
    env.cr.commit()
    try:
        changed = list(make_rows(ROWS, grade_shift=1))
        changed_csv, changed_xlsx = csv_file(changed), xlsx_file(changed)
        write, update_csv, update_xlsx = best_of(
            (
                "(d) ORM batch write of the same changes",
                lambda: orm_update(menv, changed),
            ),
            (
                "(e) this wizard, updates by USCC, CSV",
                lambda: wizard_import(menv, "u.csv", changed_csv),
            ),
            (
                "(e) this wizard, updates by USCC, xlsx",
                lambda: wizard_import(menv, "u.xlsx", changed_xlsx),
            ),
        )
        print(
            f"    wizard / ORM write: csv {update_csv / write:.2f}x, "
            f"xlsx {update_xlsx / write:.2f}x"
        )
    finally:
        env.cr.rollback()
        env["res.partner"].search([("ref", "=like", "B%")]).unlink()
        env.cr.commit()


def measure_big(menv):
    from odoo.addons.partner_segment.importer import reader

    big = xlsx_file(make_rows(BIG_ROWS))
    if BIG_STREAMED:
        reader.CALAMINE_MAX_SHEET_BYTES = 0  # as if the sheet were above the limit
    before = peak_mb()
    start = time.perf_counter()
    env.cr.execute("SAVEPOINT bench_big")
    result = wizard_import(menv, "big.xlsx", big)
    elapsed = time.perf_counter() - start
    env.cr.execute("ROLLBACK TO SAVEPOINT bench_big")
    print(
        f"(f) this wizard, {BIG_ROWS} rows xlsx "
        f"({'openpyxl streaming' if BIG_STREAMED else 'python-calamine'}): "
        f"{elapsed:.1f} s, {result}; "
        f"peak RSS {peak_mb():.0f} MB (before the run {before:.0f} MB)"
    )


main()
