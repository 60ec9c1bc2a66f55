#!/usr/bin/env bash
# Self-check of the gateway configuration in native mode, for work on the files in nginx/.
#
#   nginx/test-native.sh
#
# Builds a throw-away prefix with native-setup.sh on free loopback ports, starts nginx in front
# of a small Python stand-in for the auth and expense services (leave stays down), sends
# requests with curl and prints PASS or FAIL per check. It exits 1 when a check failed. The
# stand-in only echoes requests, so this checks routing, headers, limits and the WAF. The
# services themselves are checked by the black-box API tests against the real stack.
#
# Needs nginx, libnginx-mod-http-modsecurity, modsecurity-crs, curl, openssl and python3. Runs as
# root or as another user. Everything it starts is stopped by PID on exit, and its temporary
# folder is removed unless a check failed.

set -euo pipefail

readonly PYTHON=/usr/bin/python3
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
readonly HERE
readonly BIND=127.0.0.1

FAILURES=0
NGINX_PID=""
UPSTREAM_PIDS=()
WORK=""

cleanup() {
    local pid
    for pid in "${UPSTREAM_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    if [[ -n "$NGINX_PID" ]]; then
        kill -QUIT "$NGINX_PID" 2>/dev/null || true
        wait "$NGINX_PID" 2>/dev/null || true
    fi
    if [[ -n "$WORK" && "$FAILURES" -eq 0 ]]; then
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

die() {
    printf 'test-native: error: %s\n' "$*" >&2
    exit 2
}

pass() { printf 'PASS  %s\n' "$1"; }

fail() {
    printf 'FAIL  %s: %s\n' "$1" "$2"
    FAILURES=$((FAILURES + 1))
}

# check NAME COMMAND...: PASS when the command succeeds. The command prints why it failed.
check() {
    local name="$1" reason
    shift
    if reason="$("$@" 2>&1)"; then
        pass "$name"
    else
        fail "$name" "${reason:-failed}"
    fi
}

# Send one request. The response headers go to $WORK/headers, the body to $WORK/body and the
# status to stdout. --noproxy keeps the caller's proxy variables from diverting the requests.
request() {
    curl --noproxy '*' --silent --show-error --max-time 10 \
        --dump-header "$WORK/headers" --output "$WORK/body" --write-out '%{http_code}' "$@"
}

header() {
    sed -n "s/^$1: *//Ip" "$WORK/headers" | tr -d '\r' | tail -n 1
}

# Print the ports of COUNT free TCP sockets on the loopback address.
free_ports() {
    "$PYTHON" - "$1" <<'EOF'
import socket, sys
sockets = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    sockets.append(s)
print(" ".join(str(s.getsockname()[1]) for s in sockets))
EOF
}

# Start the echo service on PORT. It returns JSON describing each request, and its own 404
# problem for paths ending in /no-such-route, so a check can tell a passed-through body from a
# gateway one.
start_upstream() {
    local port="$1"
    "$PYTHON" - "$port" <<'EOF' &
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request_id = self.headers.get("X-Request-ID")
        if self.path.endswith("/no-such-route"):
            status, content_type = 404, "application/problem+json"
            doc = {"type": "/problems/not-found", "title": "Not found", "status": 404,
                   "detail": "echo service: no such route", "request_id": request_id}
        else:
            status, content_type = 200, "application/json"
            doc = {"path": self.path, "method": self.command, "request_id": request_id,
                   "body_length": len(body), "x_forwarded_for": self.headers.get("X-Forwarded-For")}
        out = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(out)))
        self.send_header("X-Request-ID", "copy-from-service")
        self.end_headers()
        self.wfile.write(out)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = answer

    def log_message(self, *args):
        pass

ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Echo).serve_forever()
EOF
    UPSTREAM_PIDS+=("$!")
}

