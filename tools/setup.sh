#!/usr/bin/env bash
# Idempotent set-up for `make run` and `make test` on a new machine:
# Debian packages, the Odoo 18.0 source, a virtualenv with Odoo's requirements and
# ours, PostgreSQL (the running server or a private cluster), the addons path and
# an Odoo configuration file under .build/. Re-running it only does what is missing.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
build="$here/.build"
venv="$here/.venv"
mkdir -p "$build/addons"

say() { printf '==> %s\n' "$*"; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "need root for: $*" >&2; return 1; fi
}

# --- Debian packages: headers psycopg2 and python-ldap build against, Chromium for
# the browser tests.
missing=()
for pkg in libpq-dev libldap2-dev libsasl2-dev chromium; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Odoo 18.0 source: $ODOO_SRC, else ~/.cache/odoo/18.0, else a shallow clone.
odoo_src="${ODOO_SRC:-$HOME/.cache/odoo/18.0}"
if [ ! -f "$odoo_src/odoo-bin" ]; then
    say "no Odoo source in $odoo_src: cloning the 18.0 branch"
    mkdir -p "$(dirname "$odoo_src")"
    git clone --depth 1 --branch 18.0 https://github.com/odoo/odoo.git "$odoo_src"
fi
odoo_src=$(cd "$odoo_src" && pwd)

# --- virtualenv
if [ ! -x "$venv/bin/python" ]; then
    say "creating $venv"
    python3 -m venv "$venv"
fi
py="$venv/bin/python"
python3 tools/odoo_requirements.py "$odoo_src/requirements.txt" "$build/odoo-requirements.txt"
stamp="$build/requirements.stamp"
# The OCA addons, from PyPI wheels into site-packages/odoo/addons.
oca_addons=("odoo-addon-subscription-oca==18.0.*" "odoo-addon-queue_job==18.0.*")
want=$( (cat "$build/odoo-requirements.txt" requirements.txt test-requirements.txt; echo "${oca_addons[*]}") | sha1sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "installing Python requirements"
    "$py" -m pip install -q --upgrade pip wheel "setuptools<81"
    "$py" -m pip install -q -r "$build/odoo-requirements.txt"
    "$py" -m pip install -q -r requirements.txt -r test-requirements.txt
    # The OCA wheels declare a dependency on an `odoo` distribution, which does not
    # exist on PyPI: Odoo comes from the source tree, so install them without deps.
    "$py" -m pip install -q --no-deps "${oca_addons[@]}"
    echo "$want" >"$stamp"
fi
site=$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
# Odoo on sys.path through a .pth file, not `pip install -e`: the OCA wheel makes
# site-packages/odoo/addons a namespace package that would hide an editable Odoo.
echo "$odoo_src" >"$site/odoo_src.pth"

# --- PostgreSQL: the server on 127.0.0.1:5432 if one runs, else a private cluster.
db_host=127.0.0.1
db_port=5432
db_user="${PGUSER_ODOO:-odoo}"
if pg_isready -q -h "$db_host" -p "$db_port" 2>/dev/null; then
    if ! psql -h "$db_host" -p "$db_port" -U "$db_user" -d postgres -tAc 'select 1' >/dev/null 2>&1; then
        say "creating PostgreSQL role $db_user"
        psql -h "$db_host" -p "$db_port" -U postgres -d postgres -qc \
            "CREATE ROLE \"$db_user\" LOGIN CREATEDB SUPERUSER" \
            || as_root su postgres -c "psql -qc 'CREATE ROLE \"$db_user\" LOGIN CREATEDB SUPERUSER'"
    fi
else
    pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
    [ -n "$pgbin" ] || { echo "no PostgreSQL server and no binaries: apt-get install postgresql" >&2; exit 1; }
    db_port=5433
    pgdata="$build/pgdata"
    runas=()
    if [ "$(id -u)" = 0 ]; then
        # initdb refuses to run as root: the private cluster belongs to `postgres`.
        id postgres >/dev/null 2>&1 || useradd --system postgres
        runas=(runuser -u postgres --)
        mkdir -p "$pgdata" "$build/pgsock" && chown postgres "$pgdata" "$build/pgsock"
        chmod o+x "$build" "$here"
    fi
    if [ ! -f "$pgdata/PG_VERSION" ]; then
        say "initialising a private PostgreSQL cluster in $pgdata"
        "${runas[@]}" "$pgbin/initdb" -q -A trust -U postgres -D "$pgdata"
    fi
    if ! pg_isready -q -h "$db_host" -p "$db_port"; then
        "${runas[@]}" "$pgbin/pg_ctl" -s -D "$pgdata" -l "$build/pg.log" \
            -o "-p $db_port -k $build/pgsock -c listen_addresses=$db_host" start -w
    fi
    psql -h "$db_host" -p "$db_port" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_roles WHERE rolname='$db_user'" | grep -q 1 \
        || psql -h "$db_host" -p "$db_port" -U postgres -d postgres -qc \
            "CREATE ROLE \"$db_user\" LOGIN CREATEDB SUPERUSER"
fi

# --- addons path: the repository is the addon, whatever its folder is called.
ln -sfn "$here" "$build/addons/crm_bulk_import"
cat >"$build/odoo.conf" <<CONF
[options]
addons_path = $odoo_src/odoo/addons,$site/odoo/addons,$build/addons
db_host = $db_host
db_port = $db_port
db_user = $db_user
db_password = False
data_dir = $build/data
http_interface = 127.0.0.1
log_level = info
; queue_job's runner starts with the server (it runs the background imports)
server_wide_modules = base,web,queue_job

[queue_job]
channels = root:2,root.crm_bulk_import:2
CONF
say "ready: $build/odoo.conf"
