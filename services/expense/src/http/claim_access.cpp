#include "http/claim_access.hpp"

#include "kronos/core/directory.hpp"
#include "kronos/core/errors.hpp"
#include "store/claims.hpp"

namespace kronos::expense::http {

bool can_view_claim(pqxx::work& tx, const core::Principal& caller, const store::ClaimRow& claim) {
    return claim.user_id == caller.id || caller.is_hr_or_admin() ||
           core::is_manager_of(tx, caller.id, claim.user_id);
}

store::ClaimRow load_visible_claim(pqxx::work& tx, const core::Principal& caller,
                                   const std::string& claim_id, bool lock) {
    auto claim = lock ? store::lock_claim(tx, claim_id) : store::find_claim(tx, claim_id);
    if (!claim || !can_view_claim(tx, caller, *claim)) {
        throw core::ApiError::not_found("No claim " + claim_id + ".");
    }
    return *claim;
}

void require_owner(const core::Principal& caller, const store::ClaimRow& claim) {
    if (claim.user_id != caller.id) {
        throw core::ApiError::forbidden("Only the owner of a claim may change it.");
    }
}

void require_draft(const store::ClaimRow& claim) {
    if (claim.status != "draft") {
        throw core::ApiError::conflict("The claim is " + claim.status +
                                       "; only a draft can be changed. An approver can return "
                                       "a submitted claim to draft.")
            .with_type("wrong-state");
    }
}

void require_approver(pqxx::work& tx, const core::Principal& caller, const store::ClaimRow& claim) {
    if (claim.user_id == caller.id) {
        throw core::ApiError::forbidden("Nobody may decide on their own claim.");
    }
    if (!caller.is_hr_or_admin() && !core::is_manager_of(tx, caller.id, claim.user_id)) {
        throw core::ApiError::forbidden(
            "Only the owner's manager, hr or admin may decide on this claim.");
    }
}

}  // namespace kronos::expense::http
