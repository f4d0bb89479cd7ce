# Shared settings for the scripts; sourced, not run.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/.build"
VENV="$ROOT/.venv"
CONF="$BUILD/odoo.conf"
# Outside the checkout, so that a template database and its filestore live
# together for every clone (CI clones afresh on the same machine).
DATA_DIR="${ODOO_DATA_DIR:-$HOME/.local/share/partner_segment}"
ODOO_SRC="${ODOO_SRC:-$HOME/.cache/odoo/18.0}"
# One template database per Odoo source, so that runs against two sources
# (CI tests the oldest and the newest 18.0 it has) do not rebuild each other's.
TMPL="partner_segment_tmpl_$(printf '%s' "$ODOO_SRC" | sha1sum | cut -c1-8)"
# odoo-bin in a git checkout; setup/odoo in Odoo's source distribution
ODOO_SCRIPT="$ODOO_SRC/odoo-bin"
[ -f "$ODOO_SCRIPT" ] || ODOO_SCRIPT="$ODOO_SRC/setup/odoo"
ODOO_PY=("$VENV/bin/python" "$ODOO_SCRIPT")
ODOO_BIN=("${ODOO_PY[@]}" -c "$CONF")
export PGHOST=127.0.0.1 PGPORT=5432 PGUSER="$(id -un)"
if ! psql -d postgres -tAc 'select 1' >/dev/null 2>&1; then export PGPASSWORD="$PGUSER"; fi

# The addons path sees the checkout as "partner_segment" through a folder of
# links to its entries: linking the checkout itself would expose .venv and
# .build to Odoo, whose translation export walks addons following links.
link_addon() {
    local dir="$BUILD/addons/partner_segment" entry
    rm -rf "$dir"
    mkdir -p "$dir"
    for entry in "$ROOT"/* "$ROOT"/.ci; do
        case "$(basename "$entry")" in .venv|.build|.git|odoo.conf) continue ;; esac
        # -n: replace a link another run made meanwhile, never write into its target
        ln -sfn "$entry" "$dir/$(basename "$entry")"
    done
}

# Every command does the set-up it needs: setup.sh is idempotent and takes
# about a second once done, so a fresh clone needs no 'make setup' first.
require_setup() {
    local log
    log="$(mktemp)"
    bash "$ROOT/scripts/setup.sh" >"$log" 2>&1 || {
        cat "$log" >&2; rm -f "$log"; echo "set-up failed (see above)" >&2; exit 1; }
    rm -f "$log"
    link_addon
}

db_exists() { [ "$(psql -d postgres -tAc "select 1 from pg_database where datname='$1'")" = "1" ]; }

drop_db() {
    dropdb --if-exists --force "$1" >/dev/null 2>&1 || dropdb --if-exists "$1"
    rm -rf "$DATA_DIR/filestore/$1"
}

# A database with Odoo's dependencies of the addon installed, without demo data,
# that test runs copy (installing account takes more than a minute).
ensure_template() {
    local tmpl="$1" demo="$2" key
    mkdir -p "$DATA_DIR"
    # one builder at a time: parallel runs wait, then find it built
    exec 9>"$DATA_DIR/$tmpl.lock"
    flock 9
    key="$( { echo "$ODOO_SRC"; cat "$ODOO_SRC/odoo/release.py"; python3 -c "import ast,sys; print(ast.literal_eval(open(sys.argv[1]).read())['depends'])" "$ROOT/__manifest__.py"; } | sha1sum | cut -c1-12)-$demo"
    if db_exists "$tmpl" && [ -d "$DATA_DIR/filestore/$tmpl" ] && [ "$(psql -d postgres -tAc "select shobj_description(oid, 'pg_database') from pg_database where datname='$tmpl'")" = "$key" ]; then
        flock -u 9; return 0
    fi
    drop_db "$tmpl"
    echo "== building template database $tmpl (account, contacts, mail; once)"
    local demo_opt=(--without-demo=all)
    [ "$demo" = "demo" ] && demo_opt=()
    "${ODOO_BIN[@]}" -d "$tmpl" -i account,contacts,mail "${demo_opt[@]}" \
        --stop-after-init --log-level=warn --no-http >"$BUILD/template.log" 2>&1 || {
        flock -u 9; tail -50 "$BUILD/template.log"; echo "template build failed" >&2; return 1; }
    psql -d postgres -qc "COMMENT ON DATABASE \"$tmpl\" IS '$key'"
    flock -u 9
}

copy_template() {
    local tmpl="$1" db="$2"
    drop_db "$db"
    createdb -T "$tmpl" "$db"
    if [ -d "$DATA_DIR/filestore/$tmpl" ]; then
        mkdir -p "$DATA_DIR/filestore"
        cp -r "$DATA_DIR/filestore/$tmpl" "$DATA_DIR/filestore/$db"
    fi
}

# The folder of OCA queue_job when the venv has it (site-packages/odoo/addons),
# else nothing.
queue_job_dir() {
    local dir
    dir="$(ls -d "$VENV"/lib/python3*/site-packages/odoo/addons/queue_job 2>/dev/null | head -1)"
    [ -f "$dir/__manifest__.py" ] && echo "$dir"
    return 0
}
