#pragma once

// Error and result types that the services' domain rules return in place of exceptions. The HTTP
// layer maps ErrorKind to a status code and `field` to the problem+json `errors` entry. The kind
// names match kronos::core::ErrorKind; this header includes nothing of Boost, so domain libraries
// and their tests stay light.

#include <string>
#include <utility>
#include <variant>

namespace kronos::core::domain {

enum class ErrorKind {
    invalid,        // a value that cannot be parsed or has the wrong form (400)
    rule_violated,  // a well-formed request that breaks a rule (422)
    conflict,       // an action that the current state does not allow (409)
    forbidden,      // an actor who may not perform the action (403)
};

struct DomainError {
    ErrorKind kind;
    std::string field;  // request field at fault, or empty when the rule spans several fields
    std::string message;
};

// Either a value or a DomainError. Accessing the wrong alternative throws
// std::bad_variant_access, so callers check ok() first.
template <typename T>
class Result {
  public:
    Result(T value) : state_(std::move(value)) {}
    Result(DomainError error) : state_(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(state_); }
    explicit operator bool() const { return ok(); }

    const T& value() const& { return std::get<T>(state_); }
    T& value() & { return std::get<T>(state_); }
    T&& value() && { return std::get<T>(std::move(state_)); }
    const DomainError& error() const { return std::get<DomainError>(state_); }

  private:
    std::variant<T, DomainError> state_;
};

}  // namespace kronos::core::domain
