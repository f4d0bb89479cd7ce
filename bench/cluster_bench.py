"""Cluster proof: the daily classification of many companies on OCA queue_job.

One database holds COMPANIES companies of CUSTOMERS customers each, with posted
invoices (plain SQL: a fixture, not the code under test).  The same daily run
is measured three ways, each from unclassified customers:

(a) today's path without queue_job: the scheduled action classifies every
    company one after the other in one process (this script's);
(b) queue_job: the scheduled action enqueues one job per company, one Odoo
    server started with ``--workers=2`` and the job runner runs them;
(c) two Odoo servers on two ports sharing the database, each with
    ``--workers=2``; the job runner (one is elected per database) dispatches
    through a round-robin TCP proxy in front of both, as a load balancer does
    in front of several machines.  With ``--kill``, the second server is
    killed (SIGKILL, every process of it) once a quarter of the jobs are done:
    its jobs stay "started" until queue_job's Jobs Garbage Collector requeues
    them (this script sets it to run every minute with ``started_delta=1``,
    see bench/README.md), and they finish on the first server.

Every run's classes are compared with (a)'s, company by company.

Usage (after ``make setup``, which installs queue_job into the venv)::

    .venv/bin/python bench/cluster_bench.py build --db h18_cluster
    .venv/bin/python bench/cluster_bench.py run --db h18_cluster --kill
    .venv/bin/python bench/cluster_bench.py drop --db h18_cluster

``build`` keeps the database: ``run`` can be repeated on it.
"""

import argparse
import contextlib
import itertools
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))

from segment_bench import open_registry, print_results, sh  # noqa: E402

COMPANY_PREFIX = "集群公司"
JOB_KEYS = "partner_segment.reclassify:%"


