// The storage conformance suite, report rollups: AddRollups / AddFunnelRollups (accumulating cells, merging
// sketches, version stamps), the ForEach walks over cells and over a program's raw rows, DeleteRollups, and the
// fields the rollups read from referrals (converted_at) and conversions (journey_started_at).

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>
#include <vector>

#include "core/calendar.hpp"
#include "core/rollup.hpp"
#include "storage/store_conformance_funnel.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage::testing {
namespace {

using core::ErrorCode;

core::RollupKey RollupKeyOf(const core::ProgramId& program, core::Day day, std::string partner, std::string link,
                            std::string source) {
    return {program, day, std::move(partner), std::move(link), std::move(source)};
}

core::FunnelKey FunnelKeyOf(const core::ProgramId& program, core::Day day, std::string partner, std::string link,
                            std::string source, std::string stage) {
    return {program, day, std::move(partner), std::move(link), std::move(source), std::move(stage)};
}

core::DurationSketch SketchOf(std::initializer_list<std::pair<std::int64_t, std::int64_t>> seconds_weights) {
    core::DurationSketch s;
    for (const auto& [seconds, weight] : seconds_weights) s.Add(seconds, weight);
    return s;
}

// Measures with every field set, each to a different value derived from `base`.
core::Measures EveryMeasure(std::int64_t base) {
    core::Measures m;
    m.clicks = base + 1;
    m.unique_clicks = base + 2;
    m.bot_clicks = base + 3;
    m.referrals = base + 4;
    m.conversions_ppm = base + 500'000;
    m.refunds_ppm = base + 250'000;
    m.sales_minor = base + 98'765;
    m.refunded_minor = base + 1'234;
    m.commission_minor = base + 4'321;
    m.converted = base + 5;
    m.converted_7d = base + 6;
    m.converted_30d = base + 7;
    m.converted_90d = base + 8;
    m.time_to_conversion = SketchOf({{base + 60, 500'000}});
    return m;
}

core::FunnelMeasures FunnelMeasuresOf(std::int64_t entered, std::int64_t moved_on, core::DurationSketch sketch) {
    return {entered, moved_on, std::move(sketch)};
}

std::string Show(const core::RollupKey& k) {
    return k.program_id.str() + "/" + std::to_string(k.day) + "/" + k.partner_id + "/" + k.link_id + "/" + k.source;
}

std::string Show(const core::FunnelKey& k) {
    return k.program_id.str() + "/" + std::to_string(k.day) + "/" + k.partner_id + "/" + k.link_id + "/" + k.source +
           "/" + k.stage;
}

std::string Show(const core::RollupKey& key, const core::Measures& m, std::int64_t version) {
    std::ostringstream out;
    out << Show(key) << " v" << version << " clicks=" << m.clicks << " unique=" << m.unique_clicks
        << " bots=" << m.bot_clicks << " referrals=" << m.referrals << " conversions_ppm=" << m.conversions_ppm
        << " refunds_ppm=" << m.refunds_ppm << " sales=" << m.sales_minor << " refunded=" << m.refunded_minor
        << " commission=" << m.commission_minor << " converted=" << m.converted << "/" << m.converted_7d << "/"
        << m.converted_30d << "/" << m.converted_90d << " ttc=[" << m.time_to_conversion.Encode() << "]";
    return out.str();
}

std::string Show(const core::RollupCell& c) { return Show(c.key, c.measures, c.version); }

std::string Show(const core::FunnelKey& key, const core::FunnelMeasures& m, std::int64_t version) {
    std::ostringstream out;
    out << Show(key) << " v" << version << " entered=" << m.entered << " moved_on=" << m.moved_on << " tis=["
        << m.time_in_stage.Encode() << "]";
    return out.str();
}

std::string Show(const core::FunnelCell& c) { return Show(c.key, c.measures, c.version); }

core::Result<void> AddRollups(ports::Store& store, const std::vector<core::RollupDelta>& deltas, std::int64_t version) {
    return store.Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) { return tx.AddRollups(deltas, version); });
}

core::Result<void> AddFunnel(ports::Store& store, const std::vector<core::FunnelDelta>& deltas, std::int64_t version) {
    return store.Transact(ports::TxMode::kWrite,
                          [&](ports::StoreTx& tx) { return tx.AddFunnelRollups(deltas, version); });
}

// Every item a walk hands to its fn, in order, read in a read transaction; fails the test on error.
template <class T, class Walk>
std::vector<T> Collect(ports::Store& store, Walk walk) {
    std::vector<T> out;
    const std::function<core::Result<void>(const T&)> fn = [&](const T& item) -> core::Result<void> {
        out.push_back(item);
        return {};
    };
    auto done = store.Transact(ports::TxMode::kRead, [&](ports::StoreTx& tx) { return walk(tx, fn); });
    EXPECT_TRUE(done) << done.error().message();
    return out;
}

std::vector<core::RollupCell> Cells(ports::Store& store, const core::ProgramId& program, std::int64_t after = 0) {
    return Collect<core::RollupCell>(
        store, [&](ports::StoreTx& tx, const auto& fn) { return tx.ForEachRollup(program, after, fn); });
}

std::vector<core::FunnelCell> FunnelCells(ports::Store& store, const core::ProgramId& program, std::int64_t after = 0) {
    return Collect<core::FunnelCell>(
        store, [&](ports::StoreTx& tx, const auto& fn) { return tx.ForEachFunnelRollup(program, after, fn); });
}

template <class Cell>
std::vector<std::string> ShowAll(const std::vector<Cell>& cells) {
    std::vector<std::string> out;
    for (const auto& c : cells) out.push_back(Show(c));
    return out;
}

template <class T>
std::vector<std::string> IdsOf(const std::vector<T>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.id.str());
    return out;
}

// Expects a quantile of a sketch within the sketch's relative error of the exact `want` seconds.
void ExpectQuantileNear(const std::optional<std::int64_t>& got, std::int64_t want) {
    ASSERT_TRUE(got.has_value());
    EXPECT_LE(std::abs(static_cast<double>(*got - want)),
              core::DurationSketch::kRelativeError * static_cast<double>(want) + 1.0)
        << *got << " for " << want;
}

core::Click ClickThrough(const core::Link& link, core::ClickId id, core::VisitorId visitor, core::TimePoint at) {
    core::Click c;
    c.id = std::move(id);
    c.program_id = link.program_id;
    c.partner_id = link.partner_id;
    c.link_id = link.id;
    c.visitor_id = std::move(visitor);
    c.at = at;
    c.unique = true;
    return c;
}

// --- Rollup cells.

TEST_P(StoreConformanceTest, RollupDeltasCreateCellsAndAddEveryMeasure) {
    const auto program = MakeProgram();
    const auto key = RollupKeyOf(program.id, 20'400, "prt_a", "lnk_a", "click");
    const auto first = EveryMeasure(0);
    const auto second = EveryMeasure(1'000);
    ASSERT_TRUE(AddRollups(*store_, {{key, first}}, 3));
    EXPECT_EQ(ShowAll(Cells(*store_, program.id)), std::vector{Show(key, first, 3)});

    ASSERT_TRUE(AddRollups(*store_, {{key, second}}, 5));
    auto sum = first;
    sum += second;
    EXPECT_EQ(sum.clicks, 1'002);  // the test's own arithmetic, so that a wrong sum cannot pass twice
    EXPECT_EQ(ShowAll(Cells(*store_, program.id)), std::vector{Show(key, sum, 5)});
}

TEST_P(StoreConformanceTest, RollupDeltasOfOneKeyInOneCallAddUp) {
    const auto program = MakeProgram();
    const auto key = RollupKeyOf(program.id, 20'400, "prt_a", "", "coupon");
    core::Measures one;
    one.conversions_ppm = 250'000;
    one.time_to_conversion = SketchOf({{3'600, 250'000}});
    ASSERT_TRUE(AddRollups(*store_, {{key, one}, {key, one}, {key, one}}, 9));
    auto cells = Cells(*store_, program.id);
    ASSERT_EQ(cells.size(), 1u);
    EXPECT_EQ(cells[0].measures.conversions_ppm, 750'000);
    EXPECT_EQ(cells[0].measures.time_to_conversion, SketchOf({{3'600, 750'000}}));
    EXPECT_EQ(cells[0].version, 9);
}

TEST_P(StoreConformanceTest, RollupSketchesMergeBucketByBucket) {
    const auto program = MakeProgram();
    const auto key = RollupKeyOf(program.id, 20'400, "prt_a", "lnk_a", "click");
    core::Measures fast, slow, clicks_only;
    fast.time_to_conversion = SketchOf({{60, 500'000}, {600, 500'000}});  // 1 min and 10 min, half a credit each
    slow.time_to_conversion = SketchOf({{86'400, 1'000'000}, {600, 1'000'000}});
    clicks_only.clicks = 4;  // an empty sketch leaves the stored one as it is
    ASSERT_TRUE(AddRollups(*store_, {{key, fast}}, 1));
    ASSERT_TRUE(AddRollups(*store_, {{key, slow}}, 2));
    ASSERT_TRUE(AddRollups(*store_, {{key, clicks_only}}, 3));

    auto cells = Cells(*store_, program.id);
    ASSERT_EQ(cells.size(), 1u);
    const auto& sketch = cells[0].measures.time_to_conversion;
    EXPECT_EQ(sketch, SketchOf({{60, 500'000}, {600, 1'500'000}, {86'400, 1'000'000}}));
    EXPECT_EQ(sketch.total_weight(), 3'000'000);
    // Weighted: 1/6 at one minute, 1/2 at ten minutes, 1/3 at a day.
    ExpectQuantileNear(sketch.Quantile(0.1), 60);
    ExpectQuantileNear(sketch.Quantile(0.5), 600);
    ExpectQuantileNear(sketch.Quantile(0.9), 86'400);
    EXPECT_EQ(cells[0].measures.clicks, 4);
}

TEST_P(StoreConformanceTest, NegativeRollupDeltasSubtractAndKeepTheCell) {
    const auto program = MakeProgram();
    const auto key = RollupKeyOf(program.id, 20'401, "prt_a", "lnk_a", "recurring");
    const auto sale = EveryMeasure(10);
    core::Measures reversal;
    reversal -= sale;  // every measure negated, the sketch with negative weights
    core::Measures half_refund;
    half_refund.refunds_ppm = 500'000;
    half_refund.commission_minor = -2'000;
    ASSERT_TRUE(AddRollups(*store_, {{key, sale}}, 1));
    ASSERT_TRUE(AddRollups(*store_, {{key, half_refund}}, 2));

    auto expected = sale;
    expected += half_refund;
    EXPECT_EQ(ShowAll(Cells(*store_, program.id)), std::vector{Show(key, expected, 2)});

    ASSERT_TRUE(AddRollups(*store_, {{key, reversal}, {key, half_refund}}, 3));
    core::Measures rest;
    rest.refunds_ppm = 1'000'000;
    rest.commission_minor = -4'000;
    EXPECT_EQ(ShowAll(Cells(*store_, program.id)), std::vector{Show(key, rest, 3)});

    core::Measures undo_rest;
    undo_rest -= rest;
    ASSERT_TRUE(AddRollups(*store_, {{key, undo_rest}}, 4));
    auto cells = Cells(*store_, program.id);
    ASSERT_EQ(cells.size(), 1u) << "a cell whose measures add up to zero stays";
    EXPECT_TRUE(cells[0].measures.IsZero()) << Show(cells[0]);
    EXPECT_TRUE(cells[0].measures.time_to_conversion.empty());
    EXPECT_EQ(cells[0].version, 4);
}

TEST_P(StoreConformanceTest, NegativeDeltaCreatesACellWithNegativeMeasures) {
    const auto program = MakeProgram();
    const auto key = RollupKeyOf(program.id, 20'401, "prt_a", "", "api");
    core::Measures minus;
    minus.commission_minor = -750;
    minus.time_to_conversion = SketchOf({{30, -1}});
    ASSERT_TRUE(AddRollups(*store_, {{key, minus}}, 6));
    EXPECT_EQ(ShowAll(Cells(*store_, program.id)), std::vector{Show(key, minus, 6)});
}

TEST_P(StoreConformanceTest, RollupWalkFiltersByVersionAndAddingRestampsTheCell) {
    const auto program = MakeProgram();
    const auto a = RollupKeyOf(program.id, 20'400, "prt_a", "lnk_a", "click");
    const auto b = RollupKeyOf(program.id, 20'401, "prt_a", "lnk_a", "click");
    const auto c = RollupKeyOf(program.id, 20'402, "prt_a", "lnk_a", "click");
    core::Measures click;
    click.clicks = 1;
    ASSERT_TRUE(AddRollups(*store_, {{a, click}}, 1));
    ASSERT_TRUE(AddRollups(*store_, {{b, click}}, 2));
    ASSERT_TRUE(AddRollups(*store_, {{c, click}}, 3));

    auto keys = [&](std::int64_t after) {
        std::vector<std::string> out;
        for (const auto& cell : Cells(*store_, program.id, after))
            out.push_back(Show(cell.key) + "@" + std::to_string(cell.version));
        return out;
    };
    const auto da = Show(a), db = Show(b), dc = Show(c);
    EXPECT_EQ(keys(0), (std::vector{da + "@1", db + "@2", dc + "@3"}));
    EXPECT_EQ(keys(1), (std::vector{db + "@2", dc + "@3"}));
    EXPECT_EQ(keys(2), (std::vector{dc + "@3"}));
    EXPECT_EQ(keys(3), std::vector<std::string>{});

    ASSERT_TRUE(AddRollups(*store_, {{a, click}}, 4));
    EXPECT_EQ(keys(3), std::vector{da + "@4"});
    EXPECT_EQ(Cells(*store_, program.id, 3).at(0).measures.clicks, 2);
}

TEST_P(StoreConformanceTest, RollupWalkIsInKeyOrder) {
    const auto program = MakeProgram();
    // Each field of the key decides the order in turn: day (numerically), partner, link ("" first), source.
    const std::vector<core::RollupKey> sorted = {
        RollupKeyOf(program.id, 9, "prt_b", "lnk_b", "recurring"),
        RollupKeyOf(program.id, 10, "prt_a", "", "coupon"),
        RollupKeyOf(program.id, 10, "prt_a", "lnk_a", "click"),
        RollupKeyOf(program.id, 10, "prt_a", "lnk_a", "coupon"),
        RollupKeyOf(program.id, 10, "prt_a", "lnk_b", "api"),
        RollupKeyOf(program.id, 10, "prt_b", "", "api"),
        RollupKeyOf(program.id, 100, "prt_a", "", "api"),
        RollupKeyOf(program.id, 20'400, "prt_a", "", "api"),
    };
    core::Measures one;
    one.referrals = 1;
    std::vector<core::RollupDelta> shuffled;
    for (std::size_t i : {5, 0, 7, 3, 1, 6, 2, 4}) shuffled.push_back({sorted[i], one});
    ASSERT_TRUE(AddRollups(*store_, std::vector(shuffled.begin(), shuffled.begin() + 4), 1));
    ASSERT_TRUE(AddRollups(*store_, std::vector(shuffled.begin() + 4, shuffled.end()), 2));

    std::vector<std::string> want, got;
    for (const auto& k : sorted) want.push_back(Show(k));
    for (const auto& cell : Cells(*store_, program.id)) got.push_back(Show(cell.key));
    EXPECT_EQ(got, want);
}

TEST_P(StoreConformanceTest, RollupsOfOtherProgramsAreUntouchedAndDeleteRemovesOnlyTheProgram) {
    const auto program = MakeProgram();
    const auto other = MakeProgram();
    const auto mine = RollupKeyOf(program.id, 20'400, "prt_a", "lnk_a", "click");
    const auto theirs = RollupKeyOf(other.id, 20'400, "prt_a", "lnk_a", "click");  // the same key otherwise
    const auto my_stage = FunnelKeyOf(program.id, 20'400, "prt_a", "lnk_a", "click", "new");
    const auto their_stage = FunnelKeyOf(other.id, 20'400, "prt_a", "lnk_a", "click", "new");
    const auto m = EveryMeasure(0);
    const auto f = FunnelMeasuresOf(1, 1, SketchOf({{90, 1}}));
    ASSERT_TRUE(AddRollups(*store_, {{mine, m}, {theirs, m}}, 1));
    ASSERT_TRUE(AddRollups(*store_, {{mine, m}}, 2));
    ASSERT_TRUE(AddFunnel(*store_, {{my_stage, f}, {their_stage, f}}, 1));
    ASSERT_TRUE(AddFunnel(*store_, {{my_stage, f}}, 2));

    EXPECT_EQ(ShowAll(Cells(*store_, other.id)), std::vector{Show(theirs, m, 1)});
    EXPECT_EQ(ShowAll(FunnelCells(*store_, other.id)), std::vector{Show(their_stage, f, 1)});

    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.DeleteRollups(program.id); }));
    EXPECT_TRUE(Cells(*store_, program.id).empty());
    EXPECT_TRUE(FunnelCells(*store_, program.id).empty());
    EXPECT_EQ(ShowAll(Cells(*store_, other.id)), std::vector{Show(theirs, m, 1)});
    EXPECT_EQ(ShowAll(FunnelCells(*store_, other.id)), std::vector{Show(their_stage, f, 1)});

    ASSERT_TRUE(AddRollups(*store_, {{mine, m}}, 7));  // written anew after the delete: from zero
    EXPECT_EQ(ShowAll(Cells(*store_, program.id)), std::vector{Show(mine, m, 7)});
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.DeleteRollups(MakeProgram().id); }))
        << "a program without cells deletes nothing";
}

TEST_P(StoreConformanceTest, RolledBackTransactionLeavesNoCell) {
    const auto program = MakeProgram();
    const auto key = RollupKeyOf(program.id, 20'400, "prt_a", "lnk_a", "click");
    const auto stage = FunnelKeyOf(program.id, 20'400, "prt_a", "lnk_a", "click", "new");
    ASSERT_TRUE(AddRollups(*store_, {{key, EveryMeasure(0)}}, 1));
    auto failed = Write([&](ports::StoreTx& tx) -> core::Result<void> {
        const std::vector<core::RollupDelta> more = {{key, EveryMeasure(5)},
                                                     {RollupKeyOf(program.id, 20'401, "prt_a", "", "api"), {}}};
        if (auto ok = tx.AddRollups(more, 2); !ok) return ok;
        const std::vector<core::FunnelDelta> stages = {{stage, FunnelMeasuresOf(1, 0, {})}};
        if (auto ok = tx.AddFunnelRollups(stages, 2); !ok) return ok;
        return core::Fail(core::Error::Conflict("the body gives up"));
    });
    ASSERT_FALSE(failed);
    EXPECT_EQ(ShowAll(Cells(*store_, program.id)), std::vector{Show(key, EveryMeasure(0), 1)});
    EXPECT_TRUE(FunnelCells(*store_, program.id).empty());
}

TEST_P(StoreConformanceTest, ReadTransactionCannotWriteRollups) {
    const auto program = MakeProgram();
    const std::vector<core::RollupDelta> cells = {{RollupKeyOf(program.id, 1, "prt_a", "", "api"), {}}};
    const std::vector<core::FunnelDelta> stages = {{FunnelKeyOf(program.id, 1, "prt_a", "", "api", "new"), {}}};
    for (const auto& write : std::vector<std::function<core::Result<void>(ports::StoreTx&)>>{
             [&](ports::StoreTx& tx) { return tx.AddRollups(cells, 1); },
             [&](ports::StoreTx& tx) { return tx.AddFunnelRollups(stages, 1); },
             [&](ports::StoreTx& tx) { return tx.DeleteRollups(program.id); }}) {
        auto refused = store_->Transact(ports::TxMode::kRead, write);
        ASSERT_FALSE(refused);
        EXPECT_EQ(refused.error().code(), ErrorCode::kInternal) << refused.error().message();
    }
}

// --- Pending rollups.

std::vector<std::string> ShowPending(const std::vector<core::PendingRollups>& rows) {
    std::vector<std::string> out;
    for (const auto& row : rows) {
        for (const auto& d : row.deltas) out.push_back("seq " + std::to_string(row.seq) + ": " + Show(d.key, d.add, 0));
    }
    return out;
}

std::vector<core::PendingRollups> Pending(ports::Store& store, const core::ProgramId& program, int limit = 100,
                                          std::int64_t through = std::numeric_limits<std::int64_t>::max(),
                                          std::int64_t after = 0) {
    auto rows = ports::Transact<std::vector<core::PendingRollups>>(
        store, ports::TxMode::kRead,
        [&](ports::StoreTx& tx) { return tx.ListPendingRollups(program, after, through, limit); });
    EXPECT_TRUE(rows) << rows.error().message();
    return rows ? *rows : std::vector<core::PendingRollups>{};
}

core::Measures ClickMeasures(std::int64_t clicks, std::int64_t unique, std::int64_t bots) {
    core::Measures m;
    m.clicks = clicks;
    m.unique_clicks = unique;
    m.bot_clicks = bots;
    return m;
}

TEST_P(StoreConformanceTest, PendingRollupsRoundTripInSeqOrderAndDeleteThroughASeq) {
    const auto program = MakeProgram();
    const auto other = MakeProgram();
    const auto a = RollupKeyOf(program.id, 20'400, "prt_a", "lnk_a", "click");
    const auto b = RollupKeyOf(program.id, 20'401, "prt_b", "", "click");
    auto every = EveryMeasure(7);                   // every measure survives, the sketch too, not only the clicks'
    every.time_to_conversion.Add(3'600, -200'000);  // a refund's negative weight among them
    // Two transactions (one transaction's rows of a program are one row: the test below), the later seq first.
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        const std::vector<core::RollupDelta> later = {{a, ClickMeasures(1, 1, 0)}};
        return tx.AddPendingRollups(program.id, 12, later);
    }));
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        const std::vector<core::RollupDelta> earlier = {{a, every}, {b, ClickMeasures(0, 0, 3)}};
        const std::vector<core::RollupDelta> theirs = {
            {RollupKeyOf(other.id, 20'400, "prt_a", "lnk_a", "click"), ClickMeasures(9, 9, 9)}};
        if (auto ok = tx.AddPendingRollups(program.id, 5, earlier); !ok) return ok;
        return tx.AddPendingRollups(other.id, 5, theirs);
    }));
    EXPECT_EQ(ShowPending(Pending(*store_, program.id)),
              (std::vector<std::string>{"seq 5: " + Show(a, every, 0), "seq 5: " + Show(b, ClickMeasures(0, 0, 3), 0),
                                        "seq 12: " + Show(a, ClickMeasures(1, 1, 0), 0)}));
    EXPECT_EQ(ShowPending(Pending(*store_, program.id, 1)),
              (std::vector<std::string>{"seq 5: " + Show(a, every, 0), "seq 5: " + Show(b, ClickMeasures(0, 0, 3), 0)}))
        << "the limit counts rows, oldest first";
    EXPECT_EQ(Pending(*store_, program.id, 100, 11).size(), 1u) << "through_seq bounds the seq";
    EXPECT_EQ(Pending(*store_, program.id, 100, 4).size(), 0u);
    EXPECT_EQ(ShowPending(Pending(*store_, program.id, 100, 100, 5)),
              (std::vector<std::string>{"seq 12: " + Show(a, ClickMeasures(1, 1, 0), 0)}))
        << "after_seq pages on: the rows after it";
    EXPECT_EQ(Pending(*store_, program.id, 100, 11, 5).size(), 0u);
    auto programs = ports::Transact<std::vector<core::ProgramId>>(
        *store_, ports::TxMode::kRead, [](ports::StoreTx& tx) { return tx.ListProgramsWithPendingRollups(); });
    ASSERT_TRUE(programs);
    std::vector<core::ProgramId> want = {program.id, other.id};
    std::sort(want.begin(), want.end());
    EXPECT_EQ(*programs, want);

    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.DeletePendingRollups(program.id, 11); }));
    EXPECT_EQ(ShowPending(Pending(*store_, program.id)),
              (std::vector<std::string>{"seq 12: " + Show(a, ClickMeasures(1, 1, 0), 0)}));
    EXPECT_EQ(Pending(*store_, other.id).size(), 1u) << "another program's rows stay";
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.DeletePendingRollups(program.id, 12); }));
    EXPECT_TRUE(Pending(*store_, program.id).empty());
    programs = ports::Transact<std::vector<core::ProgramId>>(
        *store_, ports::TxMode::kRead, [](ports::StoreTx& tx) { return tx.ListProgramsWithPendingRollups(); });
    ASSERT_TRUE(programs);
    EXPECT_EQ(*programs, std::vector{other.id});
}

// A click batch's deltas come summed and in key order and are written as they come; one transaction's deltas
// out of order, or naming a cell twice, are still summed into one delta per cell, in key order.
TEST_P(StoreConformanceTest, PendingRollupsOfOneCallAreSummedByKeyInKeyOrder) {
    const auto program = MakeProgram();
    const auto a = RollupKeyOf(program.id, 20'400, "prt_a", "lnk_a", "click");
    const auto b = RollupKeyOf(program.id, 20'400, "prt_b", "lnk_b", "click");
    const auto c = RollupKeyOf(program.id, 20'401, "prt_a", "lnk_a", "click");
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) {
        return tx.AddPendingRollups(
            program.id, 3,
            std::vector<core::RollupDelta>{
                {a, ClickMeasures(1, 1, 0)}, {b, ClickMeasures(2, 0, 0)}, {c, ClickMeasures(0, 0, 3)}});
    }));
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) {
        return tx.AddPendingRollups(
            program.id, 4,
            std::vector<core::RollupDelta>{
                {c, ClickMeasures(1, 0, 0)}, {a, ClickMeasures(2, 0, 0)}, {c, ClickMeasures(0, 0, 1)}});
    }));
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) {
        return tx.AddPendingRollups(
            program.id, 5, std::vector<core::RollupDelta>{{b, ClickMeasures(1, 0, 0)}, {b, ClickMeasures(1, 1, 0)}});
    }));
    EXPECT_EQ(ShowPending(Pending(*store_, program.id)),
              (std::vector<std::string>{
                  "seq 3: " + Show(a, ClickMeasures(1, 1, 0), 0), "seq 3: " + Show(b, ClickMeasures(2, 0, 0), 0),
                  "seq 3: " + Show(c, ClickMeasures(0, 0, 3), 0), "seq 4: " + Show(a, ClickMeasures(2, 0, 0), 0),
                  "seq 4: " + Show(c, ClickMeasures(1, 0, 1), 0), "seq 5: " + Show(b, ClickMeasures(2, 1, 0), 0)}));
}

TEST_P(StoreConformanceTest, PendingRollupsOfOneTransactionAreOneRowUnderItsHighestSeq) {
    const auto program = MakeProgram();
    const auto other = MakeProgram();
    const auto a = RollupKeyOf(program.id, 20'400, "prt_a", "lnk_a", "sale");
    const auto b = RollupKeyOf(program.id, 20'400, "prt_b", "lnk_b", "sale");
    const auto theirs = RollupKeyOf(other.id, 20'400, "prt_a", "lnk_a", "sale");
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.AddPendingRollups(program.id, 7, std::vector<core::RollupDelta>{{a, ClickMeasures(1, 0, 0)}});
            !ok) {
            return ok;
        }
        if (auto ok =
                tx.AddPendingRollups(other.id, 8, std::vector<core::RollupDelta>{{theirs, ClickMeasures(4, 0, 0)}});
            !ok) {
            return ok;
        }
        // The same seq twice in one transaction is refused, as across two, even once joined into a later one.
        auto twice = tx.AddPendingRollups(program.id, 7, std::vector<core::RollupDelta>{{a, ClickMeasures(1, 0, 0)}});
        EXPECT_FALSE(twice);
        if (!twice) {
            EXPECT_EQ(twice.error().code(), ErrorCode::kConflict);
        }
        if (auto ok = tx.AddPendingRollups(
                program.id, 9,
                std::vector<core::RollupDelta>{{b, ClickMeasures(2, 0, 0)}, {a, ClickMeasures(3, 0, 0)}});
            !ok) {
            return ok;
        }
        auto joined = tx.AddPendingRollups(program.id, 7, std::vector<core::RollupDelta>{{a, ClickMeasures(1, 0, 0)}});
        EXPECT_FALSE(joined) << "seq 7 is in the row of seq 9";
        return {};
    }));
    EXPECT_EQ(ShowPending(Pending(*store_, program.id)),
              (std::vector<std::string>{"seq 9: " + Show(a, ClickMeasures(4, 0, 0), 0),
                                        "seq 9: " + Show(b, ClickMeasures(2, 0, 0), 0)}));
    EXPECT_EQ(ShowPending(Pending(*store_, other.id)),
              (std::vector<std::string>{"seq 8: " + Show(theirs, ClickMeasures(4, 0, 0), 0)}));
    // A body that fails in a savepoint takes its rows with it (rows added around a savepoint may stay apart).
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.AddPendingRollups(program.id, 12, std::vector<core::RollupDelta>{{a, ClickMeasures(1, 0, 0)}});
            !ok) {
            return ok;
        }
        auto failed = tx.Savepoint([&](ports::StoreTx& inner) -> core::Result<void> {
            if (auto ok = inner.AddPendingRollups(program.id, 13,
                                                  std::vector<core::RollupDelta>{{b, ClickMeasures(50, 0, 0)}});
                !ok) {
                return ok;
            }
            return core::Fail(core::Error::Conflict("the request fails"));
        });
        EXPECT_FALSE(failed);
        // So does one that fails bare (a group commit's first try), having written nothing else.
        bool spoiled = true;
        auto failed_bare = tx.RunUnguarded(
            [&](ports::StoreTx& inner) -> core::Result<void> {
                if (auto ok = inner.AddPendingRollups(program.id, 14,
                                                      std::vector<core::RollupDelta>{{b, ClickMeasures(70, 0, 0)}});
                    !ok) {
                    return ok;
                }
                return core::Fail(core::Error::Conflict("the request fails"));
            },
            spoiled);
        EXPECT_FALSE(failed_bare);
        EXPECT_FALSE(spoiled);
        return {};
    }));
    EXPECT_EQ(ShowPending(Pending(*store_, program.id, 100, std::numeric_limits<std::int64_t>::max(), 9)),
              (std::vector<std::string>{"seq 12: " + Show(a, ClickMeasures(1, 0, 0), 0)}));
    // Read back in the transaction that adds them, as written.
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.AddPendingRollups(program.id, 20, std::vector<core::RollupDelta>{{a, ClickMeasures(1, 0, 0)}});
            !ok) {
            return ok;
        }
        auto rows = tx.ListPendingRollups(program.id, 12, std::numeric_limits<std::int64_t>::max(), 10);
        if (!rows) return core::Fail(rows.error());
        EXPECT_EQ(ShowPending(*rows), (std::vector<std::string>{"seq 20: " + Show(a, ClickMeasures(1, 0, 0), 0)}));
        return {};
    }));
}

