#include "status.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace kronosctl {
namespace {

TEST(SupervisorStatus, ParsesProgramLines) {
    const auto states = parse_supervisor_status(
        "auth                             RUNNING   pid 4242, uptime 0:10:01\n"
        "leave                            STOPPED   Dec 04 09:00 PM\n"
        "nginx                            FATAL     Exited too quickly (process log may have "
        "details)\n");

    ASSERT_EQ(states.size(), 3U);
    EXPECT_EQ(states.at("auth").state, "RUNNING");
    EXPECT_EQ(states.at("auth").description, "pid 4242, uptime 0:10:01");
    EXPECT_EQ(states.at("leave").state, "STOPPED");
    EXPECT_EQ(states.at("nginx").state, "FATAL");
}

TEST(SupervisorStatus, IgnoresConnectionErrors) {
    const auto states =
        parse_supervisor_status("unix:///tmp/kronos/supervisor.sock no such file\n");

    EXPECT_TRUE(states.empty());
}

TEST(ComposePs, ParsesJsonLines) {
    std::string error;
    const auto states = parse_compose_ps(
        R"js({"Service":"auth","State":"running","Health":"healthy","ExitCode":0,"Status":"Up 2 minutes (healthy)"})js"
        "\n"
        R"js({"Service":"migrate","State":"exited","Health":"","ExitCode":0,"Status":"Exited (0) 3 minutes ago"})js"
        "\n",
        error);

    EXPECT_TRUE(error.empty()) << error;
    ASSERT_EQ(states.size(), 2U);
    EXPECT_EQ(states.at("auth").health, "healthy");
    EXPECT_EQ(states.at("migrate").state, "exited");
    EXPECT_EQ(states.at("migrate").exit_code, 0);
}

TEST(ComposePs, ParsesJsonArray) {
    std::string error;
    const auto states = parse_compose_ps(
        R"js([{"Service":"nginx","State":"running","Health":"unhealthy"},{"Service":"redis","State":"restarting"}])js",
        error);

    EXPECT_TRUE(error.empty()) << error;
    EXPECT_EQ(states.at("nginx").health, "unhealthy");
    EXPECT_EQ(states.at("redis").state, "restarting");
}

TEST(ComposePs, RejectsInvalidJson) {
    std::string error;
    const auto states = parse_compose_ps("{not json}\n", error);

    EXPECT_TRUE(states.empty());
    EXPECT_NE(error.find("invalid JSON"), std::string::npos);
}

TEST(StatusTable, ListsProblemsBelowTable) {
    StatusReport report;
    report.services.push_back(
        {"auth", "RUNNING", "health 200, ready 200", ":8001 health 200, ready 200", true, {}});
    report.services.push_back({"leave",
                               "STOPPED",
                               "health 502, ready 502",
                               ":8002 connection refused",
                               false,
                               {"process is STOPPED"}});

    const auto table = format_status_table(report);

    EXPECT_NE(table.find("SERVICE"), std::string::npos);
    EXPECT_NE(table.find("UNHEALTHY"), std::string::npos);
    EXPECT_NE(table.find("leave: process is STOPPED"), std::string::npos);
    EXPECT_FALSE(report.all_healthy());
}

}  // namespace
}  // namespace kronosctl

namespace kronosctl {
namespace {

TEST(AsInvoked, CommandsRenamedWordsKept) {
    ::setenv("KRONOS_INVOKED_AS", "./kronos", 1);
    EXPECT_EQ(as_invoked("kronosctl restart leave; then kronosctl logs leave --errors"),
              "./kronos restart leave; then ./kronos logs leave --errors");
    EXPECT_EQ(as_invoked("build/tools/kronosctl/kronosctl status"),
              "build/tools/kronosctl/kronosctl status");
    EXPECT_EQ(as_invoked("no command here"), "no command here");
    ::unsetenv("KRONOS_INVOKED_AS");
    EXPECT_EQ(as_invoked("kronosctl restart leave"), "kronosctl restart leave");
}

}  // namespace
}  // namespace kronosctl
