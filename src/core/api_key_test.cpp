#include "core/api_key.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>

#include "ports/fakes.hpp"

namespace rt::core {
namespace {

constexpr std::string_view kAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";
const TimePoint kNow{1'795'514'400'000};

TEST(NewApiKeyToken, IsPrefixIdBodyUnderscoreAndSecret) {
    ports::SeededRandom random(17);
    std::set<std::string> tokens;
    for (int i = 0; i < 500; ++i) {
        const ApiKeyToken key = NewApiKeyToken(kNow, random);
        SCOPED_TRACE(key.token);
        ASSERT_EQ(key.token.size(), 4u + 26u + 1u + 32u);
        EXPECT_TRUE(key.token.starts_with("rtk_"));
        EXPECT_EQ(key.token.substr(4, 26), key.id.str().substr(4));
        EXPECT_EQ(key.token[30], '_');
        for (const char c : key.token.substr(31)) EXPECT_NE(kAlphabet.find(c), std::string_view::npos);
        EXPECT_TRUE(ApiKeyId::Parse(key.id.str()).has_value());
        EXPECT_TRUE(tokens.insert(key.token).second);

        const auto id = ApiKeyIdOfToken(key.token);
        ASSERT_TRUE(id.has_value());
        EXPECT_EQ(*id, key.id);
    }
}

TEST(ApiKeyIdOfToken, RefusesTokensNotOfOurForm) {
    ports::SeededRandom random(23);
    const std::string good = NewApiKeyToken(kNow, random).token;
    ASSERT_TRUE(ApiKeyIdOfToken(good).has_value());
    const std::string body = good.substr(4, 26);
    const std::string secret = good.substr(31);

    struct Row {
        std::string token;
        const char* why;
    };
    const Row rows[] = {
        {"", "empty"},
        {"rtk_", "prefix only"},
        {"rtk_" + body, "no secret"},
        {"rtk_" + body + "_", "empty secret"},
        {"rtx_" + body + "_" + secret, "wrong prefix"},
        {"RTK_" + body + "_" + secret, "upper-case prefix"},
        {"key_" + body + "_" + secret, "the id's prefix is not the token's"},
        {"rtk" + body + "_" + secret + "0", "prefix without underscore"},
        {"rtk_" + body + "-" + secret, "hyphen separator"},
        {"rtk_" + body + secret + "0", "no separator"},
        {"rtk_" + body + "_" + secret.substr(1), "secret one short"},
        {"rtk_" + body + "_" + secret + "0", "secret one long"},
        {"rtk_" + body.substr(1) + "_" + secret + "0", "body one short"},
        {"rtk_" + body + "0_" + secret.substr(1), "body one long"},
        {"rtk_8" + body.substr(1) + "_" + secret, "body's first character 8"},
        {"rtk_" + body.substr(0, 25) + "U_" + secret, "upper-case body"},
        {"rtk_" + body.substr(0, 25) + "u_" + secret, "u is not in the alphabet"},
        {" rtk_" + body + "_" + secret.substr(1), "leading space"},
        {"rtk_" + body + "_" + secret.substr(1) + " ", "trailing space"},
        {"rtk_" + body + "_" + secret.substr(1) + "\n", "trailing newline"},
        {"Bearer rtk_" + body + "_" + secret, "with the scheme"},
        // The secret part, too, must be of our alphabet; regression: any 32 bytes were accepted.
        {"rtk_" + body + "_" + secret.substr(1) + "!", "punctuation in the secret"},
        {"rtk_" + body + "_" + secret.substr(1) + "A", "upper-case in the secret"},
        {"rtk_" + body + "_" + secret.substr(1) + "u", "u in the secret"},
        {"rtk_" + body + "_" + secret.substr(1) + "_", "underscore in the secret"},
        {"rtk_" + body + "_" + std::string(32, ' '), "spaces as the secret"},
        {"rtk_" + body + "_" + std::string(32, '\0'), "NULs as the secret"},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.why);
        EXPECT_FALSE(ApiKeyIdOfToken(row.token).has_value()) << row.token;
    }
}

TEST(Scope, ParsesAndFormats) {
    const std::string partner = "prt_01jd8x3k5m7n9p1q2r3s4t5v6w";
    const std::string program = "prg_01jd8x3k5m7n9p1q2r3s4t5v6w";
    struct Row {
        std::string text;
        std::optional<Scope> expected;
    };
    const Row rows[] = {
        {"admin", Scope::Admin()},
        {"partner:" + partner, Scope::ForPartner(*PartnerId::Parse(partner))},
        {"ingest:" + program, Scope::ForIngest(*ProgramId::Parse(program))},
        {"", std::nullopt},
        {"Admin", std::nullopt},
        {"ADMIN", std::nullopt},
        {"admin ", std::nullopt},
        {" admin", std::nullopt},
        {"admin:", std::nullopt},
        {"root", std::nullopt},
        {"partner", std::nullopt},
        {"partner:", std::nullopt},
        {"partner:" + program, std::nullopt},  // a program id where a partner id belongs
        {"ingest:" + partner, std::nullopt},
        {"ingest:", std::nullopt},
        {"partner:prt_short", std::nullopt},
        {"partner " + partner, std::nullopt},
        {"partner::" + partner, std::nullopt},
        {"Partner:" + partner, std::nullopt},
        {"partner:" + partner + " ", std::nullopt},
        {"ingest:" + program + ",admin", std::nullopt},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.text);
        const auto scope = ParseScope(row.text);
        EXPECT_EQ(scope, row.expected);
        if (scope) {
            EXPECT_EQ(ToString(*scope), row.text);
        }
    }
}

TEST(Scope, FormatsEveryKind) {
    const auto partner = *PartnerId::Parse("prt_01jd8x3k5m7n9p1q2r3s4t5v6w");
    const auto program = *ProgramId::Parse("prg_01jd8x3k5m7n9p1q2r3s4t5v6w");
    struct Row {
        Scope scope;
        const char* text;
    };
    const Row rows[] = {
        {Scope::Admin(), "admin"},
        {Scope::ForPartner(partner), "partner:prt_01jd8x3k5m7n9p1q2r3s4t5v6w"},
        {Scope::ForIngest(program), "ingest:prg_01jd8x3k5m7n9p1q2r3s4t5v6w"},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.text);
        EXPECT_EQ(ToString(row.scope), row.text);
        EXPECT_EQ(ParseScope(ToString(row.scope)), row.scope);
    }
}

}  // namespace
}  // namespace rt::core
