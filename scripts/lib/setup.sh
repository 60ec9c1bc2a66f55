# shellcheck shell=bash
# Debian packages and the CMake build.

# Everything the native stack, the build and the tests use, all from Debian bookworm.
# `alembic` provides /usr/bin/alembic for the runbook's `alembic upgrade head`.
REQUIRED_PACKAGES=(
    build-essential cmake ninja-build ccache pkg-config
    libboost1.81-dev libboost-json1.81-dev libpqxx-dev libpq-dev libhiredis-dev libsodium-dev
    libssl-dev libcli11-dev libyaml-cpp-dev libgtest-dev libgmock-dev
    postgresql-15 redis-server nginx libnginx-mod-http-modsecurity modsecurity-crs supervisor
    alembic python3-alembic python3-psycopg2 python3-pytest python3-requests python3-yaml
    python3-dnslib
    openssl curl jq iproute2 docker-compose clang-format
)

missing_packages() {
    local pkg status
    for pkg in "${REQUIRED_PACKAGES[@]}"; do
        status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
        [[ "$status" == "install ok installed" ]] || printf '%s\n' "$pkg"
    done
}

ensure_packages() {
    command -v dpkg-query >/dev/null || die "dpkg-query not found: the native stack needs Debian or Ubuntu"

    local missing
    mapfile -t missing < <(missing_packages)
    ((${#missing[@]} == 0)) && return 0

    if ! is_root; then
        printf 'kronos: missing Debian packages. Install them, then run this command again:\n' >&2
        printf '  sudo apt-get install -y %s\n' "${missing[*]}" >&2
        exit 1
    fi

    info "installing missing packages: ${missing[*]}"

    # The server packages' maintainer scripts would start a system-wide PostgreSQL, Redis and
    # nginx. A policy-rc.d that exits 101 ("action forbidden", see invoke-rc.d(8)) keeps them
    # stopped. An existing policy is left as it is.
    local policy=/usr/sbin/policy-rc.d policy_added=""
    if [[ ! -e "$policy" ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod 0755 "$policy"
        policy_added=1
    fi

    local status=0
    DEBIAN_FRONTEND=noninteractive apt-get update -q || status=$?
    if ((status == 0)); then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" || status=$?
    fi
    [[ -n "$policy_added" ]] && rm -f "$policy"
    ((status == 0)) || die "apt-get failed (exit $status) while installing: ${missing[*]}"
}

BUILD_DIR="${KRONOS_BUILD_DIR:-$KRONOS_REPO/build}"
BUILD_JOBS="${KRONOS_BUILD_JOBS:-2}"

build_services() {
    info "building in $BUILD_DIR (ninja -j$BUILD_JOBS)"
    # ccache keys on paths relative to the checkout, so another clone (or the copy that the
    # add-service test builds) reuses this build's objects.
    export CCACHE_BASEDIR="$KRONOS_REPO" CCACHE_NOHASHDIR=1
    cmake -S "$KRONOS_REPO" -B "$BUILD_DIR" -G Ninja >/dev/null ||
        die "cmake configuration failed; run 'cmake -S . -B build -G Ninja' to see the whole output"
    cmake --build "$BUILD_DIR" -j "$BUILD_JOBS" || die "build failed (see the compiler output above)"
}

service_binary() {
    printf '%s/services/%s/kronos-%s' "$BUILD_DIR" "$1" "$1"
}

# Fail before anything starts when a service binary is missing.
check_service_binaries() {
    local svc binary missing=()
    for svc in "${KRONOS_SCHEMAS[@]}"; do
        binary="$(service_binary "$svc")"
        [[ -x "$binary" ]] || missing+=("$binary")
    done
    if ((${#missing[@]} > 0)); then
        die "service binary not found: ${missing[*]} (the build produced no such target; check services/<name>/CMakeLists.txt)"
    fi
}

run_unit_tests() {
    info "running unit tests (ctest)"
    ctest --test-dir "$BUILD_DIR" --output-on-failure --no-tests=error -j "$BUILD_JOBS" ||
        die "unit tests failed"
}