wait_for_port() {
    local port="$1" _
    for _ in $(seq 1 50); do
        if curl --noproxy '*' --silent --output /dev/null --max-time 1 "http://$BIND:$port/"; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# ---------------------------------------------------------------------------- checks

# Read a field of the JSON body: json_field KEY.
json_field() {
    "$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' "$WORK/body" "$1"
}

expect_status() {
    local expected="$1" actual="$2"
    [[ "$actual" == "$expected" ]] || { echo "status $actual, expected $expected; body: $(head -c 300 "$WORK/body")"; return 1; }
}

# A gateway problem+json: status, content type, fields, and request_id equal to the header.
expect_problem() {
    local expected="$1" actual="$2"
    expect_status "$expected" "$actual" || return 1
    [[ "$(header Content-Type)" == application/problem+json* ]] || { echo "Content-Type '$(header Content-Type)'"; return 1; }
    "$PYTHON" - "$WORK/body" "$expected" "$(header X-Request-ID)" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
missing = [k for k in ("type", "title", "status", "detail", "request_id") if k not in doc]
if missing:
    sys.exit(f"fields missing: {missing}")
if doc["status"] != int(sys.argv[2]):
    sys.exit(f"status field {doc['status']}")
if doc["request_id"] != sys.argv[3] or not sys.argv[3]:
    sys.exit(f"request_id {doc['request_id']!r} differs from X-Request-ID {sys.argv[3]!r}")
EOF
}

check_routing() {
    local status
    status="$(request "$HTTP/api/v1/auth/health")"
    expect_status 200 "$status" || return 1
    [[ "$(json_field path)" == /api/v1/auth/health ]] || { echo "upstream saw path $(json_field path)"; return 1; }
    [[ "$(json_field x_forwarded_for)" == "$BIND" ]] || { echo "X-Forwarded-For $(json_field x_forwarded_for)"; return 1; }
}

check_request_id_echo() {
    local status
    status="$(request -H 'X-Request-ID: test-native-42' "$HTTP/api/v1/auth/health")"
    expect_status 200 "$status" || return 1
    [[ "$(header X-Request-ID)" == test-native-42 ]] || { echo "response X-Request-ID '$(header X-Request-ID)'"; return 1; }
    [[ "$(json_field request_id)" == test-native-42 ]] || { echo "upstream got '$(json_field request_id)'"; return 1; }
    [[ "$(grep -ci '^X-Request-ID:' "$WORK/headers")" == 1 ]] || { echo "X-Request-ID sent more than once"; return 1; }
}

check_request_id_generated() {
    request "$HTTP/api/v1/auth/health" >/dev/null
    [[ "$(header X-Request-ID)" =~ ^[0-9a-f]{32}$ ]] || { echo "X-Request-ID '$(header X-Request-ID)'"; return 1; }
    [[ "$(json_field request_id)" == "$(header X-Request-ID)" ]] || { echo "upstream got '$(json_field request_id)'"; return 1; }
}

check_request_id_invalid_replaced() {
    request -H 'X-Request-ID: bad"id with spaces' "$HTTP/api/v1/auth/health" >/dev/null
    [[ "$(header X-Request-ID)" =~ ^[0-9a-f]{32}$ ]] || { echo "X-Request-ID '$(header X-Request-ID)'"; return 1; }
}

check_not_found() {
    local path
    for path in /no/such/route /api/v1/no-such-service/health /api/v2/auth/health /api/v1/auth /api/v1/authx/health; do
        expect_problem 404 "$(request "$HTTP$path")" || { echo "for $path"; return 1; }
    done
}

check_metrics_not_routed() {
    local path
    for path in /metrics /api/v1/auth/metrics /api/v1/leave/metrics /api/v1/expense/metrics; do
        expect_problem 404 "$(request "$HTTP$path")" || { echo "for $path"; return 1; }
    done
}

check_upstream_error_untouched() {
    local status
    status="$(request "$HTTP/api/v1/auth/no-such-route")"
    expect_status 404 "$status" || return 1
    [[ "$(json_field detail)" == "echo service: no such route" ]] || { echo "body replaced: $(cat "$WORK/body")"; return 1; }
}

check_bad_gateway() {
    expect_problem 502 "$(request "$HTTP/api/v1/leave/types")"
}

check_sqli_body_blocked() {
    expect_problem 403 "$(request -X POST -H 'Content-Type: application/json' \
        --data "{\"email\":\"a@example.com\",\"name\":\"' OR 1=1 --\"}" "$HTTP/api/v1/auth/users")"
}

check_sqli_query_blocked() {
    expect_problem 403 "$(request "$HTTP/api/v1/auth/users?q=%27%20OR%201%3D1%20--")"
}

check_apostrophe_passes() {
    local status
    status="$(request -X POST -H 'Content-Type: application/json' \
        --data "{\"email\":\"siobhan.obrien@example.com\",\"name\":\"Siobhán O'Brien\",\"role\":\"employee\"}" \
        "$HTTP/api/v1/auth/users")"
    expect_status 200 "$status"
}

check_audit_log() {
    local status request_id=test-native-audit
    status="$(request -X POST -H 'Content-Type: application/json' -H "X-Request-ID: $request_id" \
        --data "{\"name\":\"' OR 1=1 --\"}" "$HTTP/api/v1/leave/requests")"
    expect_status 403 "$status" || return 1
    sleep 0.3
    grep -q "\"unique_id\":\"$request_id\"" "$STATE/logs/modsec_audit.log" || { echo "no audit line with unique_id $request_id"; return 1; }
    grep "unique_id \"$request_id\"" "$STATE/logs/nginx-error.log" | grep -q 'id "942' || { echo "no SQL injection rule id for $request_id in nginx-error.log"; return 1; }
}

check_security_headers() {
    local name
    request "$HTTP/api/v1/auth/health" >/dev/null
    for name in X-Content-Type-Options X-Frame-Options Content-Security-Policy Referrer-Policy; do
        [[ -n "$(header "$name")" ]] || { echo "$name missing"; return 1; }
    done
    [[ "$(header X-Frame-Options)" == DENY ]] || { echo "X-Frame-Options '$(header X-Frame-Options)'"; return 1; }
    [[ "$(header Content-Security-Policy)" == "default-src 'none'"* ]] || { echo "Content-Security-Policy '$(header Content-Security-Policy)'"; return 1; }
    [[ -z "$(header Strict-Transport-Security)" ]] || { echo "Strict-Transport-Security sent over plain HTTP"; return 1; }
    [[ "$(header Server)" == nginx ]] || { echo "Server '$(header Server)'"; return 1; }

    expect_problem 404 "$(request "$HTTP/no/such/route")" || return 1
    [[ "$(header X-Frame-Options)" == DENY ]] || { echo "X-Frame-Options missing on a gateway error"; return 1; }
}

check_https() {
    local status
    status="$(request --insecure "$HTTPS/api/v1/auth/health")"
    expect_status 200 "$status" || return 1
    [[ "$(header Strict-Transport-Security)" == max-age=* ]] || { echo "Strict-Transport-Security missing over HTTPS"; return 1; }
    curl --noproxy '*' --silent --insecure --max-time 10 --output /dev/null --tls-max 1.1 "$HTTPS/api/v1/auth/health" 2>/dev/null &&
        { echo "TLS 1.1 accepted"; return 1; }
    return 0
}

check_body_limits() {
    head -c $((5 * 1024 * 1024)) /dev/urandom >"$WORK/receipt-5m.png"
    head -c $((12 * 1024 * 1024)) /dev/urandom >"$WORK/receipt-12m.png"
    "$PYTHON" -c 'import json; print(json.dumps({"title": "x" * 1536 * 1024}))' >"$WORK/big.json"

    local status
    status="$(request -X PUT -H 'Content-Type: image/png' --data-binary "@$WORK/receipt-5m.png" \
        "$HTTP/api/v1/expense/claims/c1/items/i1/receipt")"
    expect_status 200 "$status" || { echo "5 MiB receipt"; return 1; }
    [[ "$(json_field body_length)" == $((5 * 1024 * 1024)) ]] || { echo "upstream got $(json_field body_length) bytes"; return 1; }

    expect_problem 413 "$(request -X PUT -H 'Content-Type: image/png' --data-binary "@$WORK/receipt-12m.png" \
        "$HTTP/api/v1/expense/claims/c1/items/i1/receipt")" || { echo "12 MiB receipt"; return 1; }
    expect_problem 413 "$(request -X POST -H 'Content-Type: application/json' --data-binary "@$WORK/big.json" \
        "$HTTP/api/v1/expense/claims")" || { echo "1.5 MiB JSON"; return 1; }
}

check_login_rate_limit() {
    local attempt status limited=""
    for attempt in $(seq 1 25); do
        status="$(request -X POST -H 'Content-Type: application/json' \
            --data '{"email":"a@example.com","password":"correct horse battery staple"}' "$HTTP/api/v1/auth/login")"
        if [[ "$status" == 429 ]]; then
            limited=1
            break
        fi
        expect_status 200 "$status" || return 1
    done
    [[ -n "$limited" ]] || { echo "$attempt logins in a row were not limited"; return 1; }
    expect_problem 429 "$status" || return 1
    [[ "$(header Retry-After)" =~ ^[0-9]+$ ]] || { echo "Retry-After '$(header Retry-After)'"; return 1; }

    status="$(request "$HTTP/api/v1/auth/health")"
    expect_status 200 "$status" || { echo "other routes were limited too"; return 1; }
}

check_access_log() {
    local request_id=test-native-log
    request -H "X-Request-ID: $request_id" "$HTTP/api/v1/auth/health" >/dev/null
    sleep 0.3
    "$PYTHON" - "$STATE/logs/nginx-access.log" "$request_id" <<'EOF'
import json, sys
lines = [json.loads(line) for line in open(sys.argv[1])]
match = [entry for entry in lines if entry.get("request_id") == sys.argv[2]]
if not match:
    sys.exit("no access log line with the request id")
entry = match[-1]
for key in ("ts", "status", "route", "upstream_addr", "upstream_connect_time", "upstream_response_time", "request_time"):
    if entry.get(key) in (None, ""):
        sys.exit(f"{key} empty in {entry}")
if entry["route"] != "auth":
    sys.exit(f"route {entry['route']!r}")
EOF
}

check_listen_only_on_bind() {
    local port addresses
    for port in "$HTTP_PORT" "$HTTPS_PORT"; do
        addresses="$(ss -Hltn "sport = :$port" | awk '{print $4}')"
        [[ "$addresses" == "$BIND:$port" ]] || { echo "port $port listens on: ${addresses:-nothing}"; return 1; }
    done
}

# ---------------------------------------------------------------------------- main

main() {
    local tool
    for tool in nginx curl openssl ss "$PYTHON"; do
        command -v "$tool" >/dev/null || die "$tool is missing"
    done

    WORK="$(mktemp -d "${TMPDIR:-/tmp}/kronos-nginx-test.XXXXXX")"
    # Workers run as www-data when this runs as root, and they must reach the temporary folders.
    chmod 0755 "$WORK"
    STATE="$WORK/state"

    local ports
    read -r -a ports <<<"$(free_ports 5)"
    HTTP_PORT="${ports[0]}"
    HTTPS_PORT="${ports[1]}"
    local auth_port="${ports[2]}" leave_port="${ports[3]}" expense_port="${ports[4]}"
    HTTP="http://$BIND:$HTTP_PORT"
    HTTPS="https://$BIND:$HTTPS_PORT"

    local setup_output
    if setup_output="$(KRONOS_BIND="$BIND" KRONOS_HTTP_PORT="$HTTP_PORT" KRONOS_HTTPS_PORT="$HTTPS_PORT" \
        KRONOS_AUTH_PORT="$auth_port" KRONOS_LEAVE_PORT="$leave_port" KRONOS_EXPENSE_PORT="$expense_port" \
        "$HERE/native-setup.sh" "$STATE" 2>&1)"; then
        pass "native-setup.sh and nginx -t"
    else
        fail "native-setup.sh and nginx -t" "$setup_output"
        exit 1
    fi

    check "TLS key is mode 0600" test "$(stat -c %a "$STATE/tls/key.pem")" = 600

    start_upstream "$auth_port"
    start_upstream "$expense_port"

    (cd "$STATE/nginx" && exec nginx -p "$STATE/nginx/" -c "$STATE/nginx/nginx.conf" -g 'daemon off;') &
    NGINX_PID="$!"
    wait_for_port "$HTTP_PORT" || { cat "$STATE/logs/nginx-error.log" >&2; die "nginx did not start on port $HTTP_PORT"; }
    wait_for_port "$auth_port" || die "the echo service did not start on port $auth_port"
    wait_for_port "$expense_port" || die "the echo service did not start on port $expense_port"

    check "listens on $BIND only" check_listen_only_on_bind
    check "routes /api/v1/auth to auth" check_routing
    check "echoes the client X-Request-ID" check_request_id_echo
    check "generates an X-Request-ID" check_request_id_generated
    check "replaces an unsafe X-Request-ID" check_request_id_invalid_replaced
    check "unknown paths: 404 problem+json" check_not_found
    check "/metrics not routed" check_metrics_not_routed
    check "service error body passes untouched" check_upstream_error_untouched
    check "leave down: 502 problem+json" check_bad_gateway
    check "SQL injection in JSON body: 403" check_sqli_body_blocked
    check "SQL injection in query: 403" check_sqli_query_blocked
    check "O'Brien in JSON passes the WAF" check_apostrophe_passes
    check "blocked request in audit and error log" check_audit_log
    check "security headers" check_security_headers
    check "HTTPS with the self-signed certificate" check_https
    check "body limits: receipt 11m, JSON 1m" check_body_limits
    check "JSON access log with upstream timing" check_access_log
    check "login rate limit: 429 with Retry-After" check_login_rate_limit

    if ((FAILURES > 0)); then
        printf '%d check(s) failed; logs are kept in %s/logs\n' "$FAILURES" "$STATE"
        exit 1
    fi
    printf 'all checks passed\n'
}

main "$@"
