#!/usr/bin/env bash
# Create (once) the demo database with partner_segment and its demo data,
# classify it, and serve Odoo on http://localhost:8069 (admin/admin).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
require_setup

DB=partner_segment_demo
PORT="${PORT:-8069}"
if ! db_exists "$DB"; then
    echo "== creating $DB with demo data"
    "${ODOO_BIN[@]}" -d "$DB" -i partner_segment --stop-after-init --no-http \
        --log-level=warn
fi
"${ODOO_PY[@]}" shell -c "$CONF" -d "$DB" --no-http --log-level=warn <<'PY' >/dev/null
env["partner.segment.demo"]._run_classification()
env.cr.commit()
PY
echo "== Odoo with partner_segment: http://localhost:$PORT (login admin / password admin)"
exec "${ODOO_BIN[@]}" -d "$DB" --db-filter "^$DB\$" --http-port "$PORT"
