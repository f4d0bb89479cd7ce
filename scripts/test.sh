#!/usr/bin/env bash
# Fresh database, install partner_segment with its tests (Python and browser
# tours), drop the database, print "N passed, M failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
require_setup

TMPL=partner_segment_test_template
DB="partner_segment_test_$$"
LOG="$BUILD/test.log"
TAGS="${TEST_TAGS:-/partner_segment}"

ensure_template "$TMPL" nodemo || exit 1
copy_template "$TMPL" "$DB"
trap 'drop_db "$DB"' EXIT

echo "== installing partner_segment into $DB and running tests ($TAGS)"
"${ODOO_BIN[@]}" -d "$DB" -i partner_segment --test-enable --test-tags "$TAGS" \
    --stop-after-init --no-http --http-port 8070 --log-level=info >"$LOG" 2>&1
rc=$?

"$VENV/bin/python" "$ROOT/scripts/test_report.py" "$LOG" "$rc"
