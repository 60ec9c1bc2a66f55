# shellcheck shell=bash
# `./kronos bench`: load a throw-away stack with wrk and report throughput, latency and memory.

BENCH_PACKAGES=(wrk)

ensure_bench_packages() {
    local pkg missing=()
    for pkg in "${BENCH_PACKAGES[@]}"; do
        [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" == "install ok installed" ]] ||
            missing+=("$pkg")
    done
    ((${#missing[@]} == 0)) && return 0
    is_root || die "missing Debian packages for the benchmarks; install them and run again: sudo apt-get install -y ${missing[*]}"
    info "installing missing packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" ||
        die "apt-get failed while installing: ${missing[*]}"
}

check_positive_integer() {
    local name="$1" value="$2" max="$3"
    [[ "$value" =~ ^[0-9]+$ ]] && ((value >= 1 && value <= max)) ||
        die "invalid $name '$value': expected a whole number from 1 to $max"
}

cmd_bench() {
    local duration=10 connections=16
    while (($# > 0)); do
        case "$1" in
            --duration)
                (($# >= 2)) || die "--duration needs a number of seconds"
                duration="$2"
                shift 2
                ;;
            --connections)
                (($# >= 2)) || die "--connections needs a number"
                connections="$2"
                shift 2
                ;;
            *) die "unknown argument '$1' for bench; use --duration S and --connections N" ;;
        esac
    done
    # Bounded so that a benchmark always ends by itself: seven scenarios of at most 120 s.
    check_positive_integer --duration "$duration" 120
    check_positive_integer --connections "$connections" 256

    ensure_packages
    ensure_bench_packages
    build_services
    check_service_binaries

    local state
    state="$(mktemp -d "${TMPDIR:-/tmp}/kronos-bench.XXXXXX")"
    trap 'cleanup_test_stack $? "'"$state"'"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    local -a ports
    read -r -a ports <<<"$(pick_free_ports 7)"
    info "starting a benchmark stack in $state on ports ${ports[*]}"
    # The login scenario signs in as fast as it can, so the rate limit is lifted for this stack.
    # Otherwise the benchmark would measure the limit.
    # The start-up output offers `./kronos down` and an admin password for a stack that is
    # deleted at the end. It goes to a file instead, which is shown only when the start fails.
    local up_log="$state.up.log"
    env KRONOS_STATE_DIR="$state" KRONOS_BIND=127.0.0.1 \
        KRONOS_HTTP_PORT="${ports[0]}" KRONOS_HTTPS_PORT="${ports[1]}" \
        KRONOS_AUTH_PORT="${ports[2]}" KRONOS_LEAVE_PORT="${ports[3]}" KRONOS_EXPENSE_PORT="${ports[4]}" \
        KRONOS_PG_PORT="${ports[5]}" KRONOS_REDIS_PORT="${ports[6]}" \
        KRONOS_LOGIN_RATE=100000r/s KRONOS_LOG_LEVEL=warn \
        "$KRONOS_REPO/kronos" up --no-build >"$up_log" 2>&1 || {
        cat "$up_log" >&2
        rm -f "$up_log"
        die "the benchmark stack did not start"
    }
    rm -f "$up_log"

    STATE="$state"
    STACK_ENV="$state/stack.env"
    SUPERVISOR_CONF="$state/supervisord.conf"
    local admin_email pids="" name pid
    admin_email="$(read_setting KRONOS_ADMIN_EMAIL)"
    for name in auth leave expense; do
        pid="$(supervisorctl_run pid "$name" 2>/dev/null || true)"
        [[ "$pid" =~ ^[0-9]+$ ]] && pids+="$name:$pid "
    done

    local out
    out="$BUILD_DIR/bench/bench-$(date -u +%Y%m%dT%H%M%SZ).json"
    info "loading each scenario for ${duration} s with $connections connections (wrk, 1 thread)"
    env KRONOS_BASE_URL="http://127.0.0.1:${ports[0]}" KRONOS_ADMIN_EMAIL="$admin_email" \
        KRONOS_ADMIN_PASSWORD_FILE="$state/admin-password" \
        KRONOS_BENCH_DURATION_S="$duration" KRONOS_BENCH_CONNECTIONS="$connections" \
        KRONOS_BENCH_PIDS="$pids" KRONOS_BENCH_OUT="$out" \
        KRONOS_BENCH_AUTH_URL="http://127.0.0.1:${ports[2]}" \
        /usr/bin/python3 "$KRONOS_REPO/scripts/bench/run.py" || die "the benchmark failed"
}
