#include "core/text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace rt::core {
namespace {

TEST(IsValidUtf8, AcceptsWellFormedAndRefusesMalformedSequences) {
    struct Row {
        std::string bytes;
        bool valid;
        const char* why;
    };
    const Row rows[] = {
        {"", true, "empty"},
        {"hello", true, "ASCII"},
        {std::string("a\0b", 3), true, "NUL is a valid code point"},
        {"\x7f", true, "DEL, the last one-byte code point"},
        {"\xC2\x80", true, "U+0080, the first two-byte code point"},
        {"caf\xC3\xA9", true, "U+00E9"},
        {"\xDF\xBF", true, "U+07FF, the last two-byte code point"},
        {"\xE0\xA0\x80", true, "U+0800, the first three-byte code point"},
        {"\xE2\x82\xAC", true, "U+20AC euro sign"},
        {"\xED\x9F\xBF", true, "U+D7FF, just below the surrogates"},
        {"\xEE\x80\x80", true, "U+E000, just above the surrogates"},
        {"\xEF\xBF\xBD", true, "U+FFFD"},
        {"\xEF\xBF\xBF", true, "U+FFFF"},
        {"\xF0\x90\x80\x80", true, "U+10000, the first four-byte code point"},
        {"\xF0\x9F\x98\x80", true, "U+1F600"},
        {"\xF4\x8F\xBF\xBF", true, "U+10FFFF, the last code point"},
        {"a\xC3\xA9z\xE2\x82\xAC\xF0\x9F\x98\x80!", true, "mixed"},
        // Overlong encodings.
        {"\xC0\x80", false, "overlong NUL"},
        {"\xC0\xAF", false, "overlong '/'"},
        {"\xC1\xBF", false, "overlong U+007F"},
        {"\xE0\x80\xAF", false, "three-byte overlong '/'"},
        {"\xE0\x9F\xBF", false, "three-byte overlong U+07FF"},
        {"\xF0\x80\x80\xAF", false, "four-byte overlong '/'"},
        {"\xF0\x8F\xBF\xBF", false, "four-byte overlong U+FFFF"},
        // Surrogates, alone or paired (CESU-8).
        {"\xED\xA0\x80", false, "U+D800"},
        {"\xED\xAD\xBF", false, "U+DB7F"},
        {"\xED\xB0\x80", false, "U+DC00"},
        {"\xED\xBF\xBF", false, "U+DFFF"},
        {"\xED\xA0\xBD\xED\xB8\x80", false, "surrogate pair for U+1F600"},
        // Beyond U+10FFFF and impossible bytes.
        {"\xF4\x90\x80\x80", false, "U+110000"},
        {"\xF5\x80\x80\x80", false, "lead byte F5"},
        {"\xF7\xBF\xBF\xBF", false, "lead byte F7"},
        {"\xF8\x88\x80\x80\x80", false, "five-byte form"},
        {"\xFC\x84\x80\x80\x80\x80", false, "six-byte form"},
        {"\xFE", false, "FE"},
        {"\xFF", false, "FF"},
        // Continuation bytes without a lead.
        {"\x80", false, "lone 80"},
        {"\xBF", false, "lone BF"},
        {"a\x80z", false, "continuation inside ASCII"},
        {"\xC3\xA9\xA9", false, "extra continuation"},
        // Truncated sequences.
        {"\xC3", false, "two-byte lead alone"},
        {"\xE2\x82", false, "three-byte missing one"},
        {"\xE2", false, "three-byte lead alone"},
        {"\xF0\x9F\x98", false, "four-byte missing one"},
        {"\xF0\x9F", false, "four-byte missing two"},
        {"abc\xC3", false, "truncated at the end"},
        {"\xC3"
         "A",
         false, "lead followed by ASCII"},
        {"\xE2\x82"
         "A",
         false, "three-byte interrupted by ASCII"},
        {"\xF0\x9F\x98"
         "A",
         false, "four-byte interrupted by ASCII"},
        {"\xE2\xC3\xA9", false, "lead followed by another lead"},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.why);
        EXPECT_EQ(IsValidUtf8(row.bytes), row.valid);
    }
}

TEST(Trim, RemovesSurroundingAsciiWhiteSpaceOnly) {
    struct Row {
        const char* text;
        const char* expected;
    };
    const Row rows[] = {
        {"", ""},
        {"   ", ""},
        {" \t\r\n", ""},
        {"a", "a"},
        {"  a  ", "a"},
        {"\ta b\n", "a b"},
        {"a  b", "a  b"},
        {"\r\na\r\n", "a"},
        {"\xC2\xA0"
         "a",
         "\xC2\xA0"
         "a"},  // a no-break space is not trimmed
        {"\va\f", "\va\f"},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.text);
        EXPECT_EQ(Trim(row.text), row.expected);
    }
}

