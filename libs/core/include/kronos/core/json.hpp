#pragma once

// Strict JSON request bodies and field validation that names each bad field.
//
// parse_json_body: 415 unless Content-Type is application/json; 400 when the body is not
// well-formed JSON (the detail names the position) or not an object.
// Fields: reads members of that object, collecting every problem, and `finish()` throws one
// 422 listing all of them, so the client can fix everything in one go and nothing is written.

#include <boost/json/object.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kronos/core/date.hpp"
#include "kronos/core/errors.hpp"
#include "kronos/core/http.hpp"

namespace kronos::core {

boost::json::object parse_json_body(const Request& request);

struct StringRule {
    std::size_t min_length = 1;  // after trimming
    std::size_t max_length = 200;
};

class Fields {
  public:
    explicit Fields(const boost::json::object& object) : object_(object) {}

    // Rejects members not in `allowed` (422 naming each unknown member).
    Fields& only(std::initializer_list<std::string_view> allowed);

    std::optional<std::string> string(std::string_view key, bool required, StringRule rule = {});
    std::string required_string(std::string_view key, StringRule rule = {});
    std::optional<std::string> optional_string(std::string_view key, StringRule rule = {});
    // A member that may be JSON null (returned as an engaged optional holding nullopt).
    std::optional<std::optional<std::string>> nullable_string(std::string_view key,
                                                              StringRule rule = {});
    std::optional<Date> date(std::string_view key, bool required);
    std::optional<bool> boolean(std::string_view key, bool required);
    std::optional<std::int64_t> integer(std::string_view key, bool required, std::int64_t min,
                                        std::int64_t max);
    // One of `choices`.
    std::optional<std::string> choice(std::string_view key, bool required,
                                      std::initializer_list<std::string_view> choices);
    std::optional<std::string> uuid(std::string_view key, bool required);
    const boost::json::value* raw(std::string_view key) const;
    bool has(std::string_view key) const { return object_.contains(key); }

    void fail(std::string field, std::string message);
    bool ok() const { return errors_.empty(); }
    // Throws a 422 with every collected error; does nothing when there are none.
    void finish() const;

  private:
    const boost::json::object& object_;
    std::vector<FieldError> errors_;
};

// Whether `text` is a canonical UUID (8-4-4-4-12 hex digits).
bool is_uuid(std::string_view text);

// Query parameter helpers with 400 errors that name the parameter.
std::size_t list_limit(const Request& request);  // ?limit=, default 50, max 200
std::optional<Date> query_date(const Request& request, std::string_view name);
std::optional<int> query_year(const Request& request, std::string_view name);

}  // namespace kronos::core
