#!/usr/bin/env bash
# Full stack reset of the Compose deployment: rebuild the images, recreate every container, run
# the one-shot migrate service, wait until every service reports healthy and print the status.
#
# Usage: ./rebuild.sh [--no-cache] [--pull] [--timeout SECONDS] [--delete-volumes [--yes]]
#
#   --no-cache        build the images without Docker's layer cache
#   --pull            pull newer base images (debian, postgres, redis) first
#   --timeout N       seconds to wait for the stack to become healthy [300]
#   --delete-volumes  also delete the PostgreSQL and Redis volumes, so ALL DATA IS LOST. Asks you
#                     to type the project name; without a terminal it needs --yes as well
#   --yes             confirm --delete-volumes without a question (scripts, CI)
#
# Data volumes are kept unless --delete-volumes is given. Uses `docker compose` when that
# plugin is installed and `docker-compose` otherwise.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

no_cache=()
pull=()
timeout_s=300
delete_volumes=""
assume_yes=""

die() {
    printf 'rebuild: error: %s\n' "$*" >&2
    exit 1
}

info() {
    printf 'rebuild: %s\n' "$*"
}

usage() {
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
}

while (($# > 0)); do
    case "$1" in
        --no-cache) no_cache=(--no-cache) ;;
        --pull) pull=(--pull) ;;
        --timeout)
            (($# >= 2)) || die "--timeout needs a number of seconds"
            [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "invalid --timeout '$2': expected a positive number of seconds"
            timeout_s="$2"
            shift
            ;;
        --delete-volumes) delete_volumes=1 ;;
        --yes | -y) assume_yes=1 ;;
        -h | --help)
            usage
            exit 0
            ;;
        *) die "unknown argument '$1'; see ./rebuild.sh --help" ;;
    esac
    shift
done

# -- Preconditions -------------------------------------------------------------

command -v docker >/dev/null 2>&1 ||
    die "the docker command is not installed; install Docker Engine, or the docker.io package on Debian"

if ! engine_error="$(docker info --format '{{.ServerVersion}}' 2>&1 >/dev/null)"; then
    die "no Docker engine is reachable (${engine_error:-docker info failed}). Start the Docker daemon (systemctl start docker) or point DOCKER_HOST at a running engine, then run ./rebuild.sh again"
fi

if docker compose version >/dev/null 2>&1; then
    compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
    compose=(docker-compose)
else
    die "neither 'docker compose' nor 'docker-compose' is installed; install the docker-compose-plugin or docker-compose package"
fi

[[ -f .env ]] ||
    die "no .env in $PWD; create it with deploy/docker/generate-env.sh, or copy .env.example to .env and fill in the secrets"

# Interpolates .env into docker-compose.yml, so a missing secret stops the reset before anything
# is torn down. The message names the variable.
"${compose[@]}" config -q || die "docker-compose.yml does not resolve with this .env; fix the variable named above"

tls_dir="$(sed -n 's/^KRONOS_TLS_DIR=//p' .env | tail -n 1)"
tls_dir="${tls_dir:-./deploy/docker/tls}"
for file in cert.pem key.pem; do
    [[ -s "$tls_dir/$file" ]] ||
        die "missing $tls_dir/$file, which the gateway needs for HTTPS; put your certificate there, or see docs/deploy-compose.md for a self-signed one"
done

project="$(sed -n 's/^COMPOSE_PROJECT_NAME=//p' .env | tail -n 1)"
project="${project:-$(basename "$PWD")}"

# -- Confirmation --------------------------------------------------------------

if [[ -n "$delete_volumes" && -z "$assume_yes" ]]; then
    if [[ ! -t 0 ]]; then
        die "--delete-volumes deletes every PostgreSQL and Redis volume of project '$project'; without a terminal, confirm it with --yes"
    fi
    printf 'rebuild: --delete-volumes deletes ALL DATA of project %s (PostgreSQL and Redis volumes).\n' "$project"
    printf 'rebuild: type the project name to confirm: '
    read -r answer
    [[ "$answer" == "$project" ]] || die "confirmation '$answer' does not match '$project'; nothing was changed"
fi

# -- Reset ---------------------------------------------------------------------

info "building the images with ${compose[*]}"
"${compose[@]}" build "${pull[@]}" "${no_cache[@]}"

if [[ -n "$delete_volumes" ]]; then
    info "removing the containers and the data volumes of project $project"
    "${compose[@]}" down --volumes --remove-orphans
fi

# `up` starts postgres and redis, waits for them to be healthy, runs migrate to completion and
# only then starts the services and the gateway, as their depends_on conditions require.
info "recreating the containers; migrate runs before the services start"
if ! "${compose[@]}" up -d --force-recreate --remove-orphans; then
    info "start-up failed; the output of migrate follows"
    "${compose[@]}" logs --tail=50 migrate >&2 || true
    die "the stack did not start; see the messages above and '${compose[*]} logs <service>'"
fi

# -- Health ----------------------------------------------------------------------

long_running=(postgres redis auth leave expense nginx)

# Print the health of a service's container: healthy, unhealthy, starting, or missing.
health_of() {
    local id
    id="$("${compose[@]}" ps -q "$1" 2>/dev/null | head -n 1)"
    if [[ -z "$id" ]]; then
        printf 'missing'
        return
    fi
    docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id" 2>/dev/null ||
        printf 'missing'
}

info "waiting up to ${timeout_s}s for ${long_running[*]} to be healthy"
deadline=$((SECONDS + timeout_s))
while :; do
    pending=()
    for service in "${long_running[@]}"; do
        status="$(health_of "$service")"
        [[ "$status" == healthy ]] || pending+=("$service=$status")
    done
    ((${#pending[@]} == 0)) && break
    if ((SECONDS >= deadline)); then
        "${compose[@]}" ps >&2 || true
        die "not healthy after ${timeout_s}s: ${pending[*]}; read '${compose[*]} logs <service>'"
    fi
    sleep 3
done

"${compose[@]}" ps
info "the stack is healthy; the gateway listens on ports 80 and 443"
