// `kronosctl checklist`: the runbook's final checklist, each item ticked or crossed with the
// reason.

#include <CLI/CLI.hpp>
#include <iostream>

#include "audit.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "http_probe.hpp"
#include "logs.hpp"
#include "status.hpp"

namespace kronosctl {
namespace {

struct Item {
    std::string title;
    bool passed = false;
    std::vector<std::string> reasons;
};

Item services_healthy(const Context& context) {
    Item item{"All services healthy", false, {}};
    const auto report = collect_status(context);
    if (!report.fatal_error.empty()) {
        item.reasons.push_back(report.fatal_error);
        return item;
    }
    std::size_t healthy = 0;
    for (const auto& service : report.services) {
        if (service.healthy) {
            ++healthy;
            continue;
        }
        for (const auto& problem : service.problems) {
            item.reasons.push_back(service.name + ": " + problem);
        }
    }
    item.passed = healthy == report.services.size();
    if (item.passed) {
        item.reasons.push_back(std::to_string(healthy) + " of " +
                               std::to_string(report.services.size()) + " services healthy");
    }
    return item;
}

Item logs_clean(const Context& context, int minutes) {
    Item item{"Logs clean of critical errors in the last " + std::to_string(minutes) + " minutes",
              false,
              {}};
    std::string error;
    const auto since = std::chrono::system_clock::now() - std::chrono::minutes(minutes);
    const auto lines = recent_error_lines(context, since, error);
    if (!error.empty()) {
        item.reasons.push_back(error);
        return item;
    }
    item.passed = lines.empty();
    if (item.passed) {
        item.reasons.push_back("no line matches error, exception or critical");
        return item;
    }
    item.reasons.push_back(std::to_string(lines.size()) +
                           " error lines; kronosctl logs --errors --since " +
                           std::to_string(minutes) + "m shows them all. The latest:");
    constexpr std::size_t shown = 3;
    for (std::size_t index = lines.size() > shown ? lines.size() - shown : 0; index < lines.size();
         ++index) {
        item.reasons.push_back("  " + lines[index].substr(0, 300));
    }
    return item;
}

Item routing_correct(const Context& context) {
    Item item{"Nginx routing correct for every service", false, {}};
    const auto compose = load_compose_file(context.compose_file());
    if (!compose.error.empty()) {
        item.reasons.push_back(compose.error);
        return item;
    }
    const auto routes = check_routes(context.root, compose);
    for (const auto& finding : routes.findings) {
        item.reasons.push_back(finding.location() + ": " + finding.message);
    }
    // The configuration can be right and the running gateway still not route: ask it.
    const auto port = context.gateway_http_port();
    for (const auto& [service, service_port] : read_services_list(context.root)) {
        const auto url =
            "http://127.0.0.1:" + std::to_string(port) + "/api/v1/" + service + "/health";
        const auto response = http_get(url);
        if (!response.received() || response.status != 200) {
            item.reasons.push_back("GET " + url + ": " +
                                   (response.received()
                                        ? "status " + std::to_string(response.status)
                                        : response.error));
        }
    }
    item.passed = item.reasons.empty();
    if (item.passed) {
        item.reasons.push_back(routes.detail +
                               "; every service answers /health through the gateway");
    }
    return item;
}

Item from_checks(const std::string& title, const std::vector<CheckResult>& checks) {
    Item item{title, true, {}};
    for (const auto& check : checks) {
        if (check.passed()) {
            continue;
        }
        item.passed = false;
        for (const auto& finding : check.findings) {
            item.reasons.push_back(check.name + ": " + finding.location() + ": " + finding.message);
        }
    }
    if (item.passed) {
        std::string names;
        for (const auto& check : checks) {
            names += (names.empty() ? "" : ", ") + check.name;
        }
        item.reasons.push_back("audit checks passed: " + names);
    }
    return item;
}

}  // namespace

void add_checklist_command(CLI::App& app) {
    auto options = std::make_shared<ContextOptions>();
    auto minutes = std::make_shared<int>(15);
    auto* command = app.add_subcommand(
        "checklist",
        "Go through the runbook's final checklist: health, logs, routing, secrets, networks");
    add_context_options(*command, *options);
    command
        ->add_option("--minutes", *minutes,
                     "How far back the logs must be clean of errors, in minutes")
        ->capture_default_str()
        ->check(CLI::Range(1, 7 * 24 * 60));
    command->callback([options, minutes] {
        Context context;
        try {
            context = load_context(*options);
        } catch (const std::exception& error) {
            std::cerr << "kronosctl: " << error.what() << '\n';
            throw CLI::RuntimeError(2);
        }
        const std::vector<Item> items{
            services_healthy(context),
            logs_clean(context, *minutes),
            routing_correct(context),
            from_checks("Secrets not exposed in code", run_secret_audit(context.root)),
            from_checks("Networks properly isolated", run_network_audit(context.root)),
        };
        bool all_passed = true;
        for (const auto& item : items) {
            std::cout << (item.passed ? "\u2714 " : "\u2718 ") << item.title << '\n';
            for (const auto& reason : item.reasons) {
                std::cout << "    " << as_invoked(reason) << '\n';
            }
            all_passed = all_passed && item.passed;
        }
        if (!all_passed) {
            throw CLI::RuntimeError(1);
        }
    });
}

}  // namespace kronosctl