TEST_P(StoreConformanceTest, PendingRollupsRefuseATakenSeqAndAReadTransaction) {
    const auto program = MakeProgram();
    const std::vector<core::RollupDelta> deltas = {
        {RollupKeyOf(program.id, 20'400, "prt_a", "lnk_a", "click"), ClickMeasures(2, 1, 0)}};
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.AddPendingRollups(program.id, 3, deltas); }));
    auto taken = Write([&](ports::StoreTx& tx) { return tx.AddPendingRollups(program.id, 3, deltas); });
    ASSERT_FALSE(taken);
    EXPECT_EQ(taken.error().code(), ErrorCode::kConflict);
    EXPECT_EQ(taken.error().message(), kPendingRollupsTaken);

    for (const auto& write : std::vector<std::function<core::Result<void>(ports::StoreTx&)>>{
             [&](ports::StoreTx& tx) { return tx.AddPendingRollups(program.id, 5, deltas); },
             [&](ports::StoreTx& tx) { return tx.DeletePendingRollups(program.id, 3); }}) {
        auto read_only = store_->Transact(ports::TxMode::kRead, write);
        ASSERT_FALSE(read_only);
        EXPECT_EQ(read_only.error().code(), ErrorCode::kInternal) << read_only.error().message();
    }
    EXPECT_EQ(ShowPending(Pending(*store_, program.id)),
              (std::vector<std::string>{"seq 3: " + Show(deltas[0].key, deltas[0].add, 0)}))
        << "the refused writes changed nothing";
}

