#!/usr/bin/env bash
# Regenerate i18n/partner_segment.pot from a fresh install and merge it into
# i18n/zh_CN.po (keeping its translations); lists what is left to translate.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
require_setup
TMPL=partner_segment_tmpl
DB="partner_segment_i18n_$$"
ensure_template "$TMPL" nodemo
copy_template "$TMPL" "$DB"
trap 'drop_db "$DB"' EXIT
"${ODOO_BIN[@]}" -d "$DB" -i partner_segment --without-demo=all --stop-after-init \
    --no-http --log-level=warn
"${ODOO_BIN[@]}" -d "$DB" --i18n-export="$ROOT/i18n/partner_segment.pot" \
    --modules=partner_segment --stop-after-init --no-http --log-level=warn
"$VENV/bin/python" "$ROOT/scripts/i18n_merge.py" "$ROOT/i18n"
