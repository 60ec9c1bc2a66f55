#include "domain/import_plan.hpp"

#include <algorithm>
#include <set>

#include "domain/csv.hpp"
#include "domain/email.hpp"
#include "domain/roles.hpp"
#include "domain/text.hpp"

namespace kronos::auth {

namespace {

constexpr std::size_t kImportFieldCount = 4;
constexpr std::size_t kMaxNameLength = 200;

bool is_header(const CsvRecord& record) {
    static const std::vector<std::string> expected = {"email", "name", "role", "manager_email"};
    if (record.error || record.fields.size() != expected.size()) {
        return false;
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
        if (ascii_lower(trim(record.fields[i])) != expected[i]) {
            return false;
        }
    }
    return true;
}

// Validates one record; returns the row, or sets `error`.
std::optional<ImportRow> validate_record(const CsvRecord& record, std::string& error) {
    if (record.fields.size() != kImportFieldCount) {
        error = "expected 4 fields (" + std::string(kImportHeader) + "), found " +
                std::to_string(record.fields.size());
        return std::nullopt;
    }
    for (const auto& field : record.fields) {
        if (!is_valid_utf8(field)) {
            error = "the row is not valid UTF-8";
            return std::nullopt;
        }
    }

    ImportRow row;
    row.line = record.line;

    row.email = normalize_email(record.fields[0]);
    if (row.email.empty()) {
        error = "email is empty";
        return std::nullopt;
    }
    if (auto problem = email_problem(row.email)) {
        error = "email \"" + row.email + "\" " + *problem;
        return std::nullopt;
    }

    row.name = std::string(trim(record.fields[1]));
    if (row.name.empty()) {
        error = "name is empty";
        return std::nullopt;
    }
    if (count_code_points(row.name) > kMaxNameLength || has_control_character(row.name)) {
        error = "name must be at most 200 characters without control characters";
        return std::nullopt;
    }

    row.role = ascii_lower(trim(record.fields[2]));
    if (!is_role(row.role)) {
        error = "role \"" + std::string(trim(record.fields[2])) +
                "\" is not one of employee, manager, hr, admin";
        return std::nullopt;
    }

    const auto manager_email = normalize_email(record.fields[3]);
    if (!manager_email.empty()) {
        if (auto problem = email_problem(manager_email)) {
            error = "manager_email \"" + manager_email + "\" " + *problem;
            return std::nullopt;
        }
        if (manager_email == row.email) {
            error = "manager_email is the row's own email; a user cannot manage themselves";
            return std::nullopt;
        }
        row.manager_email = manager_email;
    }
    return row;
}

struct RowState {
    const ImportRow* row;
    const ExistingUser* existing;  // null for a new user
    bool live = true;
};

bool would_change(const ImportRow& row, const ExistingUser& user) {
    return row.name != user.name || row.role != user.role ||
           row.manager_email != user.manager_email;
}

class Planner {
  public:
    Planner(const ImportFile& file, const std::map<std::string, ExistingUser>& existing,
            bool importer_is_admin)
        : existing_(existing), errors_(file.errors) {
        for (const auto& row : file.rows) {
            auto found = existing.find(row.email);
            index_by_email_.emplace(row.email, states_.size());
            states_.push_back({&row, found == existing.end() ? nullptr : &found->second});
        }
        check_permissions(importer_is_admin);
    }

    ImportPlan plan() {
        while (drop_rows_with_unknown_manager() || drop_rows_on_a_cycle()) {
        }
        ImportPlan result;
        for (const auto& state : states_) {
            if (state.live) {
                result.rows.push_back(classify(state));
            }
        }
        std::stable_sort(
            errors_.begin(), errors_.end(),
            [](const ImportError& a, const ImportError& b) { return a.line < b.line; });
        result.errors = std::move(errors_);
        return result;
    }

  private:
    void drop(RowState& state, std::string message) {
        state.live = false;
        errors_.push_back({state.row->line, std::move(message)});
    }

    void check_permissions(bool importer_is_admin) {
        if (importer_is_admin) {
            return;
        }
        for (auto& state : states_) {
            if (state.row->role == "admin" &&
                (state.existing == nullptr || state.existing->role != "admin")) {
                drop(state, "only an admin may grant the admin role");
            } else if (state.existing != nullptr && state.existing->role == "admin" &&
                       would_change(*state.row, *state.existing)) {
                drop(state, "only an admin may change an admin's account");
            }
        }
    }

