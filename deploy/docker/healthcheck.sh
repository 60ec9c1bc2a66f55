#!/bin/bash
# HTTP probe for container health checks, using bash's /dev/tcp so the slim images need no curl
# (curl would add libcurl and a dozen libraries to every image for one request).
#
# Usage: kronos-healthcheck [PATH [PORT [EXPECTED_STATUS]]]
#   PATH             request path [/api/v1/$SERVICE_NAME/ready]
#   PORT             TCP port on 127.0.0.1 [$PORT]
#   EXPECTED_STATUS  HTTP status that counts as healthy [200]
#
# Exit status 0 when the response status is EXPECTED_STATUS, 1 otherwise, with the reason on
# stderr (Docker keeps it in the health log shown by `docker inspect`).
set -euo pipefail

readonly READ_TIMEOUT_S=4

path="${1:-/api/v1/${SERVICE_NAME:?SERVICE_NAME is not set; pass the request path}/ready}"
port="${2:-${PORT:?PORT is not set; pass the port}}"
expected="${3:-200}"

if ! [[ "$port" =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
    echo "healthcheck: invalid port '$port'" >&2
    exit 1
fi

# The braces restore stderr after the exec, which hides bash's own "connect: ..." lines.
if ! { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
    echo "healthcheck: connection to 127.0.0.1:$port failed; is the server listening on that port?" >&2
    exit 1
fi

printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nUser-Agent: kronos-healthcheck\r\nConnection: close\r\n\r\n' \
    "$path" >&3

status_line=""
if ! IFS= read -r -t "$READ_TIMEOUT_S" status_line <&3; then
    echo "healthcheck: no response from 127.0.0.1:$port$path within ${READ_TIMEOUT_S}s" >&2
    exit 1
fi
exec 3<&-

read -r _ status _ <<<"${status_line%$'\r'}"
if [[ "$status" != "$expected" ]]; then
    echo "healthcheck: GET $path on port $port returned '${status_line%$'\r'}', expected status $expected" >&2
    exit 1
fi
