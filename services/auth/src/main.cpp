// kronos-auth: users, sign-in, tokens and the directory of who reports to whom.

#include "domain/password.hpp"
#include "http/context.hpp"
#include "http/routes.hpp"
#include "kronos/core/service.hpp"
#include "startup.hpp"
#include "store/users_store.hpp"

namespace {

constexpr const char* kExpectedMigration = "0001";

}  // namespace

int main() {
    using namespace kronos;
    return core::run_service_main([] {
        core::Service service({"auth", kExpectedMigration, 8001});
        auth::AuthContext context(service, auth::AuthSettings::from_environment());

        // auth verifies its own access tokens too, whatever AUTH_PUBLIC_KEYS lists.
        const auto& signer = context.settings.signer;
        service.verifier().add_key(signer.kid(), signer.public_key());

        // Computed now rather than on the first unknown email, which would otherwise take twice
        // as long as a wrong password.
        auth::dummy_password_hash();
        auth::store::prepare_statements(service.db());
        auth::http::bind_routes(service, context);

        service.add_background_task([&context](std::stop_token stop) {
            auth::run_startup_tasks(context, kExpectedMigration, stop);
        });
        service.add_readiness_check("bootstrap", [&context]() -> std::string {
            return context.startup_done ? "" : "start-up work (bootstrap admin) not finished";
        });
        return service.run();
    });
}
