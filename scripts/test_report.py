"""Read Odoo test logs and print 'N passed, M failed' for all as the last line.

Arguments: LOG RC KIND, repeated: an Odoo log, the exit status of its run and
``addon`` (partner_segment's install and tests) or ``core`` (core's test
classes run on a database with partner_segment installed).

Exit non-zero on any failed or erroring test, any skipped test (a skipped
browser tour means the set-up is broken), a non-zero Odoo exit status, or any
WARNING/ERROR/CRITICAL line that partner_segment caused during install or tests.
In a core run every test counts, and warnings count when they come from
partner_segment (core tests log the warnings they provoke on purpose).
"""

import re
import sys

LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) \S+ (?P<logger>\S+): (?P<msg>.*)"
)
# Core warnings about the machine, not the addon: Debian's wkhtmltopdf is built
# without the patched Qt, and says so on every PDF.
IGNORED = re.compile(
    r"^wkhtmltopdf: The switch --\S+ is not support using unpatched qt"
)


def read_log(path, kind):
    """(tests run, failed, skipped, problem lines) of one Odoo log."""
    core = kind == "core"
    ran = failed = skipped = 0
    problems = []
    with open(path, encoding="utf-8", errors="replace") as log:
        for raw in log:
            match = LINE.match(raw)
            if not match:
                continue
            level, logger, msg = match["level"], match["logger"], match["msg"]
            total = re.match(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests", msg)
            if logger == "odoo.tests.result" and total:
                ran += int(total.group(3))
                continue
            is_test_logger = ".tests." in logger and (
                core or "partner_segment" in logger
            )
            if is_test_logger and re.match(r"(FAIL|ERROR): ", msg):
                failed += 1
                problems.append(raw.rstrip())
                continue
            if is_test_logger and msg.startswith("skipped ") and not core:
                skipped += 1
                problems.append(raw.rstrip())
                continue
            # Every warning counts: one from a core logger (docutils rendering our
            # description, a view validation...) is still caused by this addon.
            if level in ("WARNING", "ERROR", "CRITICAL") and not IGNORED.search(msg):
                if re.match(r"Module \S+: \d+ failures", msg):
                    continue
                if core and "partner_segment" not in logger + msg:
                    continue
                problems.append(raw.rstrip())
    return ran, failed, skipped, problems


def main(args):
    ran = failed = skipped = odoo_failed = 0
    problems = []
    for path, odoo_rc, kind in zip(args[::3], args[1::3], args[2::3], strict=True):
        r, f, s, p = read_log(path, kind)
        ran, failed, skipped, problems = ran + r, failed + f, skipped + s, problems + p
        if int(odoo_rc) and not f:
            print(f"Odoo exited with status {odoo_rc}; see {path}")
            odoo_failed += 1
        if not r:
            print(f"No test ran; see {path}")
            odoo_failed += 1
    log_problems = [p for p in problems if " FAIL: " not in p and " ERROR: " not in p]
    for line in problems:
        print(line)
    passed = max(ran - failed - skipped, 0)
    suffix = f", {skipped} skipped" if skipped else ""
    if log_problems:
        print(f"{len(log_problems)} warning/error log line(s) from partner_segment")
    print(f"{passed} passed, {failed + odoo_failed} failed{suffix}")
    bad = failed or skipped or odoo_failed or log_problems
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
