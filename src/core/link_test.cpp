#include "core/link.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace rt::core {
namespace {

const TimePoint kCreated{1'795'514'400'000};
const TimePoint kLater{1'795'600'800'000};
const LinkId kId = *LinkId::Parse("lnk_01jd8x3k5m7n9p1q2r3s4t5v6w");
const ProgramId kProgram = *ProgramId::Parse("prg_01jd8x3k5m7n9p1q2r3s4t5v6w");
const PartnerId kPartner = *PartnerId::Parse("prt_01jd8x3k5m7n9p1q2r3s4t5v6w");
const PartnerId kOtherPartner = *PartnerId::Parse("prt_01jd8x3k5m7n9p1q2r3s4t5v6x");
const std::vector<std::string> kDomains = {"shop.example.com", "*.blog.example.org"};
const std::string kGenerated = "x7k2m9pq";

LinkFields ValidFields() { return {.destination = "https://shop.example.com/spring"}; }

Result<Link> Create(const LinkFields& fields) {
    return NewLink(fields, kId, kProgram, kPartner, kGenerated, kDomains, kCreated);
}

std::vector<std::string> FieldNames(const Error& error) {
    std::vector<std::string> names;
    for (const auto& f : error.fields()) names.push_back(f.field);
    return names;
}

TEST(NewLink, UsesTheGeneratedCodeAndDefaults) {
    const auto link = Create(ValidFields());
    ASSERT_TRUE(link.has_value()) << link.error().message();
    EXPECT_EQ(link->id, kId);
    EXPECT_EQ(link->program_id, kProgram);
    EXPECT_EQ(link->partner_id, kPartner);
    EXPECT_EQ(link->code, kGenerated);
    EXPECT_EQ(link->destination, "https://shop.example.com/spring");
    EXPECT_EQ(link->campaign, "");
    EXPECT_EQ(link->channel, "");
    EXPECT_EQ(link->status, LinkStatus::kActive);
    EXPECT_EQ(link->created_at, kCreated);
    EXPECT_EQ(link->updated_at, kCreated);
}

TEST(NewLink, DestinationMustBeOnAProgramDomain) {
    struct Row {
        std::string destination;
        bool accepted;
    };
    const Row rows[] = {
        {"https://shop.example.com/", true},
        {"https://shop.example.com", true},
        {"http://shop.example.com/cart?item=1#top", true},
        {"HTTPS://SHOP.EXAMPLE.COM/Path", true},
        {"https://shop.example.com:8443/", true},
        {"https://news.blog.example.org/post", true},
        {"https://a.b.blog.example.org/", true},
        {"https://blog.example.org/", false},  // the wildcard covers sub-domains only
        {"https://example.com/", false},
        {"https://a.shop.example.com/", false},
        {"https://shop.example.com.evil.com/", false},
        {"https://evil.com/?to=shop.example.com", false},
        {"https://shop.example.com@evil.com/", false},
        {"//shop.example.com/", false},
        {"shop.example.com/spring", false},
        {"javascript:alert(1)", false},
        {" https://shop.example.com/", false},
        {"https://shop.example.com/a b", false},
        {"", false},
        {"https://shop.example.com/" + std::string(2048 - 25, 'p'), true},   // 2048 bytes
        {"https://shop.example.com/" + std::string(2049 - 25, 'p'), false},  // 2049 bytes
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.destination.substr(0, 80));
        LinkFields fields{.destination = row.destination};
        const auto link = Create(fields);
        ASSERT_EQ(link.has_value(), row.accepted);
        if (link) {
            EXPECT_EQ(link->destination, row.destination);
        } else {
            EXPECT_EQ(FieldNames(link.error()), std::vector<std::string>{"destination"});
        }
    }
}

TEST(NewLink, NoDomainsAllowNoDestination) {
    const auto link = NewLink(ValidFields(), kId, kProgram, kPartner, kGenerated, {}, kCreated);
    ASSERT_FALSE(link.has_value());
    EXPECT_EQ(FieldNames(link.error()), std::vector<std::string>{"destination"});
}

TEST(NewLink, NamesEveryInvalidField) {
    struct Row {
        const char* why;
        std::function<void(LinkFields&)> change;
        std::vector<std::string> fields;  // empty: valid
    };
    const Row rows[] = {
        {"valid", [](LinkFields&) {}, {}},
        {"destination missing", [](LinkFields& f) { f.destination.reset(); }, {"destination"}},
        {"vanity code", [](LinkFields& f) { f.code = "Spring-Sale"; }, {}},
        {"vanity code too short", [](LinkFields& f) { f.code = "ab"; }, {"code"}},
        {"vanity code empty", [](LinkFields& f) { f.code = ""; }, {"code"}},
        {"vanity code reserved", [](LinkFields& f) { f.code = "Admin"; }, {"code"}},
        {"vanity code with slash", [](LinkFields& f) { f.code = "a/b/c"; }, {"code"}},
        {"campaign", [](LinkFields& f) { f.campaign = "Spring 2026"; }, {}},
        {"campaign 100 bytes", [](LinkFields& f) { f.campaign = std::string(100, 'c'); }, {}},
        {"campaign 101 bytes", [](LinkFields& f) { f.campaign = std::string(101, 'c'); }, {"campaign"}},
        {"campaign control character", [](LinkFields& f) { f.campaign = "a\x07"; }, {"campaign"}},
        {"campaign invalid UTF-8", [](LinkFields& f) { f.campaign = "\xff"; }, {"campaign"}},
        {"channel 64 bytes", [](LinkFields& f) { f.channel = std::string(64, 'c'); }, {}},
        {"channel 65 bytes", [](LinkFields& f) { f.channel = std::string(65, 'c'); }, {"channel"}},
        {"status disabled", [](LinkFields& f) { f.status = "disabled"; }, {}},
        {"status unknown", [](LinkFields& f) { f.status = "paused"; }, {"status"}},
        {"status upper-case", [](LinkFields& f) { f.status = "Active"; }, {"status"}},
        {"status empty", [](LinkFields& f) { f.status = ""; }, {"status"}},
        {"partner_id ignored on create", [](LinkFields& f) { f.partner_id = kOtherPartner.str(); }, {}},
        {"several",
         [](LinkFields& f) {
             f.destination = "https://evil.com/";
             f.code = "-x";
             f.campaign = std::string(101, 'c');
             f.channel = "a\nb";
             f.status = "gone";
         },
         {"destination", "code", "campaign", "channel", "status"}},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.why);
        LinkFields fields = ValidFields();
        row.change(fields);
        const auto link = Create(fields);
        if (row.fields.empty()) {
            ASSERT_TRUE(link.has_value()) << link.error().message();
            EXPECT_EQ(link->partner_id, kPartner);
            continue;
        }
        ASSERT_FALSE(link.has_value());
        EXPECT_EQ(link.error().code(), ErrorCode::kInvalid);
        EXPECT_EQ(FieldNames(link.error()), row.fields);
    }
}

