#pragma once

// Runs other programs (supervisorctl, docker, nginx, git, alembic) from an argument vector,
// never through a shell, so names and paths from files cannot inject commands.

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kronosctl {

struct ProcessOptions {
    // The child is sent SIGTERM, then SIGKILL 2 s later, once this has elapsed. Zero: no limit.
    std::chrono::milliseconds timeout{std::chrono::seconds(60)};
    std::optional<std::filesystem::path> working_directory;
    // Added to (or replacing entries of) this process's environment.
    std::map<std::string, std::string> environment;
    // Both streams go to `output` in the order they were written.
    bool merge_stderr = false;
    // Standard output and error go to this process's terminal instead of being captured, and
    // the child stays in the terminal's process group so that Ctrl-C reaches it too.
    bool inherit_output = false;
    // Called with each chunk of standard output as it arrives (when not inherited); the chunk
    // is still appended to `output` unless `keep_output` is false.
    std::function<void(std::string_view)> on_output;
    bool keep_output = true;
};

struct ProcessResult {
    // Exit status, or 128 + signal number when the child was killed by a signal; -1 when it
    // could not be started.
    int exit_code = -1;
    bool timed_out = false;
    std::string output;
    std::string error_output;
    // Reason the program could not be started (empty when it ran).
    std::string error;

    bool succeeded() const { return error.empty() && !timed_out && exit_code == 0; }
};

ProcessResult run_process(const std::vector<std::string>& arguments,
                          const ProcessOptions& options = {});

// Returns the full path of PROGRAM found on PATH, or nothing.
std::optional<std::filesystem::path> find_program(std::string_view program);

// Joins arguments for messages, quoting the ones that contain spaces or shell characters.
std::string describe_command(const std::vector<std::string>& arguments);

}  // namespace kronosctl
