"""Read an Odoo test log and print 'N passed, M failed' as the last line.

Exit non-zero on any failed or erroring test, any skipped test (a skipped
browser tour means the set-up is broken), a non-zero Odoo exit status, or any
WARNING/ERROR/CRITICAL line that partner_segment caused during install or tests.
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


def main(path, odoo_rc):
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
                ran = int(total.group(3))
                continue
            is_test_logger = ".tests." in logger and "partner_segment" in logger
            if is_test_logger and re.match(r"(FAIL|ERROR): ", msg):
                failed += 1
                problems.append(raw.rstrip())
                continue
            if is_test_logger and msg.startswith("skipped "):
                skipped += 1
                problems.append(raw.rstrip())
                continue
            # Every warning counts: one from a core logger (docutils rendering our
            # description, a view validation...) is still caused by this addon.
            if level in ("WARNING", "ERROR", "CRITICAL") and not IGNORED.search(msg):
                if re.match(r"Module partner_segment: \d+ failures", msg):
                    continue
                problems.append(raw.rstrip())
    log_problems = [p for p in problems if " FAIL: " not in p and " ERROR: " not in p]
    for line in problems:
        print(line)
    if odoo_rc and not failed:
        print(f"Odoo exited with status {odoo_rc}; see {path}")
    passed = max(ran - failed - skipped, 0)
    suffix = f", {skipped} skipped" if skipped else ""
    if log_problems:
        print(f"{len(log_problems)} warning/error log line(s) from partner_segment")
    print(
        f"{passed} passed, {failed + (1 if odoo_rc and not failed else 0)} failed{suffix}"
    )
    bad = failed or skipped or odoo_rc or log_problems or not ran
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
