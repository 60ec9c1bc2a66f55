#!/bin/bash
# One-shot database setup of the Compose service `migrate` and the Kubernetes Job. It creates
# the database, the roles and the schemas (deploy/db/bootstrap.sh), then brings each schema to
# the newest revision with Alembic. Alembic connects as the schema's own role, so the tables
# belong to that role.
#
# Environment:
#   PGHOST, PGPORT, PGUSER, PGPASSWORD[_FILE]  administrator connection (libpq variables)
#   KRONOS_DB_NAME                             database [kronos]
#   KRONOS_SCHEMAS                             schemas to set up, space-separated
#                                              [auth leave expense]
#   KRONOS_DB_PASSWORD_<SCHEMA>[_FILE]         password of role kronos_<schema>
#   KRONOS_HOME                                folder with alembic.ini, migrations/ and
#                                              deploy/db/ [/opt/kronos, as in the image]
#
# Running it again is safe: bootstrap.sh only resets the role passwords, and Alembic skips the
# revisions a schema already has.
set -euo pipefail

kronos_home="${KRONOS_HOME:-/opt/kronos}"
bootstrap="$kronos_home/deploy/db/bootstrap.sh"
alembic_config="$kronos_home/alembic.ini"

die() {
    printf 'migrate: error: %s\n' "$*" >&2
    exit 1
}

# Read NAME, or the file named by NAME_FILE, as Docker and Kubernetes secrets provide it.
secret_value() {
    local name="$1" file_name="${1}_FILE"
    if [[ -n "${!name:-}" ]]; then
        printf '%s' "${!name}"
    elif [[ -n "${!file_name:-}" ]]; then
        [[ -r "${!file_name}" ]] || die "$file_name names '${!file_name}', which is not a readable file"
        local value
        value="$(cat "${!file_name}")"
        printf '%s' "$value"
    else
        die "$name is not set; set $name or $file_name"
    fi
}

read -r -a schemas <<<"${KRONOS_SCHEMAS:-auth leave expense}"
((${#schemas[@]} > 0)) || die "KRONOS_SCHEMAS is empty; name at least one schema"
db_name="${KRONOS_DB_NAME:-kronos}"
: "${PGHOST:?PGHOST is not set; name the PostgreSQL server}"
pg_port="${PGPORT:-5432}"

if [[ -z "${PGPASSWORD:-}" && -n "${PGPASSWORD_FILE:-}" ]]; then
    PGPASSWORD="$(secret_value PGPASSWORD)"
    export PGPASSWORD
fi

bash "$bootstrap" "${schemas[@]}"

for schema in "${schemas[@]}"; do
    upper="$(printf '%s' "$schema" | tr '[:lower:]' '[:upper:]')"
    password="$(secret_value "KRONOS_DB_PASSWORD_$upper")"

    # The URL carries no password, so it needs no URL encoding: psycopg2 hands the connection to
    # libpq, which takes the password from PGPASSWORD.
    printf 'migrate: upgrading schema %s\n' "$schema"
    PGPASSWORD="$password" \
        DATABASE_URL="postgresql://kronos_${schema}@${PGHOST}:${pg_port}/${db_name}" \
        DATABASE_URL_FILE="" \
        DATABASE_SCHEMA="$schema" \
        alembic -c "$alembic_config" upgrade head
done

printf 'migrate: schemas %s are at their newest revision\n' "${schemas[*]}"
