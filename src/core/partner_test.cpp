#include "core/partner.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace rt::core {
namespace {

const TimePoint kCreated{1'795'514'400'000};
const TimePoint kLater{1'795'600'800'000};
const PartnerId kId = *PartnerId::Parse("prt_01jd8x3k5m7n9p1q2r3s4t5v6w");
const ProgramId kProgram = *ProgramId::Parse("prg_01jd8x3k5m7n9p1q2r3s4t5v6w");
const ProgramId kOtherProgram = *ProgramId::Parse("prg_01jd8x3k5m7n9p1q2r3s4t5v6x");

PartnerFields ValidFields() { return {.name = "Ada Lovelace", .email = "ada@example.com"}; }

std::vector<std::string> FieldNames(const Error& error) {
    std::vector<std::string> names;
    for (const auto& f : error.fields()) names.push_back(f.field);
    return names;
}

TEST(IsEmail, AcceptsPlausibleAddresses) {
    struct Row {
        std::string email;
        bool expected;
    };
    const Row rows[] = {
        {"ada@example.com", true},
        {"a@b.co", true},
        {"ada.lovelace@example.com", true},
        {"ada+partners@example.com", true},
        {"ada_l-ove@mail.example.co.uk", true},
        {"o'brien@example.ie", true},
        {"1234@example.com", true},
        {"Ada@Example.COM", true},  // the domain is compared lower-case
        {std::string(64, 'a') + "@example.com", true},
        {std::string(65, 'a') + "@example.com", false},  // a local part has at most 64 characters
        {"a@" + std::string(63, 'b') + "." + std::string(63, 'c') + "." + std::string(63, 'd') + "." +
             std::string(60, 'e'),
         true},  // 254 characters
        {"a@" + std::string(63, 'b') + "." + std::string(63, 'c') + "." + std::string(63, 'd') + "." +
             std::string(61, 'e'),
         false},  // 255 characters
        {"", false},
        {"ada", false},
        {"@example.com", false},
        {"ada@", false},
        {"ada@@example.com", false},
        {"ada@bob@example.com", false},
        {"ada@example", false},
        {"ada@localhost", false},
        {"ada@127.0.0.1", false},
        {"ada@[127.0.0.1]", false},
        {"ada@example..com", false},
        {"ada@.example.com", false},
        {"ada@example.com.", false},
        {"ada@-example.com", false},
        {"ada@exa_mple.com", false},
        {"ada lovelace@example.com", false},
        {" ada@example.com", false},
        {"ada@example.com ", false},
        {"ada@exa mple.com", false},
        {"ada\t@example.com", false},
        {"ada\n@example.com", false},
        {".ada@example.com", false},
        {"ada.@example.com", false},
        {"ada..lovelace@example.com", false},
        {"\"ada\"@example.com", false},
        {"ada(comment)@example.com", false},
        {"<ada@example.com>", false},
        {"ada,bob@example.com", false},
        {"ada;bob@example.com", false},
        {"ada:bob@example.com", false},
        {"ada\\@example.com", false},
        {"adä@example.com", false},
        {"ada@bücher.example", false},
        {"Ada Lovelace <ada@example.com>", false},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.email);
        EXPECT_EQ(IsEmail(row.email), row.expected);
    }
}

TEST(PartnerStatus, NamesRoundTrip) {
    struct Row {
        PartnerStatus status;
        const char* name;
    };
    const Row rows[] = {{PartnerStatus::kPending, "pending"},
                        {PartnerStatus::kActive, "active"},
                        {PartnerStatus::kSuspended, "suspended"}};
    for (const auto& row : rows) {
        SCOPED_TRACE(row.name);
        EXPECT_EQ(ToString(row.status), row.name);
        EXPECT_EQ(ParsePartnerStatus(row.name), row.status);
    }
    for (const char* bad : {"", "Active", "ACTIVE", "active ", "approved", "banned", "suspend"}) {
        EXPECT_FALSE(ParsePartnerStatus(bad).has_value()) << bad;
    }
}

TEST(NewPartner, FillsDefaultsAndNormalizes) {
    PartnerFields fields{.name = "  Ada Lovelace ", .email = "  Ada@Example.COM\n"};
    const auto partner = NewPartner(fields, kId, kProgram, kCreated);
    ASSERT_TRUE(partner.has_value()) << partner.error().message();
    EXPECT_EQ(partner->id, kId);
    EXPECT_EQ(partner->program_id, kProgram);
    EXPECT_EQ(partner->name, "Ada Lovelace");
    EXPECT_EQ(partner->email, "ada@example.com");
    EXPECT_EQ(partner->status, PartnerStatus::kActive);
    EXPECT_EQ(partner->group, "");
    EXPECT_EQ(partner->created_at, kCreated);
    EXPECT_EQ(partner->updated_at, kCreated);
}

TEST(NewPartner, KeepsGivenStatusAndGroup) {
    PartnerFields fields = ValidFields();
    fields.status = "pending";
    fields.group = "gold-tier_2";
    const auto partner = NewPartner(fields, kId, kProgram, kCreated);
    ASSERT_TRUE(partner.has_value()) << partner.error().message();
    EXPECT_EQ(partner->status, PartnerStatus::kPending);
    EXPECT_EQ(partner->group, "gold-tier_2");
}

