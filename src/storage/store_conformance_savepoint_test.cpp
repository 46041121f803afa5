// The storage conformance suite: StoreTx::Savepoint, the nested savepoints that let several independent
// requests share one write transaction (group commit) and fail alone.

#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "ports/system.hpp"
#include "storage/store_conformance.hpp"

namespace rt::storage::testing {
namespace {

using core::ErrorCode;

TEST_P(StoreConformanceTest, SavepointThatFailsUndoesOnlyItsOwnWrites) {
    const auto kept = MakeProgram();
    const auto undone = MakeProgram();
    const auto after = MakeProgram();
    std::optional<core::Error> inner;
    auto done = Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.Savepoint([&](ports::StoreTx& s) { return s.InsertProgram(kept); }); !ok) return ok;
        auto failed = tx.Savepoint([&](ports::StoreTx& s) -> core::Result<void> {
            if (auto ok = s.InsertProgram(undone); !ok) return ok;
            return s.InsertProgram(kept);  // kConflict: the id is taken
        });
        if (!failed) inner = failed.error();
        // The transaction goes on as before the failed savepoint and sees what the first one wrote.
        auto seen = tx.GetProgram(kept.id);
        if (!seen) return core::Fail(seen.error());
        auto gone = tx.GetProgram(undone.id);
        if (gone || gone.error().code() != ErrorCode::kNotFound) {
            return core::Fail(core::Error::Internal("the failed savepoint's program is still visible"));
        }
        return tx.InsertProgram(after);
    });
    ASSERT_TRUE(done) << done.error().message();
    ASSERT_TRUE(inner.has_value());
    EXPECT_EQ(inner->code(), ErrorCode::kConflict);

    EXPECT_TRUE(Read([&](ports::StoreTx& tx) { return tx.GetProgram(kept.id); }));
    EXPECT_TRUE(Read([&](ports::StoreTx& tx) { return tx.GetProgram(after.id); }));
    auto gone = Read([&](ports::StoreTx& tx) { return tx.GetProgram(undone.id); });
    ASSERT_FALSE(gone);
    EXPECT_EQ(gone.error().code(), ErrorCode::kNotFound);
}

TEST_P(StoreConformanceTest, SavepointWritesRollBackWithTheirTransaction) {
    const auto program = MakeProgram();
    auto done = Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.Savepoint([&](ports::StoreTx& s) { return s.InsertProgram(program); }); !ok) return ok;
        return core::Fail(core::Error::Invalid("x", "the transaction fails after its savepoint succeeded"));
    });
    ASSERT_FALSE(done);
    auto gone = Read([&](ports::StoreTx& tx) { return tx.GetProgram(program.id); });
    ASSERT_FALSE(gone);
    EXPECT_EQ(gone.error().code(), ErrorCode::kNotFound);
}

TEST_P(StoreConformanceTest, SavepointsNestAndALaterOneSeesAnEarlierOnesWrites) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto inner_program = MakeProgram();
    auto done = Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.Savepoint([&](ports::StoreTx& s) { return s.InsertProgram(program); }); !ok) return ok;
        return tx.Savepoint([&](ports::StoreTx& outer) -> core::Result<void> {
            // A second request of the same batch sees the first one's row (as a replay must).
            if (auto seen = outer.GetProgram(program.id); !seen) return core::Fail(seen.error());
            if (auto ok = outer.InsertPartner(partner); !ok) return ok;
            auto failed = outer.Savepoint([&](ports::StoreTx& inner) -> core::Result<void> {
                if (auto ok = inner.InsertProgram(inner_program); !ok) return ok;
                return core::Fail(core::Error::Conflict("refused"));
            });
            if (failed || failed.error().code() != ErrorCode::kConflict) {
                return core::Fail(core::Error::Internal("the inner savepoint did not fail as its body did"));
            }
            return {};
        });
    });
    ASSERT_TRUE(done) << done.error().message();
    EXPECT_TRUE(Read([&](ports::StoreTx& tx) { return tx.GetProgram(program.id); }));
    EXPECT_TRUE(Read([&](ports::StoreTx& tx) { return tx.GetPartner(partner.id); }));
    EXPECT_FALSE(Read([&](ports::StoreTx& tx) { return tx.GetProgram(inner_program.id); }));
}

