#pragma once

// The user import, without I/O: reading the CSV file into validated rows, then planning which
// users to create, update or leave unchanged against a snapshot of the existing users.
//
// Rows with errors are skipped and reported by line; the rest are applied. A row is skipped
// when its manager is neither an existing user nor a valid row of the file, or when its
// manager would close a cycle in the manager chain. Skipping a row can invalidate rows that
// name it as manager, so planning repeats until no new error appears.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kronos::auth {

inline constexpr std::string_view kImportHeader = "email,name,role,manager_email";

struct ImportRow {
    std::size_t line = 0;
    std::string email;  // normalised
    std::string name;
    std::string role;
    std::optional<std::string> manager_email;  // normalised; nullopt when the field is empty
};

struct ImportError {
    std::size_t line = 0;
    std::string message;
};

struct ImportFile {
    // Set when the file as a whole cannot be imported (empty, or a wrong header).
    std::optional<std::string> problem;
    std::vector<ImportRow> rows;
    std::vector<ImportError> errors;
};

// Parses the CSV text and validates every row on its own (field count, UTF-8, email shape,
// name, role, duplicate emails).
ImportFile read_import_file(std::string_view csv_text);

struct ExistingUser {
    std::string id;
    std::string email;  // normalised
    std::string name;
    std::string role;
    std::optional<std::string> manager_email;
};

enum class ImportAction { create, update, unchanged };

struct PlannedRow {
    ImportRow row;
    ImportAction action = ImportAction::unchanged;
    bool name_changed = false;
    bool role_changed = false;
    bool manager_changed = false;
};

struct ImportPlan {
    std::vector<PlannedRow> rows;     // in file order
    std::vector<ImportError> errors;  // ordered by line
};

// Plans the import of `file`'s valid rows. `existing` maps normalised email to user.
ImportPlan plan_import(const ImportFile& file, const std::map<std::string, ExistingUser>& existing,
                       bool importer_is_admin);

}  // namespace kronos::auth
