#!/usr/bin/env bash
# Network isolation test of the native stack: only the gateway may be reachable from outside.
#
#   tests/isolation/run.sh
#
# Starts the whole native stack (`./kronos up --no-build`) inside a network namespace of its
# own, joined by a veth pair to a second, "external" namespace. From the external namespace it
# probes every port of the stack: only the gateway's HTTP and HTTPS ports may accept, and
# GET /api/v1/auth/health through the gateway must return 200. Inside the stack namespace,
# `ss -ltn` must show the services, PostgreSQL and Redis on 127.0.0.1 only. Both namespaces,
# the stack and its state are removed on exit.
#
# Needs root (for `ip netns`), the Debian packages that `./kronos up` installs, and the service
# binaries already built (`ninja -C build -j2`; KRONOS_BUILD_DIR selects another build folder).
# Prints PASS or FAIL for each check and exits 1 when one fails. Prints SKIPPED and exits 0 when
# it is not run as root or the kernel does not allow network namespaces.
#
# Every address used here exists only on the veth pair inside the two namespaces. Clients run
# in the external namespace, whose only route is that link, so no probe can leave the machine.

set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"

# Link-local /30 for the veth pair: routers do not forward 169.254.0.0/16.
readonly STACK_ADDR=169.254.77.1
readonly EXT_ADDR=169.254.77.2
readonly PREFIX_LEN=30
# IPv6 link-local addresses on the same pair, to show that nothing listens on IPv6 either.
readonly STACK_ADDR6=fe80::77:1
readonly EXT_ADDR6=fe80::77:2

# The namespace is private, so the stack can use its default ports. They are passed to up
# explicitly, because KRONOS_* variables in the caller's environment would otherwise change them.
readonly HTTP_PORT=8080
readonly HTTPS_PORT=8443
readonly AUTH_PORT=8001
readonly LEAVE_PORT=8002
readonly EXPENSE_PORT=8003
readonly PG_PORT=15432
readonly REDIS_PORT=16379
readonly -a INTERNAL_NAMES=(auth leave expense postgres redis)
readonly -a INTERNAL_PORTS=("$AUTH_PORT" "$LEAVE_PORT" "$EXPENSE_PORT" "$PG_PORT" "$REDIS_PORT")

readonly PROBE_TIMEOUT=3

PASSED=0
FAILED=0
STACK_NS=""
EXT_NS=""
STATE=""
WORK=""
EXT_IF=""
STACK_STARTED=""
SKIPPED=""

pass() {
    PASSED=$((PASSED + 1))
    printf 'PASS: %s\n' "$*"
}

fail() {
    FAILED=$((FAILED + 1))
    printf 'FAIL: %s\n' "$*"
}

skip() {
    SKIPPED=1
    printf 'SKIPPED: %s\n' "$*"
    exit 0
}

die() {
    printf 'isolation: error: %s\n' "$*" >&2
    exit 1
}

in_stack() { ip netns exec "$STACK_NS" "$@"; }
in_ext() { ip netns exec "$EXT_NS" "$@"; }

check_prerequisites() {
    [[ "$(id -u)" -eq 0 ]] || skip "network namespaces need root; run this test as root"
    command -v ip >/dev/null || skip "the ip command (Debian package iproute2) is not installed"

    local tool
    for tool in ss curl timeout; do
        command -v "$tool" >/dev/null || die "$tool is not installed; install the Debian packages of ./kronos up first"
    done

    # `./kronos up` would try apt-get inside the stack namespace, which has no route out.
    local missing_list
    # shellcheck disable=SC2016 # the variables expand in the child shell
    missing_list="$(KRONOS_REPO="$REPO" bash -c '
        source "$KRONOS_REPO/scripts/lib/common.sh"
        source "$KRONOS_REPO/scripts/lib/setup.sh"
        missing_packages' | tr '\n' ' ')"
    [[ -z "$missing_list" ]] || die "missing Debian packages: $missing_list; run ./kronos up once (as root it installs them)"

    local build_dir="${KRONOS_BUILD_DIR:-$REPO/build}" svc
    for svc in auth leave expense; do
        [[ -x "$build_dir/services/$svc/kronos-$svc" ]] ||
            die "service binary $build_dir/services/$svc/kronos-$svc not found; build first: cmake -S . -B build -G Ninja && ninja -C build -j2"
    done
}

