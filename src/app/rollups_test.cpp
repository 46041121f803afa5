// Pending click rollups (app/rollups.hpp): a click batch left pending reaches the cells once, by whichever
// roll-up comes first (a report, the click writer's chore); a roll-up that fails leaves the rows pending.
#include "app/rollups.hpp"

#include <gtest/gtest.h>

#include <future>
#include <limits>

#include "app/click_batch.hpp"
#include "app/conversion_service.hpp"
#include "app/event_log.hpp"
#include "app/link_service.hpp"
#include "app/partner_service.hpp"
#include "app/program_service.hpp"
#include "app/report_service.hpp"
#include "app/rollup_rebuild.hpp"
#include "app/store_test_support.hpp"
#include "ports/fakes.hpp"
#include "ports/system.hpp"
#include "support/temp_dir.hpp"

namespace rt::app {
namespace {

// A store whose write transactions fail at their end while `fail_writes` is set: the body ran, nothing is kept.
class FailingStore final : public ports::Store {
  public:
    explicit FailingStore(ports::Store& inner) : inner_(inner) {}
    bool fail_writes = false;

    core::Result<int> Migrate() override { return inner_.Migrate(); }
    core::Result<int> SchemaVersion() override { return inner_.SchemaVersion(); }
    int LatestSchemaVersion() const override { return inner_.LatestSchemaVersion(); }
    core::Result<void> Ping() override { return inner_.Ping(); }
    std::string_view Backend() const override { return inner_.Backend(); }
    core::Result<void> Transact(ports::TxMode mode,
                                const std::function<core::Result<void>(ports::StoreTx&)>& body) override {
        if (mode != ports::TxMode::kWrite || !fail_writes) return inner_.Transact(mode, body);
        return inner_.Transact(mode, [&](ports::StoreTx& tx) -> core::Result<void> {
            if (auto ok = body(tx); !ok) return ok;
            return core::Fail(core::Error::Unavailable("the disk went away"));
        });
    }

  private:
    ports::Store& inner_;
};

class PendingRollupsTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        inner_ = OpenMigratedStore(GetParam(), dir_, "rollups.db");
        ASSERT_TRUE(inner_);
        store_ = std::make_unique<FailingStore>(*inner_);
        clock_.Set(core::StartOf(core::DayFromCivil(2026, 11, 24)));
        auto program = ProgramService(deps()).Create(
            admin_, {.name = "Rollups",
                     .currency = "EUR",
                     .destination_domains = std::vector<std::string>{"shop.example.com"}});
        ASSERT_TRUE(program) << program.error().message();
        program_ = program->id;
        auto partner = PartnerService(deps()).Create(
            admin_, {.program_id = program_.str(), .name = "Ada", .email = "ada@example.com"});
        ASSERT_TRUE(partner) << partner.error().message();
        for (int i = 0; i < 3; ++i) {
            clock_.Advance(1);  // ids in creation order, and so the cells in key order
            auto link = LinkService(deps()).Create(
                admin_, {.partner_id = partner->id.str(), .destination = "https://shop.example.com/x"});
            ASSERT_TRUE(link) << link.error().message();
            links_.push_back(*link);
        }
    }

    Deps deps() { return {*store_, clock_, random_, digest_}; }

