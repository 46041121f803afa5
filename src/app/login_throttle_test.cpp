#include "app/login_throttle.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rt::app {
namespace {

constexpr std::int64_t kMinute = 60'000;
constexpr core::TimePoint kStart{1'795'000'000'000};

core::TimePoint At(std::int64_t ms) { return {kStart.unix_ms + ms}; }

TEST(LoginThrottle, RefusesTheSixthAttemptUntilTheFirstFailureLeavesTheWindow) {
    LoginThrottle throttle;
    const std::vector<std::string> keys{"email:ada@example.com", "client:10.0.0.1"};
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(throttle.RetryAfterMs(keys, At(i * kMinute)), 0) << i;
        throttle.RecordFailure(keys, At(i * kMinute));
    }
    EXPECT_EQ(throttle.RetryAfterMs(keys, At(5 * kMinute)), 10 * kMinute);
    EXPECT_EQ(throttle.RetryAfterMs(keys, At(15 * kMinute - 1)), 1);
    EXPECT_EQ(throttle.RetryAfterMs(keys, At(15 * kMinute)), 0);
}

TEST(LoginThrottle, CountsEachKeyOnItsOwnAndAnswersTheLongestWait) {
    LoginThrottle throttle;
    const std::vector<std::string> ada_here{"email:ada@example.com", "client:a"};
    for (int i = 0; i < 5; ++i) throttle.RecordFailure(ada_here, At(i));
    // Another email from the same client, and the same email from another client, are both refused.
    EXPECT_GT(throttle.RetryAfterMs(std::vector<std::string>{"email:bob@example.com", "client:a"}, At(10)), 0);
    EXPECT_GT(throttle.RetryAfterMs(std::vector<std::string>{"email:ada@example.com", "client:b"}, At(10)), 0);
    EXPECT_EQ(throttle.RetryAfterMs(std::vector<std::string>{"email:bob@example.com", "client:b"}, At(10)), 0);
}

TEST(LoginThrottle, ResetForgetsOneKeyOnly) {
    LoginThrottle throttle;
    const std::vector<std::string> keys{"email:ada@example.com", "client:a"};
    for (int i = 0; i < 5; ++i) throttle.RecordFailure(keys, At(i));
    throttle.Reset("email:ada@example.com");
    EXPECT_EQ(throttle.RetryAfterMs(std::vector<std::string>{"email:ada@example.com"}, At(10)), 0);
    EXPECT_GT(throttle.RetryAfterMs(std::vector<std::string>{"client:a"}, At(10)), 0);
}

TEST(LoginThrottle, KeepsAtMostMaxKeysDroppingTheStalestFirst) {
    LoginThrottle throttle({.max_failures = 1, .window_ms = 1'000'000, .max_keys = 3});
    for (int i = 0; i < 4; ++i) {
        throttle.RecordFailure(std::vector<std::string>{"k" + std::to_string(i)}, At(i));
    }
    EXPECT_EQ(throttle.RetryAfterMs(std::vector<std::string>{"k0"}, At(10)), 0);  // forgotten
    for (int i = 1; i < 4; ++i) {
        EXPECT_GT(throttle.RetryAfterMs(std::vector<std::string>{"k" + std::to_string(i)}, At(10)), 0) << i;
    }
}

}  // namespace
}  // namespace rt::app
