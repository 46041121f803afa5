// SQLite-only behaviour of the funnel's tables that the conformance suite cannot see: the upgrade of a
// database written before them, their schema objects, corrupt stored values.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <set>

#include "ports/fakes.hpp"
#include "storage/commission_plan_json.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/raw_db.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/temp_dir.hpp"

namespace rt::storage::sqlite {
namespace {

class SqliteFunnelTest : public ::testing::Test {
  protected:
    std::unique_ptr<SqliteStore> OpenMigrated() {
        auto opened = SqliteStore::Open(path_, 1);
        EXPECT_TRUE(opened) << opened.error().message();
        if (!opened) return nullptr;
        auto migrated = (*opened)->Migrate();
        EXPECT_TRUE(migrated) << migrated.error().message();
        return std::move(*opened);
    }

    // `read(tx) -> Result<T>` run in a read transaction of `store`.
    template <class F>
    auto ReadBack(SqliteStore& store, F&& read) {
        using T = typename std::invoke_result_t<F, ports::StoreTx&>::value_type;
        return ports::Transact<T>(store, ports::TxMode::kRead, std::forward<F>(read));
    }

    // Expects `result` to be kInternal with a message that names nothing stored.
    template <class T>
    void ExpectCorrupt(const core::Result<T>& result, std::string_view secret) {
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().code(), core::ErrorCode::kInternal) << result.error().message();
        EXPECT_EQ(result.error().message().find(secret), std::string::npos) << result.error().message();
    }

    rt::testing::TempDir dir_;
    std::filesystem::path path_ = dir_.path() / "reftrack.db";
};

TEST_F(SqliteFunnelTest, ProgramWrittenBeforeTheFunnelReadsBackStickyAndZeroPercent) {
    {
        RawDb raw(path_);
        raw.Exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
        for (const auto& m : Migrations()) {
            if (m.version >= 3) break;
            raw.Exec(std::string(m.sql));
            raw.Exec("INSERT INTO schema_migrations VALUES (" + std::to_string(m.version) + ", 1)");
        }
        raw.Exec(
            "INSERT INTO programs VALUES ('prg_01jd0000000000000000000000', 'Old', 'EUR', '[]', 'last_click', 90, "
            "'[{\"key\":\"new\",\"name\":\"New\",\"kind\":\"open\"}]', 1, 2)");
    }
    auto store = OpenMigrated();
    ASSERT_NE(store, nullptr);

    auto got = ReadBack(*store, [](ports::StoreTx& tx) {
        return tx.GetProgram(core::ProgramId::FromTrusted("prg_01jd0000000000000000000000"));
    });
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(got->name, "Old");
    EXPECT_TRUE(got->sticky_customers);
    EXPECT_TRUE(got->commission == core::CommissionPlan{});
    RawDb raw(path_);
    EXPECT_EQ(raw.Column("SELECT commission FROM programs"),
              std::vector<std::string>{std::string(kDefaultCommissionPlanJson)});
}

TEST_F(SqliteFunnelTest, FunnelTablesAreStrictAndKeyedOnTheirProgram) {
    auto store = OpenMigrated();
    ASSERT_NE(store, nullptr);
    RawDb raw(path_);
    const std::set<std::string> funnel = {
        "customers", "coupons", "referrals", "conversions", "commissions", "conversion_credits", "idempotency_keys"};
    for (const auto& table : funnel) {
        SCOPED_TRACE(table);
        EXPECT_EQ(raw.Column("SELECT strict FROM pragma_table_list WHERE name = '" + table + "'"),
                  std::vector<std::string>{"1"});
    }
    const auto unique_indexes = raw.Column(
        "SELECT m.name || ':' || group_concat(c.name, ',') FROM sqlite_schema m, pragma_index_list(m.name) i, "
        "pragma_index_info(i.name) c WHERE m.type = 'table' AND i.[unique] = 1 AND m.name IN ('customers', "
        "'coupons', 'referrals', 'conversions', 'commissions') GROUP BY m.name, i.name ORDER BY 1");
    const std::set<std::string> got(unique_indexes.begin(), unique_indexes.end());
    for (const auto* want :
         {"customers:program_id,id", "customers:program_id,external_id", "customers:program_id,email_hash",
          "coupons:program_id,id", "coupons:program_id,code", "referrals:program_id,id", "conversions:program_id,id",
          "conversions:program_id,external_id", "commissions:program_id,id"}) {
        EXPECT_TRUE(got.contains(want)) << want;
    }
}

TEST_F(SqliteFunnelTest, CorruptFunnelValuesAreInternalAndDoNotLeak) {
    auto store = OpenMigrated();
    ASSERT_NE(store, nullptr);
    {
        RawDb raw(path_);
        raw.Exec(
            "INSERT INTO programs (id, name, currency, destination_domains, attribution_model, "
            "attribution_window_days, stages, created_at, updated_at, commission) VALUES ('prg_p', 'p', 'EUR', '[]', "
            "'last_click', 90, '[]', 1, 1, '{\"secret_plan\":1}')");
        raw.Exec("INSERT INTO partners VALUES ('prt_a', 'prg_p', 'a', 'a@x', 'active', '', 1, 1)");
        raw.Exec("INSERT INTO customers VALUES ('cus_c', 'prg_p', '', '', '', '', NULL, 1)");
        raw.Exec(
            "INSERT INTO referrals VALUES ('ref_r', 'prg_p', 'prt_a', 'cus_c', 'api', '', '', 'new', "
            "'[{\"secret_history\":1}]', NULL, NULL, 1, 1, NULL)");
        raw.Exec(
            "INSERT INTO conversions VALUES ('cnv_s', 'prg_p', 'o', 'sale', NULL, 1, 'EUR', 1, NULL, NULL, '', '', "
            "'click', 'linear', '[{\"partner_id\":\"prt_a\",\"weight_ppm\":\"secret_weight\",\"click_id\":\"\"}]', "
            "'h', 1, NULL)");
        raw.Exec(
            "INSERT INTO commissions VALUES ('com_m', 'prg_p', 'cnv_s', 'prt_a', 1, 'EUR', 'secret_status', NULL, 1)");
    }

    ExpectCorrupt(
        ReadBack(*store, [](ports::StoreTx& tx) { return tx.GetProgram(core::ProgramId::FromTrusted("prg_p")); }),
        "secret");
    ExpectCorrupt(
        ReadBack(*store, [](ports::StoreTx& tx) { return tx.GetReferral(core::ReferralId::FromTrusted("ref_r")); }),
        "secret");
    ExpectCorrupt(
        ReadBack(*store, [](ports::StoreTx& tx) { return tx.GetConversion(core::ConversionId::FromTrusted("cnv_s")); }),
        "secret");
    ExpectCorrupt(ReadBack(*store,
                           [](ports::StoreTx& tx) {
                               return tx.ListCommissionsOfConversion(core::ConversionId::FromTrusted("cnv_s"));
                           }),
                  "secret");
}

}  // namespace
}  // namespace rt::storage::sqlite
