# shellcheck shell=bash
# Starting, stopping and inspecting one stack (the state folder in $STATE).

supervisorctl_run() {
    supervisorctl -c "$SUPERVISOR_CONF" "$@"
}

supervisor_pid() {
    local pid
    [[ -f "$SUPERVISOR_PID" ]] || return 1
    pid="$(cat "$SUPERVISOR_PID" 2>/dev/null)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    # A stale pidfile may name a process that has since been reused by another program.
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q supervisord || return 1
    printf '%s' "$pid"
}

supervisor_running() { supervisor_pid >/dev/null; }

# Print the supervisor state of one program (RUNNING, STARTING, BACKOFF, FATAL, STOPPED, ...).
program_state() {
    # supervisorctl exits 3 for a program that is not running; the state is printed anyway.
    supervisorctl_run status "$1" 2>/dev/null | awk '{print $2}' || true
}

# Serialise commands that change one stack; the lock is released when the command exits.
take_lock() {
    exec 9>"$STATE/.lock"
    flock -n 9 || die "another kronos command is working on $STATE; wait for it to finish"
}

check_ports_free() {
    local name port busy=()
    for name in HTTP_PORT HTTPS_PORT "${SERVICE_PORT_VARIABLES[@]}" PG_PORT REDIS_PORT; do
        port="${!name}"
        if [[ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]]; then
            busy+=("$port (KRONOS_$name)")
        fi
    done
    ((${#busy[@]} == 0)) || die "TCP ports already in use: ${busy[*]}; stop what uses them or choose other ports with those variables"
}

show_log_tail() {
    local file="$LOGS/$1.log"
    [[ -f "$file" ]] || return 0
    printf -- '--- last lines of %s ---\n' "$file" >&2
    tail -n 25 "$file" >&2
}

# Wait until CHECK (a command and its arguments) succeeds, failing early when one of PROGRAMS
# (space-separated supervisor program names) has stopped for good.
wait_for() {
    local what="$1" programs="$2" timeout="$3"
    shift 3
    local deadline=$((SECONDS + timeout)) program state
    until "$@"; do
        for program in $programs; do
            state="$(program_state "$program")"
            case "$state" in
                FATAL | EXITED | STOPPED | BACKOFF)
                    show_log_tail "$program"
                    die "$program is $state while waiting for $what; see $LOGS/$program.log"
                    ;;
            esac
        done
        if ((SECONDS >= deadline)); then
            for program in $programs; do
                show_log_tail "$program"
            done
            die "timed out after ${timeout}s waiting for $what; see the logs in $LOGS"
        fi
        sleep 1
    done
}

postgres_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 1; }

redis_ready() {
    [[ "$(REDISCLI_AUTH="$(cat "$SECRETS/redis-password")" redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]
}

service_healthy() {
    local svc="$1"
    [[ "$(http_status "$BASE_URL/api/v1/$svc/health")" == 200 ]] &&
        [[ "$(http_status "$BASE_URL/api/v1/$svc/ready")" == 200 ]]
}

bootstrap_database() {
    info "bootstrapping database roles and schemas"
    local schema upper
    local -a password_vars=()
    for schema in "${KRONOS_SCHEMAS[@]}"; do
        upper="$(printf '%s' "$schema" | tr '[:lower:]' '[:upper:]')"
        password_vars+=("KRONOS_DB_PASSWORD_${upper}_FILE=$SECRETS/db-password-$schema")
    done
    env PGHOST=127.0.0.1 PGPORT="$PG_PORT" PGUSER=postgres PGPASSWORD="$(cat "$SECRETS/pg-superuser-password")" \
        PGCONNECT_TIMEOUT=5 "${password_vars[@]}" \
        "$KRONOS_REPO/deploy/db/bootstrap.sh" "${KRONOS_SCHEMAS[@]}" >"$LOGS/bootstrap.log" 2>&1 || {
        cat "$LOGS/bootstrap.log" >&2
        die "database bootstrap failed; its output is in $LOGS/bootstrap.log"
    }
}

# Run the runbook's migration command for every schema, as the schema's own role so the tables
# belong to it.
migrate_schemas() {
    local schema
    : >"$LOGS/migrations.log"
    for schema in "${KRONOS_SCHEMAS[@]}"; do
        info "migrating schema $schema (alembic upgrade head)"
        (
            cd "$KRONOS_REPO"
            DATABASE_URL="$(database_url "$schema")" DATABASE_SCHEMA="$schema" \
                /usr/bin/alembic upgrade head
        ) >>"$LOGS/migrations.log" 2>&1 || {
            tail -n 30 "$LOGS/migrations.log" >&2
            die "migration of schema '$schema' failed; the whole output is in $LOGS/migrations.log"
        }
    done
}

check_migrations_present() {
    local schema
    for schema in "${KRONOS_SCHEMAS[@]}"; do
        [[ -d "$KRONOS_REPO/migrations/$schema" ]] ||
            die "migrations/$schema/ not found: the $schema service has no migrations yet"
    done
}

start_supervisor() {
    info "starting supervisord ($SUPERVISOR_CONF)"
    # fd 9 holds the command's lock and must not stay open in the daemon.
    supervisord -c "$SUPERVISOR_CONF" 9>&- || die "supervisord failed to start; see $LOGS/supervisord.log"
    local deadline=$((SECONDS + 15))
    until [[ "$(supervisorctl_run pid 2>/dev/null)" =~ ^[0-9]+$ ]]; do
        ((SECONDS < deadline)) || die "supervisord did not respond on $SUPERVISOR_SOCK within 15s; see $LOGS/supervisord.log"
        sleep 0.5
    done
}

stop_supervisor() {
    local pid
    pid="$(supervisor_pid)" || return 0
    info "stopping the stack (supervisord pid $pid)"
    supervisorctl_run shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true

    # supervisord stops its programs in reverse priority order (gateway, services, then the
    # databases, which may take up to their stopwaitsecs) before it exits.
    local deadline=$((SECONDS + 120))
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS >= deadline)); then
            warn "supervisord (pid $pid) still running after 120s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.5
    done
}

# A postgres left behind by a supervisord that was killed would hold the data folder; stop it
# the way its own tools do.
stop_orphan_postgres() {
    local pidfile="$PG_DATA/postmaster.pid" pid
    [[ -f "$pidfile" ]] || return 0
    pid="$(head -n 1 "$pidfile")"
    if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
        warn "PostgreSQL (pid $pid) is running without its supervisor; stopping it"
        as_pg_owner "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 60 >/dev/null ||
            die "could not stop PostgreSQL pid $pid; stop it by hand: pg_ctl stop -D $PG_DATA -m fast"
    fi
}

print_access() {
    cat <<EOT

Kronos is running.
  Gateway:        $BASE_URL/   and   $HTTPS_URL/ (self-signed certificate)
  Admin:          $ADMIN_EMAIL, password in $ADMIN_PASSWORD_FILE
  Logs:           ./kronos logs [service] [-f] [--errors]   (files in $LOGS)
  Stop:           ./kronos down
EOT
}

cmd_up() {
    local build=1 arg
    for arg in "$@"; do
        case "$arg" in
            --no-build) build="" ;;
            *) die "unknown option '$arg' for up; see ./kronos help" ;;
        esac
    done

    ensure_packages
    if [[ -n "$build" ]]; then
        build_services
    fi
    check_service_binaries
    check_migrations_present

    init_state_paths
    take_lock
    if supervisor_running; then
        load_stack_settings
        info "already running (state $STATE); ./kronos status shows its health"
        print_access
        return 0
    fi

    load_stack_settings override
    stop_orphan_postgres
    check_ports_free
    ensure_state
    write_configs

    # From here on a failure stops what was started, so a failed up leaves nothing running;
    # the logs stay for diagnosis.
    trap 'status=$?; if ((status != 0)); then warn "up failed; stopping what it started"; stop_supervisor; fi' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    start_supervisor
    wait_for "PostgreSQL on 127.0.0.1:$PG_PORT" postgres 60 postgres_ready
    wait_for "Redis on 127.0.0.1:$REDIS_PORT" redis 30 redis_ready

    bootstrap_database
    migrate_schemas

    info "starting services and gateway"
    supervisorctl_run start "${KRONOS_SCHEMAS[@]}" nginx >/dev/null ||
        warn "supervisorctl could not start every program; checking each one"

    local svc timeout="${KRONOS_START_TIMEOUT:-120}"
    for svc in "${KRONOS_SCHEMAS[@]}"; do
        wait_for "$svc health and readiness at $BASE_URL/api/v1/$svc/" "$svc nginx" "$timeout" service_healthy "$svc"
    done
    trap - EXIT INT TERM

    print_access

    # The password is shown after the first up that succeeds, not after one that failed.
    local shown_marker="$STATE/.admin-password-shown"
    if [[ ! -e "$shown_marker" ]]; then
        printf '  Admin password: %s   (shown once; it stays in the file above)\n' "$(cat "$ADMIN_PASSWORD_FILE")"
        : >"$shown_marker"
    fi
}