TEST_P(StoreConformanceTest, RollupEpochsAreSetReplacedAndEndedPerProgram) {
    const auto program = MakeProgram();
    const auto other = MakeProgram();
    auto epoch = [&](const core::ProgramId& id) {
        auto got = ports::Transact<std::optional<std::int64_t>>(
            *store_, ports::TxMode::kRead, [&](ports::StoreTx& tx) { return tx.GetRollupEpoch(id); });
        EXPECT_TRUE(got) << got.error().message();
        return got ? *got : std::nullopt;
    };
    EXPECT_EQ(epoch(program.id), std::nullopt);
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.SetRollupEpoch(program.id, 7); }));
    EXPECT_EQ(epoch(program.id), 7);
    EXPECT_EQ(epoch(other.id), std::nullopt);
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.SetRollupEpoch(program.id, 9); }));
    EXPECT_EQ(epoch(program.id), 9);
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.SetRollupEpoch(program.id, std::nullopt); }));
    EXPECT_EQ(epoch(program.id), std::nullopt);
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.SetRollupEpoch(other.id, std::nullopt); }))
        << "ending no epoch is no error";
    auto refused =
        store_->Transact(ports::TxMode::kRead, [&](ports::StoreTx& tx) { return tx.SetRollupEpoch(program.id, 1); });
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code(), ErrorCode::kInternal);
}