    // A batch of `n` clicks through the links in turn (the first a bot), written the click writer's way.
    void WriteBatch(int n) {
        std::vector<core::Click> clicks;
        for (int i = 0; i < n; ++i) {
            const auto& link_ = links_[static_cast<std::size_t>(i) % links_.size()];
            core::Click c;
            c.at = clock_.Now();
            c.id = core::ClickId::Generate(c.at, random_);
            c.program_id = link_.program_id;
            c.partner_id = link_.partner_id;
            c.link_id = link_.id;
            c.visitor_id = core::VisitorId::Generate(c.at, random_);
            c.bot = i == 0;
            c.unique = !c.bot;
            c.device = c.bot ? core::DeviceClass::kBot : core::DeviceClass::kDesktop;
            clicks.push_back(c);
        }
        auto written = store_->Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<void> {
            if (auto ok = tx.InsertClicks(clicks); !ok) return ok;
            return AfterClicksInserted(deps(), tx, clicks, RollupWrites::kPending);
        });
        ASSERT_TRUE(written) << written.error().message();
    }

    // The clicks and bot clicks in the program's cells.
    std::pair<std::int64_t, std::int64_t> CellClicks() {
        std::pair<std::int64_t, std::int64_t> out{0, 0};
        auto read = store_->Transact(ports::TxMode::kRead, [&](ports::StoreTx& tx) {
            return tx.ForEachRollup(program_, 0, [&](const core::RollupCell& c) -> core::Result<void> {
                out.first += c.measures.clicks;
                out.second += c.measures.bot_clicks;
                return {};
            });
        });
        EXPECT_TRUE(read) << read.error().message();
        return out;
    }

    std::size_t PendingRows() {
        auto rows =
            ports::Transact<std::vector<core::PendingRollups>>(*store_, ports::TxMode::kRead, [&](ports::StoreTx& tx) {
                return tx.ListPendingRollups(program_, 0, std::numeric_limits<std::int64_t>::max(), 1000);
            });
        EXPECT_TRUE(rows) << rows.error().message();
        return rows ? rows->size() : 0;
    }

    std::vector<std::string> EventTypes() {
        std::vector<std::string> out;
        auto events = ports::Transact<std::vector<core::Event>>(
            *store_, ports::TxMode::kRead, [&](ports::StoreTx& tx) { return tx.ListEvents(program_, 0, 1000); });
        EXPECT_TRUE(events) << events.error().message();
        for (const auto& e : *events) out.push_back(e.type);
        return out;
    }

    testing::TempDir dir_;
    std::unique_ptr<ports::Store> inner_;
    std::unique_ptr<FailingStore> store_;
    ports::FakeClock clock_;
    ports::SeededRandom random_{11};
    ports::Sha256Digest digest_;
    Principal admin_{core::Scope::Admin(), {}};
    core::ProgramId program_;
    std::vector<core::Link> links_;
};

INSTANTIATE_TEST_SUITE_P(Backends, PendingRollupsTest, ::testing::Values("memory", "sqlite"));

using Clicks = std::pair<std::int64_t, std::int64_t>;  // (clicks, bot clicks)

TEST_P(PendingRollupsTest, PendingBatchesReachTheCellsOnce) {
    WriteBatch(5);
    WriteBatch(3);
    WriteBatch(4);
    EXPECT_EQ(CellClicks(), (Clicks{0, 0})) << "nothing is added in the batch";
    EXPECT_EQ(PendingRows(), 3u);

    auto rolled = RollUpPending(deps(), program_);
    ASSERT_TRUE(rolled) << rolled.error().message();
    EXPECT_EQ(*rolled, 3);
    EXPECT_EQ(CellClicks(), (Clicks{12 - 3, 3}));
    EXPECT_EQ(PendingRows(), 0u);
    const auto types = EventTypes();
    EXPECT_EQ(std::count(types.begin(), types.end(), "click.batch"), 3);
    EXPECT_EQ(std::count(types.begin(), types.end(), "clicks.rolled_up"), 1);

    rolled = RollUpPending(deps(), program_);
    ASSERT_TRUE(rolled);
    EXPECT_EQ(*rolled, 0) << "nothing is added twice";
    EXPECT_EQ(CellClicks(), (Clicks{9, 3}));
    EXPECT_EQ(EventTypes().size(), types.size()) << "and nothing pending writes no event";
}

// A report's roll-up writes in the chore's bounded steps, so that it never holds the writer for a whole backlog:
// here a cell per write transaction, a row per read.
TEST_P(PendingRollupsTest, AReportRollsUpInBoundedSteps) {
    WriteBatch(6);  // 3 cells
    WriteBatch(3);
    auto rolled = RollUpPending(deps(), program_, 1, 1);
    ASSERT_TRUE(rolled) << rolled.error().message();
    EXPECT_EQ(*rolled, 2);
    EXPECT_EQ(CellClicks(), (Clicks{9 - 2, 2}));
    EXPECT_EQ(PendingRows(), 0u);
    const auto types = EventTypes();
    EXPECT_EQ(std::count(types.begin(), types.end(), "clicks.rolled_up"), 3) << "one per cell";
}