# ---------------------------------------------------------------- fixture
def build(args):
    db = args.db
    if args.reuse:
        print(f"== loading the fixture into {db} (installed before)", flush=True)
    else:
        print(f"== creating {db} with partner_segment and queue_job", flush=True)
    sh(
        "true"
        if args.reuse
        else 'require_setup; ensure_template "$TMPL" nodemo && '
        f'copy_template "$TMPL" {db} && '
        f'"${{ODOO_BIN[@]}}" -d {db} -i partner_segment,queue_job --without-demo=all '
        "--stop-after-init --no-http --log-level=warn"
    )
    registry = open_registry(db)
    import odoo
    from odoo import api

    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        t0 = time.monotonic()
        main = env.company
        companies = env["res.company"].search(
            [("name", "=like", f"{COMPANY_PREFIX}%")], order="id"
        ) or env["res.company"].create(
            [
                {
                    "name": f"{COMPANY_PREFIX}{i:02d}",
                    # no country: a country installs its chart of accounts
                    "currency_id": main.currency_id.id,
                }
                for i in range(1, args.companies + 1)
            ]
        )
        env.flush_all()
        cr.commit()
        journal = env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", main.id)], limit=1
        )
        receivable = env["account.account"].search(
            [("account_type", "=", "asset_receivable"), ("company_ids", "in", main.id)],
            limit=1,
        )
        # each client company has its own customers
        cr.execute(
            """
            INSERT INTO res_partner (name, complete_name, ref, company_id, is_company,
                                     active, type, autopost_bills, create_date,
                                     write_date, customer_rank)
            SELECT 'Cluster ' || c || '-' || g, 'Cluster ' || c || '-' || g,
                   'CL' || c || '-' || g, c, true, true, 'contact', 'ask',
                   now(), now(), 1
              FROM unnest(%s::int[]) c, generate_series(1, %s) g
             ORDER BY c, g
            """,
            [companies.ids, args.customers],
        )
        cr.execute(
            "UPDATE res_partner SET commercial_partner_id = id "
            "WHERE commercial_partner_id IS NULL AND ref LIKE 'CL%%'"
        )
        # skewed (Pareto), 5 % credit notes, over two years; the journal and
        # receivable account are the first company's (a fixture: the engine
        # reads the moves' and lines' company).  A company's customers were
        # inserted in one run of ids (checked), so the k-th is lo + k - 1.
        cr.execute(
            """
            SELECT bool_and(max_id - min_id + 1 = n) FROM (
                SELECT min(id) AS min_id, max(id) AS max_id, count(*) AS n
                  FROM res_partner WHERE ref LIKE 'CL%%' GROUP BY company_id) t
            """
        )
        assert cr.fetchone()[0], "the customers of a company are not contiguous"
        cr.execute(
            """
            WITH ids AS (SELECT company_id AS c, min(id) AS lo, count(*) AS n
                           FROM res_partner WHERE ref LIKE 'CL%%' GROUP BY company_id),
                 raw AS (SELECT c, g, lo + floor(n * power(random(), 2.5))::int AS p,
                                (CURRENT_DATE - floor(random() * 730)::int) AS d,
                                random() < 0.05 AS refund,
                                round((50 + random() * 5000)::numeric, 2) AS amount
                           FROM ids, generate_series(1, %(invoices)s) g)
            INSERT INTO account_move (name, move_type, state, journal_id, company_id,
                                      currency_id, date, invoice_date, invoice_date_due,
                                      partner_id, commercial_partner_id, auto_post,
                                      amount_untaxed_signed, amount_total_signed,
                                      amount_untaxed, amount_total, payment_state,
                                      create_date, write_date)
            SELECT 'CL' || c || '/' || g,
                   CASE WHEN refund THEN 'out_refund' ELSE 'out_invoice' END,
                   'posted', %(journal)s, c, %(currency)s, d, d, d + 30,
                   p, p, 'no',
                   CASE WHEN refund THEN -amount ELSE amount END,
                   CASE WHEN refund THEN -amount ELSE amount END,
                   amount, amount, 'paid', now() - interval '2 days',
                   now() - interval '2 days'
              FROM raw
            """,
            {
                "invoices": args.invoices,
                "journal": journal.id,
                "currency": main.currency_id.id,
            },
        )
        print(f"invoices inserted at {time.monotonic() - t0:.0f} s", flush=True)
        # 3 % of the invoices still open: receivable lines, some overdue
        cr.execute(
            """
            INSERT INTO account_move_line (move_id, account_id, partner_id, company_id,
                                           company_currency_id, currency_id, journal_id,
                                           parent_state, date, date_maturity,
                                           display_type, debit, credit, balance,
                                           amount_currency, amount_residual,
                                           amount_residual_currency, reconciled,
                                           create_date, write_date)
            SELECT m.id, %(account)s, m.commercial_partner_id, m.company_id,
                   m.currency_id, m.currency_id, m.journal_id, 'posted', m.date,
                   m.invoice_date_due, 'payment_term', m.amount_total_signed, 0,
                   m.amount_total_signed, m.amount_total_signed, m.amount_total_signed,
                   m.amount_total_signed, false, now(), now()
              FROM account_move m
             WHERE m.name LIKE 'CL%%' AND m.move_type = 'out_invoice'
               AND m.id %% 33 = 0
            """,
            {"account": receivable.id},
        )
        cr.commit()
        print(
            f"fixture: {args.companies} companies × {args.customers} customers, "
            f"{args.invoices} invoices each, in {time.monotonic() - t0:.0f} s",
            flush=True,
        )
    registry.delete(db)
    psql(db, "VACUUM ANALYZE res_partner, account_move, account_move_line")


def psql(db, sql):
    sh(f"psql -q -d {db} -c {shell_quote(sql)}")


def shell_quote(text):
    return "'" + text.replace("'", "'\\''") + "'"


