#include "core/referral_code.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "ports/fakes.hpp"

namespace rt::core {
namespace {

TEST(GenerateCode, IsEightCharactersOfTheAlphabetWithoutLookAlikes) {
    ASSERT_EQ(kCodeAlphabet.size(), 31u);
    for (const char c : std::string_view("01ilo")) EXPECT_EQ(kCodeAlphabet.find(c), std::string_view::npos) << c;

    ports::SeededRandom random(99);
    std::set<char> used;
    for (int i = 0; i < 2'000; ++i) {
        const std::string code = GenerateCode(random);
        ASSERT_EQ(code.size(), kGeneratedCodeLength) << code;
        for (const char c : code) {
            ASSERT_NE(kCodeAlphabet.find(c), std::string_view::npos) << code;
            used.insert(c);
        }
        EXPECT_EQ(NormalizeCode(code), code);
    }
    EXPECT_EQ(used.size(), kCodeAlphabet.size());  // every symbol is drawn
}

TEST(GenerateCode, IsDeterministicForASeededRandom) {
    ports::SeededRandom a(5);
    ports::SeededRandom b(5);
    ports::SeededRandom c(6);
    std::set<std::string> distinct;
    for (int i = 0; i < 100; ++i) {
        const std::string from_a = GenerateCode(a);
        EXPECT_EQ(from_a, GenerateCode(b));
        EXPECT_NE(from_a, GenerateCode(c));
        distinct.insert(from_a);
    }
    EXPECT_EQ(distinct.size(), 100u);
}

TEST(NormalizeCode, LowerCasesAsciiOnly) {
    struct Row {
        const char* code;
        const char* expected;
    };
    const Row rows[] = {
        {"", ""},       {"abc", "abc"}, {"AbC", "abc"}, {"SUMMER-Sale_24", "summer-sale_24"}, {"x7k2m9pq", "x7k2m9pq"},
        {"ÄBC", "Äbc"},  // non-ASCII bytes untouched; such a code is refused elsewhere
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.code);
        EXPECT_EQ(NormalizeCode(row.code), row.expected);
    }
}

TEST(VanityCodeProblem, AppliesLengthCharsetAndLeadingCharacterRules) {
    struct Row {
        std::string code;
        const char* problem;  // nullptr: acceptable; otherwise a part of the message
    };
    const Row rows[] = {
        {"abc", nullptr},
        {"ABC", nullptr},
        {"summer-sale_2024", nullptr},
        {"2024summer", nullptr},
        {"Ada", nullptr},
        {"a--", nullptr},
        {"a__", nullptr},
        {std::string(64, 'a'), nullptr},
        {"apis", nullptr},  // a reserved word inside a longer code is fine
        {"admin1", nullptr},
        {"my-api", nullptr},
        {"", "3 to 64"},
        {"a", "3 to 64"},
        {"ab", "3 to 64"},
        {std::string(65, 'a'), "3 to 64"},
        {"ab c", "only letters"},
        {"ab.c", "only letters"},
        {"ab/c", "only letters"},
        {"../admin", "only letters"},
        {"ab%2f", "only letters"},
        {"ab?c", "only letters"},
        {"ab#c", "only letters"},
        {"abc\n", "only letters"},
        {std::string("ab\0c", 4), "only letters"},
        {"über", "only letters"},
        {"ab\xC3", "only letters"},
        {"-abc", "start with"},
        {"_abc", "start with"},
        {"--a", "start with"},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.code);
        const auto problem = VanityCodeProblem(row.code);
        if (row.problem == nullptr) {
            EXPECT_FALSE(problem.has_value()) << *problem;
        } else {
            ASSERT_TRUE(problem.has_value());
            EXPECT_NE(problem->find(row.problem), std::string::npos) << *problem;
        }
    }
}

std::string Capitalized(std::string word) {
    word.front() = static_cast<char>(word.front() - 'a' + 'A');
    return word;
}

std::string Upper(std::string word) {
    for (auto& c : word) c = static_cast<char>(c - 'a' + 'A');
    return word;
}

TEST(VanityCodeProblem, RefusesEveryReservedWordInAnyCase) {
    const char* reserved[] = {"admin",    "api",      "app",    "assets", "auth",    "dashboard", "docs",   "favicon",
                              "health",   "healthz",  "help",   "login",  "logout",  "metrics",   "portal", "readyz",
                              "reftrack", "settings", "signup", "static", "support", "track",     "www"};
    for (const std::string word : reserved) {
        for (const std::string& variant : {word, Upper(word), Capitalized(word)}) {
            SCOPED_TRACE(variant);
            const auto problem = VanityCodeProblem(variant);
            ASSERT_TRUE(problem.has_value());
            EXPECT_EQ(*problem, "is a reserved word");
        }
    }
    // "r" is the redirect path (/r/{code}); it is too short anyway.
    EXPECT_TRUE(VanityCodeProblem("r").has_value());
    EXPECT_TRUE(VanityCodeProblem("R").has_value());
}

}  // namespace
}  // namespace rt::core
