#include "store/errors.hpp"

namespace kronos::leave::store {

core::ApiError to_api_error(const domain::DomainError& error) {
    switch (error.kind) {
        case domain::ErrorKind::invalid:
        case domain::ErrorKind::rule_violated:
            if (!error.field.empty()) {
                return core::ApiError::field(error.field, error.message);
            }
            if (error.kind == domain::ErrorKind::invalid) {
                return core::ApiError::invalid(error.message);
            }
            return core::ApiError::rule_violated(error.message);
        case domain::ErrorKind::conflict:
            return core::ApiError::conflict(error.message);
        case domain::ErrorKind::forbidden:
            return core::ApiError::forbidden(error.message);
    }
    return core::ApiError::internal("unknown domain error kind: " + error.message);
}

}  // namespace kronos::leave::store