// RunUnguarded: a body without a savepoint of its own (group commit's first try). One that succeeds keeps its
// writes; one that fails having written nothing (a read that found nothing, an insert refused by a constraint)
// leaves the transaction to go on as before it.
TEST_P(StoreConformanceTest, RunUnguardedKeepsWhatSucceedsAndGoesOnAfterAFailureThatWroteNothing) {
    const auto first = MakeProgram();
    const auto missing = MakeProgram();
    const auto after = MakeProgram();
    std::vector<std::pair<bool, bool>> outcomes;  // (succeeded, spoiled) per body
    auto run = [&](ports::StoreTx& tx, const std::function<core::Result<void>(ports::StoreTx&)>& body) {
        bool spoiled = true;
        const bool ok = tx.RunUnguarded(body, spoiled).has_value();
        outcomes.emplace_back(ok, spoiled);
    };
    auto done = Write([&](ports::StoreTx& tx) -> core::Result<void> {
        run(tx, [&](ports::StoreTx& t) { return t.InsertProgram(first); });
        run(tx, [&](ports::StoreTx& t) -> core::Result<void> {
            if (auto found = t.GetProgram(missing.id); !found) return core::Fail(found.error());
            return {};
        });
        run(tx, [&](ports::StoreTx& t) { return t.InsertProgram(first); });  // kConflict: the id is taken
        return tx.InsertProgram(after);
    });
    ASSERT_TRUE(done) << done.error().message();
    const std::vector<std::pair<bool, bool>> want{{true, false}, {false, false}, {false, false}};
    EXPECT_EQ(outcomes, want);
    EXPECT_TRUE(Read([&](ports::StoreTx& tx) { return tx.GetProgram(first.id); }));
    EXPECT_TRUE(Read([&](ports::StoreTx& tx) { return tx.GetProgram(after.id); }));
}

// A body that fails after writing, run without a savepoint: the SQL stores say so (spoiled) and never commit that
// transaction, even when its caller goes on and returns success; the memory store runs a savepoint instead.
TEST_P(StoreConformanceTest, RunUnguardedSpoilsTheTransactionOfABodyThatFailedAfterWriting) {
    const auto before = MakeProgram();
    const auto written = MakeProgram();
    bool spoiled = false;
    std::optional<core::Error> failed;
    auto done = Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertProgram(before); !ok) return ok;
        auto ran = tx.RunUnguarded(
            [&](ports::StoreTx& t) -> core::Result<void> {
                if (auto ok = t.InsertProgram(written); !ok) return ok;
                return core::Fail(core::Error::Invalid("amount", "refused after its write"));
            },
            spoiled);
        if (!ran) failed = ran.error();
        return {};
    });
    ASSERT_TRUE(failed.has_value());
    EXPECT_EQ(failed->code(), ErrorCode::kInvalid) << "the body's own error";
    auto exists = [&](const core::Program& p) {
        return Read([&](ports::StoreTx& tx) { return tx.GetProgram(p.id); }).has_value();
    };
    EXPECT_FALSE(exists(written));
    if (GetParam().name == "memory") {
        EXPECT_FALSE(spoiled);
        EXPECT_TRUE(done) << done.error().message();
        EXPECT_TRUE(exists(before));
    } else {
        EXPECT_TRUE(spoiled);
        EXPECT_FALSE(done) << "a spoiled transaction committed";
        EXPECT_FALSE(exists(before));
    }
}

