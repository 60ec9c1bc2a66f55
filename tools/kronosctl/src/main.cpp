#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "context.hpp"

int main(int argc, char** argv) {
    CLI::App app{"kronosctl: operate a Kronos deployment (native stack or Docker Compose)."};
    app.require_subcommand(1);
    kronosctl::add_global_context_options(app);
    kronosctl::add_status_command(app);
    kronosctl::add_logs_command(app);
    kronosctl::add_operation_commands(app);
    kronosctl::add_audit_command(app);
    kronosctl::add_checklist_command(app);
    kronosctl::add_add_service_command(app);
    kronosctl::add_doctor_command(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        // Commands report their own status through CLI::RuntimeError. CLI11's own parse errors
        // carry codes of 100 and above, but scripts are promised 2 for invalid arguments.
        const int code = app.exit(error);
        if (error.get_name() == "RuntimeError" || code == 0) {
            return code;
        }
        return 2;
    }
    return 0;
}