TEST(ToLower, LowerCasesAsciiOnly) {
    struct Row {
        const char* text;
        const char* expected;
    };
    const Row rows[] = {
        {"", ""},
        {"ABC", "abc"},
        {"MiXeD-123_Z", "mixed-123_z"},
        {"\xC3\x89T\xC3\x89", "\xC3\x89t\xC3\x89"},  // "ÉTÉ": only the ASCII T changes
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.text);
        EXPECT_EQ(ToLower(row.text), row.expected);
    }
}

TEST(CheckText, AcceptsTrimmedUtf8TextWithinItsLength) {
    struct Row {
        std::string value;
        std::size_t max_length;
        const char* problem;  // nullptr: accepted; otherwise a part of the message
    };
    const Row rows[] = {
        {"a", 10, nullptr},
        {"Acme Partners", 100, nullptr},
        {"  padded  ", 6, nullptr},  // the length counts after trimming
        {"abcd", 4, nullptr},
        {"Caf\xC3\xA9 \xE2\x82\xAC", 9, nullptr},
        {"\xF0\x9F\x98\x80", 4, nullptr},
        {"", 10, "must not be empty"},
        {"   ", 10, "must not be empty"},
        {"\t\r\n", 10, "must not be empty"},
        {"abcde", 4, "at most 4 bytes"},
        {"\xC3\xA9", 1, "at most 1 bytes"},  // bytes, not characters
        {"\xF0\x9F\x98\x80", 3, "at most 3 bytes"},
        {"a\nb", 10, "control characters"},
        {"a\tb", 10, "control characters"},
        {"a\rb", 10, "control characters"},
        {"a\x01", 10, "control characters"},
        {"\x1b[31mred", 20, "control characters"},
        {"a\x7f", 10, "control characters"},
        {std::string("a\0b", 3), 10, "control characters"},
        {"a\xC3", 10, "UTF-8"},
        {"\xED\xA0\x80", 10, "UTF-8"},
        {"\xC0\xAF", 10, "UTF-8"},
        {"\xFF", 10, "UTF-8"},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.value);
        FieldErrors errors;
        const bool ok = CheckText(errors, "name", row.value, row.max_length);
        const auto result = errors.ToResult();
        if (row.problem == nullptr) {
            EXPECT_TRUE(ok);
            EXPECT_TRUE(result.has_value());
            continue;
        }
        EXPECT_FALSE(ok);
        ASSERT_FALSE(result.has_value());
        ASSERT_EQ(result.error().fields().size(), 1u);
        EXPECT_EQ(result.error().fields()[0].field, "name");
        EXPECT_NE(result.error().fields()[0].message.find(row.problem), std::string::npos)
            << result.error().fields()[0].message;
    }
}

TEST(CheckSlug, AcceptsLowerCaseLettersDigitsUnderscoreAndHyphen) {
    struct Row {
        std::string value;
        std::size_t max_length;
        bool ok;
    };
    const Row rows[] = {
        {"gold", 64, true},       {"gold-tier_2", 64, true}, {"a", 1, true},
        {"9", 64, true},          {"-", 64, true},           {"ab", 1, false},
        {"", 64, false},          {"Gold", 64, false},       {"gold tier", 64, false},
        {" gold", 64, false},  // slugs are not trimmed
        {"gold.tier", 64, false}, {"gold/tier", 64, false},  {"g\xC3\xB6ld", 64, false},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.value);
        FieldErrors errors;
        EXPECT_EQ(CheckSlug(errors, "group", row.value, row.max_length), row.ok);
        EXPECT_EQ(errors.empty(), row.ok);
    }
}

TEST(FieldErrors, CollectsEveryFieldInOrder) {
    FieldErrors errors;
    EXPECT_TRUE(errors.ToResult().has_value());
    CheckText(errors, "name", "", 10);
    CheckSlug(errors, "group", "Bad", 10);
    CheckText(errors, "campaign", "ok", 10);
    const auto result = errors.ToResult();
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code(), ErrorCode::kInvalid);
    ASSERT_EQ(result.error().fields().size(), 2u);
    EXPECT_EQ(result.error().fields()[0].field, "name");
    EXPECT_EQ(result.error().fields()[1].field, "group");
    EXPECT_EQ(result.error().message(), "the request has invalid fields");
}

}  // namespace
}  // namespace rt::core
