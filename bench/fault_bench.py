"""Fault benchmark: a killed run, concurrent overrides, concurrent red invoices.

Builds the classification benchmark's database (``segment_bench.py``: customers and
posted invoices inserted with plain SQL, a fixture) and runs three scenarios, each
with separate processes talking to the same PostgreSQL database, as Odoo workers do:

1. **Kill and resume.** A full classification run in its own process (the
   reference), its classes kept; the classes are cleared, a second run is killed
   with SIGKILL once some batches are committed, a third run resumes. Every
   partner's stored classes and inputs are compared with the reference.
2. **Overrides while the engine writes.** A full run as of a later day (so that
   many classes change) while a second process locks (with or without a value),
   unlocks and sets values on ``--changes`` random customers (each once, then
   random ones of them again until the run ends), one committed transaction each,
   retrying a transaction that meets the engine's rows as Odoo does. Afterwards
   each of those customers must hold exactly what that process last committed (a
   locked value and its manual value; an unlocked dimension its computed value).
3. **Red invoices at once.** ``--red-invoices`` posted invoices; two processes
   reverse each of them in full through the red-invoice entry
   (``account.move.red.invoice``, ``action_confirm``) at the same moment. An
   invoice whose red invoices exceed it is over-reversed.

Usage (after ``make setup``)::

    .venv/bin/python bench/fault_bench.py --customers 100000
    .venv/bin/python bench/fault_bench.py --customers 2000 --batch-size 100

It creates (and at the end drops, unless --keep) the database
``partner_segment_fault_<customers>`` from the test template.
"""

import argparse
import json
import logging
import os
import random
import re
import signal
import subprocess
import sys
import time
from datetime import date, timedelta

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
sys.path.insert(0, BENCH)

import segment_bench  # noqa: E402  (the same database and fixture)

ENGINE_LOGGER = "odoo.addons.partner_segment.models.partner_segment_engine"
ADVISORY_LOCK_KEY = 47542017  # partner_segment_engine.ADVISORY_LOCK_KEY
CONFLICTS = []  # transactions of this worker rolled back by a concurrent update
DIMENSIONS = ("value_tier", "credit_grade")
CLASSES = {
    "value_tier": ["high", "medium", "low"],
    "credit_grade": ["AAA", "AA", "A", "B", "C"],
}


# ------------------------------------------------------------------ odoo
def open_registry(db):
    return segment_bench.open_registry(db, "--log-level=warn")


def environment(cr, context=None):
    from odoo import api

    return api.Environment(cr, api.SUPERUSER_ID, context or {})


def retried(cr, function, attempts=10):
    """Run ``function()`` and commit; again after a concurrent-update failure.

    What Odoo's RPC layer does for a request (``odoo.service.model.retrying``).
    :return: (result, attempts used)
    """
    from psycopg2 import errors as pg_errors

    for attempt in range(1, attempts + 1):
        try:
            result = function()
            cr.commit()
            return result, attempt
        except (pg_errors.SerializationFailure, pg_errors.DeadlockDetected):
            cr.rollback()
            CONFLICTS.append(attempt)
            if attempt == attempts:
                raise
            time.sleep(random.uniform(0, 0.05 * attempt))
    return None, attempts


# ------------------------------------------------------------------ workers
def worker_reclassify(args):
    """One full classification run, committed batch by batch (the cron's path)."""
    registry = open_registry(args.db)
    retries = []

    class Count(logging.Handler):
        def emit(self, record):
            if "writing the batch again" in record.getMessage():
                retries.append(record)

    logger = logging.getLogger(ENGINE_LOGGER)
    logger.setLevel(logging.INFO)
    logger.addHandler(Count(level=logging.INFO))
    logger.propagate = False
    with registry.cursor() as cr:
        env = environment(cr, {"segment_batch_size": args.batch_size})
        while args.start_at and time.time() < args.start_at:
            time.sleep(0.005)
        started = time.time()
        written = env["partner.segment.engine"]._reclassify(
            env.company, as_of=date.fromisoformat(args.as_of), commit=True
        )
        ended = time.time()
    print(
        json.dumps(
            {
                "written": written,
                "started": started,
                "ended": ended,
                "retries": len(retries),
            }
        )
    )


