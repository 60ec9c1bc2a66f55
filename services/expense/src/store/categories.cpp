#include "store/categories.hpp"

#include "store/params.hpp"

namespace kronos::expense::store {

namespace {

constexpr const char* kListCategories = R"sql(
    SELECT code, name, currency, max_per_item, receipt_required_over
    FROM categories
    ORDER BY code
)sql";

constexpr const char* kFindCategory = R"sql(
    SELECT code, name, currency, max_per_item, receipt_required_over
    FROM categories
    WHERE code = $1
)sql";

constexpr const char* kLockCategory = R"sql(
    SELECT code, name, currency, max_per_item, receipt_required_over
    FROM categories
    WHERE code = $1
    FOR UPDATE
)sql";

constexpr const char* kInsertCategory = R"sql(
    INSERT INTO categories (code, name, currency, max_per_item, receipt_required_over)
    VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (code) DO NOTHING
    RETURNING code
)sql";

constexpr const char* kUpdateCategory = R"sql(
    UPDATE categories
    SET name = $2, currency = $3, max_per_item = $4, receipt_required_over = $5,
        updated_at = now()
    WHERE code = $1
)sql";

constexpr const char* kCategoriesInOtherCurrency = R"sql(
    SELECT code FROM categories
    WHERE currency <> $1 AND (max_per_item IS NOT NULL OR receipt_required_over IS NOT NULL)
    ORDER BY code
)sql";

CategoryRow read_category(const pqxx::row& row) {
    return CategoryRow{
        row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
        nullable_integer(row[3]), nullable_integer(row[4]),
    };
}

}  // namespace

std::vector<CategoryRow> list_categories(pqxx::work& tx) {
    std::vector<CategoryRow> categories;
    for (const auto& row : tx.exec(kListCategories)) {
        categories.push_back(read_category(row));
    }
    return categories;
}

std::optional<CategoryRow> find_category(pqxx::work& tx, const std::string& code) {
    auto result = tx.exec_params(kFindCategory, code);
    if (result.empty()) {
        return std::nullopt;
    }
    return read_category(result[0]);
}

std::optional<CategoryRow> lock_category(pqxx::work& tx, const std::string& code) {
    auto result = tx.exec_params(kLockCategory, code);
    if (result.empty()) {
        return std::nullopt;
    }
    return read_category(result[0]);
}

bool insert_category(pqxx::work& tx, const CategoryRow& category) {
    auto max_per_item = integer_text(category.max_per_item);
    auto receipt_required_over = integer_text(category.receipt_required_over);
    auto result = tx.exec_params(kInsertCategory, category.code, category.name, category.currency,
                                 nullable(max_per_item), nullable(receipt_required_over));
    return !result.empty();
}

void update_category(pqxx::work& tx, const CategoryRow& category) {
    auto max_per_item = integer_text(category.max_per_item);
    auto receipt_required_over = integer_text(category.receipt_required_over);
    tx.exec_params(kUpdateCategory, category.code, category.name, category.currency,
                   nullable(max_per_item), nullable(receipt_required_over));
}

std::vector<std::string> categories_in_other_currency(pqxx::work& tx,
                                                      const std::string& base_currency) {
    std::vector<std::string> codes;
    for (const auto& row : tx.exec_params(kCategoriesInOtherCurrency, base_currency)) {
        codes.push_back(row[0].as<std::string>());
    }
    return codes;
}

}  // namespace kronos::expense::store
