// SQLite-only behaviour of schema v5 (report rollups) that the conformance suite cannot see: the upgrade of a
// database written by v4, the tables' schema objects, a corrupt stored sketch, a failed AddRollups undone.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <limits>

#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/raw_db.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/temp_dir.hpp"

namespace rt::storage::sqlite {
namespace {

const core::ProgramId kProgram = core::ProgramId::FromTrusted("prg_p");

core::RollupKey CellKey(std::string partner) { return {kProgram, 20'400, std::move(partner), "lnk_l", "click"}; }

core::FunnelKey StageKey(std::string partner) { return {kProgram, 20'400, std::move(partner), "", "api", "new"}; }

core::Measures WithSketch(std::int64_t clicks, std::int64_t seconds) {
    core::Measures m;
    m.clicks = clicks;
    m.time_to_conversion.Add(seconds, 1'000'000);
    return m;
}

class SqliteRollupsTest : public ::testing::Test {
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

    static core::Result<void> Add(SqliteStore& store, std::vector<core::RollupDelta> deltas, std::int64_t version) {
        return store.Transact(ports::TxMode::kWrite,
                              [&](ports::StoreTx& tx) { return tx.AddRollups(deltas, version); });
    }

    // The partners of the program's rollup cells, in key order, with their clicks.
    static std::vector<std::string> CellClicks(SqliteStore& store) {
        std::vector<std::string> out;
        auto done = store.Transact(ports::TxMode::kRead, [&](ports::StoreTx& tx) {
            return tx.ForEachRollup(kProgram, 0, [&](const core::RollupCell& c) -> core::Result<void> {
                out.push_back(c.key.partner_id + ":" + std::to_string(c.measures.clicks));
                return {};
            });
        });
        EXPECT_TRUE(done) << done.error().message();
        return out;
    }

    // Expects `result` to be kInternal with a message that names the cell of `partner` and its table, not the
    // stored text.
    static void ExpectCorruptCell(const core::Result<void>& result, std::string_view table, std::string_view partner) {
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().code(), core::ErrorCode::kInternal) << result.error().message();
        EXPECT_NE(result.error().message().find(table), std::string::npos) << result.error().message();
        EXPECT_NE(result.error().message().find(partner), std::string::npos) << result.error().message();
        EXPECT_NE(result.error().message().find("day=20400"), std::string::npos) << result.error().message();
        EXPECT_EQ(result.error().message().find("junk"), std::string::npos) << "the stored text stays in the log";
    }

    rt::testing::TempDir dir_;
    std::filesystem::path path_ = dir_.path() / "reftrack.db";
};

TEST_F(SqliteRollupsTest, DatabaseOfVersion4UpgradesKeepingItsRows) {
    {
        RawDb raw(path_);
        raw.Exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
        for (const auto& m : Migrations()) {
            if (m.version > 4) break;
            raw.Exec(std::string(m.sql));
            raw.Exec("INSERT INTO schema_migrations VALUES (" + std::to_string(m.version) + ", 1)");
        }
        raw.Exec(
            "INSERT INTO programs (id, name, currency, destination_domains, attribution_model, "
            "attribution_window_days, stages, created_at, updated_at) VALUES ('prg_p', 'p', 'EUR', '[]', "
            "'last_click', 90, '[{\"key\":\"new\",\"name\":\"New\",\"kind\":\"open\"}]', 1, 1)");
        raw.Exec("INSERT INTO partners VALUES ('prt_a', 'prg_p', 'a', 'a@x', 'active', '', 1, 1)");
        raw.Exec("INSERT INTO links VALUES ('lnk_l', 'prg_p', 'prt_a', 'code', 'https://x', '', '', 'active', 1, 1)");
        raw.Exec("INSERT INTO customers VALUES ('cus_c', 'prg_p', '', '', '', '', NULL, 1)");
        raw.Exec(
            "INSERT INTO referrals VALUES ('ref_r', 'prg_p', 'prt_a', 'cus_c', 'api', '', '', 'new', "
            "'[{\"from\":\"\",\"to\":\"new\",\"at\":1}]', NULL, NULL, 1, 2)");
        raw.Exec(
            "INSERT INTO conversions VALUES ('cnv_s', 'prg_p', 'o', 'sale', NULL, 1200, 'EUR', 5, 'ref_r', 'cus_c', "
            "'', '', 'click', 'linear', '[{\"partner_id\":\"prt_a\",\"weight_ppm\":1000000,\"click_id\":\"\"}]', "
            "'h', 6)");
        raw.Exec(
            "INSERT INTO clicks VALUES ('clk_k', 'prg_p', 'prt_a', 'lnk_l', 'vis_v', 7, '', 'desktop', '', '', '', "
            "'', '', '', '', 0, 1)");
    }
    auto store = OpenMigrated();
    ASSERT_NE(store, nullptr);
    auto version = store->SchemaVersion();
    ASSERT_TRUE(version);
    EXPECT_EQ(*version, LatestSchemaVersion());

    auto referral =
        ReadBack(*store, [](ports::StoreTx& tx) { return tx.GetReferral(core::ReferralId::FromTrusted("ref_r")); });
    ASSERT_TRUE(referral) << referral.error().message();
    EXPECT_EQ(referral->stage, "new");
    EXPECT_EQ(referral->history.size(), 1u);
    EXPECT_EQ(referral->converted_at, std::nullopt);
    auto sale =
        ReadBack(*store, [](ports::StoreTx& tx) { return tx.GetConversion(core::ConversionId::FromTrusted("cnv_s")); });
    ASSERT_TRUE(sale) << sale.error().message();
    EXPECT_EQ(sale->amount.amount, 1200);
    EXPECT_EQ(sale->journey_started_at, std::nullopt);
    std::vector<std::string> clicks;
    ASSERT_TRUE(store->Transact(ports::TxMode::kRead, [&](ports::StoreTx& tx) {
        return tx.ForEachClick(kProgram, [&](const core::Click& c) -> core::Result<void> {
            clicks.push_back(c.id.str());
            return {};
        });
    }));
    EXPECT_EQ(clicks, std::vector<std::string>{"clk_k"});

    // The old rows take the new fields.
    referral->converted_at = core::TimePoint{5};
    ASSERT_TRUE(
        store->Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) { return tx.UpdateReferral(*referral); }));
    RawDb raw(path_);
    EXPECT_EQ(raw.Column("SELECT converted_at FROM referrals"), std::vector<std::string>{"5"});
    EXPECT_EQ(raw.Column("SELECT journey_started_at FROM conversions"), std::vector<std::string>{"NULL"});
    ASSERT_TRUE(Add(*store, {{CellKey("prt_a"), WithSketch(1, 60)}}, 1));
    EXPECT_EQ(CellClicks(*store), std::vector<std::string>{"prt_a:1"});
}

TEST_F(SqliteRollupsTest, CellTablesAreStrictWithoutRowidKeyedProgramFirstAndIndexedByVersion) {
    auto store = OpenMigrated();
    ASSERT_NE(store, nullptr);
    RawDb raw(path_);
    for (const std::string table : {"rollup_cells", "funnel_cells"}) {
        SCOPED_TRACE(table);
        EXPECT_EQ(raw.Column("SELECT strict || ',' || wr FROM pragma_table_list WHERE name = '" + table + "'"),
                  std::vector<std::string>{"1,1"});
        EXPECT_EQ(raw.Column("SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info('" + table +
                             "_version') ORDER BY seqno)"),
                  std::vector<std::string>{"program_id,version"});
    }
    EXPECT_EQ(raw.Column("SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info('rollup_cells') "
                         "WHERE pk > 0 ORDER BY pk)"),
              std::vector<std::string>{"program_id,day,partner_id,link_id,source"});
    EXPECT_EQ(raw.Column("SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info('funnel_cells') "
                         "WHERE pk > 0 ORDER BY pk)"),
              std::vector<std::string>{"program_id,day,partner_id,link_id,source,stage"});
    EXPECT_EQ(raw.Column("SELECT \"notnull\" FROM pragma_table_info('referrals') WHERE name = 'converted_at'"),
              std::vector<std::string>{"0"});
    EXPECT_EQ(raw.Column("SELECT \"notnull\" FROM pragma_table_info('conversions') WHERE name = 'journey_started_at'"),
              std::vector<std::string>{"0"});
}

TEST_F(SqliteRollupsTest, CorruptStoredSketchIsInternalNamingTheCell) {
    auto store = OpenMigrated();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(Add(*store, {{CellKey("prt_bad"), WithSketch(1, 60)}}, 1));
    const std::vector<core::FunnelDelta> stage = {{StageKey("prt_bad"), {1, 1, WithSketch(0, 60).time_to_conversion}}};
    ASSERT_TRUE(
        store->Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) { return tx.AddFunnelRollups(stage, 1); }));
    {
        RawDb raw(path_);
        raw.Exec("UPDATE rollup_cells SET time_to_conversion = '3:x;junk'");
        raw.Exec("UPDATE funnel_cells SET time_in_stage = '3:x;junk'");
    }