def worker_changes(args):
    """Lock, unlock and set values on random customers, one transaction each.

    Every customer of the list once (in random order), then random ones again
    until the file ``args.stop`` appears (the engine's run is over).
    """
    registry = open_registry(args.db)
    with open(args.input) as file:
        partner_ids = json.load(file)
    rng = random.Random(args.seed)
    expected = {}  # "pid dimension" -> what this process last committed
    done = []  # commit times
    with registry.cursor() as cr:
        env = environment(cr, {"tracking_disable": True})
        admin = env.ref("base.user_admin")  # a Customer Segments manager
        company = env.company
        Partner = env["res.partner"].with_user(admin).with_company(company)
        first_pass = rng.sample(partner_ids, len(partner_ids))
        while time.time() < args.start_at:
            time.sleep(0.005)
        while first_pass or not os.path.exists(args.stop):
            pid = first_pass.pop() if first_pass else rng.choice(partner_ids)
            dimension = rng.choice(DIMENSIONS)
            operation = rng.choice(("set", "lock", "unlock"))
            partner = Partner.browse(pid)
            value = rng.choice(CLASSES[dimension])
            if operation == "set":
                vals = {dimension: value}
            else:
                vals = {f"{dimension}_locked": operation == "lock"}

            def change(partner=partner, vals=vals):
                partner.write(vals)

            retried(cr, change)
            done.append(time.time())
            if operation == "unlock":
                expected[f"{pid} {dimension}"] = {"locked": False}
            else:
                # "lock" keeps the value the partner had: read what was committed
                partner.invalidate_recordset()
                manual = value if operation == "set" else partner[f"{dimension}_manual"]
                expected[f"{pid} {dimension}"] = {"locked": True, "manual": manual}
            cr.commit()
    with open(args.output, "w") as file:
        json.dump(
            {"expected": expected, "commits": done, "retried": len(CONFLICTS)},
            file,
        )


def worker_red(args):
    """Reverse each invoice in full through the red-invoice entry, one by one."""
    from psycopg2 import errors as pg_errors

    from odoo.exceptions import UserError, ValidationError

    registry = open_registry(args.db)
    with open(args.input) as file:
        invoice_ids = json.load(file)
    counts = {"posted": 0, "refused": 0, "retried": 0, "failed": 0, "reasons": {}}
    with registry.cursor() as cr:
        env = environment(cr, {"tracking_disable": True})
        admin = env.ref("base.user_admin")
        Entry = env["account.move.red.invoice"].with_user(admin)
        while time.time() < args.start_at:
            time.sleep(0.005)
        started = time.time()
        for invoice_id in invoice_ids:

            def reverse(invoice_id=invoice_id):
                entry = Entry.with_context(
                    active_model="account.move", active_ids=[invoice_id]
                ).create({"red_reason": "02", "reversal_mode": "full"})
                return entry.action_confirm()

            try:
                retried(cr, reverse, attempts=5)
                counts["posted"] += 1
            except (UserError, ValidationError) as error:
                cr.rollback()
                counts["refused"] += 1
                reason = re.sub(r"INV/\S+", "<invoice>", str(error))[:70]
                counts["reasons"][reason] = counts["reasons"].get(reason, 0) + 1
            except (pg_errors.SerializationFailure, pg_errors.DeadlockDetected):
                cr.rollback()
                counts["failed"] += 1
        counts["seconds"] = time.time() - started
        counts["retried"] = len(CONFLICTS)
    print(json.dumps(counts))


# ------------------------------------------------------------------ helpers
def spawn(db, worker, **options):
    command = [sys.executable, __file__, "--db", db, "--worker", worker]
    for key, value in options.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)