    const RowState* live_row(const std::string& email) const {
        auto found = index_by_email_.find(email);
        if (found == index_by_email_.end() || !states_[found->second].live) {
            return nullptr;
        }
        return &states_[found->second];
    }

    // The manager a user will have after the import.
    std::optional<std::string> manager_after_import(const std::string& email) const {
        if (const auto* state = live_row(email)) {
            return state->row->manager_email;
        }
        auto found = existing_.find(email);
        if (found != existing_.end()) {
            return found->second.manager_email;
        }
        return std::nullopt;
    }

    bool drop_rows_with_unknown_manager() {
        bool dropped = false;
        for (auto& state : states_) {
            if (!state.live || !state.row->manager_email) {
                continue;
            }
            const auto& manager = *state.row->manager_email;
            if (live_row(manager) == nullptr && existing_.find(manager) == existing_.end()) {
                drop(state, "manager_email \"" + manager +
                                "\" is neither an existing user nor a valid row of this file");
                dropped = true;
            }
        }
        return dropped;
    }

    // Walks up the manager chain from every live row; drops the live rows on the first cycle
    // found. Returns whether a row was dropped.
    bool drop_rows_on_a_cycle() {
        for (const auto& start : states_) {
            if (!start.live) {
                continue;
            }
            std::vector<std::string> path;
            std::set<std::string> seen;
            std::optional<std::string> current = start.row->email;
            while (current && seen.insert(*current).second) {
                path.push_back(*current);
                current = manager_after_import(*current);
            }
            if (!current) {
                continue;
            }
            const auto cycle_start = std::find(path.begin(), path.end(), *current);
            std::vector<std::string> cycle(cycle_start, path.end());
            std::string description;
            for (const auto& email : cycle) {
                description += email + " → ";
            }
            description += *current;

            bool dropped = false;
            for (auto& state : states_) {
                if (state.live &&
                    std::find(cycle.begin(), cycle.end(), state.row->email) != cycle.end()) {
                    drop(state, "manager chain would form a cycle: " + description);
                    dropped = true;
                }
            }
            if (dropped) {
                return true;
            }
        }
        return false;
    }

    PlannedRow classify(const RowState& state) const {
        PlannedRow planned{*state.row};
        if (state.existing == nullptr) {
            planned.action = ImportAction::create;
            planned.manager_changed = state.row->manager_email.has_value();
            return planned;
        }
        planned.name_changed = state.row->name != state.existing->name;
        planned.role_changed = state.row->role != state.existing->role;
        planned.manager_changed = state.row->manager_email != state.existing->manager_email;
        const bool changed =
            planned.name_changed || planned.role_changed || planned.manager_changed;
        planned.action = changed ? ImportAction::update : ImportAction::unchanged;
        return planned;
    }

    const std::map<std::string, ExistingUser>& existing_;
    std::vector<RowState> states_;
    std::map<std::string, std::size_t> index_by_email_;  // file emails are unique
    std::vector<ImportError> errors_;
};

}  // namespace

ImportFile read_import_file(std::string_view csv_text) {
    ImportFile file;
    const auto records = parse_csv(csv_text);
    if (records.empty()) {
        file.problem =
            "the file is empty; the first line must be the header " + std::string(kImportHeader);
        return file;
    }
    if (!is_header(records.front())) {
        file.problem = "the first line must be the header " + std::string(kImportHeader);
        return file;
    }

    std::map<std::string, std::size_t> first_line_of_email;
    for (std::size_t i = 1; i < records.size(); ++i) {
        const auto& record = records[i];
        if (record.error) {
            file.errors.push_back({record.line, *record.error});
            continue;
        }
        std::string error;
        auto row = validate_record(record, error);
        if (!row) {
            file.errors.push_back({record.line, std::move(error)});
            continue;
        }
        auto [it, inserted] = first_line_of_email.emplace(row->email, row->line);
        if (!inserted) {
            file.errors.push_back({record.line, "email \"" + row->email +
                                                    "\" was already given on line " +
                                                    std::to_string(it->second)});
            continue;
        }
        file.rows.push_back(std::move(*row));
    }
    return file;
}

ImportPlan plan_import(const ImportFile& file, const std::map<std::string, ExistingUser>& existing,
                       bool importer_is_admin) {
    return Planner(file, existing, importer_is_admin).plan();
}

}  // namespace kronos::auth
