#include "core/burst.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>

namespace rt::core {
namespace {

TEST(BurstTest, FunctionsRunWhenTheOutermostBurstEndsInTheOrderRegistered) {
    EXPECT_FALSE(Burst::Open());
    std::string ran;
    {
        Burst outer;
        EXPECT_TRUE(Burst::Open());
        Burst::AtEnd([&] { ran += "a"; });
        {
            Burst inner;
            Burst::AtEnd([&] { ran += "b"; });
        }
        EXPECT_EQ(ran, "");  // the inner burst's end is not the end
        Burst::AtEnd([&] { ran += "c"; });
    }
    EXPECT_EQ(ran, "abc");
    EXPECT_FALSE(Burst::Open());
    {
        Burst again;  // nothing left over from the first
    }
    EXPECT_EQ(ran, "abc");
}

TEST(BurstTest, AFunctionMayOpenABurstOfItsOwn) {
    std::string ran;
    {
        Burst burst;
        Burst::AtEnd([&] {
            Burst nested;
            Burst::AtEnd([&] { ran += "2"; });
            ran += "1";
        });
    }
    EXPECT_EQ(ran, "12");
}

TEST(BurstTest, ABurstIsOpenOnItsOwnThreadOnly) {
    Burst burst;
    bool open_elsewhere = true;
    std::thread([&] { open_elsewhere = Burst::Open(); }).join();
    EXPECT_FALSE(open_elsewhere);
    EXPECT_TRUE(Burst::Open());
}

}  // namespace
}  // namespace rt::core