def result(process):
    out, _err = process.communicate()
    if process.returncode:
        raise RuntimeError(f"worker failed ({process.returncode})")
    return json.loads(out.strip().splitlines()[-1])


def stored_fields(env):
    engine = env["partner.segment.engine"]
    return [*engine._stored_field_names(), "segment_classified_on"]


def snapshot(env):
    """{partner id: tuple of every engine-written value} in the company."""
    from odoo.tools import SQL

    key = str(env.company.id)
    names = stored_fields(env)
    env.cr.execute(
        SQL(
            "SELECT id, %s FROM res_partner WHERE segment_classified_on ? %s",
            SQL(", ").join(
                SQL("%s ->> %s", SQL.identifier(name), key) for name in names
            ),
            key,
        )
    )
    return {row[0]: row[1:] for row in env.cr.fetchall()}


def clear_classes(env):
    """Every customer back to unclassified: no class, no lock, no manual value."""
    from odoo.tools import SQL

    Partner = env["res.partner"]
    names = stored_fields(env)
    names += [
        Partner._segment_field_names(dimension)[1]
        for dimension in Partner._segment_written_dimensions()
    ]
    env.cr.execute(
        SQL(
            "UPDATE res_partner SET %s WHERE segment_classified_on IS NOT NULL",
            SQL(", ").join(SQL("%s = NULL", SQL.identifier(name)) for name in names),
        )
    )
    env.cr.execute("DELETE FROM partner_segment_history")
    env.cr.commit()
    env.invalidate_all()


def classified_count(env, as_of):
    env.cr.execute(
        "SELECT count(*) FROM res_partner WHERE segment_classified_on ->> %s = %s",
        [str(env.company.id), as_of.isoformat()],
    )
    count = env.cr.fetchone()[0]
    env.cr.commit()
    return count


# ------------------------------------------------------------------ scenarios
def scenario_kill(env, db, args, as_of, results):
    clear_classes(env)
    t0 = time.monotonic()
    reference_run = result(
        spawn(db, "reclassify", as_of=as_of, batch_size=args.batch_size)
    )
    results["1. reference run (s)"] = time.monotonic() - t0
    reference = snapshot(env)
    env.cr.commit()
    results["1. partners classified"] = len(reference)
    results["1. reference run: partners written"] = reference_run["written"]
    clear_classes(env)

    t0 = time.monotonic()
    process = spawn(db, "reclassify", as_of=as_of, batch_size=args.batch_size)
    kill_at = max(2 * args.batch_size, len(reference) // 3)
    killed_at = None
    while process.poll() is None:
        count = classified_count(env, as_of)
        if count >= kill_at:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            killed_at = count
            break
        time.sleep(0.05)
    results["1. killed after (s)"] = time.monotonic() - t0
    results["1. partners committed when killed"] = (
        killed_at if killed_at is not None else "run ended first: not killed"
    )
    # the killed worker's server process ends (and frees the company) by itself
    while True:
        env.cr.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s",
            [ADVISORY_LOCK_KEY],
        )
        if not env.cr.fetchone()[0]:
            break
        env.cr.commit()
        time.sleep(0.05)
    results["1. partners committed after the kill"] = classified_count(env, as_of)

    t0 = time.monotonic()
    resumed = result(spawn(db, "reclassify", as_of=as_of, batch_size=args.batch_size))
    results["1. resumed run (s)"] = time.monotonic() - t0
    results["1. resumed run: partners written"] = resumed["written"]
    after = snapshot(env)
    env.cr.commit()
    differing = sum(
        1 for pid in set(reference) | set(after) if reference.get(pid) != after.get(pid)
    )
    results["1. checked (partners)"] = len(set(reference) | set(after))
    results["1. differing from the uninterrupted run"] = differing


