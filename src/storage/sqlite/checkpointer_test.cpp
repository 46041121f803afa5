// The checkpointer: the WAL is copied into the database file by its thread, not by the writer's commits.

#include "storage/sqlite/checkpointer.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.hpp"

namespace rt::storage::sqlite {
namespace {

using namespace std::chrono_literals;

class CheckpointerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto writer = Connection::Open(db_path(), ConnectionRole::kWriter);
        ASSERT_TRUE(writer) << writer.error().message();
        writer_ = std::move(*writer);
        ASSERT_TRUE(writer_->ExecScript("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"));
    }

    std::string db_path() const { return (dir_.path() / "checkpoint.db").string(); }
    std::uintmax_t db_bytes() const { return std::filesystem::file_size(dir_.path() / "checkpoint.db"); }

    // `commits` transactions of one ~3 KiB row each: at least one WAL frame (4 KiB page) each. With a
    // checkpointer, each begins as SqliteStore's writes do (Checkpointer::BeforeWrite first).
    void Commit(int commits, Checkpointer* checkpointer = nullptr) {
        for (int i = 0; i < commits; ++i) {
            if (checkpointer != nullptr) checkpointer->BeforeWrite();
            ASSERT_TRUE(writer_->ExecScript("INSERT INTO t (body) VALUES (printf('%.3000c', 'x'))"));
        }
    }

    // Waits up to 10 s for the checkpointer to have completed `n` checkpoints.
    static bool AwaitCheckpoints(const Checkpointer& c, int n) {
        const auto until = std::chrono::steady_clock::now() + 10s;
        while (c.checkpoints() < n && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(5ms);
        return c.checkpoints() >= n;
    }

    testing::TempDir dir_;
    std::unique_ptr<Connection> writer_;
};

TEST_F(CheckpointerTest, ItsThreadCopiesTheWalIntoTheDatabaseOnceTheWalHoldsEnoughPages) {
    auto checkpointer = Checkpointer::Start(db_path(), *writer_, 20 * Checkpointer::kSteps);  // steps of 20 frames
    ASSERT_TRUE(checkpointer) << checkpointer.error().message();
    Commit(5);  // fewer frames than 20: nothing to do yet
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ((*checkpointer)->checkpoints(), 0);
    const auto before = db_bytes();

    Commit(30);
    ASSERT_TRUE(AwaitCheckpoints(**checkpointer, 1));
    // WAL mode writes new pages only to the WAL: the database file grows when a checkpoint copies them. The
    // first checkpoint holds at least the WAL's first 20 frames: 10 rows or more (a commit writes a few
    // frames: the row's leaf, the pages above it).
    EXPECT_GT(db_bytes(), before + 10 * 3000);
}

// The thread copies a round in steps of `pages` / kSteps frames, long before the WAL holds `pages`: the
// database file's writes are spread over the round.
TEST_F(CheckpointerTest, ItsThreadCopiesInStepsBeforeTheWalHoldsItsThreshold) {
    auto checkpointer = Checkpointer::Start(db_path(), *writer_, 100 * Checkpointer::kSteps);  // steps of 100 frames
    ASSERT_TRUE(checkpointer) << checkpointer.error().message();
    const auto before = db_bytes();
    Commit(150, checkpointer->get());  // 150 to 300 frames: past the first step, far below the threshold
    ASSERT_TRUE(AwaitCheckpoints(**checkpointer, 1));
    EXPECT_GT(db_bytes(), before + 50 * 3000);
}

// The nice value of every thread of this process, from /proc/self/task/<tid>/stat (its 19th field).
std::vector<int> ThreadNiceValues() {
    std::vector<int> out;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
        std::ifstream in(task.path() / "stat");
        std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const auto end_of_name = stat.rfind(')');
        if (end_of_name == std::string::npos) continue;
        std::istringstream fields(stat.substr(end_of_name + 2));  // from the 3rd field, the state
        std::string field;
        for (int i = 3; i < 19 && fields >> field; ++i) {
        }
        int nice = 0;
        if (fields >> nice) out.push_back(nice);
    }
    return out;
}

TEST_F(CheckpointerTest, ItsThreadYieldsTheCpuToTheServersThreads) {
    const int base = getpriority(PRIO_PROCESS, 0);  // this test's own nice (0 unless run under `nice`)
    const int expected = std::min(base + Checkpointer::kNice, 19);
    ASSERT_NE(expected, base) << "run under nice 19: nothing to see";
    auto checkpointer = Checkpointer::Start(db_path(), *writer_, 160);
    ASSERT_TRUE(checkpointer) << checkpointer.error().message();
    // The thread sets its own nice value as it starts; every other thread keeps the process's.
    const auto until = std::chrono::steady_clock::now() + 10s;
    auto now = ThreadNiceValues();
    while (std::count(now.begin(), now.end(), expected) == 0 && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(5ms);
        now = ThreadNiceValues();
    }
    EXPECT_EQ(std::count(now.begin(), now.end(), expected), 1);
    EXPECT_EQ(std::count(now.begin(), now.end(), base), static_cast<long>(now.size()) - 1);
}

TEST_F(CheckpointerTest, TheWritersOwnAutomaticCheckpointIsOff) {
    ASSERT_TRUE(writer_->ExecScript("PRAGMA wal_autocheckpoint = 10"));  // the writer's own, at a low threshold
    auto checkpointer = Checkpointer::Start(db_path(), *writer_, 1'000'000);
    ASSERT_TRUE(checkpointer) << checkpointer.error().message();
    const auto before = db_bytes();
    Commit(40);  // past 10 frames, far below the checkpointer's threshold: no one checkpoints
    EXPECT_EQ(db_bytes(), before);
    EXPECT_EQ((*checkpointer)->checkpoints(), 0);
}

TEST_F(CheckpointerTest, CommitsGoOnAfterItStops) {
    {
        auto checkpointer = Checkpointer::Start(db_path(), *writer_, 5);
        ASSERT_TRUE(checkpointer) << checkpointer.error().message();
        Commit(10);
        ASSERT_TRUE(AwaitCheckpoints(**checkpointer, 1));
    }
    Commit(10);  // no hook left pointing at the stopped checkpointer
    auto rows = writer_->Prepare("SELECT count(*) FROM t");
    ASSERT_TRUE(rows);
    ASSERT_TRUE(rows->Step().value());
    EXPECT_EQ(rows->Int(0), 20);
}

TEST_F(CheckpointerTest, TheWalStartsOverInsteadOfGrowingUnderSteadyCommits) {
    auto checkpointer = Checkpointer::Start(db_path(), *writer_, 20);
    ASSERT_TRUE(checkpointer) << checkpointer.error().message();
    Commit(1000, checkpointer->get());  // ~50 times the threshold, back to back
    // The thread copies most of each round; once it left little (or past 30 frames), the writer copies the
    // rest before its next transaction, so the WAL is fully copied and starts over, and its file holds a few
    // rounds' frames instead of all 1000 commits (~12 MB when the writer does not copy the rest). How many
    // more than 30 frames depends on how many commits land while the thread's checkpoint runs (the writer's
    // own attempts are BUSY meanwhile): ~110 were seen on a loaded machine, hence a bound of 512 frames of 4 KiB.
    const auto wal = std::filesystem::file_size(dir_.path() / "checkpoint.db-wal");
    EXPECT_LT(wal, 512u * 4096) << "the WAL grew to " << wal << " bytes";
    EXPECT_GE((*checkpointer)->checkpoints(), 1);
}

}  // namespace
}  // namespace rt::storage::sqlite