create_namespaces() {
    local suffix
    suffix="$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
    local stack_name="kronos-iso-stack-$suffix" ext_name="kronos-iso-ext-$suffix"
    # Interface names are limited to 15 bytes.
    local stack_if="kis-$suffix" ext_if="kie-$suffix"

    if ! ip netns add "$stack_name" 2>"$WORK/netns.err"; then
        skip "ip netns add was refused: $(tr '\n' ' ' <"$WORK/netns.err")"
    fi
    STACK_NS="$stack_name"
    ip netns add "$ext_name" || die "ip netns add $ext_name failed after the first namespace was created"
    EXT_NS="$ext_name"

    # The pair is created inside the stack namespace, so it never appears in the root one.
    in_stack ip link add "$stack_if" type veth peer name "$ext_if" netns "$EXT_NS"
    in_stack ip link set lo up
    in_ext ip link set lo up
    in_stack ip addr add "$STACK_ADDR/$PREFIX_LEN" dev "$stack_if"
    in_ext ip addr add "$EXT_ADDR/$PREFIX_LEN" dev "$ext_if"
    # nodad makes the addresses usable at once instead of after duplicate address detection.
    in_stack ip -6 addr add "$STACK_ADDR6/64" dev "$stack_if" nodad
    in_ext ip -6 addr add "$EXT_ADDR6/64" dev "$ext_if" nodad
    in_stack ip link set "$stack_if" up
    in_ext ip link set "$ext_if" up
    EXT_IF="$ext_if"

    printf 'isolation: namespaces %s (stack, %s) and %s (external, %s)\n' \
        "$STACK_NS" "$STACK_ADDR" "$EXT_NS" "$EXT_ADDR"
}

start_stack() {
    STATE="$(mktemp -d "${TMPDIR:-/tmp}/kronos-isolation-state.XXXXXX")"
    printf 'isolation: starting the stack in %s (./kronos up --no-build)\n' "$STATE"
    STACK_STARTED=1
    # up prints the admin password of this throw-away stack, so its output goes to a file that
    # is shown only when up fails. The redirection sits on ip, not on a call of in_stack,
    # because bash runs an INT or TERM trap (and so the cleanup) while a function's
    # redirections are still active. The cleanup's report would then end up in that file.
    if ! ip netns exec "$STACK_NS" env KRONOS_STATE_DIR="$STATE" KRONOS_BIND="$STACK_ADDR" \
        KRONOS_HTTP_PORT="$HTTP_PORT" KRONOS_HTTPS_PORT="$HTTPS_PORT" \
        KRONOS_AUTH_PORT="$AUTH_PORT" KRONOS_LEAVE_PORT="$LEAVE_PORT" KRONOS_EXPENSE_PORT="$EXPENSE_PORT" \
        KRONOS_PG_PORT="$PG_PORT" KRONOS_REDIS_PORT="$REDIS_PORT" \
        "$REPO/kronos" up --no-build >"$WORK/up.log" 2>&1; then
        grep -v 'Admin password' "$WORK/up.log" | tail -n 40 >&2
        fail "./kronos up inside $STACK_NS failed (output above)"
        return 1
    fi
    pass "./kronos up started the stack inside $STACK_NS"
}

# The PID check after ./kronos down relies on every process of the stack being in its namespace.
check_stack_processes() {
    local supervisor_pid
    supervisor_pid="$(cat "$STATE/supervisord.pid" 2>/dev/null || true)"
    if [[ -n "$supervisor_pid" ]] && ip netns pids "$STACK_NS" | grep -qx "$supervisor_pid"; then
        pass "supervisord (pid $supervisor_pid) runs inside $STACK_NS, with $(ip netns pids "$STACK_NS" | wc -l) processes in all"
    else
        fail "supervisord (pid ${supervisor_pid:-unknown}) is not among the processes of $STACK_NS"
    fi
}

# Print the listening TCP sockets of the stack namespace as "ADDRESS PORT" lines, IPv6
# addresses without brackets.
stack_listeners() {
    in_stack ss -Hltn | awk '{
        local_address = $4
        n = split(local_address, parts, ":")
        port = parts[n]
        address = substr(local_address, 1, length(local_address) - length(port) - 1)
        gsub(/^\[|\]$/, "", address)
        print address, port
    }'
}

# Print the addresses that listen on PORT, space-separated, from the "ADDRESS PORT" lines in
# LISTENERS.
addresses_on_port() {
    local port="$1"
    awk -v port="$port" '$2 == port {printf "%s ", $1}' <<<"$LISTENERS" | sed 's/ $//'
}

