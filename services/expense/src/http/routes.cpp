#include "http/routes.hpp"

#include <functional>

#include "http/handlers.hpp"

namespace kronos::expense::http {

namespace {

// Receipts are photos or scanned PDFs; 10 MiB fits a phone photo of a long receipt.
constexpr core::RouteOptions kReceiptUpload{10 * 1024 * 1024, true};

}  // namespace

void bind_routes(core::Router& router, const std::string& prefix, Context& context) {
    using HandlerFunction = core::Response (*)(Context&, core::Request&);
    const auto add = [&](const char* method, const std::string& path, HandlerFunction handler,
                         core::RouteOptions options = {}) {
        router.add(
            method, prefix + path,
            [&context, handler](core::Request& request) { return handler(context, request); },
            options);
    };

    // Same order as the API contract.
    add("GET", "/categories", list_categories);
    add("POST", "/categories", create_category);
    add("PATCH", "/categories/{code}", update_category);
    add("GET", "/rates", get_rates);
    add("PUT", "/rates/{date}", put_rates);
    add("POST", "/claims", create_claim);
    add("GET", "/claims", list_claims);
    add("GET", "/claims/{id}", get_claim);
    add("PATCH", "/claims/{id}", update_claim);
    add("POST", "/claims/{id}/items", add_item);
    add("DELETE", "/claims/{id}/items/{item_id}", delete_item);
    add("PUT", "/claims/{id}/items/{item_id}/receipt", put_receipt, kReceiptUpload);
    add("GET", "/claims/{id}/items/{item_id}/receipt", get_receipt);
    add("POST", "/claims/{id}/submit", submit_claim);
    add("POST", "/claims/{id}/approve", approve_claim);
    add("POST", "/claims/{id}/reject", reject_claim);
    add("POST", "/claims/{id}/return", return_claim);
    add("POST", "/claims/{id}/reimburse", reimburse_claim);
    add("GET", "/reports/claims.csv", claims_csv);
}

}  // namespace kronos::expense::http