TEST_P(PendingRollupsTest, AFailedRollUpLeavesTheRowsPendingForTheNext) {
    WriteBatch(6);
    store_->fail_writes = true;
    auto failed = RollUpPending(deps(), program_);
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code(), core::ErrorCode::kUnavailable);
    PendingRollup chore(deps());
    auto step = chore.Step();
    ASSERT_FALSE(step);
    store_->fail_writes = false;
    EXPECT_EQ(PendingRows(), 1u);
    EXPECT_EQ(CellClicks(), (Clicks{0, 0}));

    step = chore.Step();  // begins the epoch
    ASSERT_TRUE(step) << step.error().message();
    EXPECT_TRUE(*step);
    step = chore.Step();  // reads its rows
    ASSERT_TRUE(step) << step.error().message();
    EXPECT_TRUE(*step);
    store_->fail_writes = true;
    ASSERT_FALSE(chore.Step()) << "the slice fails";
    store_->fail_writes = false;
    EXPECT_EQ(CellClicks(), (Clicks{0, 0}));
    step = chore.Step();  // the same slice again, and the last
    ASSERT_TRUE(step) << step.error().message();
    EXPECT_FALSE(*step);
    EXPECT_EQ(CellClicks(), (Clicks{5, 1}));
    EXPECT_EQ(PendingRows(), 0u);
    auto verified = VerifyLedger(deps());
    ASSERT_TRUE(verified);
    EXPECT_FALSE(verified->first_break.has_value());
}

