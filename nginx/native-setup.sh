#!/usr/bin/env bash
# Build the nginx prefix of a native Kronos stack in STATE_DIR/nginx/ and check it with nginx -t.
#
#   nginx/native-setup.sh STATE_DIR
#
# The supervisor then runs nginx in the foreground with exactly this command:
#
#   nginx -p STATE_DIR/nginx/ -c STATE_DIR/nginx/nginx.conf -g 'daemon off;'
#
# with STATE_DIR/nginx/ as its working directory, because libmodsecurity looks up the relative
# Include paths of modsecurity/main.conf in the working directory before the file's own folder.
#
# Environment (default in brackets):
#   KRONOS_BIND          address the gateway listens on, and only there [127.0.0.1]
#   KRONOS_HTTP_PORT     plain HTTP port [8080]
#   KRONOS_HTTPS_PORT    HTTPS port [8443]
#   KRONOS_SERVICES_LIST "name port" lines of the services [deploy/services.list]
#   KRONOS_<NAME>_PORT   port of service <name> on 127.0.0.1, such as KRONOS_AUTH_PORT
#                        [its port in the services list: auth 8001, leave 8002, expense 8003]
#   KRONOS_LOGIN_RATE    login attempts per client address, as nginx writes a rate [10r/m]
#
# Result:
#   STATE_DIR/nginx/         nginx.conf, conf.d, snippets, proxy_params, modsecurity,
#                            modsecurity_custom.conf: links to this repository's files
#   STATE_DIR/nginx/runtime/ main.conf, http.conf, server.conf, modsecurity.conf: generated
#                            here from the environment, rewritten on every run
#   STATE_DIR/nginx/tmp/     nginx and ModSecurity temporary files
#   STATE_DIR/logs/          nginx-access.log (JSON lines), nginx-error.log, modsec_audit.log
#   STATE_DIR/run/           nginx.pid
#   STATE_DIR/tls/           self-signed cert.pem and key.pem (mode 0600), made once and kept
#
# Run as root (as CI does), nginx's workers run as www-data rather than root. They write only
# the temporary folders, which must then be reachable by www-data: when STATE_DIR is under a
# folder closed to others (such as /root), the temporary folders move to
# /var/lib/kronos/nginx-<hash of STATE_DIR> and STATE_DIR/nginx/tmp links there. Run as another
# user, nginx and its workers run as that user.
#
# The script reads and writes nothing under /etc/nginx and never starts or signals any nginx.

set -euo pipefail

readonly MODSECURITY_MODULE=/usr/lib/nginx/modules/ngx_http_modsecurity_module.so
readonly WORKER_USER=www-data
readonly SHARED_TMP_PARENT=/var/lib/kronos
readonly CERT_DAYS=825

die() {
    printf 'native-setup: error: %s\n' "$*" >&2
    exit 1
}

info() { printf 'native-setup: %s\n' "$*"; }

usage() {
    printf 'usage: %s STATE_DIR\n' "$0" >&2
    exit 2
}

check_port() {
    local name="$1" value="$2"
    if ! [[ "$value" =~ ^[0-9]+$ ]] || ((value < 1 || value > 65535)); then
        die "invalid $name '$value': expected a TCP port number from 1 to 65535"
    fi
}

