#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "add_service_edits.hpp"

namespace kronosctl::add_service {
namespace {

const NewService kPayroll{"payroll", 8014};

const std::string kCompose = R"(services:
  nginx:
    depends_on:
      auth:
        condition: service_healthy
      # kronosctl add-service inserts gateway dependencies above this line.

  auth:
    environment:
      PORT: "8001"

  # kronosctl add-service inserts new services above this line.

  migrate:
    environment:
      KRONOS_SCHEMAS: auth leave expense
      KRONOS_DB_PASSWORD_AUTH: "${KRONOS_DB_PASSWORD_AUTH:?x}"
      # kronosctl add-service inserts role passwords above this line.
)";

TEST(ValidateName, AcceptsLowerCaseAndDigits) {
    EXPECT_EQ(validate_name("payroll"), "");
    EXPECT_EQ(validate_name("p2"), "");
    EXPECT_EQ(validate_name(std::string(30, 'a')), "");
}

TEST(ValidateName, RejectsBadNames) {
    EXPECT_NE(validate_name(""), "");
    EXPECT_NE(validate_name("Payroll"), "");
    EXPECT_NE(validate_name("2fa"), "");
    EXPECT_NE(validate_name("pay-roll"), "");
    EXPECT_NE(validate_name("pay_roll"), "");
    EXPECT_NE(validate_name(std::string(31, 'a')), "");
}

TEST(ValidatePort, Range) {
    EXPECT_NE(validate_port(80), "");
    EXPECT_NE(validate_port(1023), "");
    EXPECT_EQ(validate_port(1024), "");
    EXPECT_EQ(validate_port(65535), "");
    EXPECT_NE(validate_port(65536), "");
}

TEST(ServicesList, ParsesAndRejectsMalformedLine) {
    const auto services = parse_services_list("# comment\nauth 8001\n\nleave 8002\n");
    ASSERT_EQ(services.size(), 2U);
    EXPECT_EQ(services.at("auth"), 8001);
    EXPECT_EQ(services.at("leave"), 8002);
    EXPECT_THROW(parse_services_list("auth\n"), std::runtime_error);
    EXPECT_THROW(parse_services_list("auth 8001 extra\n"), std::runtime_error);
}

TEST(ServicesList, AppendIsIdempotent) {
    const std::string once = edit_services_list("auth 8001\n", kPayroll);
    EXPECT_EQ(once, "auth 8001\npayroll 8014\n");
    EXPECT_EQ(edit_services_list(once, kPayroll), once);
}

TEST(Compose, InsertsServiceDependencySchemaAndPassword) {
    const std::string edited = edit_compose(kCompose, kPayroll);
    EXPECT_NE(edited.find("  payroll:\n    <<: *service\n"), std::string::npos);
    EXPECT_NE(edited.find("      target: payroll\n"), std::string::npos);
    EXPECT_NE(edited.find("      PORT: \"8014\"\n"), std::string::npos);
    EXPECT_NE(edited.find("      payroll:\n        condition: service_healthy\n      # kronosctl"),
              std::string::npos);
    EXPECT_NE(edited.find("KRONOS_SCHEMAS: auth leave expense payroll\n"), std::string::npos);
    EXPECT_NE(edited.find("      KRONOS_DB_PASSWORD_PAYROLL: \"${KRONOS_DB_PASSWORD_PAYROLL:?"),
              std::string::npos);
    // The service block sits above the marker, so the migrate service stays last.
    EXPECT_LT(edited.find("  payroll:\n"), edited.find(kComposeServicesMarker));
}

TEST(Compose, SecondEditChangesNothing) {
    const std::string once = edit_compose(kCompose, kPayroll);
    EXPECT_EQ(edit_compose(once, kPayroll), once);
}

TEST(Compose, MissingMarkerRejected) {
    EXPECT_THROW(edit_compose("services:\n  auth:\n", kPayroll), std::runtime_error);
}

TEST(Upstreams, AddedAfterLastUpstreamWithMap) {
    const std::string text =
        "upstream kronos_auth {\n    server auth:8001;\n    keepalive 128;\n}\n\n"
        "map $host $kronos_upstream_auth {\n    default kronos_auth;\n}\n\nlimit_req_zone x;\n";
    const std::string edited = edit_upstreams(text, kPayroll, "payroll");
    EXPECT_NE(edited.find("upstream kronos_payroll {\n    server payroll:8014;\n"),
              std::string::npos);
    EXPECT_NE(edited.find("map $host $kronos_upstream_payroll {\n    default kronos_payroll;\n}"),
              std::string::npos);
    EXPECT_EQ(edit_upstreams(edited, kPayroll, "payroll"), edited);
    const auto ports = nginx_upstream_ports(edited);
    ASSERT_TRUE(ports.contains("kronos_payroll"));
    EXPECT_EQ(ports.at("kronos_payroll"), std::vector<int>{8014});
    EXPECT_EQ(ports.at("kronos_auth"), std::vector<int>{8001});
}

TEST(Upstreams, ComposeMapNamesTheAddress) {
    const std::string text =
        "resolver 127.0.0.11 valid=10s;\n\nmap $host $kronos_upstream_auth {\n"
        "    default auth:8001;\n}\n\nlimit_req_zone x;\n";
    const std::string edited = edit_upstreams(text, kPayroll, "payroll");
    EXPECT_EQ(edited,
              "resolver 127.0.0.11 valid=10s;\n\nmap $host $kronos_upstream_auth {\n"
              "    default auth:8001;\n}\n\nmap $host $kronos_upstream_payroll {\n"
              "    default payroll:8014;\n}\n\nlimit_req_zone x;\n");
    EXPECT_EQ(edit_upstreams(edited, kPayroll, "payroll"), edited);
    const auto ports = nginx_upstream_ports(edited);
    EXPECT_EQ(ports.at("kronos_payroll"), std::vector<int>{8014});
    EXPECT_EQ(ports.at("kronos_auth"), std::vector<int>{8001});
}

TEST(Upstreams, NoServiceAddressRejected) {
    EXPECT_THROW(edit_upstreams("limit_req_zone x;\n", kPayroll, "payroll"), std::runtime_error);
}

TEST(RouteMap, EntryAboveDefault) {
    const std::string text =
        "map $request_uri $kronos_route {\n    ~^/api/v1/auth/     auth;\n    default             "
        "\"\";\n}\n";
    const std::string edited = edit_route_map(text, kPayroll);
    EXPECT_NE(edited.find("    ~^/api/v1/payroll/  payroll;\n    default"), std::string::npos);
    EXPECT_EQ(edit_route_map(edited, kPayroll), edited);
}

TEST(Dockerfile, TargetAndStageAdded) {
    const std::string text =
        "RUN cmake -S . -B /build \\\n    && cmake --build /build --target kronos-auth "
        "kronos-leave \\\n"
        "    && strip x\n\nFROM runtime AS auth\n";
    const std::string edited = edit_dockerfile(text, kPayroll);
    EXPECT_NE(edited.find("--target kronos-auth kronos-leave kronos-payroll \\\n"),
              std::string::npos);
    EXPECT_NE(edited.find("FROM runtime AS payroll\n"), std::string::npos);
    EXPECT_NE(edited.find("ENV SERVICE_NAME=payroll DATABASE_SCHEMA=payroll PORT=8014\n"),
              std::string::npos);
    EXPECT_EQ(edit_dockerfile(edited, kPayroll), edited);
}

TEST(TopCmake, LineAfterLastService) {
    const std::string text =
        "add_subdirectory(libs/core)\nadd_subdirectory(services/auth)\nadd_subdirectory(tools/x)\n";
    const std::string edited = edit_top_cmake(text, kPayroll);
    EXPECT_EQ(edited,
              "add_subdirectory(libs/core)\nadd_subdirectory(services/auth)\n"
              "add_subdirectory(services/payroll)\nadd_subdirectory(tools/x)\n");
    EXPECT_EQ(edit_top_cmake(edited, kPayroll), edited);
}

TEST(GenerateEnv, PasswordAfterLastOne) {
    const std::string text = "KRONOS_DB_PASSWORD_AUTH=$(password)\nREDIS_PASSWORD=$(password)\n";
    const std::string edited = edit_generate_env(text, kPayroll);
    EXPECT_EQ(edited,
              "KRONOS_DB_PASSWORD_AUTH=$(password)\nKRONOS_DB_PASSWORD_PAYROLL=$(password)\n"
              "REDIS_PASSWORD=$(password)\n");
}

TEST(GeneratedFiles, SkeletonLayout) {
    const auto files = generated_files(kPayroll);
    for (const char* path :
         {"services/payroll/CMakeLists.txt", "services/payroll/src/main.cpp",
          "services/payroll/src/domain/version.hpp", "services/payroll/src/store/README.md",
          "services/payroll/src/http/routes.cpp", "services/payroll/test/domain_version_test.cpp",
          "migrations/payroll/0001_initial.py", "nginx/conf.d/payroll.conf"}) {
        EXPECT_TRUE(files.contains(path)) << path;
    }
    const std::string& main = files.at("services/payroll/src/main.cpp");
    EXPECT_NE(
        main.find("{\"payroll\", std::string(kronos::payroll::domain::kExpectedMigration), 8014}"),
        std::string::npos);
    EXPECT_EQ(main.find('@'), std::string::npos);
    EXPECT_NE(
        files.at("nginx/conf.d/payroll.conf").find("proxy_pass http://$kronos_upstream_payroll;"),
        std::string::npos);
}

}  // namespace
}  // namespace kronosctl::add_service