// Under reftrack serve a sale leaves its cells pending too (ConversionService::SetRollupWrites, wired in
// server/tracking.cpp): its row waits for the chore or a report, and the service says when it left one.
TEST_P(PendingRollupsTest, ASaleLeftPendingOwesTheChoreAndReachesItsCellLater) {
    WriteBatch(3);
    ASSERT_TRUE(RollUpPending(deps(), program_));  // the clicks' row: out of the way
    std::string click_id;
    ASSERT_TRUE(store_->Transact(ports::TxMode::kRead, [&](ports::StoreTx& tx) {
        return tx.ForEachClick(program_, [&](const core::Click& c) -> core::Result<void> {
            if (!c.bot) click_id = c.id.str();
            return {};
        });
    }));
    ASSERT_FALSE(click_id.empty());
    ports::FakeVault vault;
    ConversionService conversions(deps(), vault);
    std::atomic<int> owed{0};
    conversions.SetRollupWrites(RollupWrites::kPending, [&] { ++owed; });
    auto sale_of = [&](const std::string& external_id, std::optional<std::string> click) {
        ConversionInput in;
        in.external_id = external_id;
        in.request_hash = external_id;
        in.program_id = program_.str();
        in.amount = 12'000;
        in.currency = "EUR";
        in.click_id = std::move(click);
        return in;
    };
    auto sales = [&] {
        std::int64_t out = 0;
        EXPECT_TRUE(store_->Transact(ports::TxMode::kRead, [&](ports::StoreTx& tx) {
            return tx.ForEachRollup(program_, 0, [&](const core::RollupCell& c) -> core::Result<void> {
                out += c.measures.sales_minor;
                return {};
            });
        }));
        return out;
    };

    auto sale = conversions.Record(admin_, sale_of("order-1", click_id));
    ASSERT_TRUE(sale) << sale.error().message();
    ASSERT_FALSE(sale->conversion.attribution.credits.empty());
    EXPECT_EQ(owed, 1);
    EXPECT_EQ(PendingRows(), 1u);
    EXPECT_EQ(sales(), 0) << "not in a cell yet";

    ASSERT_TRUE(conversions.Record(admin_, sale_of("order-1", click_id)));      // a replay: nothing new
    ASSERT_TRUE(conversions.Record(admin_, sale_of("order-2", std::nullopt)));  // unattributed: no cell
    EXPECT_EQ(owed, 1);
    EXPECT_EQ(PendingRows(), 1u);

    // The server's way: answered on the group commit's thread after the commit.
    std::promise<core::Result<ConversionOutcome>> answered;
    ASSERT_TRUE(conversions.RecordAsync(admin_, sale_of("order-3", click_id),
                                        [&](core::Result<ConversionOutcome> r) { answered.set_value(std::move(r)); }));
    auto async_sale = answered.get_future().get();
    ASSERT_TRUE(async_sale) << async_sale.error().message();
    EXPECT_EQ(owed, 2);
    EXPECT_EQ(PendingRows(), 2u);

    ASSERT_TRUE(RollUpPending(deps(), program_));
    EXPECT_EQ(PendingRows(), 0u);
    EXPECT_EQ(sales(), 24'000) << "both sales, once";
    conversions.Stop();
}

// An epoch is written a slice of cells at a time; one taken up after a crash writes its slices again, and the
// cells that already have them add nothing. Rows written meanwhile wait for the next epoch.
TEST_P(PendingRollupsTest, AnEpochTakenUpAfterACrashAddsEachCellOnce) {
    WriteBatch(6);  // 3 cells, one per link: 2 clicks each, the first link's first a bot
    WriteBatch(3);  // 1 click more through each link, the first a bot
    {
        PendingRollup crashed(deps(), 1);
        auto step = crashed.Step();  // begins
        ASSERT_TRUE(step && *step);
        step = crashed.Step();  // reads both rows
        ASSERT_TRUE(step && *step);
        step = crashed.Step();  // the first cell
        ASSERT_TRUE(step && *step);
        step = crashed.Step();  // the second
        ASSERT_TRUE(step && *step);
    }  // and the process is gone
    EXPECT_EQ(CellClicks(), (Clicks{1 + 3, 2})) << "two of three cells, each with its 2 + 1 clicks";
    WriteBatch(3);  // after the epoch's seq: not part of it

    auto check = RebuildRollups(deps(), true);
    ASSERT_TRUE(check) << check.error().message();
    for (const auto& line : check->differences) ADD_FAILURE() << line;
    EXPECT_EQ(check->difference_count, 0) << "an epoch under way counts once in a check";

    PendingRollup restarted(deps(), 2, 1, 1);  // a row per read
    auto steps = [&] {
        std::vector<bool> out;
        for (int i = 0; i < 10; ++i) {
            auto step = restarted.Step();
            EXPECT_TRUE(step) << step.error().message();
            if (!step) break;
            out.push_back(*step);
            if (!*step) break;
        }
        return out;
    };
    // It takes the epoch up (begin), reads its 2 rows one at a time (the third read finds no more), writes its 3
    // cells in slices of 2, and ends it.
    EXPECT_EQ(steps(), (std::vector<bool>{true, true, true, true, true, false}));
    EXPECT_EQ(CellClicks(), (Clicks{1 + 3 + 3, 2}));
    EXPECT_EQ(PendingRows(), 1u) << "the batch after the epoch";

    EXPECT_EQ(steps(), (std::vector<bool>{true, true, true, true, false}))
        << "the next epoch: begin, read its row and find no more, then 3 cells";
    EXPECT_EQ(CellClicks(), (Clicks{9, 3}));
    EXPECT_EQ(PendingRows(), 0u);
    EXPECT_EQ(steps(), (std::vector<bool>{false})) << "nothing left";
}

// An epoch's rows are deleted once every cell has it, a few rows per write transaction (kRollUpDeleteRows), so
// that no step holds the writer for a whole epoch's rows. A crash between those steps leaves an epoch whose
// cells already have it: taking it up deletes the rest and adds nothing twice.
TEST_P(PendingRollupsTest, AnEpochsRowsAreDeletedInStepsOnceItsCellsAreWritten) {
    for (int i = 0; i < 5; ++i) WriteBatch(3);  // 5 rows; 3 cells, each with 1 click a batch, the first a bot
    const auto delete_two = [&] {
        return PendingRollup(deps(), kRollUpSliceCells, kRollUpLoadRows, kRollUpLoadDeltas, std::nullopt, 2);
    };
    {
        PendingRollup crashed = delete_two();
        for (const char* what : {"begins", "reads the 5 rows", "writes the 3 cells"}) {
            auto step = crashed.Step();
            ASSERT_TRUE(step) << what << ": " << step.error().message();
            EXPECT_TRUE(*step) << what;
        }
        EXPECT_EQ(CellClicks(), (Clicks{10, 5}));
        EXPECT_EQ(PendingRows(), 5u) << "the rows stay until every cell has the epoch";
        auto step = crashed.Step();  // deletes the first 2
        ASSERT_TRUE(step) << step.error().message();
        EXPECT_TRUE(*step);
        EXPECT_EQ(PendingRows(), 3u);
    }  // and the process is gone

    auto check = RebuildRollups(deps(), true);
    ASSERT_TRUE(check) << check.error().message();
    for (const auto& line : check->differences) ADD_FAILURE() << line;

    PendingRollup restarted = delete_two();
    std::vector<bool> steps;
    for (int i = 0; i < 10; ++i) {
        auto step = restarted.Step();
        ASSERT_TRUE(step) << step.error().message();
        steps.push_back(*step);
        if (!*step) break;
    }
    // Takes the epoch up, reads its 3 rows left, writes its 3 cells again (they add nothing), deletes 2 rows,
    // then the last with the epoch.
    EXPECT_EQ(steps, (std::vector<bool>{true, true, true, true, false}));
    EXPECT_EQ(CellClicks(), (Clicks{10, 5}));
    EXPECT_EQ(PendingRows(), 0u);
    auto verified = VerifyLedger(deps());
    ASSERT_TRUE(verified);
    EXPECT_FALSE(verified->first_break.has_value());
}

// A report finishes the epoch a chore has under way; the chore then finds it ended and adds nothing more.
TEST_P(PendingRollupsTest, AReportFinishesAnEpochUnderWayAndTheChoreDropsIt) {
    WriteBatch(6);
    PendingRollup chore(deps(), 1);
    ASSERT_TRUE(chore.Step());  // begins
    ASSERT_TRUE(chore.Step());  // reads
    ASSERT_TRUE(chore.Step());  // one cell of three
    ReportService reports(deps());
    auto summary = reports.Summary(admin_, {.program_id = program_.str(), .group_by = "program"});
    ASSERT_TRUE(summary) << summary.error().message();
    ASSERT_EQ(summary->rows.size(), 1u);
    EXPECT_EQ(summary->rows[0].metrics.clicks, 5);
    auto step = chore.Step();
    ASSERT_TRUE(step) << step.error().message();
    EXPECT_FALSE(*step) << "the epoch it held is gone";
    EXPECT_EQ(CellClicks(), (Clicks{5, 1}));
}

// A database that refuses writes does not take the reports down: they answer from the cells, without the
// clicks still pending.
TEST_P(PendingRollupsTest, AReportAnswersWithoutThePendingClicksWhenItCannotRollThemUp) {
    WriteBatch(6);
    ASSERT_TRUE(RollUpPending(deps(), program_));
    WriteBatch(3);
    store_->fail_writes = true;
    ReportService reports(deps());
    auto summary = reports.Summary(admin_, {.program_id = program_.str(), .group_by = "program"});
    store_->fail_writes = false;
    ASSERT_TRUE(summary) << summary.error().message();
    ASSERT_EQ(summary->rows.size(), 1u);
    EXPECT_EQ(summary->rows[0].metrics.clicks, 5);
    EXPECT_EQ(PendingRows(), 1u);
}

TEST_P(PendingRollupsTest, AReportCountsPendingClicksAndACheckCountsThemMaintained) {
    WriteBatch(7);
    auto check = RebuildRollups(deps(), true);
    ASSERT_TRUE(check) << check.error().message();
    for (const auto& line : check->differences) ADD_FAILURE() << line;
    EXPECT_EQ(check->difference_count, 0) << "the pending deltas are part of what is maintained";

    ReportService reports(deps());
    auto summary = reports.Summary(admin_, {.program_id = program_.str(), .group_by = "program"});
    ASSERT_TRUE(summary) << summary.error().message();
    ASSERT_EQ(summary->rows.size(), 1u);
    EXPECT_EQ(summary->rows[0].metrics.clicks, 6);
    EXPECT_EQ(PendingRows(), 0u) << "the report rolled them up";

    WriteBatch(3);  // pending again; a rebuild counts the raw clicks and drops the rows
    auto rebuilt = RebuildRollups(deps(), false);
    ASSERT_TRUE(rebuilt) << rebuilt.error().message();
    EXPECT_EQ(PendingRows(), 0u);
    EXPECT_EQ(CellClicks(), (Clicks{8, 2}));
}

}  // namespace
}  // namespace rt::app