# nginx and ModSecurity take the paths below inside double quotes, where these characters would
# end the string or start a variable.
check_path() {
    local path="$1"
    if [[ "$path" == *[\"\$\\\;\{\}\']* || "$path" == *$'\n'* ]]; then
        die "the state folder '$path' contains a quote, \$, \\, ;, { or }; choose another folder"
    fi
}

# Print the listen address for nginx: IPv6 literals go in brackets.
listen_host() {
    case "$1" in
        *:*) printf '[%s]' "$1" ;;
        *) printf '%s' "$1" ;;
    esac
}

# Write stdin to PATH through a temporary file, so nginx never reads a half-written file.
write_file() {
    local path="$1"
    cat >"$path.tmp"
    mv -f "$path.tmp" "$path"
}

# Point PREFIX/NAME at the repository's file or folder NAME.
link_repo_file() {
    local name="$1"
    local target="$REPO_NGINX/$name" link="$PREFIX/$name"
    [[ -e "$target" ]] || die "missing $target; check that the checkout is complete"
    if [[ -e "$link" && ! -L "$link" ]]; then
        die "$link exists and is not a link; move it away and run again"
    fi
    ln -sfn "$target" "$link"
}

worker_can_write() {
    setpriv --reuid="$WORKER_USER" --regid="$WORKER_USER" --clear-groups \
        test -w "$1" -a -x "$1" 2>/dev/null
}

# Create the temporary folders and set TMP_ROOT to their parent.
prepare_temp_folders() {
    TMP_ROOT="$PREFIX/tmp"
    if [[ -n "$RUN_AS_ROOT" ]]; then
        [[ -L "$TMP_ROOT" ]] || mkdir -p "$TMP_ROOT"
        chown "$WORKER_USER:$WORKER_USER" "$TMP_ROOT"
        if ! worker_can_write "$TMP_ROOT"; then
            local hash shared
            hash="$(printf '%s' "$STATE" | sha256sum | cut -c1-16)"
            shared="$SHARED_TMP_PARENT/nginx-$hash"
            info "$WORKER_USER cannot reach $TMP_ROOT; using $shared for temporary files"
            mkdir -p "$shared"
            chown "$WORKER_USER:$WORKER_USER" "$shared"
            chmod 0700 "$shared"
            worker_can_write "$shared" || die "$WORKER_USER cannot write $shared either; check the permissions of $SHARED_TMP_PARENT"
            if [[ -d "$TMP_ROOT" && ! -L "$TMP_ROOT" ]]; then
                rm -rf --one-file-system "$TMP_ROOT"
            fi
            ln -sfn "$shared" "$TMP_ROOT"
            TMP_ROOT="$shared"
        fi
    else
        mkdir -p "$TMP_ROOT"
    fi

    local dir
    for dir in client_body proxy fastcgi uwsgi scgi modsecurity; do
        mkdir -p "$TMP_ROOT/$dir"
        if [[ -n "$RUN_AS_ROOT" ]]; then
            chown "$WORKER_USER:$WORKER_USER" "$TMP_ROOT/$dir"
        fi
    done
    chmod 0700 "$TMP_ROOT"
}

# Make a self-signed certificate for localhost and the loopback addresses, unless a usable one
# exists. The key is written with umask 077, so it is never readable by others.
ensure_certificate() {
    local tls="$STATE/tls"
    local cert="$tls/cert.pem" key="$tls/key.pem"
    mkdir -p "$tls"
    chmod 0700 "$tls"

    if [[ -s "$cert" && -s "$key" ]] && openssl x509 -in "$cert" -noout -checkend 86400 >/dev/null 2>&1; then
        chmod 0600 "$key"
        return
    fi

    local names="DNS:localhost,IP:127.0.0.1,IP:::1"
    case "$BIND" in
        127.0.0.1 | ::1 | 0.0.0.0 | ::) ;;
        *) names="$names,IP:$BIND" ;;
    esac

    info "creating a self-signed certificate in $tls (valid $CERT_DAYS days)"
    (
        umask 077
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
            -days "$CERT_DAYS" -subj "/CN=Kronos local gateway" \
            -addext "subjectAltName=$names" \
            -keyout "$key.tmp" -out "$cert.tmp" 2>"$tls/openssl.err" ||
            { cat "$tls/openssl.err" >&2; exit 1; }
    ) || die "openssl could not create the certificate in $tls"
    rm -f "$tls/openssl.err"
    mv -f "$key.tmp" "$key"
    mv -f "$cert.tmp" "$cert"
    chmod 0600 "$key"
    chmod 0644 "$cert"
}

