// The fake secrets in these tests are split into adjacent string literals, so the audit of this
// repository does not find them in this file's own text.
#include "audit.hpp"

#include <gtest/gtest.h>

#include "compose_model.hpp"

namespace kronosctl {
namespace {

bool has_finding(const std::vector<Finding>& findings, int line, const std::string& text) {
    for (const auto& finding : findings) {
        if (finding.line == line && finding.message.find(text) != std::string::npos) {
            return true;
        }
    }
    return false;
}

TEST(Entropy, KnownValues) {
    EXPECT_DOUBLE_EQ(shannon_entropy(""), 0.0);
    EXPECT_DOUBLE_EQ(shannon_entropy("aaaa"), 0.0);
    EXPECT_DOUBLE_EQ(shannon_entropy("abcd"), 2.0);
    EXPECT_GT(shannon_entropy("Zx8qL2vR9tK4mW7p"
                              "N3sJ6bY1cF5hG0dA"),
              4.5);
}

TEST(SecretScan, PrivateKeyBlock) {
    const auto findings = scan_text_for_secrets("key.pem",
                                                "x\n-----BEGIN OPENSSH "
                                                "PRIVATE KEY-----\n",
                                                false);

    EXPECT_TRUE(has_finding(findings, 2, "private key block"));
}

TEST(SecretScan, AwsAccessKey) {
    const auto findings = scan_text_for_secrets("a.py",
                                                "key = 'AKIA"
                                                "ABCDEFGHIJKLMNOP'\n",
                                                true);

    EXPECT_TRUE(has_finding(findings, 1, "AWS access key id"));
}

TEST(SecretScan, PasswordLiteral) {
    const auto findings =
        scan_text_for_secrets("settings.py", "db_password = \"k3Lm9QxZ2v\"\n", true);

    EXPECT_TRUE(has_finding(findings, 1, "literal value for db_password"));
}

TEST(SecretScan, EnvAssignment) {
    const auto findings = scan_text_for_secrets("deploy/app.env",
                                                "DB_PASSWORD="
                                                "Zx8qL2vR9tK4mW7p\n",
                                                true);

    EXPECT_TRUE(has_finding(findings, 1, "literal value for DB_PASSWORD"));
}

TEST(SecretScan, UrlWithPassword) {
    const auto findings = scan_text_for_secrets("a.sh",
                                                "psql postgresql://kronos:"
                                                "q7Rr2LxWv9pZ@127.0.0.1/kronos\n",
                                                false);

    EXPECT_TRUE(has_finding(findings, 1, "URL with a password"));
}

TEST(SecretScan, HighEntropyInCodeOnly) {
    const std::string line =
        "token: Zx8qL2vR9tK4mW7p"
        "N3sJ6bY1cF5hG0dA\n";

    EXPECT_TRUE(has_finding(scan_text_for_secrets("a.yml", "value " + line, true), 1,
                            "high-entropy string"));
    EXPECT_TRUE(scan_text_for_secrets("notes.md", "value " + line, false).empty());
}

TEST(SecretScan, ReferencesAndPlaceholdersIgnored) {
    const std::string text =
        "DATABASE_URL: \"postgresql://kronos_auth:${KRONOS_DB_PASSWORD_AUTH:?not "
        "set}@postgres:5432/kronos\"\n"
        "POSTGRES_PASSWORD: \"${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is not set}\"\n"
        "DATABASE_URL=postgresql://kronos_leave:PASSWORD@HOST:PORT/kronos\n"
        "password = \"change-me-please\"\n"
        "secretName: kronos-migrate\n"
        "printf 'postgresql://kronos_%s:%s@127.0.0.1:%s/kronos'\n"
        "sodium_base64_VARIANT_URLSAFE_NO_PADDING\n";

    const auto findings = scan_text_for_secrets("docker-compose.yml", text, true);

    EXPECT_TRUE(findings.empty()) << findings.front().location() << ": "
                                  << findings.front().message;
}

TEST(SecretScan, AllowMarkerSkipsLine) {
    const auto findings = scan_text_for_secrets(
        "fixture.env", "DB_PASSWORD=Zx8qL2vR9tK4mW7p  # kronos-audit: allow\n", true);

    EXPECT_TRUE(findings.empty());
}

TEST(SecretScan, TestFolderPasswordsAllowedButKeysNot) {
    EXPECT_TRUE(
        scan_text_for_secrets("tests/e2e/test_x.py", "password = \"k3Lm9QxZ2v\"\n", true).empty());
    EXPECT_FALSE(scan_text_for_secrets("tests/e2e/k.pem",
                                       "-----BEGIN "
                                       "PRIVATE KEY-----\n",
                                       false)
                     .empty());
}

TEST(EnvFile, TrackedEnvFails) {
    const auto result = check_env_not_tracked({"README.md", ".env.example", "deploy/.env"});

    ASSERT_EQ(result.findings.size(), 1U);
    EXPECT_EQ(result.findings[0].file, "deploy/.env");
}

constexpr const char* compose_text = R"(x-service: &service
  networks:
    - kronos-internal
  healthcheck:
    test: ["CMD", "true"]
services:
  nginx:
    ports:
      - "80:80"
      - "8443:443"
    networks:
      - edge
      - kronos-internal
    depends_on:
      auth:
        condition: service_healthy
  auth:
    <<: *service
    environment:
      PORT: "8001"
    ports:
      - "127.0.0.1:8001:8001"
  worker:
    networks:
      - kronos-internal
      - edge
    depends_on:
      migrate:
        condition: service_completed_successfully
  migrate:
    restart: "no"
    networks:
      - kronos-internal
networks:
  edge:
  kronos-internal:
    internal: true
)";

TEST(ComposeModel, MergeKeysApplied) {
    const auto compose = parse_compose_text(compose_text, "docker-compose.yml");

    ASSERT_TRUE(compose.error.empty()) << compose.error;
    const auto* auth = compose.find_service("auth");
    ASSERT_NE(auth, nullptr);
    EXPECT_TRUE(auth->has_healthcheck);
    EXPECT_EQ(auth->networks, std::vector<std::string>{"kronos-internal"});
    EXPECT_EQ(auth->environment.at("PORT"), "8001");
    EXPECT_TRUE(compose.find_service("migrate")->one_shot);
}

TEST(ComposeChecks, PortsOnlyGateway80And443) {
    const auto compose = parse_compose_text(compose_text, "docker-compose.yml");
    const auto result = check_ports(compose, "docker-compose.yml");

    EXPECT_TRUE(has_finding(result.findings, 10, "the gateway publishes 8443"));
    EXPECT_TRUE(has_finding(result.findings, 22, "auth publishes 8001"));
    EXPECT_EQ(result.findings.size(), 2U);
}

TEST(ComposeChecks, NetworksInternalOnly) {
    const auto compose = parse_compose_text(compose_text, "docker-compose.yml");
    const auto result = check_networks(compose, "docker-compose.yml");

    ASSERT_EQ(result.findings.size(), 1U);
    EXPECT_TRUE(has_finding(result.findings, 24, "worker is also on network edge"));
}

TEST(ComposeChecks, HealthchecksRequired) {
    const auto compose = parse_compose_text(compose_text, "docker-compose.yml");
    const auto result = check_healthchecks(compose, "docker-compose.yml");

    EXPECT_TRUE(has_finding(result.findings, 7, "nginx has no healthcheck"));
    EXPECT_TRUE(has_finding(result.findings, 23, "worker has no healthcheck"));
    EXPECT_FALSE(has_finding(result.findings, 30, "migrate"));
}

TEST(PortMapping, ShortForms) {
    EXPECT_EQ(parse_port_mapping("80")->published, std::nullopt);
    EXPECT_EQ(parse_port_mapping("80")->target, 80U);
    EXPECT_EQ(parse_port_mapping("8080:80")->published, 8080U);
    EXPECT_EQ(parse_port_mapping("127.0.0.1:8080:80/tcp")->published, 8080U);
    EXPECT_EQ(parse_port_mapping("[::1]:443:443")->published, 443U);
    EXPECT_FALSE(parse_port_mapping("eighty"));
}

}  // namespace
}  // namespace kronosctl
