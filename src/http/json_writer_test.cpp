#include "http/json_writer.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "http/funnel_codec.hpp"

namespace rt::http {
namespace {

// What nlohmann's dump() writes for the same text: the writer's output must already be in that form.
std::string Redumped(const std::string& text) { return nlohmann::json::parse(text).dump(); }

TEST(JsonWriter, WritesNestedObjectsAndArraysWithCommasOnlyBetweenItems) {
    JsonWriter w;
    w.BeginObject();
    w.Key("a").BeginArray().Int(1).Int(-2).BeginObject().EndObject().BeginArray().EndArray().Null().EndArray();
    w.Key("b").BeginObject().Key("c").Bool(true).Key("d").Bool(false).EndObject();
    w.Key("e").String("x");
    w.EndObject();
    EXPECT_EQ(w.str(), R"({"a":[1,-2,{},[],null],"b":{"c":true,"d":false},"e":"x"})");
    EXPECT_EQ(Redumped(w.str()), w.str());
}

TEST(JsonWriter, EscapesStringsAsNlohmannDumpDoes) {
    const std::string tricky = std::string("quote\" back\\ \b\f\n\r\t nul") + '\0' + "\x01\x1f del\x7f é 🙂 /";
    JsonWriter w;
    w.BeginArray().String(tricky).String("").StringOrNull("").StringOrNull("y").EndArray();
    EXPECT_EQ(w.str(), nlohmann::json::array({tricky, "", nullptr, "y"}).dump());
    EXPECT_EQ(nlohmann::json::parse(w.str())[0], tricky) << "reads back as written";
}

TEST(JsonWriter, WritesNumbersAsNlohmannDumpDoes) {
    JsonWriter w;
    w.BeginArray();
    nlohmann::json expected = nlohmann::json::array();
    for (std::int64_t v : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{12999},
                           std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()}) {
        w.Int(v);
        expected.push_back(v);
    }
    // A credit's weight is its ppm / 1e6: each decimal exponent nlohmann switches forms at, and 1.
    for (std::int64_t ppm : {1, 10, 100, 1000, 333'333, 500'000, 1'000'000}) {
        const double weight = static_cast<double>(ppm) / 1e6;
        w.Double(weight);
        expected.push_back(weight);
    }
    w.EndArray();
    EXPECT_EQ(w.str(), expected.dump());
}

core::Conversion ExampleConversion(bool attributed) {
    const auto eur = core::Currency::FromTrusted("EUR");
    core::Conversion c;
    c.id = core::ConversionId::FromTrusted("cnv_01m8s5b60096q14dr9gpqy77zx");
    c.program_id = core::ProgramId::FromTrusted("prg_01m86fyz80abs2csd61g9d528r");
    c.external_id = "inv-\"1042\"\n";
    c.amount = {12999, eur};
    c.occurred_at = {1'796'140'692'000};
    c.created_at = {1'796'140'693'250};
    if (attributed) {
        c.referral_id = core::ReferralId::FromTrusted("ref_01m88zs9h0awsh8vhtpre95b9e");
        c.customer_id = core::CustomerId::FromTrusted("cus_01m88zs9h0p1xpa7z3dj8fssz5");
        c.click_id = "clk_01m88yxtm06cq643dzvmxxqkfb";
        c.coupon_code = "SPRING";
        c.attribution = {.source = core::AttributionSource::kClick,
                         .credits = {{.partner_id = core::PartnerId::FromTrusted("prt_01m86g8470bpagxt416r4hcvvb"),
                                      .weight_ppm = 666'667,
                                      .click_id = "clk_01m88yxtm06cq643dzvmxxqkfb"},
                                     {.partner_id = core::PartnerId::FromTrusted("prt_01m86g8470bpagxt416r4hcvvc"),
                                      .weight_ppm = 333'333}}};
    }
    return c;
}

TEST(ConversionJson, IsTheConversionInNlohmannDumpForm) {
    auto c = ExampleConversion(true);
    core::Commission com;
    com.id = core::CommissionId::FromTrusted("com_01m8s5b600a4vg8e5kn2c4yy3h");
    com.partner_id = c.attribution.credits[0].partner_id;
    com.amount = {1300, c.amount.currency};
    core::Commission reversal = com;
    reversal.reverses = com.id;
    reversal.amount.amount = -650;
    const std::string text = ConversionJson(c, {com, reversal});
    EXPECT_EQ(Redumped(text), text) << "keys in order, no spaces, escapes and numbers as dump() writes them";

    const auto json = nlohmann::json::parse(text);
    EXPECT_EQ(json["id"], c.id.str());
    EXPECT_EQ(json["object"], "conversion");
    EXPECT_EQ(json["program_id"], c.program_id.str());
    EXPECT_EQ(json["external_id"], c.external_id);
    EXPECT_EQ(json["type"], "sale");
    EXPECT_EQ(json["refund_of"], nullptr);
    EXPECT_EQ(json["amount"], 12999);
    EXPECT_EQ(json["currency"], "EUR");
    EXPECT_EQ(json["occurred_at"], core::FormatRfc3339(c.occurred_at));
    EXPECT_EQ(json["created_at"], core::FormatRfc3339(c.created_at));
    EXPECT_EQ(json["referral_id"], c.referral_id->str());
    EXPECT_EQ(json["customer_id"], c.customer_id->str());
    EXPECT_EQ(json["click_id"], c.click_id);
    EXPECT_EQ(json["coupon"], "SPRING");
    EXPECT_EQ(json["attribution"]["model"], core::ToString(c.attribution.model));
    EXPECT_EQ(json["attribution"]["source"], "click");
    ASSERT_EQ(json["attribution"]["credits"].size(), 2u);
    EXPECT_EQ(json["attribution"]["credits"][0]["partner_id"], com.partner_id.str());
    EXPECT_EQ(json["attribution"]["credits"][0]["weight_ppm"], 666'667);
    EXPECT_DOUBLE_EQ(json["attribution"]["credits"][0]["weight"].get<double>(), 0.666667);
    EXPECT_EQ(json["attribution"]["credits"][0]["click_id"], c.click_id);
    EXPECT_EQ(json["attribution"]["credits"][1]["click_id"], nullptr);
    ASSERT_EQ(json["commissions"].size(), 2u);
    EXPECT_EQ(json["commissions"][0], nlohmann::json({{"id", com.id.str()},
                                                      {"object", "commission"},
                                                      {"partner_id", com.partner_id.str()},
                                                      {"amount", {{"amount", 1300}, {"currency", "EUR"}}},
                                                      {"status", core::ToString(com.status)},
                                                      {"reverses", nullptr}}));
    EXPECT_EQ(json["commissions"][1]["reverses"], com.id.str());
    EXPECT_EQ(json["commissions"][1]["amount"]["amount"], -650);
    EXPECT_EQ(json.size(), 16u) << "no field more or less than the API documents";
}

TEST(ConversionJson, AnUnattributedConversionHasNullsAndEmptyLists) {
    const std::string text = ConversionJson(ExampleConversion(false), {});
    EXPECT_EQ(Redumped(text), text);
    const auto json = nlohmann::json::parse(text);
    for (const char* key : {"referral_id", "customer_id", "click_id", "coupon", "refund_of"}) {
        EXPECT_EQ(json[key], nullptr) << key;
    }
    EXPECT_EQ(json["attribution"]["credits"], nlohmann::json::array());
    EXPECT_EQ(json["commissions"], nlohmann::json::array());
}

}  // namespace
}  // namespace rt::http
