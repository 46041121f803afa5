#include "app/unique_visits.hpp"

#include <gtest/gtest.h>

namespace rt::app {
namespace {

constexpr std::int64_t kMinute = 60 * 1000;
const core::TimePoint kStart{1'795'000'000'000};

core::TimePoint After(std::int64_t ms) { return {kStart.unix_ms + ms}; }

// The keys of these one-part names: the redirect's keys have several parts (KeyOf's own test below).
std::vector<UniqueVisits::Key> K(std::initializer_list<std::string_view> names) {
    std::vector<UniqueVisits::Key> keys;
    for (auto name : names) keys.push_back(UniqueVisits::KeyOf({name}));
    return keys;
}

TEST(UniqueVisits, ARepeatWithinTheHourIsNotUniqueAndTheWindowRunsFromTheUniqueVisit) {
    UniqueVisits visits;
    EXPECT_TRUE(visits.Visit(K({"lnk_a|v|vis_1"}), kStart));
    EXPECT_FALSE(visits.Visit(K({"lnk_a|v|vis_1"}), After(1)));
    EXPECT_FALSE(visits.Visit(K({"lnk_a|v|vis_1"}), After(59 * kMinute)));
    EXPECT_FALSE(visits.Visit(K({"lnk_a|v|vis_1"}), After(60 * kMinute - 1)));
    EXPECT_TRUE(visits.Visit(K({"lnk_a|v|vis_1"}), After(60 * kMinute))) << "an hour after the unique visit";
    EXPECT_FALSE(visits.Visit(K({"lnk_a|v|vis_1"}), After(61 * kMinute)));
}

TEST(UniqueVisits, OtherLinksAndOtherVisitorsAreUnique) {
    UniqueVisits visits;
    EXPECT_TRUE(visits.Visit(K({"lnk_a|v|vis_1"}), kStart));
    EXPECT_TRUE(visits.Visit(K({"lnk_b|v|vis_1"}), After(1)));
    EXPECT_TRUE(visits.Visit(K({"lnk_a|v|vis_2"}), After(2)));
}

TEST(UniqueVisits, AUniqueVisitIsRememberedUnderEveryKeyAndAnyKeyMakesARepeat) {
    UniqueVisits visits;
    EXPECT_TRUE(visits.Visit(K({"lnk_a|v|vis_1", "lnk_a|ip|h|mobile"}), kStart));
    EXPECT_FALSE(visits.Visit(K({"lnk_a|v|vis_1"}), After(1))) << "the cookie it was given";
    EXPECT_FALSE(visits.Visit(K({"lnk_a|v|vis_9", "lnk_a|ip|h|mobile"}), After(2))) << "cookie-less again";
    EXPECT_TRUE(visits.Visit(K({"lnk_a|v|vis_9", "lnk_a|ip|h|desktop"}), After(3)));
}

TEST(UniqueVisits, ForgetUndoesAVisitWhoseClickWasNotRecorded) {
    UniqueVisits visits;
    EXPECT_TRUE(visits.Visit(K({"k1", "k2"}), kStart));
    visits.Forget(K({"k1", "k2"}), kStart);
    EXPECT_TRUE(visits.Visit(K({"k1"}), After(1)));
    visits.Forget(K({"k1"}), kStart);  // not the time it was remembered at: kept
    EXPECT_FALSE(visits.Visit(K({"k1"}), After(2)));
}

TEST(UniqueVisits, MemoryIsBoundedByExpiryAndCapacity) {
    UniqueVisits visits(100);
    for (int i = 0; i < 1000; ++i) EXPECT_TRUE(visits.Visit(K({"k" + std::to_string(i)}), After(i)));
    EXPECT_LE(visits.size(), 100u);
    EXPECT_FALSE(visits.Visit(K({"k999"}), After(1000))) << "the newest are kept";
    EXPECT_TRUE(visits.Visit(K({"k0"}), After(1001))) << "the oldest were forgotten";

    UniqueVisits expiring;
    for (int i = 0; i < 50; ++i) expiring.Visit(K({"k" + std::to_string(i)}), kStart);
    expiring.Visit(K({"late"}), After(60 * kMinute));
    EXPECT_EQ(expiring.size(), 1u) << "expired visits are dropped";
}

TEST(UniqueVisits, KeysOfDifferentPartsDiffer) {
    const auto key = UniqueVisits::KeyOf({"lnk_a", "v", "vis_1"});
    EXPECT_EQ(key, UniqueVisits::KeyOf({"lnk_a", "v", "vis_1"}));
    EXPECT_NE(key, UniqueVisits::KeyOf({"lnk_a", "v", "vis_2"}));
    EXPECT_NE(key, UniqueVisits::KeyOf({"lnk_b", "v", "vis_1"}));
    EXPECT_NE(key, UniqueVisits::KeyOf({"lnk_a", "ip", "vis_1"}));
    EXPECT_NE(key, UniqueVisits::KeyOf({"vis_1", "v", "lnk_a"})) << "the order of the parts counts";
    EXPECT_NE(UniqueVisits::KeyOf({"ab", "c"}), UniqueVisits::KeyOf({"a", "bc"})) << "where a part ends counts";
    EXPECT_NE(UniqueVisits::KeyOf({"a", ""}), UniqueVisits::KeyOf({"a"}));
}

}  // namespace
}  // namespace rt::app
