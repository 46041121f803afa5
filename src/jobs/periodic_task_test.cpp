#include "jobs/periodic_task.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

namespace rt::jobs {
namespace {

TEST(PeriodicTask, RunsAtStartThenRepeatsUntilStopped) {
    std::atomic<int> runs{0};
    PeriodicTask task({"count", std::chrono::milliseconds(5)}, [&] { ++runs; });
    task.Start();
    while (runs < 3) std::this_thread::yield();
    task.Stop();
    const int at_stop = runs;
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    EXPECT_EQ(runs, at_stop);  // nothing runs after Stop returned
}

TEST(PeriodicTask, AnExceptionDoesNotEndTheSchedule) {
    std::atomic<int> runs{0};
    PeriodicTask task({"throws", std::chrono::milliseconds(1)}, [&] {
        ++runs;
        throw std::runtime_error("boom");
    });
    task.Start();
    while (runs < 3) std::this_thread::yield();
    task.Stop();
    EXPECT_GE(runs, 3);
}

TEST(PeriodicTask, NoRunStartsAfterStopEvenWithoutStart) {
    std::atomic<int> runs{0};
    PeriodicTask task({"idle", std::chrono::milliseconds(1)}, [&] { ++runs; });
    task.Stop();
    task.Stop();
    task.Start();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(runs, 0);
}

}  // namespace
}  // namespace rt::jobs