TEST(NewPartner, NamesEveryInvalidField) {
    struct Row {
        const char* why;
        std::function<void(PartnerFields&)> change;
        std::vector<std::string> fields;  // empty: valid
    };
    const Row rows[] = {
        {"valid", [](PartnerFields&) {}, {}},
        {"name missing", [](PartnerFields& f) { f.name.reset(); }, {"name"}},
        {"email missing", [](PartnerFields& f) { f.email.reset(); }, {"email"}},
        {"both missing", [](PartnerFields& f) { f = {}; }, {"name", "email"}},
        {"name empty", [](PartnerFields& f) { f.name = ""; }, {"name"}},
        {"name blank", [](PartnerFields& f) { f.name = "   "; }, {"name"}},
        {"name 200 bytes", [](PartnerFields& f) { f.name = std::string(200, 'n'); }, {}},
        {"name 201 bytes", [](PartnerFields& f) { f.name = std::string(201, 'n'); }, {"name"}},
        {"name with control character", [](PartnerFields& f) { f.name = "Ada\x1b[31m"; }, {"name"}},
        {"email invalid", [](PartnerFields& f) { f.email = "ada@"; }, {"email"}},
        {"email empty", [](PartnerFields& f) { f.email = ""; }, {"email"}},
        {"status unknown", [](PartnerFields& f) { f.status = "approved"; }, {"status"}},
        {"status upper-case", [](PartnerFields& f) { f.status = "Active"; }, {"status"}},
        {"status suspended", [](PartnerFields& f) { f.status = "suspended"; }, {}},
        {"group empty means none", [](PartnerFields& f) { f.group = ""; }, {}},
        {"group 64 characters", [](PartnerFields& f) { f.group = std::string(64, 'g'); }, {}},
        {"group 65 characters", [](PartnerFields& f) { f.group = std::string(65, 'g'); }, {"group"}},
        {"group upper-case", [](PartnerFields& f) { f.group = "Gold"; }, {"group"}},
        {"group with space", [](PartnerFields& f) { f.group = "gold tier"; }, {"group"}},
        {"group with dot", [](PartnerFields& f) { f.group = "gold.tier"; }, {"group"}},
        {"program_id ignored on create", [](PartnerFields& f) { f.program_id = "prg_whatever"; }, {}},
        {"several",
         [](PartnerFields& f) {
             f.name = "";
             f.email = "nope";
             f.status = "x";
             f.group = "X";
         },
         {"name", "email", "status", "group"}},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.why);
        PartnerFields fields = ValidFields();
        row.change(fields);
        const auto partner = NewPartner(fields, kId, kProgram, kCreated);
        if (row.fields.empty()) {
            ASSERT_TRUE(partner.has_value()) << partner.error().message();
            EXPECT_EQ(partner->program_id, kProgram);
            continue;
        }
        ASSERT_FALSE(partner.has_value());
        EXPECT_EQ(partner.error().code(), ErrorCode::kInvalid);
        EXPECT_EQ(FieldNames(partner.error()), row.fields);
    }
}

TEST(PatchPartner, ProgramIdIsImmutable) {
    const Partner original = *NewPartner(ValidFields(), kId, kProgram, kCreated);
    struct Row {
        std::string program_id;
        bool accepted;
    };
    const Row rows[] = {
        {kProgram.str(), true},
        {kOtherProgram.str(), false},
        {"", false},
        {"PRG_01JD8X3K5M7N9P1Q2R3S4T5V6W", false},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.program_id);
        const auto patched = PatchPartner(original, {.program_id = row.program_id}, kLater);
        ASSERT_EQ(patched.has_value(), row.accepted);
        if (patched) {
            EXPECT_EQ(patched->program_id, kProgram);
        } else {
            EXPECT_EQ(FieldNames(patched.error()), std::vector<std::string>{"program_id"});
        }
    }
}

TEST(PatchPartner, ChangesOnlyFieldsPresent) {
    PartnerFields create = ValidFields();
    create.group = "gold";
    const Partner original = *NewPartner(create, kId, kProgram, kCreated);

    const auto suspended = PatchPartner(original, {.status = "suspended"}, kLater);
    ASSERT_TRUE(suspended.has_value());
    EXPECT_EQ(suspended->status, PartnerStatus::kSuspended);
    EXPECT_EQ(suspended->name, original.name);
    EXPECT_EQ(suspended->email, original.email);
    EXPECT_EQ(suspended->group, "gold");
    EXPECT_EQ(suspended->created_at, kCreated);
    EXPECT_EQ(suspended->updated_at, kLater);

    const auto ungrouped = PatchPartner(original, {.group = ""}, kLater);
    ASSERT_TRUE(ungrouped.has_value());
    EXPECT_EQ(ungrouped->group, "");

    const auto reemailed = PatchPartner(original, {.email = "ADA@new.example.org"}, kLater);
    ASSERT_TRUE(reemailed.has_value());
    EXPECT_EQ(reemailed->email, "ada@new.example.org");

    const auto refused = PatchPartner(original, {.email = "not an email"}, kLater);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(FieldNames(refused.error()), std::vector<std::string>{"email"});
}

}  // namespace
}  // namespace rt::core