// An epoch's deltas reach each cell once: a cell that has the epoch (rolled_through >= it) is left alone, one
// without it gets the delta, the version and the epoch; AddRollups leaves rolled_through as it is.
TEST_P(StoreConformanceTest, EpochRollupsAddToACellOncePerEpoch) {
    const auto program = MakeProgram();
    const auto a = RollupKeyOf(program.id, 20'400, "prt_a", "lnk_a", "click");
    const auto b = RollupKeyOf(program.id, 20'400, "prt_a", "lnk_b", "click");
    const auto c = RollupKeyOf(program.id, 20'400, "prt_b", "lnk_c", "click");  // never in an epoch
    auto show = [&](const core::RollupKey& key, const core::Measures& m, std::int64_t version, std::int64_t epoch) {
        return Show(key, m, version) + " epoch " + std::to_string(epoch);
    };
    auto cells = [&] {
        std::vector<std::string> out;
        for (const auto& cell : Cells(*store_, program.id))
            out.push_back(show(cell.key, cell.measures, cell.version, cell.rolled_through));
        return out;
    };
    ASSERT_TRUE(AddRollups(*store_, {{a, ClickMeasures(1, 1, 0)}, {c, ClickMeasures(4, 0, 0)}}, 1));
    const std::vector<core::RollupDelta> epoch5 = {{a, ClickMeasures(2, 1, 0)}, {b, ClickMeasures(3, 0, 1)}};
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.AddEpochRollups(std::span(epoch5).first(1), 2, 5); }));
    EXPECT_EQ(cells(),
              (std::vector<std::string>{show(a, ClickMeasures(3, 2, 0), 2, 5), show(c, ClickMeasures(4, 0, 0), 1, 0)}));
    // The whole epoch again (as after a crash): only b is new to it.
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.AddEpochRollups(epoch5, 3, 5); }));
    const std::vector<std::string> once = {show(a, ClickMeasures(3, 2, 0), 2, 5), show(b, ClickMeasures(3, 0, 1), 3, 5),
                                           show(c, ClickMeasures(4, 0, 0), 1, 0)};
    EXPECT_EQ(cells(), once);
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.AddEpochRollups(epoch5, 4, 4); }))
        << "an older epoch is not added either";
    EXPECT_EQ(cells(), once);
    ASSERT_TRUE(AddRollups(*store_, {{a, ClickMeasures(0, 0, 1)}}, 6));  // a conversion's way: epoch unchanged
    const std::vector<core::RollupDelta> epoch8 = {{a, ClickMeasures(1, 0, 0)}};
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.AddEpochRollups(epoch8, 7, 8); }));
    EXPECT_EQ(cells(),
              (std::vector<std::string>{show(a, ClickMeasures(4, 2, 1), 7, 8), show(b, ClickMeasures(3, 0, 1), 3, 5),
                                        show(c, ClickMeasures(4, 0, 0), 1, 0)}));
    auto refused =
        store_->Transact(ports::TxMode::kRead, [&](ports::StoreTx& tx) { return tx.AddEpochRollups(epoch8, 9, 9); });
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code(), ErrorCode::kInternal);
}