# ---------------------------------------------------------------- state
def reset(env, db):
    """Unclassified customers, no job, no history: the start of every run."""
    Partner = env["res.partner"]
    engine = env["partner.segment.engine"]
    names = [*engine._stored_field_names(), "segment_classified_on"]
    names += [Partner._segment_field_names(d)[1] for d in engine._engine_dimensions()]
    cr = env.cr
    cr.execute(
        "UPDATE res_partner SET "
        + ", ".join(f'"{name}" = NULL' for name in sorted(set(names)))
        + " WHERE segment_classified_on IS NOT NULL"
    )
    cr.execute("UPDATE res_company SET segment_last_run = NULL")
    cr.execute("DELETE FROM partner_segment_history")
    cr.execute("DELETE FROM queue_job")
    env.invalidate_all()
    cr.commit()
    psql(db, "VACUUM ANALYZE res_partner, partner_segment_history")


def snapshot(env):
    """{company id: md5 of its customers' stored classes and inputs}."""
    names = sorted(env["partner.segment.engine"]._stored_field_names())
    columns = " || '|' || ".join(f"coalesce({n}::text, '')" for n in names)
    env.cr.execute(
        f"""
        SELECT company_id, count(*) FILTER (WHERE segment_classified_on IS NOT NULL),
               md5(string_agg(id || ':' || {columns}, ',' ORDER BY id))
          FROM res_partner WHERE ref LIKE 'CL%%' GROUP BY company_id
        """
    )
    return {cid: (count, digest) for cid, count, digest in env.cr.fetchall()}


def compare(reference, other):
    differing = [c for c in reference if reference[c] != other.get(c)]
    return "identical" if not differing else f"DIFFERENT for companies {differing}"


# ---------------------------------------------------------------- servers
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_runner(logs, timeout=300):
    """Until the elected job runner says it is ready (in one of ``logs``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for log in logs:
            with contextlib.suppress(OSError), open(log, encoding="utf-8") as file:
                if "queue job runner ready for db" in file.read():
                    return
        time.sleep(0.5)
    raise RuntimeError(f"no job runner ready after {timeout} s (see {logs})")


def start_server(db, port, log, runner_port, channels, crons=0):
    with contextlib.suppress(FileNotFoundError):
        os.remove(log)
    env = dict(
        os.environ,
        ODOO_QUEUE_JOB_CHANNELS=channels,
        ODOO_QUEUE_JOB_HOST="127.0.0.1",
        ODOO_QUEUE_JOB_PORT=str(runner_port),
    )
    command = (
        '"${ODOO_BIN[@]}" '
        f"-d {db} --db-filter '^{db}$' --workers=2 --max-cron-threads={crons} "
        f"--http-interface 127.0.0.1 --http-port {port} --gevent-port {free_port()} "
        "--load web,queue_job --limit-time-real 600 "
        "--limit-time-cpu 600 --log-level info "
        f"--logfile {log}"
    )
    process = subprocess.Popen(
        ["bash", "-c", f"source {ROOT}/scripts/common.sh; exec {command}"],
        env=env,
        start_new_session=True,
    )
    for _ in range(240):
        if process.poll() is not None:
            break
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", port), timeout=1),
        ):
            return process
        time.sleep(0.5)
    raise RuntimeError(f"the server on port {port} did not start (see {log})")


def stop_server(process, sig=signal.SIGTERM):
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


class RoundRobinProxy:
    """A TCP load balancer in front of several servers: each connection goes
    to the next backend that accepts it."""

    def __init__(self, backends):
        self.backends = backends
        self.turn = itertools.cycle(range(len(backends)))
        self.lock = threading.Lock()
        self.sent = {port: 0 for port in backends}
        self.job_server = {}  # job uuid -> port of the server last asked to run it
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            client, _addr = self.listener.accept()
            threading.Thread(target=self.handle, args=(client,), daemon=True).start()

    def handle(self, client):
        for _ in range(len(self.backends)):
            with self.lock:
                port = self.backends[next(self.turn)]
            try:
                backend = socket.create_connection(("127.0.0.1", port), timeout=2)
            except OSError:
                continue  # a dead server: the next one
            backend.settimeout(None)
            with self.lock:
                self.sent[port] += 1
            threading.Thread(
                target=self.pipe, args=(backend, client), daemon=True
            ).start()
            self.pipe(client, backend, port)
            return
        client.close()

    def pipe(self, source, target, port=None):
        try:
            while data := source.recv(65536):
                if port is not None:
                    found = re.search(rb"job_uuid=([0-9a-f-]+)", data)
                    if found:
                        with self.lock:
                            self.job_server[found.group(1).decode()] = port
                    port = None
                target.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, target):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


def job_states(env):
    env.cr.execute(
        "SELECT state, count(*) FROM queue_job WHERE identity_key LIKE %s GROUP BY 1",
        [JOB_KEYS],
    )
    return dict(env.cr.fetchall())


def wait_jobs(env, total, on_progress=None, timeout=3600):
    """Wait for ``total`` jobs done; the states seen last."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        env.cr.rollback()  # a fresh snapshot
        states = job_states(env)
        if on_progress:
            on_progress(states)
        if states.get("done", 0) + states.get("failed", 0) >= total:
            return states
        time.sleep(0.5)
    raise RuntimeError(f"jobs not done after {timeout} s: {states}")