    ExpectCorruptCell(store->Transact(ports::TxMode::kRead,
                                      [](ports::StoreTx& tx) {
                                          return tx.ForEachRollup(kProgram, 0, [](const core::RollupCell&) {
                                              return core::Result<void>();
                                          });
                                      }),
                      "rollup_cells", "prt_bad");
    ExpectCorruptCell(store->Transact(ports::TxMode::kRead,
                                      [](ports::StoreTx& tx) {
                                          return tx.ForEachFunnelRollup(kProgram, 0, [](const core::FunnelCell&) {
                                              return core::Result<void>();
                                          });
                                      }),
                      "funnel_cells", "prt_bad");
    ExpectCorruptCell(Add(*store, {{CellKey("prt_bad"), WithSketch(1, 60)}}, 2), "rollup_cells", "prt_bad");
    ExpectCorruptCell(
        store->Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) { return tx.AddFunnelRollups(stage, 2); }),
        "funnel_cells", "prt_bad");

    // A delta without a sketch does not read the stored one.
    core::Measures clicks_only;
    clicks_only.clicks = 1;
    EXPECT_TRUE(Add(*store, {{CellKey("prt_bad"), clicks_only}}, 3));
    RawDb raw(path_);
    EXPECT_EQ(raw.Column("SELECT clicks || ' ' || time_to_conversion || ' v' || version FROM rollup_cells"),
              std::vector<std::string>{"2 3:x;junk v3"});
}