TEST_P(StoreConformanceTest, EpochRollupsMergeSketchesOncePerEpoch) {
    // Sales leave their cells pending too: an epoch's cell may carry a time-to-conversion sketch, merged with the
    // stored one (negative weights of refunds included), once per epoch like the counts.
    const auto program = MakeProgram();
    const auto a = RollupKeyOf(program.id, 20'400, "prt_a", "lnk_a", "click");  // has a sketch already
    const auto b = RollupKeyOf(program.id, 20'400, "prt_b", "", "coupon");      // new with the epoch
    const auto c = RollupKeyOf(program.id, 20'400, "prt_c", "lnk_c", "click");  // counts only
    core::Measures sale;
    sale.conversions_ppm = 1'000'000;
    sale.sales_minor = 5'000;
    sale.time_to_conversion = SketchOf({{120, 1'000'000}});
    ASSERT_TRUE(AddRollups(*store_, {{a, sale}}, 1));

    core::Measures more = sale;
    more.time_to_conversion = SketchOf({{120, 500'000}, {86'400, 500'000}});
    core::Measures refund;
    refund.refunds_ppm = 1'000'000;
    refund.time_to_conversion = SketchOf({{600, -1'000'000}, {60, 250'000}});
    const std::vector<core::RollupDelta> epoch = {{a, more}, {b, refund}, {c, ClickMeasures(2, 1, 0)}};
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.AddEpochRollups(epoch, 3, 5); }));
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.AddEpochRollups(epoch, 4, 5); }))
        << "the same slice again, as after a crash";

    core::Measures a_now = sale;
    a_now += more;
    EXPECT_EQ(a_now.time_to_conversion, SketchOf({{120, 1'500'000}, {86'400, 500'000}}));
    std::vector<std::string> got;
    for (const auto& cell : Cells(*store_, program.id)) got.push_back(Show(cell));
    EXPECT_EQ(got,
              (std::vector<std::string>{Show(a, a_now, 3), Show(b, refund, 3), Show(c, ClickMeasures(2, 1, 0), 3)}));

    ASSERT_TRUE(
        Write([&](ports::StoreTx& tx) -> core::Result<void> { return tx.AddPendingRollups(program.id, 9, epoch); }));
    const auto pending = Pending(*store_, program.id);
    ASSERT_EQ(pending.size(), 1u);
    ASSERT_EQ(pending[0].deltas.size(), 3u);
    EXPECT_EQ(pending[0].deltas[0].add, more) << "a pending row keeps its sketches";
    EXPECT_EQ(pending[0].deltas[1].add, refund);
    EXPECT_EQ(pending[0].deltas[2].add, ClickMeasures(2, 1, 0));
}

TEST_P(StoreConformanceTest, PendingRollupsOfARolledBackTransactionAreGone) {
    const auto program = MakeProgram();
    const std::vector<core::RollupDelta> deltas = {
        {RollupKeyOf(program.id, 20'400, "prt_a", "lnk_a", "click"), ClickMeasures(1, 0, 0)}};
    auto failed = Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.AddPendingRollups(program.id, 1, deltas); !ok) return ok;
        return core::Fail(core::Error::Conflict("the body gives up"));
    });
    ASSERT_FALSE(failed);
    EXPECT_TRUE(Pending(*store_, program.id).empty());
}

// --- Funnel cells.

TEST_P(StoreConformanceTest, FunnelDeltasAccumulateMergeSketchesAndSubtract) {
    const auto program = MakeProgram();
    const auto key = FunnelKeyOf(program.id, 20'400, "prt_a", "lnk_a", "click", "demo");
    ASSERT_TRUE(AddFunnel(*store_, {{key, FunnelMeasuresOf(1, 0, {})}}, 1));
    EXPECT_EQ(ShowAll(FunnelCells(*store_, program.id)), std::vector{Show(key, FunnelMeasuresOf(1, 0, {}), 1)});

    // Two referrals moved on after an hour and after two days; a third entered.
    ASSERT_TRUE(AddFunnel(*store_,
                          {{key, FunnelMeasuresOf(1, 1, SketchOf({{3'600, 1}}))},
                           {key, FunnelMeasuresOf(1, 1, SketchOf({{172'800, 1}}))}},
                          2));
    auto cells = FunnelCells(*store_, program.id);
    ASSERT_EQ(cells.size(), 1u);
    EXPECT_EQ(Show(cells[0]), Show(key, FunnelMeasuresOf(3, 2, SketchOf({{3'600, 1}, {172'800, 1}})), 2));
    ExpectQuantileNear(cells[0].measures.time_in_stage.Quantile(0.5), 3'600);
    ExpectQuantileNear(cells[0].measures.time_in_stage.Quantile(1.0), 172'800);

    // A stage change undone: Funnel(old) subtracted.
    ASSERT_TRUE(AddFunnel(*store_, {{key, FunnelMeasuresOf(-1, -1, SketchOf({{172'800, -1}}))}}, 3));
    EXPECT_EQ(ShowAll(FunnelCells(*store_, program.id)),
              std::vector{Show(key, FunnelMeasuresOf(2, 1, SketchOf({{3'600, 1}})), 3)});
    ASSERT_TRUE(AddFunnel(*store_, {{key, FunnelMeasuresOf(-2, -1, SketchOf({{3'600, -1}}))}}, 4));
    EXPECT_EQ(ShowAll(FunnelCells(*store_, program.id)), std::vector{Show(key, FunnelMeasuresOf(0, 0, {}), 4)})
        << "a cell whose measures add up to zero stays";
}

TEST_P(StoreConformanceTest, FunnelWalkFiltersByVersionInKeyOrder) {
    const auto program = MakeProgram();
    const std::vector<core::FunnelKey> sorted = {
        FunnelKeyOf(program.id, 10, "prt_a", "", "api", "new"),
        FunnelKeyOf(program.id, 10, "prt_a", "", "api", "won"),
        FunnelKeyOf(program.id, 10, "prt_a", "lnk_a", "api", "new"),
        FunnelKeyOf(program.id, 10, "prt_a", "lnk_a", "click", "demo"),
        FunnelKeyOf(program.id, 10, "prt_b", "", "api", "lost"),
        FunnelKeyOf(program.id, 11, "prt_a", "", "api", "new"),
    };
    const auto entered = FunnelMeasuresOf(1, 0, {});
    ASSERT_TRUE(AddFunnel(*store_, {{sorted[5], entered}, {sorted[1], entered}, {sorted[3], entered}}, 1));
    ASSERT_TRUE(AddFunnel(*store_, {{sorted[4], entered}, {sorted[0], entered}, {sorted[2], entered}}, 2));

    auto keys = [&](std::int64_t after) {
        std::vector<std::string> out;
        for (const auto& cell : FunnelCells(*store_, program.id, after)) out.push_back(Show(cell.key));
        return out;
    };
    std::vector<std::string> all;
    for (const auto& k : sorted) all.push_back(Show(k));
    EXPECT_EQ(keys(0), all);
    EXPECT_EQ(keys(1), (std::vector{all[0], all[2], all[4]}));
    EXPECT_EQ(keys(2), std::vector<std::string>{});
    ASSERT_TRUE(AddFunnel(*store_, {{sorted[5], entered}}, 3));
    EXPECT_EQ(keys(2), std::vector{all[5]});
}

// --- Walks over a program's raw rows.

TEST_P(StoreConformanceTest, ForEachClickWalksTheProgramsClicksInIdOrder) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto link = MakeLink(partner);
    InsertChain(program, partner, link);
    const auto other_program = MakeProgram();
    const auto other_partner = MakePartner(other_program);
    const auto other_link = MakeLink(other_partner);
    InsertChain(other_program, other_partner, other_link);

    std::vector<core::Click> mine;
    for (int i = 0; i < 5; ++i) {
        mine.push_back(ClickThrough(link, NextId<core::ClickId>(), NextId<core::VisitorId>(), now_));
    }
    const auto theirs = ClickThrough(other_link, NextId<core::ClickId>(), NextId<core::VisitorId>(), now_);
    // Batches written out of id order, one mixing both programs.
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertClicks(std::vector{mine[3], theirs, mine[4]}); }));
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertClicks(std::vector{mine[1], mine[0]}); }));
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertClicks(std::vector{mine[2]}); }));

    auto walked = Collect<core::Click>(
        *store_, [&](ports::StoreTx& tx, const auto& fn) { return tx.ForEachClick(program.id, fn); });
    EXPECT_EQ(IdsOf(walked), IdsOf(mine));
    ASSERT_EQ(walked.size(), mine.size());
    EXPECT_EQ(walked[2], mine[2]) << "whole rows";
    auto none = Collect<core::Click>(
        *store_, [&](ports::StoreTx& tx, const auto& fn) { return tx.ForEachClick(MakeProgram().id, fn); });
    EXPECT_TRUE(none.empty());
}

TEST_P(StoreConformanceTest, ForEachReferralAndConversionWalkTheProgramsRowsInIdOrder) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto link = MakeLink(partner);
    InsertChain(program, partner, link);
    const auto other = MakeProgram();
    const auto other_partner = MakePartner(other);
    InsertChain(other, other_partner, MakeLink(other_partner));
    const auto customer = CustomerOf(program, NextId<core::CustomerId>(), "a");
    const auto other_customer = CustomerOf(other, NextId<core::CustomerId>(), "b");

    std::vector<core::Referral> referrals;
    std::vector<core::Conversion> sales;
    for (int i = 0; i < 4; ++i) {
        referrals.push_back(ReferralOf(partner, customer, NextId<core::ReferralId>(), now_));
        sales.push_back(
            SaleOf(program, NextId<core::ConversionId>(), "order-" + std::to_string(i), {{partner.id, 1'000'000}}));
    }
    referrals[1].converted_at = {now_.unix_ms + 5};
    sales[2].journey_started_at = {now_.unix_ms - 86'400'000};
    const auto other_referral = ReferralOf(other_partner, other_customer, NextId<core::ReferralId>(), now_);
    const auto other_sale = SaleOf(other, NextId<core::ConversionId>(), "order-0", {{other_partner.id, 1'000'000}});
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        for (const auto* c : {&customer, &other_customer}) {
            if (auto ok = tx.InsertCustomer(*c); !ok) return ok;
        }
        for (std::size_t i : {2, 0, 3, 1}) {  // out of id order
            if (auto ok = tx.InsertReferral(referrals[i]); !ok) return ok;
            if (auto ok = tx.InsertConversion(sales[i]); !ok) return ok;
        }
        if (auto ok = tx.InsertReferral(other_referral); !ok) return ok;
        return tx.InsertConversion(other_sale);
    }));

    auto walked_referrals = Collect<core::Referral>(
        *store_, [&](ports::StoreTx& tx, const auto& fn) { return tx.ForEachReferral(program.id, fn); });
    EXPECT_EQ(Describe(walked_referrals), Describe(referrals));
    EXPECT_EQ(walked_referrals, referrals) << "every field, converted_at too";
    auto walked_sales = Collect<core::Conversion>(
        *store_, [&](ports::StoreTx& tx, const auto& fn) { return tx.ForEachConversion(program.id, fn); });
    EXPECT_EQ(Describe(walked_sales), Describe(sales));
    EXPECT_EQ(walked_sales, sales) << "every field, journey_started_at too";
}

// The first `failing_at` items are visited; the error of fn at that one is the walk's answer.
TEST_P(StoreConformanceTest, ErrorFromFnStopsEveryWalkAndIsReturned) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto link = MakeLink(partner);
    InsertChain(program, partner, link);
    const auto customer = CustomerOf(program, NextId<core::CustomerId>(), "a");
    std::vector<core::Click> clicks;
    for (int i = 0; i < 3; ++i)
        clicks.push_back(ClickThrough(link, NextId<core::ClickId>(), NextId<core::VisitorId>(), now_));
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertClicks(clicks); !ok) return ok;
        if (auto ok = tx.InsertCustomer(customer); !ok) return ok;
        for (int i = 0; i < 3; ++i) {
            if (auto ok = tx.InsertReferral(ReferralOf(partner, customer, NextId<core::ReferralId>(), now_)); !ok)
                return ok;
            auto sale =
                SaleOf(program, NextId<core::ConversionId>(), "o" + std::to_string(i), {{partner.id, 1'000'000}});
            if (auto ok = tx.InsertConversion(sale); !ok) return ok;
        }
        return {};
    }));
    for (core::Day day : {1, 2, 3}) {
        ASSERT_TRUE(AddRollups(*store_, {{RollupKeyOf(program.id, day, "prt_a", "", "api"), EveryMeasure(day)}}, day));
        ASSERT_TRUE(AddFunnel(*store_, {{FunnelKeyOf(program.id, day, "prt_a", "", "api", "new"), {1, 0, {}}}}, day));
    }

    int visited = 0;
    auto stop_at_second = [&](const auto&) -> core::Result<void> {
        if (++visited == 2) return core::Fail(core::Error::Unavailable("stop here"));
        return {};
    };
    using Walk = std::function<core::Result<void>(ports::StoreTx&)>;
    const std::vector<std::pair<std::string, Walk>> walks = {
        {"rollups", [&](ports::StoreTx& tx) { return tx.ForEachRollup(program.id, 0, stop_at_second); }},
        {"funnel", [&](ports::StoreTx& tx) { return tx.ForEachFunnelRollup(program.id, 0, stop_at_second); }},
        {"clicks", [&](ports::StoreTx& tx) { return tx.ForEachClick(program.id, stop_at_second); }},
        {"referrals", [&](ports::StoreTx& tx) { return tx.ForEachReferral(program.id, stop_at_second); }},
        {"conversions", [&](ports::StoreTx& tx) { return tx.ForEachConversion(program.id, stop_at_second); }},
    };
    for (const auto& [name, walk] : walks) {
        SCOPED_TRACE(name);
        visited = 0;
        auto stopped = store_->Transact(ports::TxMode::kRead, walk);
        ASSERT_FALSE(stopped);
        EXPECT_EQ(stopped.error().code(), ErrorCode::kUnavailable);
        EXPECT_EQ(stopped.error().message(), "stop here");
        EXPECT_EQ(visited, 2);
    }
}

// What `reftrack rollups rebuild` does: in one write transaction, delete the cells and add up the raw rows'
// contributions while walking them. The walks let fn write through the same transaction.
TEST_P(StoreConformanceTest, RebuildWritesCellsWhileWalkingRawRows) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto link = MakeLink(partner);
    InsertChain(program, partner, link);
    std::vector<core::Click> clicks;
    for (int i = 0; i < 4; ++i) {
        clicks.push_back(ClickThrough(link, NextId<core::ClickId>(), NextId<core::VisitorId>(), now_));
        clicks.back().unique = i % 2 == 0;
    }
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertClicks(clicks); }));
    const auto key = RollupKeyOf(program.id, core::DayOf(now_), partner.id.str(), link.id.str(), "click");
    ASSERT_TRUE(AddRollups(*store_, {{key, EveryMeasure(99)}}, 1));  // stale cells, to be replaced

    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.DeleteRollups(program.id); !ok) return ok;
        return tx.ForEachClick(program.id, [&](const core::Click& click) {
            return tx.AddRollups(core::ContributionOfClicks(std::span(&click, 1)), 8);
        });
    }));
    core::Measures want;
    want.clicks = 4;
    want.unique_clicks = 2;
    EXPECT_EQ(ShowAll(Cells(*store_, program.id)), std::vector{Show(key, want, 8)});
}

// --- The fields the rollups read.

TEST_P(StoreConformanceTest, ReferralConvertedAtRoundTripsThroughInsertUpdateAndLists) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    InsertChain(program, partner, MakeLink(partner));
    const auto customer = CustomerOf(program, NextId<core::CustomerId>(), "a");
    auto converted = ReferralOf(partner, customer, NextId<core::ReferralId>(), now_);
    converted.converted_at = core::TimePoint{now_.unix_ms + 3'600'000};
    auto open = ReferralOf(partner, customer, NextId<core::ReferralId>(), now_);
    ASSERT_FALSE(open.converted_at.has_value());
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertCustomer(customer); !ok) return ok;
        if (auto ok = tx.InsertReferral(converted); !ok) return ok;
        return tx.InsertReferral(open);
    }));

    auto got = Read([&](ports::StoreTx& tx) { return tx.GetReferral(converted.id); });
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(got->converted_at, converted.converted_at);
    EXPECT_EQ(*got, converted);
    auto got_open = Read([&](ports::StoreTx& tx) { return tx.GetReferral(open.id); });
    ASSERT_TRUE(got_open);
    EXPECT_EQ(got_open->converted_at, std::nullopt);
    auto listed = Read([&](ports::StoreTx& tx) { return tx.ListReferrals({.program_id = program.id}, {}); });
    ASSERT_TRUE(listed);
    EXPECT_EQ(listed->data, (std::vector{open, converted}));

    // The first sale of `open` sets it; an update may clear it again.
    open.converted_at = core::TimePoint{now_.unix_ms + 1};
    open.updated_at = core::TimePoint{now_.unix_ms + 2};
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.UpdateReferral(open); }));
    auto updated = Read([&](ports::StoreTx& tx) { return tx.GetReferral(open.id); });
    ASSERT_TRUE(updated);
    EXPECT_EQ(*updated, open);
    converted.converted_at.reset();
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.UpdateReferral(converted); }));
    auto found = Read(
        [&](ports::StoreTx& tx) { return tx.FindReferralOfCustomer(program.id, customer.id, core::TimePoint{0}); });
    ASSERT_TRUE(found);
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ(**found, open) << "the newest referral of the customer";
    auto cleared = Read([&](ports::StoreTx& tx) { return tx.GetReferral(converted.id); });
    ASSERT_TRUE(cleared);
    EXPECT_EQ(cleared->converted_at, std::nullopt);
}

TEST_P(StoreConformanceTest, ConversionJourneyStartedAtRoundTripsSetAndAbsent) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    InsertChain(program, partner, MakeLink(partner));
    auto first_sale = SaleOf(program, NextId<core::ConversionId>(), "order-1", {{partner.id, 1'000'000}});
    first_sale.journey_started_at = core::TimePoint{first_sale.occurred_at.unix_ms - 7 * 86'400'000LL};
    const auto repeat_sale = SaleOf(program, NextId<core::ConversionId>(), "order-2", {{partner.id, 1'000'000}});
    const auto refund = RefundOf(first_sale, NextId<core::ConversionId>(), "refund-1", 500);
    ASSERT_TRUE(refund.journey_started_at.has_value()) << "a copy of the sale; the store keeps what it is given";
    const auto plain_refund = RefundOf(repeat_sale, NextId<core::ConversionId>(), "refund-2", 100);
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        for (const auto& c : {first_sale, repeat_sale, refund, plain_refund}) {
            if (auto ok = tx.InsertConversion(c); !ok) return ok;
        }
        return {};
    }));

    auto got = Read([&](ports::StoreTx& tx) { return tx.GetConversion(first_sale.id); });
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(got->journey_started_at, first_sale.journey_started_at);
    EXPECT_EQ(*got, first_sale);
    auto by_external = Read([&](ports::StoreTx& tx) { return tx.FindConversionByExternalId(program.id, "order-2"); });
    ASSERT_TRUE(by_external);
    ASSERT_TRUE(by_external->has_value());
    EXPECT_EQ((*by_external)->journey_started_at, std::nullopt);
    EXPECT_EQ(**by_external, repeat_sale);
    auto listed = Read([&](ports::StoreTx& tx) { return tx.ListConversions({.program_id = program.id}, {}); });
    ASSERT_TRUE(listed);
    EXPECT_EQ(listed->data, (std::vector{plain_refund, refund, repeat_sale, first_sale}));
    auto refunds = Read([&](ports::StoreTx& tx) { return tx.ListRefundsOf(first_sale.id); });
    ASSERT_TRUE(refunds);
    EXPECT_EQ(*refunds, std::vector{refund});
}

}  // namespace
}  // namespace rt::storage::testing
