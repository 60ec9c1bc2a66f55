// GET /.well-known/jwks.json: the public key that verifies auth's tokens (RFC 7517).

#include <boost/json/array.hpp>

#include "http/handlers.hpp"

namespace kronos::auth::http {

core::Response get_jwks(AuthContext& context, core::Request& /*request*/) {
    boost::json::object document;
    document["keys"] = boost::json::array{context.settings.signer.jwk()};
    return core::Response::json(200, document).with_header("Cache-Control", "public, max-age=300");
}

}  // namespace kronos::auth::http