def scenario_overrides(env, db, args, as_of, results):
    from odoo.tools import SQL

    later = as_of + timedelta(days=args.shift_days)
    rng = random.Random(args.seed)
    key = str(env.company.id)
    env.cr.execute(
        SQL("SELECT id FROM res_partner WHERE segment_classified_on ? %s", key)
    )
    partner_ids = sorted(
        rng.sample([row[0] for row in env.cr.fetchall()], args.changes)
    )
    env.cr.commit()
    path = f"/tmp/fault_bench_{os.getpid()}"
    with open(f"{path}_partners.json", "w") as file:
        json.dump(partner_ids, file)

    stop = f"{path}_stop"
    start_at = time.time() + 8  # both processes loaded before they start
    changes = spawn(
        db,
        "changes",
        input=f"{path}_partners.json",
        output=f"{path}_changes.json",
        seed=args.seed,
        start_at=start_at,
        stop=stop,
    )
    engine = spawn(
        db,
        "reclassify",
        as_of=later,
        batch_size=args.batch_size,
        start_at=start_at,
    )
    engine_run = result(engine)
    with open(stop, "w"):
        pass
    changes.communicate()
    os.unlink(stop)
    results["2. engine run with concurrent overrides (s)"] = (
        engine_run["ended"] - engine_run["started"]
    )
    with open(f"{path}_changes.json") as file:
        committed = json.load(file)
    results["2. engine: partners written"] = engine_run["written"]
    results["2. engine: batches written again after a conflict"] = engine_run["retries"]
    results["2. override transactions committed"] = len(committed["commits"])
    results["2. ... of them while the engine ran"] = sum(
        engine_run["started"] <= t <= engine_run["ended"] for t in committed["commits"]
    )
    results["2. ... transactions retried after a conflict"] = committed["retried"]

    names = []
    for dimension in DIMENSIONS:
        names += [
            dimension,
            f"{dimension}_computed",
            f"{dimension}_manual",
            f"{dimension}_locked",
        ]
    env.cr.execute(
        SQL(
            "SELECT id, %s FROM res_partner WHERE id = ANY(%s)",
            SQL(", ").join(
                SQL("%s ->> %s", SQL.identifier(name), key) for name in names
            ),
            partner_ids,
        )
    )
    stored = {
        row[0]: dict(zip(names, row[1:], strict=True)) for row in env.cr.fetchall()
    }
    env.cr.commit()
    lost_partners, checked = set(), 0
    for entry, want in committed["expected"].items():
        pid, dimension = entry.split()
        row = stored[int(pid)]
        locked = row[f"{dimension}_locked"] == "true"
        checked += 1
        if want["locked"]:
            ok = (
                locked
                and row[f"{dimension}_manual"] == want["manual"]
                and row[dimension] == want["manual"]
            )
        else:
            ok = not locked and row[dimension] == row[f"{dimension}_computed"]
        if not ok:
            lost_partners.add(int(pid))
    results["2. checked (partner, dimension) pairs"] = checked
    results["2. checked partners"] = len({e.split()[0] for e in committed["expected"]})
    results["2. lost (partners not holding the last committed change)"] = len(
        lost_partners
    )


def make_invoices(env, count):
    from odoo import Command

    customer = env["res.partner"].create(
        {"name": "红字并发测试客户", "is_company": True}
    )
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", env.company.id)], limit=1
    )
    invoices = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "journal_id": journal.id,
                "invoice_date": date.today(),
                "cn_invoice_kind": "normal",
                "cn_invoice_code": str(900000000000 + i),
                "cn_invoice_number": str(90000000 + i),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "A",
                            "quantity": 10,
                            "price_unit": 100.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
            for i in range(count)
        ]
    )
    invoices.action_post()
    env.cr.commit()
    return invoices.ids


