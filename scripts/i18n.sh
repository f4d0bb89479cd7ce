#!/usr/bin/env bash
# Regenerate i18n/partner_segment.pot from a fresh install and merge it into
# i18n/zh_CN.po (keeping its translations); lists what is left to translate.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
require_setup
DB="partner_segment_i18n_$$"
ensure_template "$TMPL" nodemo
copy_template "$TMPL" "$DB"
trap 'drop_db "$DB"' EXIT
"${ODOO_BIN[@]}" -d "$DB" -i partner_segment --without-demo=all --stop-after-init \
    --no-http --log-level=warn
LOG="$BUILD/i18n-export.log"
"${ODOO_BIN[@]}" -d "$DB" --i18n-export="$ROOT/i18n/partner_segment.pot" \
    --modules=partner_segment --stop-after-init --no-http --log-level=warn 2>&1 | tee "$LOG"
# a file Babel cannot parse (e.g. an f-string inside _()) loses its terms quietly
if grep -q "Failed to extract terms" "$LOG"; then
    echo "i18n: terms could not be extracted from a file (see above)" >&2
    exit 1
fi
"$VENV/bin/python" "$ROOT/scripts/i18n_merge.py" "$ROOT/i18n"