# True when the state folder of KRONOS_STATE_DIR does not exist. down and reset then have nothing
# to do and must not create it, as init_state_paths would.
state_folder_missing() {
    local dir="${KRONOS_STATE_DIR:-$KRONOS_REPO/.kronos}"
    [[ ! -e "$dir" ]]
}

cmd_down() {
    (($# == 0)) || die "down takes no arguments"
    if state_folder_missing; then
        info "not running: no state folder ${KRONOS_STATE_DIR:-$KRONOS_REPO/.kronos}"
        return 0
    fi
    init_state_paths
    take_lock
    if ! supervisor_running; then
        stop_orphan_postgres
        info "not running (state $STATE)"
        return 0
    fi
    stop_supervisor
    stop_orphan_postgres
    info "stopped; the data stays in $STATE"
}

# Delete a state folder and its cluster. Only a folder that contains a Kronos stack is deleted.
remove_state() {
    [[ -f "$STACK_ENV" || -d "$SECRETS" ]] ||
        die "$STATE does not look like a Kronos state folder (no stack.env); not deleting it"
    if [[ -L "$PG_LINK" && "$(readlink "$PG_LINK")" == "$PG_SHARED_PARENT/$STATE_HASH" ]]; then
        rm -rf "${PG_SHARED_PARENT:?}/${STATE_HASH:?}"
    fi
    # nginx/native-setup.sh moves nginx's temporary files there too when www-data cannot reach
    # the state folder.
    local nginx_tmp
    nginx_tmp="$(readlink "$STATE/nginx/tmp" 2>/dev/null || true)"
    if [[ "$nginx_tmp" == "$PG_SHARED_PARENT"/nginx-* ]]; then
        rm -rf "${nginx_tmp:?}"
    fi
    rm -rf "/tmp/kronos-${STATE_HASH:?}"
    rm -rf "${STATE:?}"
}

cmd_reset() {
    local yes="" arg
    for arg in "$@"; do
        case "$arg" in
            -y | --yes) yes=1 ;;
            *) die "unknown option '$arg' for reset; see ./kronos help" ;;
        esac
    done
    if state_folder_missing; then
        info "nothing to delete: no state folder ${KRONOS_STATE_DIR:-$KRONOS_REPO/.kronos}"
        return 0
    fi
    init_state_paths

    # Deleting every record is never done unasked: without a terminal to ask on, only --yes
    # allows it, as ./rebuild.sh --delete-volumes does.
    if [[ -z "$yes" && ! -t 0 ]]; then
        die "reset deletes every user, request, claim and key in $STATE; pass --yes to confirm"
    fi
    if [[ -z "$yes" ]]; then
        local answer
        read -r -p "Delete every user, request, claim and key in $STATE? [y/N] " answer
        [[ "$answer" == y || "$answer" == Y || "$answer" == yes ]] || {
            info "nothing deleted"
            return 1
        }
    fi

    take_lock
    stop_supervisor
    stop_orphan_postgres
    remove_state
    info "deleted $STATE; the next ./kronos up starts empty"
}

cmd_demo() {
    (($# == 0)) || die "demo takes no arguments"
    init_state_paths
    supervisor_running || die "the stack is not running; start it with ./kronos up"
    load_stack_settings
    KRONOS_BASE_URL="$BASE_URL" KRONOS_ADMIN_EMAIL="$ADMIN_EMAIL" KRONOS_ADMIN_PASSWORD_FILE="$ADMIN_PASSWORD_FILE" \
        KRONOS_DEMO_CREDENTIALS="$STATE/demo-credentials" KRONOS_REPO="$KRONOS_REPO" \
        /usr/bin/python3 "$KRONOS_REPO/scripts/demo.py"
}
