# shellcheck shell=bash
# Shared settings and helpers of the `kronos` command: messages, state paths, ports and secrets.
# Sourced by ./kronos after it has set KRONOS_REPO.

# deploy/services.list names every service and its default port ("name port" lines).
KRONOS_SERVICES_LIST="$KRONOS_REPO/deploy/services.list"
KRONOS_SCHEMAS=()
declare -A KRONOS_DEFAULT_PORTS=()
read_services_list() {
    local name port rest
    [[ -f "$KRONOS_SERVICES_LIST" ]] || {
        printf 'kronos: error: %s not found; it lists the services\n' "$KRONOS_SERVICES_LIST" >&2
        exit 1
    }
    while read -r name port rest; do
        [[ -z "$name" || "$name" == \#* ]] && continue
        if ! [[ "$name" =~ ^[a-z][a-z0-9]{0,29}$ && "$port" =~ ^[0-9]+$ && -z "$rest" ]]; then
            printf 'kronos: error: invalid line "%s %s %s" in %s: expected "name port"\n' "$name" "$port" "$rest" "$KRONOS_SERVICES_LIST" >&2
            exit 1
        fi
        KRONOS_SCHEMAS+=("$name")
        KRONOS_DEFAULT_PORTS[$name]="$port"
    done <"$KRONOS_SERVICES_LIST"
}
read_services_list

# Print the name of the shell variable that contains SERVICE's port (AUTH_PORT for auth).
service_port_variable() {
    printf '%s_PORT' "$(printf '%s' "$1" | tr '[:lower:]' '[:upper:]')"
}
PG_BIN=/usr/lib/postgresql/15/bin

# The cluster runs as this system user when the stack runs as root, because PostgreSQL refuses
# to start as root. The postgresql-15 package creates it.
PG_SYSTEM_USER=postgres

# Parent of the PostgreSQL folders of root-run stacks: a checkout under /root is closed to the
# postgres user, so its cluster lives here, one folder per state dir, linked from the state.
PG_SHARED_PARENT=/var/lib/kronos

info() { printf 'kronos: %s\n' "$*"; }
warn() { printf 'kronos: warning: %s\n' "$*" >&2; }
die() {
    printf 'kronos: error: %s\n' "$*" >&2
    exit 1
}

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# Set STATE and the paths derived from it. KRONOS_STATE_DIR selects another stack (the test
# command uses its own); relative values are taken from the current directory.
init_state_paths() {
    local dir="${KRONOS_STATE_DIR:-$KRONOS_REPO/.kronos}"
    [[ "$dir" == /* ]] || dir="$PWD/$dir"
    mkdir -p "$dir"
    STATE="$(cd "$dir" && pwd -P)"
    STATE_HASH="$(printf '%s' "$STATE" | sha256sum | cut -c1-16)"

    STACK_ENV="$STATE/stack.env"
    SECRETS="$STATE/secrets"
    LOGS="$STATE/logs"
    # As root the cluster belongs to the postgres user, which may not be able to pass through
    # the state folder (mode 0700, perhaps under /root). Its files are therefore always
    # addressed by their real path, and $STATE/pg is only a link for people.
    PG_LINK="$STATE/pg"
    if is_root; then
        PG_DIR="$PG_SHARED_PARENT/$STATE_HASH"
    else
        PG_DIR="$PG_LINK"
    fi
    PG_DATA="$PG_DIR/data"
    PG_RUN="$PG_DIR/run"
    REDIS_DIR="$STATE/redis"
    ENV_DIR="$STATE/env"
    ADMIN_PASSWORD_FILE="$STATE/admin-password"
    SUPERVISOR_CONF="$STATE/supervisord.conf"
    SUPERVISOR_PID="$STATE/supervisord.pid"

    # A unix socket path is limited to 107 bytes, so a deep checkout gets its supervisor socket
    # in a short folder of its own under /tmp.
    if ((${#STATE} + 20 < 100)); then
        SUPERVISOR_SOCK="$STATE/supervisor.sock"
    else
        SUPERVISOR_SOCK="/tmp/kronos-$STATE_HASH/supervisor.sock"
    fi
}

# Load the ports and addresses of this state from stack.env. With `override` (only `up` passes
# it), KRONOS_* environment variables take precedence. The other commands use what is running.
load_stack_settings() {
    local override="${1:-}"
    local recorded_http="" recorded_https="" recorded_pg="" recorded_redis="" recorded_bind="" recorded_email=""
    if [[ -f "$STACK_ENV" ]]; then
        recorded_http="$(read_setting KRONOS_HTTP_PORT)"
        recorded_https="$(read_setting KRONOS_HTTPS_PORT)"
        recorded_pg="$(read_setting KRONOS_PG_PORT)"
        recorded_redis="$(read_setting KRONOS_REDIS_PORT)"
        recorded_bind="$(read_setting KRONOS_BIND)"
        recorded_email="$(read_setting KRONOS_ADMIN_EMAIL)"
    fi

    if [[ -n "$override" ]]; then
        HTTP_PORT="${KRONOS_HTTP_PORT:-${recorded_http:-8080}}"
        HTTPS_PORT="${KRONOS_HTTPS_PORT:-${recorded_https:-8443}}"
        PG_PORT="${KRONOS_PG_PORT:-${recorded_pg:-15432}}"
        REDIS_PORT="${KRONOS_REDIS_PORT:-${recorded_redis:-16379}}"
        BIND="${KRONOS_BIND:-${recorded_bind:-127.0.0.1}}"
    else
        HTTP_PORT="${recorded_http:-8080}"
        HTTPS_PORT="${recorded_https:-8443}"
        PG_PORT="${recorded_pg:-15432}"
        REDIS_PORT="${recorded_redis:-16379}"
        BIND="${recorded_bind:-127.0.0.1}"
    fi

    # Each service's port: KRONOS_<NAME>_PORT (up only), then stack.env, then deploy/services.list.
    local svc port_var recorded environment_value
    SERVICE_PORT_VARIABLES=()
    for svc in "${KRONOS_SCHEMAS[@]}"; do
        port_var="$(service_port_variable "$svc")"
        recorded=""
        [[ -f "$STACK_ENV" ]] && recorded="$(read_setting "KRONOS_$port_var")"
        environment_value=""
        if [[ -n "$override" ]]; then
            local environment_name="KRONOS_$port_var"
            environment_value="${!environment_name:-}"
        fi
        printf -v "$port_var" '%s' "${environment_value:-${recorded:-${KRONOS_DEFAULT_PORTS[$svc]}}}"
        SERVICE_PORT_VARIABLES+=("$port_var")
    done

    # The admin address is fixed when the state is created: auth only creates an admin while
    # none exists, so a later change would have no effect.
    ADMIN_EMAIL="${recorded_email:-${KRONOS_ADMIN_EMAIL:-admin@kronos.local}}"

    local name value
    for name in HTTP_PORT HTTPS_PORT "${SERVICE_PORT_VARIABLES[@]}" PG_PORT REDIS_PORT; do
        value="${!name}"
        if ! [[ "$value" =~ ^[0-9]+$ ]] || ((value < 1 || value > 65535)); then
            die "invalid KRONOS_$name '$value': expected a TCP port number from 1 to 65535"
        fi
    done
    [[ "$BIND" =~ ^[0-9a-fA-F.:]+$ ]] || die "invalid KRONOS_BIND '$BIND': expected an IP address such as 127.0.0.1"
    [[ "$ADMIN_EMAIL" =~ ^[^[:space:]@]+@[^[:space:]@]+$ ]] || die "invalid KRONOS_ADMIN_EMAIL '$ADMIN_EMAIL'"

    # Health checks and printed URLs need an address a client can reach.
    case "$BIND" in
        0.0.0.0) CLIENT_HOST=127.0.0.1 ;;
        ::) CLIENT_HOST="[::1]" ;;
        *:*) CLIENT_HOST="[$BIND]" ;;
        *) CLIENT_HOST="$BIND" ;;
    esac
    BASE_URL="http://$CLIENT_HOST:$HTTP_PORT"
    HTTPS_URL="https://$CLIENT_HOST:$HTTPS_PORT"
}

# Print the value of NAME from stack.env (KEY=VALUE lines, no quoting).
read_setting() {
    local name="$1"
    sed -n "s/^$name=//p" "$STACK_ENV" | tail -n 1
}

service_port() {
    [[ -n "${KRONOS_DEFAULT_PORTS[$1]:-}" ]] || die "unknown service '$1'; deploy/services.list names the services"
    local port_var
    port_var="$(service_port_variable "$1")"
    printf '%s' "${!port_var}"
}

# Write a secret file readable by its owner only. The value comes on stdin so it never appears
# in a process list.
write_private_file() {
    local path="$1"
    (
        umask 077
        cat >"$path.tmp"
    )
    mv -f "$path.tmp" "$path"
}

# Print a random URL-safe string of 4*n/3 characters from n random bytes.
random_token() {
    local bytes="${1:-24}"
    openssl rand -base64 "$bytes" | tr -d '\n=' | tr '+/' '-_'
}

# Print the HTTP status of a GET, or 000 when no server responded. Proxy variables from the
# caller's environment must not divert traffic meant for the stack's own gateway.
http_status() {
    curl --noproxy '*' -sk -o /dev/null -w '%{http_code}' --max-time 5 "$1" 2>/dev/null || true
}
