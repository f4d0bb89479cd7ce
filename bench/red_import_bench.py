"""Red-invoice import benchmark (not a test): run it with the Odoo shell.

    "${ODOO_PY[@]}" shell -c "$CONF" -d bench_red --no-http < bench/red_import_bench.py

Environment: BENCH_ROWS (default 1000) blue invoices and import rows (half full,
half partial); BENCH_CORE (default 100) credit notes made one by one through
core's ``account.move.reversal`` for the comparison; BENCH_BATCHES (default
none, e.g. "1,300") the ``_reverse_moves`` batch sizes tried on BENCH_REVERSE
moves; BENCH_PROFILE (default 0) moves reversed in one ``_reverse_moves`` call
under cProfile; BENCH_PROFILE_IMPORT (default 0) rows imported under cProfile.
The blue invoices are committed once (made quickly, not measured); every
measurement runs in a savepoint that is rolled back.  See bench/README.md,
section "Red-invoice import".
"""

import base64
import cProfile
import csv
import io
import logging
import os
import pstats
import time

from odoo import Command, fields

ROWS = int(os.environ.get("BENCH_ROWS", "1000"))
CORE = int(os.environ.get("BENCH_CORE", "100"))
BATCHES = [int(b) for b in os.environ.get("BENCH_BATCHES", "").split(",") if b]
PROFILE = int(os.environ.get("BENCH_PROFILE", "0"))
PROFILE_IMPORT = int(os.environ.get("BENCH_PROFILE_IMPORT", "0"))
REVERSE = int(os.environ.get("BENCH_REVERSE", "300"))  # moves per batch-size trial
CODE = "144002590001"

env = env  # noqa: F821 - given by the Odoo shell
_logger = logging.getLogger("bench")
env = env(context=dict(env.context, tracking_disable=True))
Move = env["account.move"]


def blue_invoices(count):
    """``count`` posted blue invoices of two lines (untaxed 2000, tax 260), made
    once with batched create + action_post and committed."""
    blues = Move.search(
        [("cn_invoice_code", "=", CODE), ("state", "=", "posted")], order="id"
    )
    if len(blues) >= count:
        return blues[:count]
    partner = env["res.partner"].search([("name", "=", "红字基准测试客户")], limit=1)
    partner = partner or env["res.partner"].create(
        {"name": "红字基准测试客户", "is_company": True}
    )
    tax = env["account.tax"].search([("name", "=", "增值税 13% (bench)")], limit=1)
    tax = tax or env["account.tax"].create(
        {"name": "增值税 13% (bench)", "amount": 13.0, "type_tax_use": "sale"}
    )
    journal = env["account.journal"].search([("type", "=", "sale")], limit=1)
    start = time.perf_counter()
    for first in range(len(blues), count, 500):
        moves = Move.create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "journal_id": journal.id,
                    "invoice_date": "2025-03-10",
                    "cn_invoice_kind": "normal",
                    "cn_invoice_code": CODE,
                    "cn_invoice_number": f"{n:08d}",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": name,
                                "quantity": q,
                                "price_unit": p,
                                "tax_ids": [Command.set(tax.ids)],
                            }
                        )
                        for name, q, p in (("A", 10, 100.0), ("B", 5, 200.0))
                    ],
                }
                for n in range(first, min(first + 500, count))
            ]
        )
        moves.action_post()
        env.cr.commit()
    _logger.info(
        "fixture: %s blue invoices in %.1f s", count, time.perf_counter() - start
    )
    return Move.search(
        [("cn_invoice_code", "=", CODE), ("state", "=", "posted")], order="id"
    )[:count]


def import_file(blues):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["发票种类", "原发票代码", "原发票号码", "冲红原因", "全额/部分",
                     "冲红金额", "冲红税额", "冲红日期"])  # fmt: skip
    for n, blue in enumerate(blues):
        if n % 2:
            writer.writerow(["普票", CODE, blue.cn_invoice_number, "04", "部分",
                             "-500", "-65", "2025-04-01"])  # fmt: skip
        else:
            writer.writerow(["普票", CODE, blue.cn_invoice_number, "02", "全额",
                             "", "-260", "2025-04-01"])  # fmt: skip
    return buffer.getvalue().encode()


def rolled_back(function):
    savepoint = env.cr.savepoint()
    try:
        env.invalidate_all()
        start = time.perf_counter()
        result = function()
        env.flush_all()
        return time.perf_counter() - start, result
    finally:
        savepoint.close(rollback=True)
        env.invalidate_all()


def run_import(content):
    wizard = env["account.move.red.import"].create(
        {"file": base64.b64encode(content), "filename": "red.csv", "policy": "all"}
    )
    wizard.action_import()
    assert wizard.written and not wizard.error_count, wizard.error_ids.mapped(
        "message"
    )[:5]
    return wizard.created_count


def core_one_by_one(blues):
    for blue in blues:
        reversal = env["account.move.reversal"].with_context(
            active_model="account.move", active_ids=blue.ids
        ).create({"date": fields.Date.to_date("2025-04-01"), "reason": "bench",
                  "journal_id": blue.journal_id.id})  # fmt: skip
        action = reversal.refund_moves()
        Move.browse(action["res_id"]).action_post()


def reverse_moves(blues, batch):
    for first in range(0, len(blues), batch):
        chunk = blues[first : first + batch]
        chunk._reverse_moves([{"date": "2025-04-01"} for _m in chunk], cancel=False)


def profile(label, function):
    profiler = cProfile.Profile()

    def run():
        profiler.enable()
        function()
        env.flush_all()
        profiler.disable()

    seconds, _result = rolled_back(run)
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(35)
    _logger.info("profile of %s (%.1f s):\n%s", label, seconds, stream.getvalue())
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(15)
    _logger.info("by own time:\n%s", stream.getvalue())


blues = blue_invoices(max(ROWS, CORE, PROFILE, PROFILE_IMPORT, *BATCHES, 1))
content = import_file(blues[:ROWS])
seconds, created = rolled_back(lambda: run_import(content))
print(
    f"import: {created} red invoices in {seconds:.1f} s = {1000 * seconds / created:.1f} ms each"
)
core_seconds, _r = rolled_back(lambda: core_one_by_one(blues[:CORE]))
print(f"core account.move.reversal one by one (refund + post): {CORE} in {core_seconds:.1f} s"
      f" = {1000 * core_seconds / CORE:.1f} ms each; ratio {core_seconds / CORE / (seconds / created):.1f}x", flush=True)  # fmt: skip
for batch in BATCHES:
    count = min(REVERSE, len(blues))
    batch_seconds, _r = rolled_back(
        lambda b=batch, c=count: reverse_moves(blues[:c], b)
    )
    print(f"_reverse_moves, {count} moves by batches of {batch}: {batch_seconds:.1f} s"
          f" = {1000 * batch_seconds / count:.1f} ms each")  # fmt: skip
if PROFILE:
    profiled = blues[:PROFILE]
    profile(
        f"_reverse_moves on {PROFILE} moves",
        lambda: profiled._reverse_moves(
            [{"date": "2025-04-01"} for _m in profiled], cancel=False
        ),
    )
if PROFILE_IMPORT:
    profiled_content = import_file(blues[:PROFILE_IMPORT])
    profile(
        f"the import of {PROFILE_IMPORT} rows",
        lambda: run_import(profiled_content),
    )
