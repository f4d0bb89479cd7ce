#!/usr/bin/env bash
# Create (once) the demo database: a Chinese company (China, CNY, 简体中文,
# Chinese chart of accounts) with partner_segment and its demo customers,
# classified; then serve Odoo on http://localhost:8069 (admin/admin).
# DEMO_LANG=en_US make run shows the same data in English; DEMO_DB names
# another demo database (default partner_segment_demo).
# The demo data is not part of the addon: demo/loader.py, run in the Odoo shell.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
require_setup

DB="${DEMO_DB:-partner_segment_demo}"
PORT="${PORT:-8069}"
DEMO_LANG="${DEMO_LANG:-zh_CN}"
QUIET=(--stop-after-init --no-http --log-level=warn)
shell() { "${ODOO_PY[@]}" shell -c "$CONF" -d "$DB" --no-http --log-level=warn; }

demo_ready() {
    db_exists "$DB" && [ "$(psql -d "$DB" -tAc \
        "select value from ir_config_parameter where key = 'partner_segment.demo_version'" 2>/dev/null)" = "2" ]
}

if ! demo_ready; then
    drop_db "$DB"
    echo "== creating $DB: a Chinese company (China, CNY, zh_CN)"
    "${ODOO_BIN[@]}" -d "$DB" -i base --load-language=zh_CN "${QUIET[@]}"
    # before accounting is installed, so that the company keeps books in CNY
    shell <<'PY' >/dev/null
company = env.ref("base.main_company")
cny = env.ref("base.CNY")
cny.active = True
company.write({
    "name": "上海浦江商贸有限公司",
    "country_id": env.ref("base.cn").id,
    "state_id": env.ref("base.state_cn_SH").id,
    "city": "上海市",
    "street": "浦东新区世纪大道100号",
    "zip": "200120",
    "phone": "+86 21 5888 0000",
    "currency_id": cny.id,
})
company.partner_id.lang = "zh_CN"
env.ref("base.user_admin").write({"lang": "zh_CN", "tz": "Asia/Shanghai"})
env.cr.commit()
PY
    echo "== installing the Chinese chart of accounts (l10n_cn) and partner_segment"
    "${ODOO_BIN[@]}" -d "$DB" -i l10n_cn "${QUIET[@]}"
    "${ODOO_BIN[@]}" -d "$DB" -i partner_segment "${QUIET[@]}"
    echo "== loading the demo customers (demo/loader.py) and classifying them"
    shell <<'PY' >/dev/null
from odoo.addons.partner_segment.demo import loader
# no language, as Odoo loads a module's data files (texts stay untranslated)
loader.load(env(context=dict(env.context, lang=None)))
cn = env.ref("base.cn")
env["res.partner"].search([("country_id", "=", cn.id)]).write({"lang": "zh_CN"})
loader.classify(env)
env["ir.config_parameter"].set_param("partner_segment.demo_version", "2")
env.cr.commit()
PY
fi
# the addon's code changed since the database last loaded it: upgrade it first
code="$(cd "$ROOT" && find . \( -name .git -o -name .venv -o -name .build -o -name bench -o -name tests -o -name __pycache__ \) -prune -o -type f -print | LC_ALL=C sort | xargs sha1sum | sha1sum | cut -c1-16)"
if [ "$(psql -d "$DB" -tAc "select value from ir_config_parameter where key = 'partner_segment.demo_code'")" != "$code" ]; then
    echo "== upgrading partner_segment in $DB to the code of this checkout"
    "${ODOO_BIN[@]}" -d "$DB" -u partner_segment "${QUIET[@]}"
    psql -d "$DB" -qc "insert into ir_config_parameter (key, value) values ('partner_segment.demo_code', '$code')
        on conflict (key) do update set value = excluded.value"
fi
# the interface language, on the same data
DEMO_LANG="$DEMO_LANG" shell <<'PY' >/dev/null
import os
lang = os.environ["DEMO_LANG"]
env["res.lang"]._activate_lang(lang)
env.ref("base.user_admin").lang = lang
env.cr.commit()
PY
echo "== Odoo with partner_segment: http://localhost:$PORT (login admin / password admin, $DEMO_LANG)"
exec "${ODOO_BIN[@]}" -d "$DB" --db-filter "^$DB\$" --http-port "$PORT"
