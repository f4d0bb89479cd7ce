#!/usr/bin/env bash
# Install partner_segment as a user would: in a virtualenv holding only Odoo's
# own requirements.txt and the `pip install` lines of readme/INSTALL.md (no
# developer tools, so no `packaging`), into a fresh database.  Fails when the
# addon does not install there.  Run by .ci/run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
require_setup

PLAIN="$BUILD/plain-venv"
# `pip install ...` lines of the fenced blocks of INSTALL.md, as written there
mapfile -t PIP_LINES < <(awk '/^```/{f=!f; next} f && /^pip install /' "$ROOT/readme/INSTALL.md")
[ ${#PIP_LINES[@]} -gt 0 ] || { echo "install check: no 'pip install' line in readme/INSTALL.md" >&2; exit 1; }

want="$( { cat "$BUILD/odoo-requirements.txt"; printf '%s\n' "${PIP_LINES[@]}"; } | sha1sum | cut -d' ' -f1)"
if [ ! -x "$PLAIN/bin/python" ] || [ "$(cat "$PLAIN/.stamp" 2>/dev/null)" != "$want" ]; then
    echo "== building $PLAIN from Odoo's requirements.txt and readme/INSTALL.md"
    rm -rf "$PLAIN"
    "${PYTHON:-python3}" -m venv "$PLAIN"
    export PIP_CONSTRAINT="$BUILD/pip-constraints.txt" PIP_DISABLE_PIP_VERSION_CHECK=1
    # python-ldap (auth_ldap only) is left out as in setup.sh
    "$PLAIN/bin/pip" install -q -r "$BUILD/odoo-requirements.txt"
    for line in "${PIP_LINES[@]}"; do
        eval "\"$PLAIN/bin/\"$line -q"
    done
    echo "$want" > "$PLAIN/.stamp"
fi
echo "$ODOO_SRC" > "$(ls -d "$PLAIN"/lib/python3*/site-packages | head -1)/odoo-src.pth"
if "$PLAIN/bin/python" -c "import packaging" 2>/dev/null; then
    # then the check could not see the error it is here for
    echo "install check: packaging is importable in $PLAIN; a requirement pulls it in" >&2
    exit 1
fi

DB="partner_segment_install_$$"
LOG="$BUILD/install-check.log"
ensure_template "$TMPL" nodemo
copy_template "$TMPL" "$DB"
trap 'drop_db "$DB"' EXIT
echo "== installing partner_segment into $DB with $PLAIN"
"$PLAIN/bin/python" "$ODOO_SCRIPT" -c "$CONF" -d "$DB" -i partner_segment \
    --stop-after-init --no-http --log-level=warn >"$LOG" 2>&1 || true
state="$(psql -d "$DB" -tAc "select state from ir_module_module where name = 'partner_segment'")"
if [ "$state" != "installed" ] || grep -q " ERROR \| CRITICAL " "$LOG"; then
    grep " ERROR \| CRITICAL \|WARNING" "$LOG" | head -20 >&2 || true
    echo "install check: partner_segment did not install (state: ${state:-none}); log in $LOG" >&2
    exit 1
fi
if grep -q "WARNING.*partner_segment" "$LOG"; then
    grep "WARNING.*partner_segment" "$LOG" >&2
    echo "install check: the install logged warnings from partner_segment" >&2
    exit 1
fi
echo "install check: partner_segment installed in a plain Odoo 18 virtualenv"
