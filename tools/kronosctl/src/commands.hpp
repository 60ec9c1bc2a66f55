#pragma once

// Each command of kronosctl registers itself on the CLI11 application. Commands print what they
// find and return their exit status through CLI11's callback (throw CLI::RuntimeError(code) for a
// non-zero exit).

namespace CLI {
class App;
}

namespace kronosctl {

void add_status_command(CLI::App& app);
void add_logs_command(CLI::App& app);
void add_operation_commands(CLI::App& app);  // restart, rebuild, reload-gateway, migrate
void add_audit_command(CLI::App& app);
void add_checklist_command(CLI::App& app);
void add_add_service_command(CLI::App& app);
void add_doctor_command(CLI::App& app);

}  // namespace kronosctl
