"""Red-invoice import benchmark (not a test): run it with the Odoo shell.

    "${ODOO_PY[@]}" shell -c "$CONF" -d bench_red --no-http < bench/red_import_bench.py

Environment: BENCH_ROWS (default 1000) blue invoices and import rows (half full,
half partial); BENCH_SHAPE (default "mixed") the blue invoices' lines: "mixed"
(13 % goods with a discount line 折扣行, goods at 13 % included in the price,
goods under 6 % + 3 % surcharge, a fixed 0.50 tax), "simple" (the two 13 %
lines of the earlier figures); BENCH_CORE (default 100) credit notes made one by one through
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
SHAPE = os.environ.get("BENCH_SHAPE", "mixed")
# each shape has its own invoices (found again by code on the next run)
CODE = {"simple": "144002590001", "mixed": "144002590002"}[SHAPE]
DATE = "2025-04-01"

env = env  # noqa: F821 - given by the Odoo shell
_logger = logging.getLogger("bench")
env = env(context=dict(env.context, tracking_disable=True))
Move = env["account.move"]


def bench_tax(name, **vals):
    Tax = env["account.tax"]
    return Tax.search([("name", "=", name)], limit=1) or Tax.create(
        {"name": name, "type_tax_use": "sale", **vals}
    )


def invoice_lines():
    """``[(name, quantity, price, taxes)]`` of every blue invoice of the shape."""
    vat = bench_tax("增值税 13% (bench)", amount=13.0)
    if SHAPE == "simple":  # untaxed 2,000, tax 260
        return [("A", 10, 100.0, vat), ("B", 5, 200.0, vat)]
    included = bench_tax(
        "增值税 13% 含税 (bench)", amount=13.0, price_include_override="tax_included"
    )
    service = bench_tax("增值税 6% (bench)", amount=6.0)
    surcharge = bench_tax("附加 3% (bench)", amount=3.0)
    fixed = bench_tax("Fixed 0.50 (bench)", amount=0.5, amount_type="fixed")
    # untaxed 1,800 - 100 + 1,000 + 370.50 + 60 = 3,130.50;
    # tax 234 - 13 + 130 + 22.23 + 11.12 + 6 + 7.80 = 398.15
    return [
        ("A 货物", 10, 180.0, vat),
        ("A 折扣", 1, -100.0, vat),  # 折扣行, netted against the line above
        ("B 含税货物", 5, 226.0, included),
        ("C 服务", 3, 123.5, service | surcharge),
        ("D 附加费", 12, 5.0, fixed | vat),
    ]


def blue_invoices(count):
    """``count`` posted blue invoices of the shape's lines, made once with
    batched create + action_post and committed."""
    blues = Move.search(
        [("cn_invoice_code", "=", CODE), ("state", "=", "posted")], order="id"
    )
    if len(blues) >= count:
        return blues[:count]
    partner = env["res.partner"].search([("name", "=", "红字基准测试客户")], limit=1)
    partner = partner or env["res.partner"].create(
        {"name": "红字基准测试客户", "is_company": True}
    )
    lines = invoice_lines()
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
                                "tax_ids": [Command.set(taxes.ids)],
                            }
                        )
                        for name, q, p, taxes in lines
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


# the partial rows: this untaxed amount, spread by the import over the lines
PARTIAL = {"simple": 500.0, "mixed": 800.0}[SHAPE]


def partial_tax(blue):
    """The tax of a partial row on ``blue`` as the import books it: one
    partial red invoice made and read in a savepoint rolled back (all blue
    invoices of a run are alike)."""
    _seconds, tax = rolled_back(
        lambda: run_import(import_file(blue, [(blue, "partial", None)]), "amount_tax")
    )
    return tax


def import_file(blues, rows=None):
    """The CSV of the import: ``rows`` ``[(blue, mode, tax)]``, by default one
    row per invoice, full and partial in turn (the columns of this one
    function follow the import's: see ``importer/specs.py``)."""
    if rows is None:
        tax = partial_tax(blues[1]) if len(blues) > 1 else None
        rows = [
            (blue, "partial", tax) if n % 2 else (blue, "full", blue.amount_tax)
            for n, blue in enumerate(blues)
        ]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["发票种类", "原发票代码", "原发票号码", "冲红原因", "全额/部分",
                     "冲红金额", "冲红税额", "冲红日期"])  # fmt: skip
    for blue, mode, tax in rows:
        amount = f"-{PARTIAL:.2f}" if mode == "partial" else ""
        tax = f"-{tax:.2f}" if tax is not None else ""
        reason, label = ("04", "部分") if mode == "partial" else ("02", "全额")
        writer.writerow(["普票", CODE, blue.cn_invoice_number, reason, label,
                         amount, tax, DATE])  # fmt: skip
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


def run_import(content, read=None):
    wizard = env["account.move.red.import"].create(
        {"file": base64.b64encode(content), "filename": "red.csv", "policy": "all"}
    )
    wizard.action_import()
    assert wizard.written and not wizard.error_count, wizard.error_ids.mapped(
        "message"
    )[:5]
    if read:
        return Move.browse(wizard.result_record_ids)[read]
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
print(f"shape {SHAPE}: {len(invoice_lines())} lines, untaxed {blues[0].amount_untaxed:.2f}, "
      f"tax {blues[0].amount_tax:.2f}; partial rows {PARTIAL:.2f}", flush=True)  # fmt: skip
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
