#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace kronosctl {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> merged_environment(const std::map<std::string, std::string>& extra) {
    std::vector<std::string> result;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        std::string_view text(*entry);
        const auto equals = text.find('=');
        const auto name = std::string(text.substr(0, equals));
        if (!extra.contains(name)) {
            result.emplace_back(text);
        }
    }
    for (const auto& [name, value] : extra) {
        result.push_back(name + "=" + value);
    }
    return result;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> result;
    result.reserve(strings.size() + 1);
    for (auto& text : strings) {
        result.push_back(text.data());
    }
    result.push_back(nullptr);
    return result;
}

void close_quietly(int& fd) {
    if (fd >= 0) {
        ::close(fd);
        fd = -1;
    }
}

int decode_wait_status(int status) {
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return -1;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& arguments,
                          const ProcessOptions& options) {
    ProcessResult result;
    if (arguments.empty()) {
        result.error = "no program given";
        return result;
    }

    auto argv_strings = arguments;
    auto argv = pointers(argv_strings);
    auto env_strings = merged_environment(options.environment);
    auto envp = pointers(env_strings);
    const std::string directory =
        options.working_directory ? options.working_directory->string() : std::string();

    std::array<int, 2> out_pipe{-1, -1};
    std::array<int, 2> err_pipe{-1, -1};
    // The child reports a failed exec through this close-on-exec pipe: EOF means exec worked.
    std::array<int, 2> exec_pipe{-1, -1};
    const bool capture = !options.inherit_output;
    if ((capture &&
         (::pipe2(out_pipe.data(), O_CLOEXEC) != 0 || ::pipe2(err_pipe.data(), O_CLOEXEC) != 0)) ||
        ::pipe2(exec_pipe.data(), O_CLOEXEC) != 0) {
        result.error = std::string("pipe failed: ") + std::strerror(errno);
        for (auto* fds : {&out_pipe, &err_pipe, &exec_pipe}) {
            close_quietly((*fds)[0]);
            close_quietly((*fds)[1]);
        }
        return result;
    }

    const pid_t pid = ::fork();
    if (pid < 0) {
        result.error = std::string("fork failed: ") + std::strerror(errno);
        return result;
    }
    if (pid == 0) {
        // Only async-signal-safe calls from here to exec.
        if (capture) {
            // A group of its own lets a timeout stop the program and whatever it started.
            ::setpgid(0, 0);
            ::dup2(out_pipe[1], STDOUT_FILENO);
            ::dup2(options.merge_stderr ? out_pipe[1] : err_pipe[1], STDERR_FILENO);
            const int null_fd = ::open("/dev/null", O_RDONLY);
            if (null_fd >= 0) {
                ::dup2(null_fd, STDIN_FILENO);
            }
        }
        if (!directory.empty() && ::chdir(directory.c_str()) != 0) {
            const int code = errno;
            [[maybe_unused]] auto written = ::write(exec_pipe[1], &code, sizeof code);
            ::_exit(127);
        }
        ::execvpe(argv[0], argv.data(), envp.data());
        const int code = errno;
        [[maybe_unused]] auto written = ::write(exec_pipe[1], &code, sizeof code);
        ::_exit(127);
    }

    close_quietly(out_pipe[1]);
    close_quietly(err_pipe[1]);
    close_quietly(exec_pipe[1]);

    int exec_errno = 0;
    ssize_t got = 0;
    do {
        got = ::read(exec_pipe[0], &exec_errno, sizeof exec_errno);
    } while (got < 0 && errno == EINTR);
    close_quietly(exec_pipe[0]);
    if (got == static_cast<ssize_t>(sizeof exec_errno)) {
        int status = 0;
        ::waitpid(pid, &status, 0);
        close_quietly(out_pipe[0]);
        close_quietly(err_pipe[0]);
        result.error = "could not run " + arguments[0] +
                       (directory.empty() ? std::string() : " in " + directory) + ": " +
                       std::strerror(exec_errno);
        return result;
    }

    const auto started = Clock::now();
    const bool limited = options.timeout.count() > 0;
    const auto deadline = started + options.timeout;
    // When SIGKILL follows the SIGTERM of a timeout (a time point plus a flag: GCC 12 at -O2
    // reports std::optional<time_point> here as maybe uninitialized).
    Clock::time_point kill_at{};
    bool kill_pending = false;

    auto signal_child = [&](int signal_number) {
        if (capture) {
            ::kill(-pid, signal_number);
        } else {
            ::kill(pid, signal_number);
        }
    };

    std::array<char, 8192> buffer{};
    while (out_pipe[0] >= 0 || err_pipe[0] >= 0 || !capture) {
        if (!capture) {
            // Nothing to read: wait for the exit, checking the deadline every 100 ms.
            int status = 0;
            const pid_t done = ::waitpid(pid, &status, WNOHANG);
            if (done == pid) {
                result.exit_code = decode_wait_status(status);
                return result;
            }
            ::usleep(100 * 1000);
        } else {
            std::array<pollfd, 2> fds{pollfd{out_pipe[0], POLLIN, 0},
                                      pollfd{err_pipe[0], POLLIN, 0}};
            const int ready = ::poll(fds.data(), fds.size(), 100);
            if (ready < 0 && errno != EINTR) {
                break;
            }
            for (std::size_t index = 0; index < fds.size(); ++index) {
                if (fds[index].fd < 0 || (fds[index].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
                    continue;
                }
                const ssize_t count = ::read(fds[index].fd, buffer.data(), buffer.size());
                if (count <= 0) {
                    if (count < 0 && errno == EINTR) {
                        continue;
                    }
                    close_quietly(index == 0 ? out_pipe[0] : err_pipe[0]);
                    continue;
                }
                const std::string_view chunk(buffer.data(), static_cast<std::size_t>(count));
                if (index == 0) {
                    if (options.on_output) {
                        options.on_output(chunk);
                    }
                    if (options.keep_output) {
                        result.output.append(chunk);
                    }
                } else {
                    result.error_output.append(chunk);
                }
            }
        }

        const auto now = Clock::now();
        if (limited && !result.timed_out && now >= deadline) {
            result.timed_out = true;
            signal_child(SIGTERM);
            kill_at = now + std::chrono::seconds(2);
            kill_pending = true;
        } else if (kill_pending && now >= kill_at) {
            signal_child(SIGKILL);
            kill_pending = false;
        }
    }

    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exit_code = decode_wait_status(status);
    return result;
}

std::optional<std::filesystem::path> find_program(std::string_view program) {
    if (program.find('/') != std::string_view::npos) {
        std::filesystem::path path(program);
        if (::access(path.c_str(), X_OK) == 0) {
            return path;
        }
        return std::nullopt;
    }
    const char* path_variable = std::getenv("PATH");
    std::string_view remaining = path_variable != nullptr ? path_variable : "/usr/bin:/bin";
    while (true) {
        const auto colon = remaining.find(':');
        const auto folder = remaining.substr(0, colon);
        const auto candidate =
            std::filesystem::path(folder.empty() ? "." : std::string(folder)) / program;
        if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate)) {
            return candidate;
        }
        if (colon == std::string_view::npos) {
            return std::nullopt;
        }
        remaining.remove_prefix(colon + 1);
    }
}

std::string describe_command(const std::vector<std::string>& arguments) {
    std::string text;
    for (const auto& argument : arguments) {
        if (!text.empty()) {
            text += ' ';
        }
        const bool plain = !argument.empty() &&
                           argument.find_first_of(" \t\n'\"\\$`*?;&|<>()") == std::string::npos;
        if (plain) {
            text += argument;
            continue;
        }
        text += '\'';
        for (const char c : argument) {
            if (c == '\'') {
                text += "'\\''";
            } else {
                text += c;
            }
        }
        text += '\'';
    }
    return text;
}

}  // namespace kronosctl
