#include "core/click.hpp"

#include <gtest/gtest.h>

#include <string>

namespace rt::core {
namespace {

TEST(DeviceClass, EveryClassRoundTripsThroughItsName) {
    const DeviceClass all[] = {DeviceClass::kDesktop, DeviceClass::kMobile, DeviceClass::kTablet, DeviceClass::kBot,
                               DeviceClass::kUnknown};
    for (auto d : all) EXPECT_EQ(ParseDeviceClass(ToString(d)), d) << ToString(d);
    EXPECT_EQ(ToString(DeviceClass::kMobile), "mobile");
}

TEST(DeviceClass, UnknownNamesAreRefused) {
    for (std::string_view bad : {"", "Mobile", "phone", "desktop "}) {
        EXPECT_EQ(ParseDeviceClass(bad), std::nullopt) << bad;
    }
}

TEST(CleanUtmValue, KeepsTextDropsControlsAndCutsOnCharacterBoundaries) {
    struct Case {
        std::string in;
        std::string want;
    };
    std::string hundred_euro_signs;
    for (int i = 0; i < 100; ++i) hundred_euro_signs += "\xE2\x82\xAC";  // 3 bytes each
    const Case cases[] = {
        {"newsletter", "newsletter"},
        {"", ""},
        {"spring\tsale\r\n", "springsale"},
        {"caf\xC3\xA9", "caf\xC3\xA9"},
        {"bad\xC3", ""},  // truncated UTF-8
        {std::string(250, 'a'), std::string(200, 'a')},
        {hundred_euro_signs, hundred_euro_signs.substr(0, 198)},  // 66 whole signs, not 66⅔
    };
    for (const auto& c : cases) EXPECT_EQ(CleanUtmValue(c.in), c.want) << c.in;
}

}  // namespace
}  // namespace rt::core
