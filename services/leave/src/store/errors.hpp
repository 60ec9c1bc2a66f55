#pragma once

// Maps the leave domain's error values to the core's typed API errors, so every rule the
// domain rejects reaches the client as problem+json with the right status and field.

#include "domain/error.hpp"
#include "kronos/core/errors.hpp"

namespace kronos::leave::store {

// invalid -> 400 (422 naming the field when `field` is set, because a field value that cannot
// be parsed is a validation failure of that field), rule_violated -> 422, conflict -> 409,
// forbidden -> 403.
core::ApiError to_api_error(const domain::DomainError& error);

// Returns the result's value, or throws to_api_error(result.error()) when it has none.
template <typename T>
const T& value_or_throw(const domain::Result<T>& result) {
    if (!result.ok()) {
        throw to_api_error(result.error());
    }
    return result.value();
}

}  // namespace kronos::leave::store
