#!/usr/bin/env bash
# Fresh database, install partner_segment with its tests (Python and browser
# tours), drop the database, print "N passed, M failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
require_setup

DB="partner_segment_test_$$"
LOG="$BUILD/test-$DB.log"
TAGS="${TEST_TAGS:-/partner_segment}"

ensure_template "$TMPL" nodemo || exit 1
copy_template "$TMPL" "$DB"
trap 'drop_db "$DB"; cp -f "$LOG" "$BUILD/test.log" 2>/dev/null; rm -f "$LOG"' EXIT

echo "== installing partner_segment into $DB and running tests ($TAGS)"
# a free port of our own: tours need the HTTP server, and runs may overlap
PORT="$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"${ODOO_BIN[@]}" -d "$DB" -i partner_segment --test-enable --test-tags "$TAGS" \
    --stop-after-init --http-interface 127.0.0.1 --http-port "$PORT" --log-level=info >"$LOG" 2>&1
rc=$?

"$VENV/bin/python" "$ROOT/scripts/test_report.py" "$LOG" "$rc"