// The chain's end as LastEvent reads it follows the savepoints: an event appended in a rolled-back
// savepoint is not the last one, and the next append takes its seq.
TEST_P(StoreConformanceTest, LastEventForgetsAnEventOfARolledBackSavepoint) {
    const auto program = MakeProgram();
    ports::Sha256Digest digest;
    auto event_after = [&](const core::Event* previous) {
        core::Event e;
        e.at = now_;
        e.id = NextId<core::EventId>();
        e.program_id = program.id;
        e.type = "test.event";
        e.subject_id = program.id.str();
        e.payload = {{"n", std::to_string(serial_++)}};
        core::Chain(e, previous, digest);
        return e;
    };
    const auto first = event_after(nullptr);
    const auto undone = event_after(&first);
    const auto second = event_after(&first);
    auto done = Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertProgram(program); !ok) return ok;
        if (auto ok = tx.AppendEvent(first); !ok) return ok;
        auto failed = tx.Savepoint([&](ports::StoreTx& s) -> core::Result<void> {
            if (auto ok = s.AppendEvent(undone); !ok) return ok;
            auto last = s.LastEvent(program.id);
            if (!last || !*last || (*last)->id != undone.id) {
                return core::Fail(core::Error::Internal("the savepoint does not see its own event as the last"));
            }
            return core::Fail(core::Error::Conflict("refused"));
        });
        if (failed) return core::Fail(core::Error::Internal("the savepoint did not fail"));
        auto last = tx.LastEvent(program.id);
        if (!last) return core::Fail(last.error());
        if (!*last || (*last)->id != first.id) {
            return core::Fail(core::Error::Internal("LastEvent still answers the rolled-back event"));
        }
        return tx.AppendEvent(second);
    });
    ASSERT_TRUE(done) << done.error().message();
    auto last = Read([&](ports::StoreTx& tx) { return tx.LastEvent(program.id); });
    ASSERT_TRUE(last && *last);
    EXPECT_EQ((*last)->id, second.id);
    EXPECT_EQ((*last)->seq, 2);
}

TEST_P(StoreConformanceTest, AProgramReadAgainInItsTransactionShowsItsUpdatesAndForgetsUndoneOnes) {
    const auto program = MakeProgram();
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertProgram(program); }));
    auto named = [](ports::StoreTx& tx, const core::Program& p, const std::string& name) -> core::Result<void> {
        auto read = tx.GetProgram(p.id);
        if (!read) return core::Fail(read.error());
        if (read->name != name)
            return core::Fail(core::Error::Internal("read '" + read->name + "', not '" + name + "'"));
        return {};
    };
    auto done = Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = named(tx, program, program.name); !ok) return ok;  // read (and remembered, where a store does)
        auto renamed = program;
        renamed.name = "Renamed";
        if (auto ok = tx.UpdateProgram(renamed); !ok) return ok;
        if (auto ok = named(tx, program, "Renamed"); !ok) return ok;  // the update, not the first read
        auto undone = tx.Savepoint([&](ports::StoreTx& s) -> core::Result<void> {
            auto again = renamed;
            again.name = "Undone";
            if (auto ok = s.UpdateProgram(again); !ok) return ok;
            if (auto ok = named(s, program, "Undone"); !ok) return ok;
            return core::Fail(core::Error::Conflict("roll the savepoint back"));
        });
        if (undone || undone.error().code() != ErrorCode::kConflict) return core::Fail(undone.error());
        return named(tx, program, "Renamed");  // the savepoint's update is gone
    });
    ASSERT_TRUE(done) << done.error().message();
    auto stored = Read([&](ports::StoreTx& tx) { return tx.GetProgram(program.id); });
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->name, "Renamed");
}

TEST_P(StoreConformanceTest, SavepointInAReadTransactionJustRunsItsBody) {
    const auto program = MakeProgram();
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertProgram(program); }));
    auto read = Read([&](ports::StoreTx& tx) -> core::Result<std::string> {
        std::string name;
        auto done = tx.Savepoint([&](ports::StoreTx& s) -> core::Result<void> {
            auto p = s.GetProgram(program.id);
            if (!p) return core::Fail(p.error());
            name = p->name;
            return {};
        });
        if (!done) return core::Fail(done.error());
        return name;
    });
    ASSERT_TRUE(read) << read.error().message();
    EXPECT_EQ(*read, program.name);
}

}  // namespace
}  // namespace rt::storage::testing
