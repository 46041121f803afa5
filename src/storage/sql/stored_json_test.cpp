// The JSON texts the SQL stores write straight into their columns are what nlohmann's dump() wrote before, byte
// for byte, with U+FFFD for bytes that are not UTF-8: EncodeEventPayload (a stored payload must never change
// form: verification re-reads it) and EncodeConversionCredits.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "storage/sql/rows.hpp"

namespace rt::storage::sql {
namespace {

// The encoding before the direct writer: the reference.
std::string ByNlohmann(const core::Event& event) {
    nlohmann::json pairs = nlohmann::json::array();
    for (const auto& [key, value] : event.payload) pairs.push_back({key, value});
    return pairs.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

core::Event WithPayload(std::vector<std::pair<std::string, std::string>> payload) {
    core::Event event;
    event.payload = std::move(payload);
    return event;
}

TEST(StoredJsonTest, IsNlohmannsDumpOfThePairsByteForByte) {
    std::string controls;
    for (int c = 0; c < 0x20; ++c) controls += static_cast<char>(c);
    const std::vector<std::vector<std::pair<std::string, std::string>>> payloads = {
        {},
        {{"amount", "1000"}},
        {{"a", ""}, {"", "b"}},
        {{"quote", "say \"hi\""}, {"backslash", "C:\\path\\"}, {"slash", "a/b"}, {"del", "\x7f"}},
        {{"controls", controls}},
        {{"utf8", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"}, {"\xc3\xa9t\xc3\xa9", "k"}},
        {{"external_id", "bench-1a2b3c4d-1-42"}, {"conversion_id", "cnv_01jdzzzzzzzzzzzzzzzzzzzzzz"}},
    };
    for (const auto& payload : payloads) {
        const auto event = WithPayload(payload);
        EXPECT_EQ(EncodeEventPayload(event), ByNlohmann(event));
    }
}

TEST(StoredJsonTest, BytesThatAreNotUtf8BecomeTheReplacementCharacterAsBefore) {
    const std::vector<std::string> bad = {
        "\xff",                   // never in UTF-8
        "ok \xc3",                // truncated
        "\xc0\x80",               // overlong NUL
        "\xe0\x80\xaf",           // overlong '/'
        "\xed\xa0\x80",           // a surrogate
        "\xf4\x90\x80\x80",       // past U+10FFFF
        "\x80 continuation",      // a lone continuation byte
        "fine, then \xfe\"\\\n",  // and escapes after it
    };
    for (const auto& value : bad) {
        const auto in_value = WithPayload({{"k", value}, {"next", "v"}});
        EXPECT_EQ(EncodeEventPayload(in_value), ByNlohmann(in_value));
        const auto in_key = WithPayload({{value, "v"}});
        EXPECT_EQ(EncodeEventPayload(in_key), ByNlohmann(in_key));
        EXPECT_NE(EncodeEventPayload(in_value).find("\xef\xbf\xbd"), std::string::npos) << "U+FFFD written";
    }
}

// The credits of a conversion, likewise: nlohmann's dump() of {"partner_id", "weight_ppm", "click_id"} objects.
std::string CreditsByNlohmann(const std::vector<core::Credit>& credits) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& c : credits) {
        out.push_back({{"partner_id", c.partner_id.str()}, {"weight_ppm", c.weight_ppm}, {"click_id", c.click_id}});
    }
    return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

TEST(StoredJsonTest, ConversionCreditsAreNlohmannsDumpByteForByte) {
    const auto partner = [](std::string id) { return core::PartnerId::FromTrusted(std::move(id)); };
    const std::vector<std::vector<core::Credit>> cases = {
        {},
        {{partner("prt_01jd0000000000000000000000"), 1'000'000, "clk_01jd0000000000000000000000"}},
        {{partner("prt_a"), 700'000, ""}, {partner("prt_b"), 300'000, "clk_\"quoted\"\\"}},
        {{partner("prt_\xc3\xa9"), 1, "\x01\x1f"}, {partner("prt_c"), -5, "caf\xc3\xa9"}},
        {{partner("prt_\xff"), 1'000'000, "clk_\xc0\x80"}},  // not UTF-8: U+FFFD, as before
    };
    for (const auto& credits : cases) EXPECT_EQ(EncodeConversionCredits(credits), CreditsByNlohmann(credits));
}

}  // namespace
}  // namespace rt::storage::sql
