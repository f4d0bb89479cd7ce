#!/usr/bin/env bash
# Fresh database, install partner_segment with its tests (Python and browser
# tours), then run core's test classes listed in scripts/core_tests.txt on the
# same database, drop it, print one "N passed, M failed" line for both.
# TEST_TAGS runs only some of the addon's tests and skips the core step unless
# CORE_TESTS=1; CORE_TESTS=0 skips the core step of a full run.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
require_setup

DB="partner_segment_test_$$"
LOG="$BUILD/test-$DB.log"
CORE_LOG="$BUILD/test-$DB-core.log"
TAGS="${TEST_TAGS:-/partner_segment}"
if [ -n "${TEST_TAGS:-}" ]; then CORE_TESTS="${CORE_TESTS:-0}"; else CORE_TESTS="${CORE_TESTS:-1}"; fi
CORE_TAGS="$(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$ROOT/scripts/core_tests.txt" | paste -sd,)"

ensure_template "$TMPL" nodemo || exit 1
copy_template "$TMPL" "$DB"
trap 'drop_db "$DB"; cp -f "$LOG" "$BUILD/test.log" 2>/dev/null; cp -f "$CORE_LOG" "$BUILD/test-core.log" 2>/dev/null; rm -f "$LOG" "$CORE_LOG"' EXIT

# OCA queue_job alongside when the venv has it (make setup installs it): the
# addon's job tests need it; its tests of the plain cron path simulate its absence
MODULES=partner_segment
if [ "${WITH_QUEUE_JOB:-1}" = "1" ] && [ -n "$(queue_job_dir)" ]; then MODULES=partner_segment,queue_job; fi
echo "== installing $MODULES into $DB and running tests ($TAGS)"
# a free port of our own: tours need the HTTP server, and runs may overlap
PORT="$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"${ODOO_BIN[@]}" -d "$DB" -i "$MODULES" --test-enable --test-tags "$TAGS" \
    --stop-after-init --http-interface 127.0.0.1 --http-port "$PORT" --log-level=info >"$LOG" 2>&1
rc=$?
runs=("$LOG" "$rc" addon)

if [ "$CORE_TESTS" = "1" ]; then
    echo "== running core's tests of what partner_segment overrides (scripts/core_tests.txt)"
    # no -i/-u: Odoo then runs the tagged tests of every installed module
    "${ODOO_BIN[@]}" -d "$DB" --test-enable --test-tags "$CORE_TAGS" \
        --stop-after-init --http-interface 127.0.0.1 --http-port "$PORT" --log-level=info >"$CORE_LOG" 2>&1
    runs+=("$CORE_LOG" "$?" core)
fi

"$VENV/bin/python" "$ROOT/scripts/test_report.py" "${runs[@]}"