def scenario_red(env, db, args, results):
    t0 = time.monotonic()
    invoice_ids = make_invoices(env, args.red_invoices)
    results["3. blue invoices created and posted (fixture, s)"] = time.monotonic() - t0
    path = f"/tmp/fault_bench_{os.getpid()}_invoices.json"
    with open(path, "w") as file:
        json.dump(invoice_ids, file)
    start_at = time.time() + 8  # both workers loaded before they start
    workers = [spawn(db, "red", input=path, start_at=start_at) for _ in range(2)]
    outcomes = [result(worker) for worker in workers]
    for index, outcome in enumerate(outcomes, 1):
        results[f"3. process {index}: posted / refused / failed"] = (
            f"{outcome['posted']} / {outcome['refused']} / {outcome['failed']}"
        )
        results[f"3. process {index}: transactions retried after a conflict"] = outcome[
            "retried"
        ]
        results[f"3. process {index}: seconds"] = outcome["seconds"]
        for reason, count in outcome["reasons"].items():
            results[f"3. process {index}: refused: {reason}"] = count
    env.cr.execute(
        """
        SELECT m.id, m.amount_untaxed,
               COALESCE(SUM(r.amount_untaxed) FILTER (WHERE r.state != 'cancel'), 0)
          FROM account_move m
     LEFT JOIN account_move r ON r.reversed_entry_id = m.id
         WHERE m.id = ANY(%s)
      GROUP BY m.id
        """,
        [invoice_ids],
    )
    rows = env.cr.fetchall()
    env.cr.commit()
    results["3. checked (invoices)"] = len(rows)
    results["3. fully reversed once"] = sum(
        abs(original - reversed_) < 0.005 for _id, original, reversed_ in rows
    )
    results["3. over-reversed"] = sum(
        reversed_ > original + 0.005 for _id, original, reversed_ in rows
    )


class Results(dict):
    """The figures, printed as they come (a failing scenario keeps the others')."""

    def __setitem__(self, name, value):
        super().__setitem__(name, value)
        print(f"  {name}: {value}", flush=True)


# ------------------------------------------------------------------ main
def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100000)
    parser.add_argument("--invoices", type=int, help="default: 10 per customer")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--shift-days", type=int, default=45)
    parser.add_argument("--red-invoices", type=int, default=100)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--scenarios", default="1,2,3")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--reuse", action="store_true", help="use the kept database and its fixture"
    )
    # worker processes
    parser.add_argument("--db")
    parser.add_argument("--worker", choices=["reclassify", "changes", "red"])
    parser.add_argument("--as-of")
    parser.add_argument("--input")
    parser.add_argument("--output")
    parser.add_argument("--stop")
    parser.add_argument("--start-at", type=float)
    args = parser.parse_args()
    if args.worker:
        {"reclassify": worker_reclassify, "changes": worker_changes, "red": worker_red}[
            args.worker
        ](args)
        return

    invoices = args.invoices or 10 * args.customers
    db = f"partner_segment_fault_{args.customers}"
    if not args.reuse:
        segment_bench.build_database(db)
    registry = open_registry(db)
    as_of = date.today()
    results = Results()
    scenarios = set(args.scenarios.split(","))
    with registry.cursor() as cr:
        env = environment(cr)
        if not args.reuse:
            t0 = time.monotonic()
            segment_bench.load_fixture(env, args.customers, invoices, as_of)
            results["fixture (SQL, s)"] = time.monotonic() - t0
        if "1" in scenarios:
            scenario_kill(env, db, args, as_of, results)
        if "2" in scenarios:
            if "1" not in scenarios:
                result(spawn(db, "reclassify", as_of=as_of, batch_size=args.batch_size))
            scenario_overrides(env, db, args, as_of, results)
        if "3" in scenarios:
            scenario_red(env, db, args, results)

    print(
        f"\n== partner_segment fault benchmark: {args.customers} customers, "
        f"{invoices} invoices, batches of {args.batch_size}, {os.cpu_count()} cores"
    )
    for name, value in results.items():
        shown = f"{value:>12.2f}" if isinstance(value, float) else f"{value!s:>12}"
        print(f"{name:<62} {shown}")
    registry.delete(db)
    for name in os.listdir("/tmp"):
        if name.startswith(f"fault_bench_{os.getpid()}_"):
            os.unlink(os.path.join("/tmp", name))
    if not args.keep:
        segment_bench.sh(f"drop_db {db}")


if __name__ == "__main__":
    main()
