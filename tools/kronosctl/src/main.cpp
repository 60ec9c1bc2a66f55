#include <CLI/CLI.hpp>

#include "commands.hpp"

int main(int argc, char** argv) {
    CLI::App app{"kronosctl: operate a Kronos deployment (native stack or Docker Compose)."};
    app.require_subcommand(1);
    kronosctl::add_status_command(app);
    kronosctl::add_logs_command(app);
    kronosctl::add_operation_commands(app);
    kronosctl::add_audit_command(app);
    kronosctl::add_checklist_command(app);
    kronosctl::add_add_service_command(app);
    kronosctl::add_doctor_command(app);
    CLI11_PARSE(app, argc, argv);
    return 0;
}
