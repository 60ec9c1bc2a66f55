#include "store/leave_types.hpp"

#include "kronos/core/errors.hpp"

namespace kronos::leave::store {

namespace {

#define LEAVE_TYPE_COLUMNS                                             \
    " code, name, paid, requires_approval, allowance_tenths, accrual," \
    " carry_over_max_tenths, allow_negative, allow_half_day "

constexpr const char* kSelectLeaveTypes =
    "SELECT" LEAVE_TYPE_COLUMNS "FROM leave_type ORDER BY code";

constexpr const char* kSelectLeaveType =
    "SELECT" LEAVE_TYPE_COLUMNS "FROM leave_type WHERE code = $1";

constexpr const char* kSelectLeaveTypeForUpdate =
    "SELECT" LEAVE_TYPE_COLUMNS "FROM leave_type WHERE code = $1 FOR UPDATE";

#undef LEAVE_TYPE_COLUMNS

constexpr const char* kInsertLeaveType = R"sql(
    INSERT INTO leave_type (code, name, paid, requires_approval, allowance_tenths, accrual,
                            carry_over_max_tenths, allow_negative, allow_half_day)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
    ON CONFLICT (code) DO NOTHING
)sql";

constexpr const char* kUpdateLeaveType = R"sql(
    UPDATE leave_type
       SET name = $2, paid = $3, requires_approval = $4, allowance_tenths = $5, accrual = $6,
           carry_over_max_tenths = $7, allow_negative = $8, allow_half_day = $9,
           updated_at = now()
     WHERE code = $1
)sql";

LeaveType leave_type_from_row(const pqxx::row& row) {
    LeaveType type;
    type.code = row[0].as<std::string>();
    type.name = row[1].as<std::string>();
    type.paid = row[2].as<bool>();
    type.requires_approval = row[3].as<bool>();
    type.allowance = row[4].as<Tenths>();
    type.accrual = row[5].as<std::string>();
    type.carry_over_max = row[6].as<Tenths>();
    type.allow_negative = row[7].as<bool>();
    type.allow_half_day = row[8].as<bool>();
    return type;
}

std::optional<LeaveType> first_leave_type(const pqxx::result& result) {
    if (result.empty()) {
        return std::nullopt;
    }
    return leave_type_from_row(result[0]);
}

boost::json::object audit_details(const LeaveType& type) {
    return {{"code", type.code},
            {"name", type.name},
            {"paid", type.paid},
            {"requires_approval", type.requires_approval},
            {"allowance_tenths", type.allowance},
            {"accrual", type.accrual},
            {"carry_over_max_tenths", type.carry_over_max},
            {"allow_negative", type.allow_negative},
            {"allow_half_day", type.allow_half_day}};
}

}  // namespace

std::vector<LeaveType> select_leave_types(pqxx::work& tx) {
    std::vector<LeaveType> types;
    for (const auto& row : tx.exec_params(kSelectLeaveTypes)) {
        types.push_back(leave_type_from_row(row));
    }
    return types;
}

std::optional<LeaveType> select_leave_type(pqxx::work& tx, const std::string& code) {
    return first_leave_type(tx.exec_params(kSelectLeaveType, code));
}

std::optional<LeaveType> select_leave_type_for_update(pqxx::work& tx, const std::string& code) {
    return first_leave_type(tx.exec_params(kSelectLeaveTypeForUpdate, code));
}

std::vector<LeaveType> read_leave_types(core::Database& db) {
    return db.transact("read_leave_types", [](pqxx::work& tx) { return select_leave_types(tx); });
}

LeaveType create_leave_type(core::Database& db, const Actor& actor, const LeaveType& type) {
    return db.transact("create_leave_type", [&](pqxx::work& tx) {
        const pqxx::result inserted =
            tx.exec_params(kInsertLeaveType, type.code, type.name, type.paid,
                           type.requires_approval, type.allowance, type.accrual,
                           type.carry_over_max, type.allow_negative, type.allow_half_day);
        if (inserted.affected_rows() == 0) {
            throw core::ApiError::conflict("A leave type with code '" + type.code +
                                           "' already exists; change it with PATCH.");
        }
        insert_audit_event(tx, actor,
                           {"leave_type.create", "leave_type", type.code, audit_details(type)});
        return type;
    });
}

LeaveType update_leave_type(core::Database& db, const Actor& actor, const std::string& code,
                            const std::function<LeaveType(const LeaveType&)>& change) {
    return db.transact("update_leave_type", [&](pqxx::work& tx) {
        const std::optional<LeaveType> before = select_leave_type_for_update(tx, code);
        if (!before) {
            throw core::ApiError::not_found("No leave type with code '" + code + "'.");
        }
        LeaveType after = change(*before);
        after.code = before->code;
        tx.exec_params0(kUpdateLeaveType, after.code, after.name, after.paid,
                        after.requires_approval, after.allowance, after.accrual,
                        after.carry_over_max, after.allow_negative, after.allow_half_day);
        insert_audit_event(tx, actor,
                           {"leave_type.update",
                            "leave_type",
                            code,
                            {{"before", audit_details(*before)}, {"after", audit_details(after)}}});
        return after;
    });
}

}  // namespace kronos::leave::store
