# shellcheck shell=bash
# `./kronos test`: build, unit tests, then the black-box API tests against a throw-away stack.

# Print COUNT free TCP ports, taken from a random point in 20000-29999: below Linux's default
# ephemeral range (32768-60999), so outgoing connections cannot take them in the meantime.
pick_free_ports() {
    local count="$1" listening port picked=()
    listening=" $(ss -Hltn 2>/dev/null | awk '{n = split($4, a, ":"); printf "%s ", a[n]}') "
    port=$((20000 + RANDOM % 9000))
    while ((${#picked[@]} < count)); do
        ((port > 29999)) && port=20000
        [[ "$listening" == *" $port "* ]] || picked+=("$port")
        port=$((port + 1))
    done
    printf '%s\n' "${picked[*]}"
}

# Show what the test stack logged, so a failure in CI can be understood after the state is gone.
report_test_stack_logs() {
    local state="$1" file
    [[ -d "$state/logs" ]] || return 0
    printf '\n=== logs of the test stack (last 40 lines each) ===\n' >&2
    for file in "$state"/logs/*.log; do
        [[ -f "$file" ]] || continue
        printf -- '--- %s ---\n' "${file##*/}" >&2
        tail -n 40 "$file" >&2
    done
}

cleanup_test_stack() {
    local status="$1" state="$2"
    trap - EXIT INT TERM
    if ((status != 0)); then
        report_test_stack_logs "$state"
    fi
    info "stopping and deleting the test stack in $state"
    KRONOS_STATE_DIR="$state" "$KRONOS_REPO/kronos" reset --yes >/dev/null 2>&1 || rm -rf "$state"
    if [[ -e "$state" ]]; then
        warn "could not delete $state"
    fi
    exit "$status"
}

# Formatting is mechanical: every C++ file must be as clang-format and .clang-format leave it.
check_formatting() {
    info "checking C++ formatting (clang-format)"
    local -a files
    mapfile -t files < <(cd "$KRONOS_REPO" && git ls-files '*.cpp' '*.hpp')
    ((${#files[@]} > 0)) || return 0
    (cd "$KRONOS_REPO" && clang-format --dry-run --Werror "${files[@]}") ||
        die "C++ files are not formatted; run: git ls-files '*.cpp' '*.hpp' | xargs clang-format -i"
}

# The runbook's security table, checked on this checkout.
run_audit() {
    info "auditing the repository (kronosctl audit)"
    (cd "$KRONOS_REPO" && "$BUILD_DIR/tools/kronosctl/kronosctl" audit) ||
        die "kronosctl audit failed; each FAIL line above names the file and line"
}

# kronosctl's own tests and the network isolation test start throw-away stacks of their own.
run_operations_tests() {
    info "running the operations tests (pytest tests/ops)"
    (cd "$KRONOS_REPO" && env KRONOSCTL="$BUILD_DIR/tools/kronosctl/kronosctl" \
        NO_PROXY=127.0.0.1,localhost,::1 no_proxy=127.0.0.1,localhost,::1 \
        /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/ops) ||
        die "operations tests failed (pytest tests/ops)"
    info "running the network isolation test (tests/isolation/run.sh)"
    "$KRONOS_REPO/tests/isolation/run.sh" || die "network isolation test failed"
}

# The Compose file, Kubernetes manifests and OpenAPI files are checked without a stack.
run_deploy_checks() {
    info "checking the deployment files (pytest tests/deploy)"
    (cd "$KRONOS_REPO" && /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/deploy) ||
        die "deployment checks failed; the test names above say which file and rule"
}

cmd_test() {
    # Arguments after `--` go to pytest, e.g. ./kronos test -- -k gateway
    if (($# > 0)); then
        [[ "$1" == -- ]] || die "unknown argument '$1' for test; pass pytest options after --"
        shift
    fi

    ensure_packages
    build_services
    check_formatting
    run_unit_tests
    run_deploy_checks
    run_audit
    check_service_binaries

    local state
    state="$(mktemp -d "${TMPDIR:-/tmp}/kronos-test.XXXXXX")"
    trap 'cleanup_test_stack $? "'"$state"'"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    local -a ports
    read -r -a ports <<<"$(pick_free_ports 7)"
    info "starting a test stack in $state on ports ${ports[*]}"

    # The e2e suite signs in far more often than a person would, so the gateway's login rate
    # limit is raised for this stack only (KRONOS_LOGIN_RATE is read by nginx/native-setup.sh).
    env KRONOS_STATE_DIR="$state" KRONOS_BIND=127.0.0.1 \
        KRONOS_HTTP_PORT="${ports[0]}" KRONOS_HTTPS_PORT="${ports[1]}" \
        KRONOS_AUTH_PORT="${ports[2]}" KRONOS_LEAVE_PORT="${ports[3]}" KRONOS_EXPENSE_PORT="${ports[4]}" \
        KRONOS_PG_PORT="${ports[5]}" KRONOS_REDIS_PORT="${ports[6]}" \
        KRONOS_LOGIN_RATE="${KRONOS_TEST_LOGIN_RATE:-100r/s}" \
        "$KRONOS_REPO/kronos" up --no-build || die "the test stack did not start"

    STATE="$state"
    STACK_ENV="$state/stack.env"
    local admin_email
    admin_email="$(read_setting KRONOS_ADMIN_EMAIL)"

    info "running the API tests (pytest tests/e2e)"
    local status=0
    (
        cd "$KRONOS_REPO"
        env KRONOS_BASE_URL="http://127.0.0.1:${ports[0]}" KRONOS_HTTPS_URL="https://127.0.0.1:${ports[1]}" \
            KRONOS_ADMIN_EMAIL="$admin_email" KRONOS_ADMIN_PASSWORD_FILE="$state/admin-password" \
            KRONOS_STATE_DIR="$state" KRONOS_REPO="$KRONOS_REPO" \
            NO_PROXY=127.0.0.1,localhost,::1 no_proxy=127.0.0.1,localhost,::1 \
            /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/e2e "$@"
    ) || status=$?

    case "$status" in
        0) info "API tests passed" ;;
        5) die "pytest collected no tests in tests/e2e; that counts as a failure" ;;
        *) die "API tests failed (pytest exit $status)" ;;
    esac

    run_operations_tests
    info "all tests passed"
}