check_listeners() {
    printf 'isolation: listening TCP sockets in %s:\n' "$STACK_NS"
    in_stack ss -ltn | sed 's/^/    /'
    LISTENERS="$(stack_listeners)"

    local i name port addresses
    for i in "${!INTERNAL_NAMES[@]}"; do
        name="${INTERNAL_NAMES[$i]}"
        port="${INTERNAL_PORTS[$i]}"
        addresses="$(addresses_on_port "$port")"
        if [[ "$addresses" == 127.0.0.1 ]]; then
            pass "$name listens on 127.0.0.1:$port only"
        elif [[ -z "$addresses" ]]; then
            fail "$name does not listen on port $port at all"
        else
            fail "$name on port $port listens on '$addresses'; expected 127.0.0.1 only"
        fi
    done

    for port in "$HTTP_PORT" "$HTTPS_PORT"; do
        addresses="$(addresses_on_port "$port")"
        if [[ "$addresses" == "$STACK_ADDR" ]]; then
            pass "gateway listens on $STACK_ADDR:$port only"
        else
            fail "gateway on port $port listens on '${addresses:-nothing}'; expected $STACK_ADDR only (KRONOS_BIND)"
        fi
    done

    # Anything else the stack opened must stay on loopback.
    local address known known_port
    while read -r address port; do
        [[ -n "$port" ]] || continue
        known=""
        for known_port in "$HTTP_PORT" "$HTTPS_PORT" "${INTERNAL_PORTS[@]}"; do
            [[ "$port" == "$known_port" ]] && known=1
        done
        [[ -n "$known" ]] && continue
        case "$address" in
            127.* | ::1) pass "extra listener $address:$port stays on loopback" ;;
            *) fail "extra listener $address:$port is not on loopback" ;;
        esac
    done <<<"$LISTENERS"

    local udp
    udp="$(in_stack ss -Hlun | awk '$4 !~ /^(127\.[0-9.]+|\[::1\]):[0-9]+$/ {print $4}' | tr '\n' ' ')"
    if [[ -z "$udp" ]]; then
        pass "no UDP socket outside loopback"
    else
        fail "UDP sockets outside loopback: $udp"
    fi
}

# Try a TCP connection from the external namespace. Prints "accepted", "refused", "timed out"
# (after PROBE_TIMEOUT seconds) or "failed: ERROR". A failed probe, for example to an unknown
# address, proves nothing about the port.
probe_tcp() {
    local host="$1" port="$2" status=0 error
    # shellcheck disable=SC2016 # $1 and $2 are the arguments of the child shell
    error="$(in_ext timeout "$PROBE_TIMEOUT" bash -c 'exec 3<>"/dev/tcp/$1/$2"' probe "$host" "$port" 2>&1)" || status=$?
    if ((status == 0)); then
        printf 'accepted'
    elif ((status == 124)); then
        printf 'timed out'
    elif [[ "$error" == *"Connection refused"* ]]; then
        printf 'refused'
    else
        printf 'failed: %s' "$(tail -n 1 <<<"$error")"
    fi
}

# Report a probe of a port that must not accept: refused and timed out pass.
expect_closed() {
    local label="$1" result="$2"
    case "$result" in
        refused | "timed out") pass "$label $result from outside" ;;
        accepted) fail "$label accepts from outside; only the gateway may" ;;
        *) fail "$label could not be probed ($result)" ;;
    esac
}

# Print every port to probe: the stack's configured ports and whatever else listens, once each.
ports_to_probe() {
    {
        printf '%s\n' "$HTTP_PORT" "$HTTPS_PORT" "${INTERNAL_PORTS[@]}"
        awk '{print $2}' <<<"$LISTENERS"
    } | awk 'NF && !seen[$1]++'
}

describe_port() {
    local port="$1" i
    case "$port" in
        "$HTTP_PORT") printf 'gateway HTTP' && return ;;
        "$HTTPS_PORT") printf 'gateway HTTPS' && return ;;
    esac
    for i in "${!INTERNAL_PORTS[@]}"; do
        if [[ "${INTERNAL_PORTS[$i]}" == "$port" ]]; then
            printf '%s' "${INTERNAL_NAMES[$i]}"
            return
        fi
    done
    printf 'listener'
}

# A refused or timed-out probe proves isolation only because the gateway's ports accept over the
# same link. ports_to_probe lists the gateway's ports first.
check_external_ipv4() {
    local port what result
    while read -r port; do
        what="$(describe_port "$port")"
        result="$(probe_tcp "$STACK_ADDR" "$port")"
        if [[ "$port" == "$HTTP_PORT" || "$port" == "$HTTPS_PORT" ]]; then
            if [[ "$result" == accepted ]]; then
                pass "$what $STACK_ADDR:$port accepts from outside"
            else
                fail "$what $STACK_ADDR:$port $result from outside; expected it to accept"
            fi
        else
            expect_closed "$what $STACK_ADDR:$port" "$result"
        fi
    done < <(ports_to_probe)
}

