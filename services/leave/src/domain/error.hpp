#pragma once

// The leave domain's error and result types, shared by every service's domain rules.

#include "kronos/core/domain_result.hpp"

namespace kronos::leave::domain {

using core::domain::DomainError;
using core::domain::ErrorKind;
using core::domain::Result;

}  // namespace kronos::leave::domain
