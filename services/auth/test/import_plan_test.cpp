#include "domain/import_plan.hpp"

#include <gtest/gtest.h>

namespace kronos::auth {
namespace {

constexpr const char* kHeader = "email,name,role,manager_email\n";

std::map<std::string, ExistingUser> users(std::initializer_list<ExistingUser> list) {
    std::map<std::string, ExistingUser> map;
    for (const auto& user : list) {
        map.emplace(user.email, user);
    }
    return map;
}

const PlannedRow* find_row(const ImportPlan& plan, const std::string& email) {
    for (const auto& row : plan.rows) {
        if (row.row.email == email) {
            return &row;
        }
    }
    return nullptr;
}

TEST(ImportPlan, ManagerAfterReportIsAccepted) {
    const auto file = read_import_file(std::string(kHeader) +
                                       "r@example.com,Report,employee,m@example.com\n"
                                       "m@example.com,Manager,manager,\n");
    const auto plan = plan_import(file, {}, false);
    EXPECT_TRUE(plan.errors.empty());
    ASSERT_EQ(plan.rows.size(), 2u);
    EXPECT_EQ(plan.rows[0].action, ImportAction::create);
    EXPECT_TRUE(plan.rows[0].manager_changed);
    EXPECT_FALSE(plan.rows[1].manager_changed);
}

TEST(ImportPlan, UnknownManagerSkipsRow) {
    const auto file = read_import_file(std::string(kHeader) +
                                       "r@example.com,Report,employee,nobody@example.com\n"
                                       "ok@example.com,Ok,employee,\n");
    const auto plan = plan_import(file, {}, true);
    ASSERT_EQ(plan.errors.size(), 1u);
    EXPECT_EQ(plan.errors[0].line, 2u);
    ASSERT_EQ(plan.rows.size(), 1u);
    EXPECT_EQ(plan.rows[0].row.email, "ok@example.com");
}

TEST(ImportPlan, SkippedManagerCascadesToReports) {
    const auto file = read_import_file(std::string(kHeader) +
                                       "r@example.com,Report,employee,m@example.com\n"
                                       "m@example.com,Manager,chief,\n");
    const auto plan = plan_import(file, {}, true);
    ASSERT_EQ(plan.errors.size(), 2u);
    EXPECT_EQ(plan.errors[0].line, 2u);
    EXPECT_EQ(plan.errors[1].line, 3u);
    EXPECT_TRUE(plan.rows.empty());
}

TEST(ImportPlan, CycleInFileReportsEveryRowOnIt) {
    const auto file = read_import_file(std::string(kHeader) +
                                       "a@example.com,A,employee,b@example.com\n"
                                       "b@example.com,B,employee,c@example.com\n"
                                       "c@example.com,C,employee,a@example.com\n"
                                       "d@example.com,D,employee,\n");
    const auto plan = plan_import(file, {}, true);
    ASSERT_EQ(plan.errors.size(), 3u);
    for (const auto& error : plan.errors) {
        EXPECT_NE(error.message.find("cycle"), std::string::npos) << error.message;
    }
    ASSERT_EQ(plan.rows.size(), 1u);
    EXPECT_EQ(plan.rows[0].row.email, "d@example.com");
}

TEST(ImportPlan, CycleThroughExistingUserRejected) {
    // In the database a reports to b; the file makes b report to a.
    const auto existing = users({{"id-a", "a@example.com", "A", "employee", "b@example.com"},
                                 {"id-b", "b@example.com", "B", "manager", std::nullopt}});
    const auto file =
        read_import_file(std::string(kHeader) + "b@example.com,B,manager,a@example.com\n");
    const auto plan = plan_import(file, existing, true);
    ASSERT_EQ(plan.errors.size(), 1u);
    EXPECT_EQ(plan.errors[0].line, 2u);
    EXPECT_TRUE(plan.rows.empty());
}

TEST(ImportPlan, ReorganisationThatBreaksOldChainAccepted) {
    // a reports to b today; the file swaps them, which is fine because a's row changes too.
    const auto existing = users({{"id-a", "a@example.com", "A", "employee", "b@example.com"},
                                 {"id-b", "b@example.com", "B", "manager", std::nullopt}});
    const auto file = read_import_file(std::string(kHeader) +
                                       "b@example.com,B,employee,a@example.com\n"
                                       "a@example.com,A,manager,\n");
    const auto plan = plan_import(file, existing, true);
    EXPECT_TRUE(plan.errors.empty());
    ASSERT_EQ(plan.rows.size(), 2u);
    EXPECT_EQ(plan.rows[0].action, ImportAction::update);
    EXPECT_EQ(plan.rows[1].action, ImportAction::update);
}

TEST(ImportPlan, UnchangedAndUpdatedClassified) {
    const auto existing = users({{"id-a", "a@example.com", "A", "employee", std::nullopt},
                                 {"id-b", "b@example.com", "B", "employee", std::nullopt}});
    const auto file = read_import_file(std::string(kHeader) +
                                       "a@example.com,A,employee,\n"
                                       "b@example.com,B,manager,\n"
                                       "c@example.com,C,employee,b@example.com\n");
    const auto plan = plan_import(file, existing, false);
    EXPECT_TRUE(plan.errors.empty());
    ASSERT_EQ(plan.rows.size(), 3u);
    EXPECT_EQ(find_row(plan, "a@example.com")->action, ImportAction::unchanged);
    const auto* b = find_row(plan, "b@example.com");
    EXPECT_EQ(b->action, ImportAction::update);
    EXPECT_TRUE(b->role_changed);
    EXPECT_FALSE(b->name_changed);
    EXPECT_EQ(find_row(plan, "c@example.com")->action, ImportAction::create);
}

TEST(ImportPlan, NonAdminCannotGrantAdmin) {
    const auto file = read_import_file(std::string(kHeader) + "a@example.com,A,admin,\n");
    const auto by_hr = plan_import(file, {}, false);
    ASSERT_EQ(by_hr.errors.size(), 1u);
    EXPECT_NE(by_hr.errors[0].message.find("admin"), std::string::npos);
    const auto by_admin = plan_import(file, {}, true);
    EXPECT_TRUE(by_admin.errors.empty());
}

TEST(ImportPlan, NonAdminCannotChangeAdmin) {
    const auto existing = users({{"id-a", "a@example.com", "A", "admin", std::nullopt}});
    const auto renamed = read_import_file(std::string(kHeader) + "a@example.com,New,admin,\n");
    EXPECT_EQ(plan_import(renamed, existing, false).errors.size(), 1u);
    const auto same = read_import_file(std::string(kHeader) + "a@example.com,A,admin,\n");
    const auto plan = plan_import(same, existing, false);
    EXPECT_TRUE(plan.errors.empty());
    ASSERT_EQ(plan.rows.size(), 1u);
    EXPECT_EQ(plan.rows[0].action, ImportAction::unchanged);
}

TEST(ImportPlan, ErrorsSortedByLine) {
    const auto file = read_import_file(std::string(kHeader) +
                                       "a@example.com,A,employee,x@example.com\n"
                                       "bad,B,employee,\n");
    const auto plan = plan_import(file, {}, true);
    ASSERT_EQ(plan.errors.size(), 2u);
    EXPECT_EQ(plan.errors[0].line, 2u);
    EXPECT_EQ(plan.errors[1].line, 3u);
}

}  // namespace
}  // namespace kronos::auth
