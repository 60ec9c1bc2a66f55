#pragma once

// Who may see and act on a claim. A caller who may not see a claim gets 404, as if it did not
// exist. A caller who may see it but not perform the action gets 403.

#include <pqxx/pqxx>
#include <string>

#include "kronos/core/http.hpp"
#include "store/rows.hpp"

namespace kronos::expense::http {

// The owner, the owner's current manager in the directory, hr and admin.
bool can_view_claim(pqxx::work& tx, const core::Principal& caller, const store::ClaimRow& claim);

// Locks the claim for a change (or reads it when `lock` is false) and returns it; 404 when it
// does not exist or the caller may not see it.
store::ClaimRow load_visible_claim(pqxx::work& tx, const core::Principal& caller,
                                   const std::string& claim_id, bool lock);

// 403 unless the caller owns the claim.
void require_owner(const core::Principal& caller, const store::ClaimRow& claim);
// 409 unless the claim is a draft.
void require_draft(const store::ClaimRow& claim);
// 403 unless the caller may decide on the claim: the owner's manager, hr or admin, and never
// the owner.
void require_approver(pqxx::work& tx, const core::Principal& caller, const store::ClaimRow& claim);

}  // namespace kronos::expense::http
