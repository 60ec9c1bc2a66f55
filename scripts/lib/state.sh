# shellcheck shell=bash
# The state folder: secrets and keys (created once), the PostgreSQL cluster (initialised once)
# and the configuration files of Redis, the services and supervisord (written on every `up`).

# Supervisor reads its configuration with %-interpolation and splits commands like a shell, so
# the paths written into it must not contain characters with a meaning there.
check_paths_usable() {
    local path
    for path in "$STATE" "$KRONOS_REPO" "$BUILD_DIR"; do
        if [[ "$path" == *[\"\\%\$\`]* || "$path" == *$'\n'* ]]; then
            die "path '$path' contains one of \" \\ % \$ \` or a newline, which the supervisor configuration cannot carry; use another folder (KRONOS_STATE_DIR, KRONOS_BUILD_DIR)"
        fi
    done
}

record_stack_settings() {
    write_private_file "$STACK_ENV" <<EOT
KRONOS_HTTP_PORT=$HTTP_PORT
KRONOS_HTTPS_PORT=$HTTPS_PORT
$(for port_var in "${SERVICE_PORT_VARIABLES[@]}"; do printf 'KRONOS_%s=%s\n' "$port_var" "${!port_var}"; done)
KRONOS_PG_PORT=$PG_PORT
KRONOS_REDIS_PORT=$REDIS_PORT
KRONOS_BIND=$BIND
KRONOS_ADMIN_EMAIL=$ADMIN_EMAIL
EOT
}

# Create a secret file once; later runs keep the value so the data stays usable.
ensure_secret() {
    local path="$1" bytes="${2:-24}"
    [[ -s "$path" ]] && return 0
    random_token "$bytes" | write_private_file "$path"
}

# Write AUTH_SIGNING_KEY ("KID:SEED") and AUTH_PUBLIC_KEYS ("KID:PUBLIC") once, both as base64url
# of the raw 32-byte Ed25519 values, cut from the end of openssl's DER encodings.
ensure_signing_key() {
    local key_file="$SECRETS/auth-signing-key" public_file="$SECRETS/auth-public-keys"
    [[ -s "$key_file" && -s "$public_file" ]] && return 0

    local work
    work="$(mktemp -d)"
    chmod 0700 "$work"
    openssl genpkey -algorithm ed25519 -out "$work/key.pem" 2>/dev/null || {
        rm -rf "$work"
        die "openssl could not generate an Ed25519 key (openssl genpkey -algorithm ed25519)"
    }

    local kid seed public
    kid="k$(date -u +%Y%m%d)$(openssl rand -hex 3)"
    seed="$(openssl pkey -in "$work/key.pem" -outform DER | tail -c 32 | base64 | tr -d '\n=' | tr '+/' '-_')"
    public="$(openssl pkey -in "$work/key.pem" -pubout -outform DER | tail -c 32 | base64 | tr -d '\n=' | tr '+/' '-_')"
    rm -rf "$work"
    ((${#seed} == 43 && ${#public} == 43)) || die "unexpected Ed25519 key encoding from openssl"

    printf '%s:%s\n' "$kid" "$seed" | write_private_file "$key_file"
    printf '%s:%s\n' "$kid" "$public" | write_private_file "$public_file"
}

# Create the PostgreSQL folder. As root it lives under $PG_SHARED_PARENT, owned by the postgres
# user, and $STATE/pg links to it; otherwise it is a plain folder in the state.
ensure_pg_dir() {
    if is_root; then
        id -u "$PG_SYSTEM_USER" >/dev/null 2>&1 ||
            die "system user '$PG_SYSTEM_USER' not found; it comes with the postgresql-15 package"
        mkdir -p "$PG_SHARED_PARENT"
        chmod 0755 "$PG_SHARED_PARENT"
        mkdir -p "$PG_RUN"
        chown "$PG_SYSTEM_USER:" "$PG_DIR" "$PG_RUN"
        chmod 0700 "$PG_DIR"
        if [[ ! -L "$PG_LINK" ]]; then
            [[ -e "$PG_LINK" ]] && die "$PG_LINK exists but is not a link to $PG_DIR; it was made by a non-root run of this state. Use './kronos reset' or another KRONOS_STATE_DIR"
            ln -s "$PG_DIR" "$PG_LINK"
        fi
    else
        [[ -L "$PG_LINK" ]] && die "$PG_LINK links to a cluster made by a root run of this state; run as root, or './kronos reset' as root first"
        mkdir -p "$PG_RUN"
        chmod 0700 "$PG_DIR"
    fi
}

# Run a command as the user that owns the cluster.
as_pg_owner() {
    if is_root; then
        runuser -u "$PG_SYSTEM_USER" -- "$@"
    else
        "$@"
    fi
}

ensure_pg_cluster() {
    [[ -f "$PG_DATA/PG_VERSION" ]] && return 0
    info "creating the PostgreSQL cluster in $PG_DATA"

    # initdb reads the superuser password from a file that the cluster's owner can read. It
    # lives inside the owner's closed folder for the few seconds that initdb runs.
    local pwfile="$PG_DIR/.initdb-password"
    rm -f "$pwfile"
    (
        umask 077
        cat "$SECRETS/pg-superuser-password" >"$pwfile"
    )
    is_root && chown "$PG_SYSTEM_USER:" "$pwfile"

    local status=0
    as_pg_owner "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --pwfile="$pwfile" \
        --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-instructions >"$LOGS/initdb.log" 2>&1 || status=$?
    rm -f "$pwfile"
    if ((status != 0)); then
        rm -rf "$PG_DATA"
        die "initdb failed (exit $status); its output is in $LOGS/initdb.log"
    fi
}

ensure_state() {
    mkdir -p "$STATE" "$SECRETS" "$LOGS" "$ENV_DIR" "$REDIS_DIR/data"
    chmod 0700 "$STATE" "$SECRETS" "$ENV_DIR" "$REDIS_DIR"
    if [[ "$SUPERVISOR_SOCK" != "$STATE/"* ]]; then
        mkdir -p "$(dirname "$SUPERVISOR_SOCK")"
        chmod 0700 "$(dirname "$SUPERVISOR_SOCK")"
    fi
    check_paths_usable
    record_stack_settings

    ensure_secret "$SECRETS/pg-superuser-password"
    ensure_secret "$SECRETS/redis-password"
    local schema
    for schema in "${KRONOS_SCHEMAS[@]}"; do
        ensure_secret "$SECRETS/db-password-$schema"
    done
    ensure_signing_key

    # 18 random bytes give 24 base64url characters.
    ensure_secret "$ADMIN_PASSWORD_FILE" 18

    ensure_pg_dir
    ensure_pg_cluster
}

write_redis_config() {
    write_private_file "$REDIS_DIR/redis.conf" <<EOT
# Generated by ./kronos up on every start; edits are overwritten.
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
requirepass $(cat "$SECRETS/redis-password")
daemonize no
supervised no
logfile ""
dir "$REDIS_DIR/data"
# auth's user events stream lives in Redis, so every write reaches the append-only file.
appendonly yes
appendfsync everysec
EOT
}

database_url() {
    local schema="$1"
    printf 'postgresql://kronos_%s:%s@127.0.0.1:%s/kronos' "$schema" "$(cat "$SECRETS/db-password-$schema")" "$PG_PORT"
}

# Write env/<service>.env: KEY=VALUE lines without quoting, the format of `docker --env-file`.
# scripts/run-service loads it, and migrations/env.py reads DATABASE_URL from it when the
# caller's environment has none.
write_service_env() {
    local svc="$1"
    {
        printf 'SERVICE_NAME=%s\n' "$svc"
        printf 'BIND_ADDRESS=127.0.0.1\n'
        printf 'PORT=%s\n' "$(service_port "$svc")"
        printf 'DATABASE_URL=%s\n' "$(database_url "$svc")"
        printf 'DATABASE_SCHEMA=%s\n' "$svc"
        printf 'REDIS_URL=redis://:%s@127.0.0.1:%s/0\n' "$(cat "$SECRETS/redis-password")" "$REDIS_PORT"
        printf 'LOG_LEVEL=%s\n' "${KRONOS_LOG_LEVEL:-info}"
        printf 'AUTH_PUBLIC_KEYS=%s\n' "$(cat "$SECRETS/auth-public-keys")"
        printf 'ACCESS_TOKEN_TTL_SECONDS=%s\n' "${KRONOS_ACCESS_TOKEN_TTL_SECONDS:-900}"
        case "$svc" in
            auth)
                printf 'AUTH_SIGNING_KEY_FILE=%s\n' "$SECRETS/auth-signing-key"
                printf 'AUTH_BOOTSTRAP_ADMIN_EMAIL=%s\n' "$ADMIN_EMAIL"
                printf 'AUTH_BOOTSTRAP_ADMIN_PASSWORD_FILE=%s\n' "$ADMIN_PASSWORD_FILE"
                ;;
            expense)
                printf 'EXPENSE_BASE_CURRENCY=%s\n' "${KRONOS_EXPENSE_BASE_CURRENCY:-EUR}"
                ;;
        esac
    } | write_private_file "$ENV_DIR/$svc.env"
}

write_supervisor_config() {
    local pg_user_line="" root_line=""
    if is_root; then
        pg_user_line="user=$PG_SYSTEM_USER"
        root_line="user=root"
    fi

    {
        cat <<EOT
; Generated by ./kronos up on every start; edits are overwritten.
; Control it with: supervisorctl -c "$SUPERVISOR_CONF"

[unix_http_server]
file=$SUPERVISOR_SOCK
chmod=0700

[supervisord]
logfile=$LOGS/supervisord.log
pidfile=$SUPERVISOR_PID
childlogdir=$LOGS
identifier=kronos-$STATE_HASH
$root_line

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://$SUPERVISOR_SOCK

; SIGINT is PostgreSQL's fast shutdown: SIGTERM would wait for every client to disconnect.
[program:postgres]
command="$PG_BIN/postgres" -D "$PG_DATA" -p $PG_PORT -k "$PG_RUN" -c listen_addresses=127.0.0.1 -c logging_collector=off
directory=$PG_DIR
$pg_user_line
priority=10
autostart=true
autorestart=unexpected
startsecs=2
stopsignal=INT
stopwaitsecs=60
stdout_logfile=$LOGS/postgres.log
redirect_stderr=true

[program:redis]
command=/usr/bin/redis-server "$REDIS_DIR/redis.conf"
directory=$REDIS_DIR
priority=10
autostart=true
autorestart=unexpected
startsecs=1
stopsignal=TERM
stopwaitsecs=30
stdout_logfile=$LOGS/redis.log
redirect_stderr=true
EOT
        local svc
        for svc in "${KRONOS_SCHEMAS[@]}"; do
            cat <<EOT

; Services start only after ./kronos up has migrated their schema. SIGTERM drains requests.
[program:$svc]
command="$KRONOS_REPO/scripts/run-service" "$ENV_DIR/$svc.env" "$(service_binary "$svc")"
directory=$STATE
priority=100
autostart=false
autorestart=unexpected
startsecs=1
startretries=3
stopsignal=TERM
stopwaitsecs=15
stdout_logfile=$LOGS/$svc.log
stdout_logfile_maxbytes=20MB
stdout_logfile_backups=3
redirect_stderr=true
EOT
        done
        cat <<EOT

[program:nginx]
command=/usr/sbin/nginx -p "$STATE/nginx/" -c "$STATE/nginx/nginx.conf" -g "daemon off;"
directory=$STATE
priority=200
autostart=false
autorestart=unexpected
startsecs=1
stopsignal=TERM
stopwaitsecs=15
stdout_logfile=$LOGS/nginx.log
redirect_stderr=true
EOT
    } | write_private_file "$SUPERVISOR_CONF"
}

# Let the gateway's own script lay out $STATE/nginx/ for this stack's ports, then check it.
write_nginx_config() {
    local setup="$KRONOS_REPO/nginx/native-setup.sh"
    [[ -f "$setup" ]] || die "$setup not found: the gateway configuration for the native stack is missing"

    local port_var
    local -a service_ports=()
    for port_var in "${SERVICE_PORT_VARIABLES[@]}"; do
        service_ports+=("KRONOS_$port_var=${!port_var}")
    done
    env KRONOS_BIND="$BIND" KRONOS_HTTP_PORT="$HTTP_PORT" KRONOS_HTTPS_PORT="$HTTPS_PORT" \
        "${service_ports[@]}" KRONOS_SERVICES_LIST="$KRONOS_SERVICES_LIST" \
        bash "$setup" "$STATE" >"$LOGS/nginx-setup.log" 2>&1 ||
        die "nginx/native-setup.sh failed; its output is in $LOGS/nginx-setup.log"

    /usr/sbin/nginx -t -q -p "$STATE/nginx/" -c "$STATE/nginx/nginx.conf" >"$LOGS/nginx-test.log" 2>&1 ||
        die "nginx rejected the generated configuration (nginx -t); see $LOGS/nginx-test.log"
}

write_configs() {
    write_redis_config
    local svc
    for svc in "${KRONOS_SCHEMAS[@]}"; do
        write_service_env "$svc"
    done
    write_supervisor_config
    write_nginx_config
}
