#!/usr/bin/env bash
# One-command, idempotent set-up for developing and testing partner_segment.
# Installs system packages, finds or clones the Odoo 18.0 source, builds .venv,
# links the checkout as an addon named partner_segment and writes odoo.conf.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_SRC="${ODOO_SRC:-$HOME/.cache/odoo/18.0}"
BUILD="$ROOT/.build"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3}"

log() { printf '\n== %s\n' "$*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "setup: run as root or install sudo" >&2; exit 1
    fi
fi

# ---------------------------------------------------------------- system
need_pkgs=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for p in build-essential python3-dev python3-venv libpq-dev libxml2-dev libxslt1-dev \
         libldap2-dev libsasl2-dev libjpeg-dev zlib1g-dev git \
         wkhtmltopdf poppler-utils fonts-noto-cjk fonts-wqy-microhei chromium postgresql-client; do
    have_pkg "$p" || need_pkgs+=("$p")
done
pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || pg_isready -q 2>/dev/null; }
if ! command -v pg_isready >/dev/null 2>&1 || ! pg_up; then
    have_pkg postgresql || need_pkgs+=(postgresql)
fi
if [ ${#need_pkgs[@]} -gt 0 ]; then
    log "installing system packages: ${need_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}"
fi

# ---------------------------------------------------------------- postgresql
if ! pg_up; then
    log "starting PostgreSQL"
    for ver in $(ls /etc/postgresql 2>/dev/null); do
        $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>/dev/null \
            || $SUDO pg_ctlcluster "$ver" main start || true
    done
    for _ in $(seq 1 30); do pg_up && break; sleep 1; done
    pg_up || { echo "setup: PostgreSQL does not answer on 127.0.0.1:5432" >&2; exit 1; }
fi
DBUSER="$(id -un)"
if ! psql -h 127.0.0.1 -U "$DBUSER" -d postgres -tAc 'select 1' >/dev/null 2>&1; then
    log "creating PostgreSQL role $DBUSER"
    if [ "$(id -u)" -eq 0 ]; then runpg() { su postgres -c "$*"; }; else runpg() { sudo -u postgres sh -c "$*"; }; fi
    runpg "psql -tAc \"select 1 from pg_roles where rolname='$DBUSER'\"" | grep -q 1 \
        || runpg "createuser --superuser '$DBUSER'"
    runpg "psql -tAc \"alter role \\\"$DBUSER\\\" with password '$DBUSER'\"" >/dev/null
fi
DBHOST=127.0.0.1
DBPASS=""
psql -h 127.0.0.1 -U "$DBUSER" -d postgres -tAc 'select 1' >/dev/null 2>&1 || DBPASS="$DBUSER"

# ---------------------------------------------------------------- odoo source
if [ ! -f "$ODOO_SRC/odoo/release.py" ]; then
    log "no Odoo source at $ODOO_SRC: cloning odoo/odoo 18.0 (shallow)"
    mkdir -p "$(dirname "$ODOO_SRC")"
    if ! git clone --depth 1 --branch 18.0 https://github.com/odoo/odoo.git "$ODOO_SRC"; then
        cat >&2 <<MSG

setup: could not obtain the Odoo 18.0 source.
Provide it yourself and run 'make setup' again, either
  - put an Odoo 18.0 Community tree at $ODOO_SRC (so that $ODOO_SRC/odoo/release.py exists), or
  - set ODOO_SRC to such a tree: ODOO_SRC=/path/to/odoo-18.0 make setup
MSG
        exit 1
    fi
fi
grep -q "version_info = (18, 0" "$ODOO_SRC/odoo/release.py" \
    || { echo "setup: $ODOO_SRC is not Odoo 18.0" >&2; exit 1; }

# ---------------------------------------------------------------- virtualenv
if [ ! -x "$VENV/bin/python" ]; then
    log "creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
mkdir -p "$BUILD"
# setuptools: Odoo's gevent process (the bus, websockets) loads gevent's plugins
# through pkg_resources, which must find gevent's requirements zope.interface
# and zope.event; their current releases name their metadata the normalised way
# (zope_interface-*.dist-info), which pkg_resources reads from setuptools 77 on
# (with 65-75 the gevent process dies at start: "The 'zope.interface'
# distribution was not found"). Below 80: from 80.9 importing pkg_resources
# warns with a UserWarning that Odoo does not silence; 81 removes it.
SETUPTOOLS='setuptools>=77,<80'
printf '%s\n' "$SETUPTOOLS" > "$BUILD/pip-constraints.txt"
grep -v '^python-ldap' "$ODOO_SRC/requirements.txt" > "$BUILD/odoo-requirements.txt"
stamp="$BUILD/.requirements.stamp"
want="$(cat "$BUILD/pip-constraints.txt" "$BUILD/odoo-requirements.txt" "$ROOT/requirements-dev.txt" | sha1sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    log "installing Python requirements into $VENV"
    export PIP_CONSTRAINT="$BUILD/pip-constraints.txt"
    "$VENV/bin/pip" install -q --disable-pip-version-check "$SETUPTOOLS" wheel
    "$VENV/bin/pip" install -q --disable-pip-version-check -r "$BUILD/odoo-requirements.txt"
    "$VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/requirements-dev.txt"
    # what Odoo's gevent process does first: resolve gevent's requirements
    "$VENV/bin/python" -W ignore -c "import pkg_resources; pkg_resources.require('gevent')" || {
        echo "setup: gevent's requirements are not found by pkg_resources: the bus" \
            "(gevent process) would not start" >&2; exit 1; }
    echo "$want" > "$stamp"
fi
# OCA queue_job, optional at run time (the addon does not depend on it), for
# the tests of the jobs and the cluster bench.  --no-deps: it pins odoo==18.0.*,
# which the source checkout does not provide as a distribution.  18.0.1.4.2 is
# the newest that runs on the December 2024 snapshot (18.0.1.7+ needs
# odoo.api.private); one venv serves both sources, so both use it.
QUEUE_JOB_PIN="${QUEUE_JOB_PIN:-odoo-addon-queue-job==18.0.1.4.2}"
if [ "$("$VENV/bin/pip" show odoo-addon-queue-job 2>/dev/null | sed -n 's/^Version: //p')" != "${QUEUE_JOB_PIN##*==}" ]; then
    log "installing $QUEUE_JOB_PIN into $VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps "$QUEUE_JOB_PIN"
fi
if [ ! -f "$VENV/lib/python3.11/site-packages/odoo.pth" ] && [ ! -f "$(ls -d "$VENV"/lib/python3*/site-packages | head -1)/odoo-src.pth" ]; then
    echo "$ODOO_SRC" > "$(ls -d "$VENV"/lib/python3*/site-packages | head -1)/odoo-src.pth"
fi
echo "$ODOO_SRC" > "$(ls -d "$VENV"/lib/python3*/site-packages | head -1)/odoo-src.pth"

# ---------------------------------------------------------------- addons path + config
DATA_DIR="${ODOO_DATA_DIR:-$HOME/.local/share/partner_segment}"
mkdir -p "$BUILD/addons" "$DATA_DIR"
source "$ROOT/scripts/common.sh"
link_addon
# a git checkout has addons/ at the top; Odoo's source distribution (sdist,
# nightly tarball) keeps them all under odoo/addons
ADDONS_PATH="$ODOO_SRC/odoo/addons"
[ -d "$ODOO_SRC/addons" ] && ADDONS_PATH="$ADDONS_PATH,$ODOO_SRC/addons"
ADDONS_PATH="$ADDONS_PATH,$BUILD/addons"
cat > "$BUILD/odoo.conf" <<CONF
[options]
addons_path = $ADDONS_PATH
data_dir = $DATA_DIR
db_host = $DBHOST
db_port = 5432
db_user = $DBUSER
db_password = ${DBPASS:-False}
admin_passwd = admin
http_port = 8069
without_demo = False
list_db = True
CONF
ln -sfn "$BUILD/odoo.conf" "$ROOT/odoo.conf"
log "setup done: Odoo $ODOO_SRC, venv $VENV, config $BUILD/odoo.conf"