write_runtime_main() {
    local user_line="# No user directive: nginx runs as the user who starts it."
    if [[ -n "$RUN_AS_ROOT" ]]; then
        user_line="user $WORKER_USER $WORKER_USER;"
    fi
    write_file "$PREFIX/runtime/main.conf" <<EOF
# Generated by nginx/native-setup.sh, which overwrites it on every run.

$user_line
pid "$STATE/run/nginx.pid";
lock_file "$STATE/run/nginx.lock";
# Level info: ModSecurity reports each matched rule, with its id, at that level.
error_log "$STATE/logs/nginx-error.log" info;

load_module $MODSECURITY_MODULE;
EOF
}

# Print one upstream block per service of the services list, on its port from SERVICE_PORTS,
# and the $kronos_upstream_<name> variable that the routes in conf.d/ pass to.
write_upstreams() {
    local svc separator=""
    for svc in "${SERVICES[@]}"; do
        printf '%supstream kronos_%s {\n    server 127.0.0.1:%s;\n    keepalive 128;\n}\n' \
            "$separator" "$svc" "${SERVICE_PORTS[$svc]}"
        printf '\nmap $host $kronos_upstream_%s {\n    default kronos_%s;\n}\n' "$svc" "$svc"
        separator=$'\n'
    done
}

