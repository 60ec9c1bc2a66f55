#!/usr/bin/env bash
# Create the Kronos database, and for each service schema its login role and the schema itself.
# The same script runs in every mode: ./kronos up, the Compose one-shot service and the
# Kubernetes Job. Running it again changes nothing but the role passwords.
#
# Usage: bootstrap.sh [SCHEMA...]            (default: auth leave expense)
#
# Admin connection: the standard libpq variables PGHOST, PGPORT, PGUSER, PGPASSWORD (or
# PGPASSFILE, PGSSLMODE, ...). The admin needs CREATEDB and CREATEROLE, or is a superuser.
# KRONOS_DB_NAME           database to create (default kronos)
# KRONOS_DB_ADMIN_DATABASE database the admin connects to first (default postgres)
# KRONOS_DB_PASSWORD_<SCHEMA> or KRONOS_DB_PASSWORD_<SCHEMA>_FILE
#                          password of role kronos_<schema>, e.g. KRONOS_DB_PASSWORD_AUTH_FILE
# KRONOS_DB_WAIT_SECONDS   how long to wait for the server to accept connections (default 60)
# KRONOS_DB_EXTENSIONS     space-separated extensions to create in schema public (default
#                          btree_gist, for leave's exclusion constraint on uuid columns). The
#                          service roles cannot create extensions themselves.
#
# Each role owns its schema and nothing else: it may connect to the database, has no rights on
# the other schemas, and nobody may create objects in schema public.
set -euo pipefail

db_name="${KRONOS_DB_NAME:-kronos}"
admin_db="${KRONOS_DB_ADMIN_DATABASE:-postgres}"
wait_seconds="${KRONOS_DB_WAIT_SECONDS:-60}"
read -r -a extensions <<<"${KRONOS_DB_EXTENSIONS-btree_gist}"

die() {
    printf 'bootstrap: error: %s\n' "$*" >&2
    exit 1
}

if (($# == 0)); then
    set -- auth leave expense
fi

# Names become SQL identifiers and environment variable names, so only plain lower-case ones
# are accepted; PostgreSQL would truncate identifiers longer than 63 bytes.
identifier_pattern='^[a-z][a-z0-9_]{0,39}$'
[[ "$db_name" =~ $identifier_pattern ]] || die "invalid KRONOS_DB_NAME '$db_name': use lower-case letters, digits and _"
for extension in "${extensions[@]}"; do
    [[ "$extension" =~ $identifier_pattern ]] || die "invalid extension name '$extension' in KRONOS_DB_EXTENSIONS"
done
for schema in "$@"; do
    [[ "$schema" =~ $identifier_pattern ]] || die "invalid schema name '$schema': use lower-case letters, digits and _ (at most 40)"
    [[ "$schema" != public ]] || die "schema 'public' cannot belong to a service"
done

# Print the role password for a schema from KRONOS_DB_PASSWORD_<SCHEMA> or the file named by
# KRONOS_DB_PASSWORD_<SCHEMA>_FILE (its trailing newline removed).
role_password() {
    local upper var file_var
    upper="$(printf '%s' "$1" | tr '[:lower:]' '[:upper:]')"
    var="KRONOS_DB_PASSWORD_$upper"
    file_var="${var}_FILE"
    if [[ -n "${!var:-}" ]]; then
        printf '%s' "${!var}"
    elif [[ -n "${!file_var:-}" ]]; then
        [[ -r "${!file_var}" ]] || die "$file_var names '${!file_var}', which is not a readable file"
        local value
        value="$(cat "${!file_var}")"
        printf '%s' "$value"
    else
        die "no password for role kronos_$1: set $var or $file_var"
    fi
}

declare -A passwords=()
for schema in "$@"; do
    passwords[$schema]="$(role_password "$schema")"
    ((${#passwords[$schema]} >= 16)) || die "the password for role kronos_$schema is shorter than 16 characters"
done

# The server may still be starting, as in Compose or Kubernetes where this runs beside it.
deadline=$((SECONDS + wait_seconds))
until pg_isready -q -d "$admin_db" -t 2; do
    ((SECONDS < deadline)) || die "PostgreSQL at ${PGHOST:-local socket}:${PGPORT:-5432} did not accept connections within ${wait_seconds}s"
    sleep 1
done

# NOTICEs such as "already exists, skipping" are expected on every re-run.
psql_admin() {
    PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning" psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 "$@"
}

# CREATE DATABASE cannot run inside a DO block, so it is generated and run with \gexec.
psql_admin -d "$admin_db" -v db="$db_name" <<'SQL'
SELECT format('CREATE DATABASE %I', :'db')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
\connect :"db"
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL

for extension in "${extensions[@]}"; do
    psql_admin -d "$db_name" -v extension="$extension" <<'SQL'
CREATE EXTENSION IF NOT EXISTS :"extension" WITH SCHEMA public;
SQL
done

for schema in "$@"; do
    role="kronos_$schema"

    # The password reaches psql through its environment (\getenv), never its command line,
    # which other users could read in the process list.
    KRONOS_BOOTSTRAP_ROLE_PASSWORD="${passwords[$schema]}" \
        psql_admin -d "$db_name" -v role="$role" -v schema="$schema" -v db="$db_name" <<'SQL'
\getenv role_password KRONOS_BOOTSTRAP_ROLE_PASSWORD
SELECT format('CREATE ROLE %I LOGIN', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'role_password';
\unset role_password

-- A non-superuser admin (a managed database) must be a member of a role to give it a schema.
SELECT format('GRANT %I TO CURRENT_USER', :'role')
 WHERE NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
   AND NOT pg_has_role(current_user, :'role', 'MEMBER') \gexec

CREATE SCHEMA IF NOT EXISTS :"schema" AUTHORIZATION :"role";
ALTER SCHEMA :"schema" OWNER TO :"role";
REVOKE ALL ON SCHEMA :"schema" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"role";
ALTER ROLE :"role" IN DATABASE :"db" SET search_path = :"schema";
SQL
    printf 'bootstrap: role %s owns schema %s in database %s\n' "$role" "$schema" "$db_name"
done