# The gateway binds an IPv4 address, so on IPv6 not even its ports may accept. A listener on
# [::] would show up here.
check_external_ipv6() {
    local port what host="$STACK_ADDR6%$EXT_IF"
    while read -r port; do
        what="$(describe_port "$port")"
        expect_closed "$what [$STACK_ADDR6]:$port (IPv6)" "$(probe_tcp "$host" "$port")"
    done < <(ports_to_probe)
}

check_gateway_health() {
    local code
    code="$(in_ext curl --noproxy '*' -s -o /dev/null -w '%{http_code}' --max-time "$PROBE_TIMEOUT" \
        "http://$STACK_ADDR:$HTTP_PORT/api/v1/auth/health" || true)"
    if [[ "$code" == 200 ]]; then
        pass "GET http://$STACK_ADDR:$HTTP_PORT/api/v1/auth/health from outside returns 200"
    else
        fail "GET http://$STACK_ADDR:$HTTP_PORT/api/v1/auth/health from outside returned ${code:-no response}; expected 200"
    fi

    # native-setup.sh puts KRONOS_BIND in the certificate's subjectAltName, so curl can verify
    # the self-signed certificate against itself.
    code="$(in_ext curl --noproxy '*' -s -o /dev/null -w '%{http_code}' --max-time "$PROBE_TIMEOUT" \
        --cacert "$STATE/tls/cert.pem" "https://$STACK_ADDR:$HTTPS_PORT/api/v1/auth/health" || true)"
    if [[ "$code" == 200 ]]; then
        pass "GET https://$STACK_ADDR:$HTTPS_PORT/api/v1/auth/health from outside returns 200 (certificate verified)"
    else
        fail "GET https://$STACK_ADDR:$HTTPS_PORT/api/v1/auth/health from outside returned ${code:-no response}; expected 200"
    fi
}

# Stop the stack, check that nothing of it is left running, then delete its state and both
# namespaces. Runs on every exit, so each step tolerates what an earlier failure left undone.
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    set +e

    if [[ -n "$STACK_STARTED" && -n "$STACK_NS" ]]; then
        printf 'isolation: stopping the stack (./kronos down)\n'
        if ! in_stack env KRONOS_STATE_DIR="$STATE" "$REPO/kronos" down >"$WORK/down.log" 2>&1; then
            cat "$WORK/down.log" >&2
            fail "./kronos down inside $STACK_NS failed (output above)"
        fi

        local -a pids=()
        mapfile -t pids < <(ip netns pids "$STACK_NS" 2>/dev/null)
        if ((${#pids[@]} == 0)); then
            pass "no process left in $STACK_NS after ./kronos down"
        else
            local pid
            fail "processes left in $STACK_NS after ./kronos down: ${pids[*]}"
            for pid in "${pids[@]}"; do
                printf '    %s %s\n' "$pid" "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
            done
            # Every process in this namespace was started by this test.
            for pid in "${pids[@]}"; do
                kill -TERM "$pid" 2>/dev/null
            done
            sleep 2
            mapfile -t pids < <(ip netns pids "$STACK_NS" 2>/dev/null)
            for pid in "${pids[@]}"; do
                kill -KILL "$pid" 2>/dev/null
            done
        fi
    fi

    if [[ -n "$STATE" && -d "$STATE" ]]; then
        # reset deletes the state, the root-run cluster and nginx temporary folder in
        # /var/lib/kronos and the supervisor socket folder. It stops nothing here, because down
        # already did.
        if ! KRONOS_STATE_DIR="$STATE" "$REPO/kronos" reset --yes >"$WORK/reset.log" 2>&1; then
            cat "$WORK/reset.log" >&2
            rm -rf "$STATE"
        fi
        [[ -e "$STATE" ]] && fail "could not delete the state folder $STATE"
    fi

    local ns
    for ns in "$STACK_NS" "$EXT_NS"; do
        [[ -n "$ns" ]] || continue
        ip netns del "$ns" || fail "ip netns del $ns failed"
    done

    [[ -n "$WORK" ]] && rm -rf "$WORK"

    [[ -n "$SKIPPED" ]] || printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
    if ((status != 0 && FAILED == 0)); then
        printf 'isolation: stopped before every check ran (exit %d)\n' "$status"
    fi
    if ((FAILED > 0 && status == 0)); then
        status=1
    fi
    exit "$status"
}

main() {
    check_prerequisites
    WORK="$(mktemp -d "${TMPDIR:-/tmp}/kronos-isolation.XXXXXX")"
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    create_namespaces
    start_stack || exit 1

    check_stack_processes
    check_listeners
    check_external_ipv4
    check_external_ipv6
    check_gateway_health
}

main "$@"