# Read the services and their ports: KRONOS_<NAME>_PORT, else the port in the list.
read_services() {
    local list="${KRONOS_SERVICES_LIST:-$REPO_NGINX/../deploy/services.list}"
    [[ -f "$list" ]] || die "$list not found; it lists the services and their ports"
    SERVICES=()
    declare -gA SERVICE_PORTS=()
    local name port rest variable
    while read -r name port rest; do
        [[ -z "$name" || "$name" == \#* ]] && continue
        [[ "$name" =~ ^[a-z][a-z0-9]{0,29}$ && -z "$rest" ]] || die "invalid line '$name $port $rest' in $list: expected 'name port'"
        variable="KRONOS_$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')_PORT"
        port="${!variable:-$port}"
        check_port "$variable" "$port"
        SERVICES+=("$name")
        SERVICE_PORTS[$name]="$port"
    done <"$list"
    ((${#SERVICES[@]} > 0)) || die "$list names no service"
}

write_runtime_http() {
    write_file "$PREFIX/runtime/http.conf" <<EOF
# Generated by nginx/native-setup.sh, which overwrites it on every run.

# The services listen on loopback. A route's variable names its service's upstream group, so
# nginx resolves nothing at request time. keepalive: idle connections each worker keeps per
# service. Measured on a 2-core machine with \`wrk -t1 -c64\`, nginx proxying to nginx served
# 77k req/s with 128 and 48k with 32, because idle connections below the client count are closed
# and reopened.
$(write_upstreams)

# Login attempts per client address (snippets/login_rate_limit.conf explains the key).
limit_req_zone \$kronos_login_limit_key zone=login:10m rate=$LOGIN_RATE;

access_log "$STATE/logs/nginx-access.log" kronos_json;

client_body_temp_path "$TMP_ROOT/client_body";
proxy_temp_path "$TMP_ROOT/proxy";
fastcgi_temp_path "$TMP_ROOT/fastcgi";
uwsgi_temp_path "$TMP_ROOT/uwsgi";
scgi_temp_path "$TMP_ROOT/scgi";

modsecurity_rules_file "$PREFIX/runtime/modsecurity.conf";
EOF
}

write_runtime_server() {
    local host
    host="$(listen_host "$BIND")"
    write_file "$PREFIX/runtime/server.conf" <<EOF
# Generated by nginx/native-setup.sh, which overwrites it on every run.

listen $host:$HTTP_PORT;
listen $host:$HTTPS_PORT ssl http2;

ssl_certificate "$STATE/tls/cert.pem";
ssl_certificate_key "$STATE/tls/key.pem";
EOF
}

write_runtime_modsecurity() {
    write_file "$PREFIX/runtime/modsecurity.conf" <<EOF
# Generated by nginx/native-setup.sh, which overwrites it on every run.

SecAuditLog "$STATE/logs/modsec_audit.log"
SecTmpDir "$TMP_ROOT/modsecurity"
SecDataDir "$TMP_ROOT/modsecurity"

Include "$PREFIX/modsecurity/main.conf"
EOF
}

main() {
    [[ $# -eq 1 && -n "$1" ]] || usage
    LOGIN_RATE="${KRONOS_LOGIN_RATE:-10r/m}"
    [[ "$LOGIN_RATE" =~ ^[1-9][0-9]*r/[sm]$ ]] ||
        die "KRONOS_LOGIN_RATE must look like 10r/m or 100r/s, got '$LOGIN_RATE'"

    command -v nginx >/dev/null || die "nginx is not installed; install the Debian packages nginx and libnginx-mod-http-modsecurity"
    command -v openssl >/dev/null || die "openssl is not installed; install the Debian package openssl"
    [[ -f "$MODSECURITY_MODULE" ]] || die "missing $MODSECURITY_MODULE; install the Debian package libnginx-mod-http-modsecurity"
    [[ -d /usr/share/modsecurity-crs/rules ]] || die "missing /usr/share/modsecurity-crs/rules; install the Debian package modsecurity-crs"

    BIND="${KRONOS_BIND:-127.0.0.1}"
    HTTP_PORT="${KRONOS_HTTP_PORT:-8080}"
    HTTPS_PORT="${KRONOS_HTTPS_PORT:-8443}"

    check_port KRONOS_HTTP_PORT "$HTTP_PORT"
    check_port KRONOS_HTTPS_PORT "$HTTPS_PORT"
    [[ "$HTTP_PORT" != "$HTTPS_PORT" ]] || die "KRONOS_HTTP_PORT and KRONOS_HTTPS_PORT are both $HTTP_PORT; set two different ports"

    # An IP literal only: a host name would make nginx listen on every address it resolves to.
    if ! [[ "$BIND" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ || "$BIND" =~ ^[0-9a-fA-F.]*:[0-9a-fA-F:.]*$ ]]; then
        die "invalid KRONOS_BIND '$BIND': expected an IPv4 or IPv6 address such as 127.0.0.1"
    fi

    RUN_AS_ROOT=""
    if [[ "$(id -u)" -eq 0 ]]; then
        RUN_AS_ROOT=1
        id -u "$WORKER_USER" >/dev/null 2>&1 || die "user $WORKER_USER does not exist; create it (adduser --system --group $WORKER_USER) or run as another user"
        command -v setpriv >/dev/null || die "setpriv is missing; install the Debian package util-linux"
    fi

    REPO_NGINX="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
    read_services
    mkdir -p "$1"
    STATE="$(cd "$1" && pwd -P)"
    PREFIX="$STATE/nginx"
    check_path "$STATE"
    check_path "$REPO_NGINX"

    mkdir -p "$PREFIX/runtime" "$STATE/logs" "$STATE/run"

    local name
    for name in nginx.conf conf.d snippets proxy_params modsecurity modsecurity_custom.conf; do
        link_repo_file "$name"
    done

    prepare_temp_folders
    ensure_certificate

    write_runtime_main
    write_runtime_http
    write_runtime_server
    write_runtime_modsecurity

    local output
    if ! output="$(cd "$PREFIX" && nginx -t -p "$PREFIX/" -c "$PREFIX/nginx.conf" 2>&1)"; then
        printf '%s\n' "$output" >&2
        die "nginx -t rejected the configuration in $PREFIX (output above)"
    fi
    info "nginx configuration in $PREFIX is valid; gateway on http://$(listen_host "$BIND"):$HTTP_PORT and https://$(listen_host "$BIND"):$HTTPS_PORT"
}

main "$@"
