#!/usr/bin/env bash
# Export i18n/crm_bulk_import.pot from a database where the module is installed.
#
# Odoo's exporter walks the module's folder following symlinks; this folder
# holds .venv and .build (whose addons link points back here), so the module
# is exported from a copy of its own files (tracked, or new and not ignored).
set -euo pipefail
ODOO_SRC=${ODOO_SRC:-$HOME/.cache/odoo/18.0}
db=${1:?usage: export_pot.sh DATABASE}
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/.build"
copy="$build/pot/addons/crm_bulk_import"
rm -rf "$build/pot" && mkdir -p "$copy"
# tests/addons holds modules of their own (a test import type): not this one's terms.
(cd "$root" && git ls-files -co --exclude-standard -z -- . ':!tests/addons' | xargs -0 cp --parents -t "$copy")
site=$("$root/.venv/bin/python" -c "import site; print(site.getsitepackages()[0])")
"$root/.venv/bin/python" "$ODOO_SRC/odoo-bin" -c "$build/odoo.conf" -d "$db" \
    --addons-path="$ODOO_SRC/odoo/addons,$site/odoo/addons,$build/pot/addons" \
    --i18n-export="$root/i18n/crm_bulk_import.pot" --modules=crm_bulk_import --stop-after-init --log-level=warn
echo "==> $(grep -c '^msgid' "$root/i18n/crm_bulk_import.pot") terms in i18n/crm_bulk_import.pot"