def load():
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


# ---------------------------------------------------------------- runs
def run(args):
    db = args.db
    registry = open_registry(db)
    import odoo
    from odoo import api

    results = {}
    logs = os.path.join(ROOT, ".build")
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        engine = env["partner.segment.engine"]
        companies = env["res.company"].search([])
        total = len(companies)
        cr.execute("SELECT count(*) FROM res_partner WHERE ref LIKE 'CL%%'")
        results["companies (jobs)"] = total
        results["customers"] = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM account_move WHERE name LIKE 'CL%%'")
        results["invoices"] = cr.fetchone()[0]

        # (a) the scheduled action in one process, as without queue_job
        reset(env, db)
        results["(a) load before"] = load()
        Engine = type(engine)
        Engine._queue_available = lambda self: False
        t0 = time.monotonic()
        engine._cron_reclassify()
        results["(a) one process, wall (s)"] = time.monotonic() - t0
        del Engine._queue_available
        reference = snapshot(env)
        results["(a) customers classified"] = sum(c for c, _d in reference.values())

        # (b) one server, --workers=2, its job runner
        reset(env, db)
        port = free_port()
        server = start_server(
            db, port, f"{logs}/cluster-b.log", port, "root:2,root.partner_segment:2"
        )
        try:
            wait_runner([f"{logs}/cluster-b.log"])
            results["(b) load before"] = load()
            t0 = time.monotonic()
            engine._cron_reclassify()  # enqueues
            cr.commit()
            states = wait_jobs(env, total)
            results["(b) 1 server × 2 workers, wall (s)"] = time.monotonic() - t0
            results["(b) jobs"] = str(states)
        finally:
            stop_server(server)
        results["(b) classes vs (a)"] = compare(reference, snapshot(env))
        results["(b) speed-up over (a)"] = (
            results["(a) one process, wall (s)"]
            / results["(b) 1 server × 2 workers, wall (s)"]
        )

        # (c) two servers sharing the database, one runner, a balancer
        reset(env, db)
        if args.kill:
            # requeue the jobs of a dead server after a minute (default: never)
            gc = env.ref("queue_job.ir_cron_queue_job_garbage_collector")
            gc.write(
                {
                    "code": "model.requeue_stuck_jobs(enqueued_delta=1, "
                    "started_delta=1)",
                    "interval_number": 1,
                    "interval_type": "minutes",
                }
            )
            cr.commit()
        ports = [free_port(), free_port()]
        proxy = RoundRobinProxy(ports)
        servers = [
            start_server(
                db,
                p,
                f"{logs}/cluster-c{i}.log",
                proxy.port,
                "root:4,root.partner_segment:4",
                crons=1 if i == 0 else 0,
            )
            for i, p in enumerate(ports)
        ]
        killed = []

        def kill_second(states):
            """Kill the second server once a quarter of the jobs are done and
            it is running one at least."""
            if not args.kill or killed or states.get("done", 0) < total // 4:
                return
            cr.execute(
                "SELECT uuid FROM queue_job WHERE state = 'started' "
                "AND identity_key LIKE %s",
                [JOB_KEYS],
            )
            started = [u for (u,) in cr.fetchall()]
            with proxy.lock:
                held = [u for u in started if proxy.job_server.get(u) == ports[1]]
            if not held:
                return
            stop_server(servers[1], signal.SIGKILL)
            killed.append((held,))
            results["(c) kill: done when killed"] = states.get("done", 0)
            results["(c) kill: at (s)"] = time.monotonic() - t0
            results["(c) kill: jobs the killed server held"] = len(held)
            cr.execute("SELECT now() AT TIME ZONE 'UTC'")
            killed_at[0] = cr.fetchone()[0]

        killed_at = [None]

        try:
            wait_runner([f"{logs}/cluster-c{i}.log" for i in range(2)])
            results["(c) load before"] = load()
            t0 = time.monotonic()
            engine._cron_reclassify()
            cr.commit()
            states = wait_jobs(env, total, on_progress=kill_second)
            results["(c) 2 servers × 2 workers, wall (s)"] = time.monotonic() - t0
            results["(c) jobs"] = str(states)
            results["(c) runs dispatched per server"] = str(proxy.sent)
        finally:
            for server in servers:
                stop_server(server)
        results["(c) classes vs (a)"] = compare(reference, snapshot(env))
        if not args.kill:
            results["(c) speed-up over (a)"] = (
                results["(a) one process, wall (s)"]
                / results["(c) 2 servers × 2 workers, wall (s)"]
            )
        if killed:
            held = killed[0][0]
            cr.execute(
                "SELECT uuid, state, date_started > %s, left(result, 60) "
                "FROM queue_job WHERE uuid = ANY(%s)",
                [killed_at[0], held],
            )
            for uuid, state, restarted, result in cr.fetchall():
                results[f"(c) kill: job {uuid[:8]}"] = (
                    f"{state}, started again after the kill: {restarted}, "
                    f"last asked of port {proxy.job_server.get(uuid)}; {result}"
                )
            results["(c) kill: surviving server's port"] = ports[0]
        # queue_job counts every run in retry: more than 1 is a run again
        cr.execute(
            "SELECT retry, left(coalesce(result, exc_message, ''), 90) FROM queue_job "
            "WHERE identity_key LIKE %s AND (retry > 1 OR exc_info IS NOT NULL)",
            [JOB_KEYS],
        )
        retried = cr.fetchall()
        results["(c) jobs run more than once or failed"] = len(retried)
        for retry, why in retried[:5]:
            results[f"(c) run {retry}×"] = why
        results["load after"] = load()
    registry.delete(db)
    print(f"\n== partner_segment cluster benchmark, {os.cpu_count()} cores")
    print_results(results)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["build", "run", "drop"])
    parser.add_argument("--db", default="partner_segment_cluster")
    parser.add_argument("--companies", type=int, default=40)
    parser.add_argument("--customers", type=int, default=5000, help="per company")
    parser.add_argument("--invoices", type=int, default=15000, help="per company")
    parser.add_argument(
        "--reuse", action="store_true", help="build: the database is installed"
    )
    parser.add_argument(
        "--kill", action="store_true", help="kill the second server during (c)"
    )
    args = parser.parse_args()
    if args.action == "build":
        build(args)
    elif args.action == "run":
        run(args)
    else:
        sh(f"drop_db {args.db}")


if __name__ == "__main__":
    main()