// A pending row's line: the key, 13 measures, and since conversions leave their cells pending, their sketch. Rows
// written before it (17 fields) still decode; any other shape is a corrupt row, kInternal naming the row.
TEST_F(SqliteRollupsTest, PendingRowsOfEitherFormatDecodeAndOtherShapesAreCorrupt) {
    auto store = OpenMigrated();
    ASSERT_NE(store, nullptr);
    const std::string key = "20400\tprt_a\tlnk_l\tclick";
    const std::string measures = "\t2\t1\t0\t0\t1000000\t0\t4500\t0\t450\t0\t0\t0\t0";
    const std::string sketch = WithSketch(0, 60).time_to_conversion.Encode();
    ASSERT_FALSE(sketch.empty());
    auto write = [&](std::int64_t seq, const std::string& text) {
        RawDb raw(path_);
        raw.Exec("INSERT INTO rollup_pending (program_id, seq, deltas) VALUES ('prg_p', " + std::to_string(seq) +
                 ", '" + text + "')");
    };
    auto read = [&] {
        return ReadBack(*store, [](ports::StoreTx& tx) {
            return tx.ListPendingRollups(kProgram, 0, std::numeric_limits<std::int64_t>::max(), 100);
        });
    };
    write(1, key + measures + "\n");                  // before sales' sketches
    write(2, key + measures + "\t" + sketch + "\n");  // with one
    auto rows = read();
    ASSERT_TRUE(rows) << rows.error().message();
    ASSERT_EQ(rows->size(), 2u);
    ASSERT_EQ((*rows)[0].deltas.size(), 1u);
    ASSERT_EQ((*rows)[1].deltas.size(), 1u);
    const auto& old_row = (*rows)[0].deltas[0].add;
    const auto& new_row = (*rows)[1].deltas[0].add;
    EXPECT_EQ(old_row.clicks, 2);
    EXPECT_EQ(old_row.sales_minor, 4500);
    EXPECT_EQ(old_row.commission_minor, 450);
    EXPECT_TRUE(old_row.time_to_conversion.empty());
    EXPECT_EQ(new_row.time_to_conversion, WithSketch(0, 60).time_to_conversion);
    EXPECT_EQ(new_row.conversions_ppm, 1'000'000);

    for (const std::string& bad : {key + measures + "\t\n",                                // an empty sketch
                                   key + measures + "\tjunk\n",                            // not a sketch
                                   key + measures + "\t" + sketch + "\t" + sketch + "\n",  // a field too many
                                   key + measures.substr(0, measures.rfind('\t')) + "\n",  // a measure short
                                   key + measures}) {                                      // no end of line
        RawDb(path_).Exec("DELETE FROM rollup_pending");
        write(3, bad);
        auto refused = read();
        ASSERT_FALSE(refused) << bad;
        EXPECT_EQ(refused.error().code(), core::ErrorCode::kInternal) << bad;
        EXPECT_NE(refused.error().message().find("seq 3"), std::string::npos) << refused.error().message();
    }
}

