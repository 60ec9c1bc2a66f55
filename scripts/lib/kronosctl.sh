# shellcheck shell=bash
# Every command past bootstrap runs kronosctl, the operators' tool, on the native stack.

# kronosctl commands that take --native. audit and add-service work on the checkout alone.
KRONOSCTL_STACK_COMMANDS=(status logs restart rebuild reload-gateway migrate checklist doctor)
# Commands that change the stack and therefore take the same lock as up, down and reset.
KRONOSCTL_LOCKED_COMMANDS=(restart rebuild reload-gateway migrate)

# Run `kronosctl COMMAND ARGS...` from the checkout on the stack of KRONOS_STATE_DIR and exit
# with its status.
run_kronosctl() {
    local command="$1"
    shift
    local binary="$BUILD_DIR/tools/kronosctl/kronosctl"
    [[ -x "$binary" ]] ||
        die "kronosctl is not built yet ($binary not found); run ./kronos up first, which builds it with the services"

    # kronosctl resolves a relative KRONOS_STATE_DIR from its own working directory, which is
    # the checkout, so the caller's relative path is made absolute here. The folder is not
    # created: status must report a missing stack, not make an empty one.
    local state="${KRONOS_STATE_DIR:-$KRONOS_REPO/.kronos}"
    [[ "$state" == /* ]] || state="$PWD/$state"
    export KRONOS_STATE_DIR="$state"

    local name
    for name in "${KRONOSCTL_LOCKED_COMMANDS[@]}"; do
        if [[ "$command" == "$name" && -d "$state" ]]; then
            init_state_paths
            take_lock
        fi
    done

    local -a options=()
    for name in "${KRONOSCTL_STACK_COMMANDS[@]}"; do
        [[ "$command" == "$name" ]] && options=(--native)
    done

    cd "$KRONOS_REPO" || die "cannot enter $KRONOS_REPO"
    # The fixes kronosctl suggests then read "./kronos restart leave", which works from here,
    # rather than naming a kronosctl that is not on PATH.
    export KRONOS_INVOKED_AS=./kronos
    # exec keeps the lock's file descriptor 9 open until kronosctl exits.
    exec "$binary" "$command" "${options[@]}" "$@"
}
