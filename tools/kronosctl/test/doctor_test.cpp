#include <gtest/gtest.h>

#include <string>

#include "doctor_rules.hpp"

namespace kronosctl::doctor {
namespace {

TEST(SupervisorStatus, StateAndPid) {
    const std::string running =
        "expense                          RUNNING   pid 4242, uptime 0:01:02\n";
    EXPECT_EQ(supervisor_state(running), "RUNNING");
    EXPECT_EQ(supervisor_pid(running), 4242);
    const std::string stopped = "leave                            STOPPED   Jan 01 10:00 AM\n";
    EXPECT_EQ(supervisor_state(stopped), "STOPPED");
    EXPECT_EQ(supervisor_pid(stopped), 0);
    EXPECT_EQ(supervisor_state("unix:///x/supervisor.sock no such file\n"), "");
}

TEST(Upstreams, WrongPortNamedWithFileAndLine) {
    const std::string conf =
        "# comment\nupstream kronos_auth {\n    server 127.0.0.1:9999;\n    keepalive 128;\n}\n"
        "upstream kronos_leave {\n    server 127.0.0.1:8002;\n}\n";
    const auto servers = parse_upstreams(conf, "http.conf");
    ASSERT_EQ(servers.size(), 2U);
    EXPECT_EQ(servers[0].line, 3);
    const auto findings = check_upstreams(
        servers, {{"auth", {{"127.0.0.1"}, 8001}}, {"leave", {{"127.0.0.1"}, 8002}}});
    ASSERT_EQ(findings.size(), 1U);
    EXPECT_EQ(findings[0].subject, "auth");
    EXPECT_EQ(findings[0].cause, "wrong internal URL");
    EXPECT_NE(findings[0].evidence[0].find("http.conf:3"), std::string::npos);
}

TEST(Upstreams, UnknownComposeHostNamed) {
    const auto servers =
        parse_upstreams("upstream kronos_leave {\n    server leaves:8002;\n}\n", "f");
    const auto findings = check_upstreams(servers, {{"leave", {{"leave"}, 8002}}});
    ASSERT_EQ(findings.size(), 1U);
    EXPECT_NE(findings[0].evidence[0].find("'leaves' is not the service's name"),
              std::string::npos);
}

TEST(Upstreams, ComposeMapWrongPort) {
    const std::string conf =
        "resolver 127.0.0.11 valid=10s;\n\nmap $host $kronos_upstream_auth {\n"
        "    default auth:8011;\n}\n\nmap $host $kronos_upstream_leave {\n"
        "    default leave:8002;\n}\n";
    const auto servers = parse_upstreams(conf, "http.conf");
    ASSERT_EQ(servers.size(), 2U);
    EXPECT_EQ(servers[0].upstream, "kronos_auth");
    EXPECT_EQ(servers[0].line, 4);
    EXPECT_TRUE(servers[0].from_map);
    const auto findings =
        check_upstreams(servers, {{"auth", {{"auth"}, 8001}}, {"leave", {{"leave"}, 8002}}});
    ASSERT_EQ(findings.size(), 1U);
    EXPECT_EQ(findings[0].evidence[0],
              "http.conf:4: $kronos_upstream_auth points at auth:8011, but auth listens on "
              "auth:8001");
    EXPECT_EQ(findings[0].fixes[0],
              "set `default auth:8001;` at http.conf:4 and reload the gateway (kronosctl "
              "reload-gateway)");
}

TEST(Upstreams, MapNamingAGroupLeavesItToTheGroup) {
    const std::string conf =
        "upstream kronos_auth {\n    server 127.0.0.1:8001;\n}\n"
        "map $host $kronos_upstream_auth {\n    default kronos_auth;\n}\n";
    const auto servers = parse_upstreams(conf, "f");
    ASSERT_EQ(servers.size(), 1U);
    EXPECT_FALSE(servers[0].from_map);
    EXPECT_TRUE(check_upstreams(servers, {{"auth", {{"127.0.0.1"}, 8001}}}).empty());
}

TEST(Upstreams, MissingServiceAddressNamed) {
    const auto findings = check_upstreams({}, {{"payroll", {{"payroll"}, 8014}}});
    ASSERT_EQ(findings.size(), 1U);
    EXPECT_EQ(findings[0].subject, "payroll");
    EXPECT_EQ(findings[0].fixes[0],
              "add `map $host $kronos_upstream_payroll { default payroll:8014; }` to the runtime "
              "http.conf");
}

TEST(DiagnoseService, StoppedProcessNotRunning) {
    ServiceEvidence evidence;
    evidence.name = "leave";
    evidence.port = 8002;
    evidence.process_state = "STOPPED";
    evidence.direct_health = {"http://127.0.0.1:8002/api/v1/leave/health",      false, false, 0, "",
                              "Connection refused connecting to 127.0.0.1:8002"};
    evidence.gateway_health =
        Probe{"http://127.0.0.1:8080/api/v1/leave/health", true, false, 502, "", ""};
    const auto findings = diagnose_service(evidence, true);
    ASSERT_EQ(findings.size(), 1U);
    EXPECT_EQ(findings[0].cause, "service not running");
    EXPECT_EQ(findings[0].fixes[0], "kronosctl restart leave");
}

TEST(DiagnoseService, GatewayAddressWrongNoRestart) {
    ServiceEvidence evidence;
    evidence.name = "leave";
    evidence.port = 8002;
    evidence.process_state = "RUNNING";
    evidence.direct_health = {
        "http://127.0.0.1:8002/api/v1/leave/health", true, false, 200, "", ""};
    evidence.gateway_health =
        Probe{"http://127.0.0.1:8080/api/v1/leave/health", true, false, 502, "", ""};
    const auto findings = diagnose_service(evidence, true);
    ASSERT_EQ(findings.size(), 1U);
    EXPECT_EQ(findings[0].cause, "gateway cannot reach the service");
    ASSERT_EQ(findings[0].fixes.size(), 1U);
    EXPECT_EQ(findings[0].fixes[0].find("restart"), std::string::npos);
}

TEST(DiagnoseReady, DatabaseDownHidesItsEchoes) {
    const Probe ready{"http://127.0.0.1:8080/api/v1/expense/ready",
                      true,
                      false,
                      503,
                      R"({"status":"unavailable","checks":{"database":"unreachable",)"
                      R"("redis":"ok","base_currency":"unknown: the database is unreachable"}})",
                      ""};
    const auto findings = diagnose_ready("expense", ready);
    ASSERT_EQ(findings.size(), 1U);
    EXPECT_EQ(findings[0].cause, "PostgreSQL not ready");
}

TEST(DiagnoseService, ReadTimeoutUnresponsive) {
    ServiceEvidence evidence;
    evidence.name = "expense";
    evidence.port = 8003;
    evidence.process_state = "RUNNING";
    evidence.direct_health = {
        "http://127.0.0.1:8003/api/v1/expense/health",        true, true, 0, "",
        "timed out after 3000 ms reading from 127.0.0.1:8003"};
    const auto findings = diagnose_service(evidence, true);
    ASSERT_EQ(findings.size(), 1U);
    EXPECT_EQ(findings[0].cause, "service unresponsive");
}

TEST(DiagnoseReady, EachFailingCheckNamed) {
    Probe ready{
        "http://127.0.0.1:8080/api/v1/leave/ready",
        true,
        false,
        503,
        R"({"checks":{"database":"ok","redis":"unreachable","migrations":"schema 'leave' is at no revision, needs 0001; run the migrations"}})",
        ""};
    const auto findings = diagnose_ready("leave", ready);
    ASSERT_EQ(findings.size(), 2U);
    EXPECT_EQ(findings[0].cause, "Redis not ready");
    EXPECT_EQ(findings[1].cause, "schema behind its migrations");
    EXPECT_EQ(findings[1].fixes[0], "kronosctl migrate --schema leave");
}

TEST(DiagnoseReady, NonJsonBodyStillReported) {
    Probe ready{"u", true, false, 503, "<html>", ""};
    const auto findings = diagnose_ready("auth", ready);
    ASSERT_EQ(findings.size(), 1U);
    EXPECT_EQ(findings[0].cause, "not ready");
}

TEST(WafBlocks, GroupedByRequestIdWithMatchedRuleFirst) {
    const std::string log =
        "2024/05/01 10:00:00 [info] 1#1: *5 ModSecurity: Warning. detected SQLi [id \"942100\"] "
        "[uri \"/api/v1/auth/health\"] [unique_id \"abc123\"], client: 127.0.0.1\n"
        "2024/05/01 10:00:00 [error] 1#1: *5 ModSecurity: Access denied with code 403 (phase 2). "
        "[id \"949110\"] [uri \"/api/v1/auth/health\"] [unique_id \"abc123\"], client: 127.0.0.1\n"
        "2024/05/01 10:00:01 [info] 1#1: *6 ModSecurity: Warning. x [id \"920350\"] "
        "[uri \"/\"] [unique_id \"def\"]\n"
        "2024/04/01 10:00:00 [error] 1#1: *1 ModSecurity: Access denied [id \"949110\"] "
        "[uri \"/old\"] [unique_id \"old\"]\n";
    const auto blocks = parse_waf_blocks(log, "2024/05/01 00:00:00");
    ASSERT_EQ(blocks.size(), 1U);
    EXPECT_EQ(blocks[0].request_id, "abc123");
    EXPECT_EQ(blocks[0].uri, "/api/v1/auth/health");
    ASSERT_EQ(blocks[0].rule_ids.size(), 2U);
    EXPECT_EQ(blocks[0].rule_ids[0], "942100");
    const Finding finding = diagnose_waf_block(blocks[0]);
    EXPECT_NE(finding.fixes[0].find("ctl:ruleRemoveById=942100"), std::string::npos);
    EXPECT_NE(finding.fixes[0].find("nginx/modsecurity_custom.conf"), std::string::npos);
}

TEST(WafBlocks, FixRemovesEveryDetectionRule) {
    const WafBlock block{"r1",
                         "/api/v1/leave/health?q=x",
                         "2024/05/01 10:00:00",
                         {"941100", "941110", "941160", "949110"}};
    const Finding finding = diagnose_waf_block(block);
    EXPECT_NE(finding.fixes[0].find("\"id:10900,phase:1,pass,nolog,ctl:ruleRemoveById=941100,"
                                    "ctl:ruleRemoveById=941110,ctl:ruleRemoveById=941160\""),
              std::string::npos)
        << finding.fixes[0];
    EXPECT_EQ(finding.fixes[0].find("949110"), std::string::npos);
    EXPECT_NE(diagnose_waf_block(block, 10901).fixes[0].find("\"id:10901,phase:1,"),
              std::string::npos);
}

TEST(WafBlocks, ContentTypeRejectionNotReported) {
    const std::string log =
        "2024/05/01 10:00:00 [error] 1#1: *7 ModSecurity: Access denied with code 415 (phase 1). "
        "[id \"10004\"] [uri \"/api/v1/auth/login\"] [unique_id \"ct1\"], client: 127.0.0.1\n";
    EXPECT_TRUE(parse_waf_blocks(log, "2024/05/01 00:00:00").empty());
}

}  // namespace
}  // namespace kronosctl::doctor