// A failed call keeps none of its deltas, even when the transaction goes on and commits.
// Pending rows are gathered and written before the commit or a savepoint (SqlTx::Flush). When that write
// fails, the requests whose rows were gathered must not commit without them: the transaction is broken.
TEST_F(SqliteRollupsTest, AFailedWriteOfGatheredPendingRowsLeavesTheTransactionUncommittable) {
    auto store = OpenMigrated();
    ASSERT_NE(store, nullptr);
    const std::vector<core::RollupDelta> deltas = {{CellKey("prt_a"), WithSketch(1, 60)}};
    ASSERT_TRUE(store->Transact(ports::TxMode::kWrite,
                                [&](ports::StoreTx& tx) { return tx.AddPendingRollups(kProgram, 3, deltas); }));
    // Seq 3 is taken: gathered in this transaction, its write fails at the savepoint that a group commit's redo
    // opens for the next request, which is refused; the caller goes on as a group commit does.
    bool savepoint_refused = false;
    auto done = store->Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.AddPendingRollups(kProgram, 3, deltas); !ok) return ok;
        if (auto ok = tx.AddPendingRollups(kProgram, 2, deltas); !ok) return ok;
        auto next = tx.Savepoint([](ports::StoreTx&) -> core::Result<void> { return {}; });
        savepoint_refused = !next;
        return {};
    });
    EXPECT_TRUE(savepoint_refused);
    ASSERT_FALSE(done) << "committed without the rows it had gathered";
    RawDb raw(path_);
    EXPECT_EQ(raw.Column("SELECT seq FROM rollup_pending ORDER BY seq"), std::vector<std::string>{"3"});
}

TEST_F(SqliteRollupsTest, FailedAddRollupsKeepsNoneOfItsDeltas) {
    auto store = OpenMigrated();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(Add(*store, {{CellKey("prt_bad"), WithSketch(1, 60)}}, 1));
    RawDb(path_).Exec("UPDATE rollup_cells SET time_to_conversion = 'junk'");

    auto committed = store->Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<void> {
        const std::vector<core::RollupDelta> failing = {{CellKey("prt_a"), WithSketch(1, 60)},
                                                        {CellKey("prt_bad"), WithSketch(1, 60)}};
        auto failed = tx.AddRollups(failing, 2);
        if (failed) return core::Fail(core::Error::Internal("the corrupt cell was not noticed"));
        const std::vector<core::RollupDelta> after = {{CellKey("prt_c"), WithSketch(5, 60)}};
        return tx.AddRollups(after, 3);
    });
    ASSERT_TRUE(committed) << committed.error().message();
    RawDb raw(path_);
    EXPECT_EQ(raw.Column("SELECT partner_id || ':' || clicks || ' v' || version FROM rollup_cells ORDER BY 1"),
              (std::vector<std::string>{"prt_bad:1 v1", "prt_c:5 v3"}));
}

}  // namespace
}  // namespace rt::storage::sqlite