TEST(NewLink, VanityCodeIsNormalizedToLowerCase) {
    struct Row {
        const char* code;
        const char* stored;
    };
    const Row rows[] = {{"Spring-Sale", "spring-sale"}, {"ADA_2026", "ada_2026"}, {"abc", "abc"}};
    for (const auto& row : rows) {
        SCOPED_TRACE(row.code);
        LinkFields fields = ValidFields();
        fields.code = row.code;
        const auto link = Create(fields);
        ASSERT_TRUE(link.has_value()) << link.error().message();
        EXPECT_EQ(link->code, row.stored);
    }
}

TEST(PatchLink, CampaignAndChannelAreTrimmedAndClearedByAnEmptyString) {
    LinkFields create = ValidFields();
    create.campaign = "  Spring  ";
    create.channel = "newsletter";
    const Link original = *Create(create);
    ASSERT_EQ(original.campaign, "Spring");
    ASSERT_EQ(original.channel, "newsletter");

    struct Row {
        const char* why;
        std::optional<std::string> campaign;
        std::optional<std::string> channel;
        const char* expected_campaign;
        const char* expected_channel;
    };
    const Row rows[] = {
        {"absent keeps both", std::nullopt, std::nullopt, "Spring", "newsletter"},
        {"empty clears campaign", "", std::nullopt, "", "newsletter"},
        {"blank clears channel", std::nullopt, " \t", "Spring", ""},
        {"empty clears both", "", "", "", ""},
        {"new values are trimmed", " Autumn\n", "  blog ", "Autumn", "blog"},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.why);
        const auto patched = PatchLink(original, {.campaign = row.campaign, .channel = row.channel}, kDomains, kLater);
        ASSERT_TRUE(patched.has_value()) << patched.error().message();
        EXPECT_EQ(patched->campaign, row.expected_campaign);
        EXPECT_EQ(patched->channel, row.expected_channel);
        EXPECT_EQ(patched->updated_at, kLater);
    }
}

TEST(PatchLink, PartnerIsImmutableAndOtherFieldsChange) {
    const Link original = *Create(ValidFields());

    const auto same_partner = PatchLink(original, {.partner_id = kPartner.str()}, kDomains, kLater);
    ASSERT_TRUE(same_partner.has_value());
    EXPECT_EQ(same_partner->partner_id, kPartner);

    const auto other_partner = PatchLink(original, {.partner_id = kOtherPartner.str()}, kDomains, kLater);
    ASSERT_FALSE(other_partner.has_value());
    EXPECT_EQ(FieldNames(other_partner.error()), std::vector<std::string>{"partner_id"});

    const auto disabled = PatchLink(original, {.status = "disabled"}, kDomains, kLater);
    ASSERT_TRUE(disabled.has_value());
    EXPECT_EQ(disabled->status, LinkStatus::kDisabled);
    EXPECT_EQ(disabled->code, original.code);
    EXPECT_EQ(disabled->destination, original.destination);
    EXPECT_EQ(disabled->created_at, kCreated);

    const auto recoded = PatchLink(original, {.code = "NewCode"}, kDomains, kLater);
    ASSERT_TRUE(recoded.has_value());
    EXPECT_EQ(recoded->code, "newcode");

    // A destination is checked against the program's current domains.
    const auto moved = PatchLink(original, {.destination = "https://shop.example.com/"}, {"other.example.net"}, kLater);
    ASSERT_FALSE(moved.has_value());
    EXPECT_EQ(FieldNames(moved.error()), std::vector<std::string>{"destination"});
}

TEST(LinkStatus, NamesRoundTrip) {
    struct Row {
        LinkStatus status;
        const char* name;
    };
    const Row rows[] = {{LinkStatus::kActive, "active"}, {LinkStatus::kDisabled, "disabled"}};
    for (const auto& row : rows) {
        SCOPED_TRACE(row.name);
        EXPECT_EQ(ToString(row.status), row.name);
        EXPECT_EQ(ParseLinkStatus(row.name), row.status);
    }
    for (const char* bad : {"", "Active", "DISABLED", "enabled", "paused"}) {
        EXPECT_FALSE(ParseLinkStatus(bad).has_value()) << bad;
    }
}

}  // namespace
}  // namespace rt::core
