#!/usr/bin/env bash
# ruff (check and format), translatable terms extractable, and pylint-odoo's
# mandatory checks.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
require_setup
cd "$ROOT"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
"$VENV/bin/python" scripts/check_i18n_extract.py
cd "$BUILD/addons"
"$VENV/bin/pylint" --rcfile="$ROOT/.pylintrc-mandatory" --ignore=scripts,bench partner_segment
echo "lint clean"
