"""Background import against the same import in the request (not a test).

Run it with the Odoo shell on a scratch database (it commits: each round
imports new customers, under prefixes of its own):

    "${ODOO_PY[@]}" shell -c "$CONF" -d h22_prof --no-http < bench/background_import_bench.py

Environment: BENCH_ROWS (default 10000), BENCH_ROUNDS (default 2). Each round
imports one file in the request (the company's threshold at 0) and another of
the same size in the background (the wizard hands it to a job, then the
scheduled action's method is called until the job ends, each call within the
budget the server's limits give, as in a cron worker); the two alternate, so
that the machine's load weighs on both alike. See bench/README.md, "Background
import under production time limits".
"""

import base64
import os
import sys
import time

env = env  # noqa: F821 - given by the Odoo shell

# the shell reads this file from stdin: run it from the addon's directory
sys.path.insert(0, os.path.join(os.getcwd(), "bench"))
from background_import_proof import make_csv  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "10000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
# codes and USCCs of a round: its kind and one letter of the USCC alphabet (no
# I, O, S, V, Z; the proof's file has room for two letters before the number)
LETTERS = "ACDEFGHJKLMPQRTUWXY"

admin = env.ref("base.user_admin")
admin.write(
    {"groups_id": [(4, env.ref("partner_segment.partner_segment_group_manager").id)]}
)
Job = env["partner.segment.import.job"]
Job.search([("state", "in", ("queued", "running"))]).write({"state": "failed"})
env.cr.commit()
Wizard = env["partner.segment.import"].with_user(admin)


def unused_prefix(kind):
    for letter in LETTERS:
        prefix = kind + letter
        if not env["res.partner"].search_count([("ref", "=like", prefix + "%")]):
            return prefix
    raise RuntimeError("no prefix left")


def wizard(prefix, threshold):
    env.company.segment_import_background_rows = threshold
    content = base64.b64encode(make_csv(ROWS, prefix)).decode()
    return Wizard.create(
        {"file": content, "filename": f"{prefix}.csv", "policy": "skip"}
    )


def inline():
    prefix = unused_prefix("N")
    record = wizard(prefix, 0)
    start = time.monotonic()
    record.action_import()
    env.cr.commit()
    seconds = time.monotonic() - start
    assert record.create_count == ROWS, record.create_count
    return seconds, 1


def background():
    prefix = unused_prefix("B")
    record = wizard(prefix, ROWS - 1)
    start = time.monotonic()
    action = record.action_import()
    env.cr.commit()
    job = Job.browse(action["res_id"])
    calls = 0
    while job.state in ("queued", "running"):
        Job._cron_run_jobs()
        env.cr.commit()
        job.invalidate_recordset()
        calls += 1
    seconds = time.monotonic() - start
    assert (job.state, job.create_count) == ("done", ROWS), (
        job.state,
        job.create_count,
    )
    count = env["res.partner"].search_count([("ref", "=like", prefix + "%")])
    assert count == ROWS, count
    return seconds, calls


print(f"{ROWS} rows, {ROUNDS} rounds; load {os.getloadavg()}", flush=True)
results = {"inline": [], "background": []}
for round_ in range(ROUNDS):
    for name, run in (("inline", inline), ("background", background)):
        seconds, calls = run()
        results[name].append(seconds)
        print(
            f"round {round_ + 1} {name:10} {seconds:7.1f} s  {ROWS / seconds:6.0f} "
            f"rows/s  ({calls} call(s)); load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
best = {name: min(times) for name, times in results.items()}
print(
    f"best: inline {best['inline']:.1f} s, background {best['background']:.1f} s, "
    f"ratio {best['background'] / best['inline']:.2f}"
)
