#pragma once

// Text edits and generated files of `kronosctl add-service`. Every function is pure: it takes the
// current text of a file and returns the new text, unchanged when the edit is already there, so
// running the command twice changes nothing. Edits insert text blocks instead of re-emitting the
// YAML or nginx files, because yaml-cpp's emitter would drop the comments.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace kronosctl::add_service {

// A new service's name and the port it listens on (its container port in Compose, its default
// port on 127.0.0.1 in the native stack).
struct NewService {
    std::string name;
    int port = 0;
};

// Marker comments in docker-compose.yml and .env.example above which blocks are inserted.
inline constexpr const char* kComposeServicesMarker =
    "  # kronosctl add-service inserts new services above this line.";
inline constexpr const char* kComposeGatewayMarker =
    "      # kronosctl add-service inserts gateway dependencies above this line.";
inline constexpr const char* kComposePasswordsMarker =
    "      # kronosctl add-service inserts role passwords above this line.";
inline constexpr const char* kEnvExamplePasswordsMarker =
    "# kronosctl add-service inserts role passwords above this line.";

// Returns an error message for an invalid service name, or an empty string. A name becomes a
// Compose service, a schema, a role (kronos_<name>), an nginx upstream and an environment
// variable, so only lower-case letters and digits are allowed.
std::string validate_name(const std::string& name);

// Returns an error message for a port outside 1024-65535, or an empty string.
std::string validate_port(int port);

// Parses deploy/services.list ("name port" lines, # comments) into name -> port. Throws
// std::runtime_error naming the line when a line is malformed.
std::map<std::string, int> parse_services_list(const std::string& text);

// Ports of the service addresses in an nginx file, by upstream name (kronos_<service>): the
// `server HOST:PORT;` lines of upstream blocks and `default HOST:PORT;` of $kronos_upstream_ maps.
std::map<std::string, std::vector<int>> nginx_upstream_ports(const std::string& text);

// Inserts `block` on the lines just above the line equal to `marker`. Throws std::runtime_error
// when the marker is missing.
std::string insert_above_marker(const std::string& text, const std::string& marker,
                                const std::string& block);

// Each returns the edited text; when the edit is already present the text is returned as is.
std::string edit_services_list(const std::string& text, const NewService& service);
std::string edit_compose(const std::string& text, const NewService& service);
std::string edit_env_example(const std::string& text, const NewService& service);
std::string edit_generate_env(const std::string& text, const NewService& service);
std::string edit_dockerfile(const std::string& text, const NewService& service);
std::string edit_top_cmake(const std::string& text, const NewService& service);
std::string edit_route_map(const std::string& text, const NewService& service);
// Adds the service's $kronos_upstream_<name> map and, where the file defines an upstream group per
// service, its group. `host` is the Compose or Kubernetes service name.
std::string edit_upstreams(const std::string& text, const NewService& service,
                           const std::string& host);

// Files created for the new service, relative to the repository root, with their contents.
std::map<std::string, std::string> generated_files(const NewService& service);

// Kubernetes (deploy/k8s). The manifest is deploy/k8s/base/services/<name>.yaml, modelled on
// leave.yaml. Each edit returns the text unchanged when the service is already in it, and throws
// std::runtime_error naming the missing anchor (an entry of the other services) otherwise.
std::string kubernetes_manifest(const NewService& service);
// deploy/k8s/base/kustomization.yaml: the manifest in `resources` and the service's route file
// in the nginx-conf-d ConfigMap.
std::string edit_k8s_kustomization(const std::string& text, const NewService& service);
// deploy/k8s/base/network-policies.yaml: gateway egress to the service's port, ingress to the
// service from the gateway only, and the service in the PostgreSQL and Redis egress policies.
std::string edit_k8s_network_policies(const std::string& text, const NewService& service);
// deploy/k8s/base/migrate-job.yaml: the schema in KRONOS_SCHEMAS and the role's password file.
std::string edit_k8s_migrate_job(const std::string& text, const NewService& service);
// deploy/k8s/overlays/production/kustomization.yaml: the image, with the registry and tag of the
// gateway's image, and the service's Secret generated from secrets/<name>.env.
std::string edit_k8s_overlay(const std::string& text, const NewService& service);

}  // namespace kronosctl::add_service
