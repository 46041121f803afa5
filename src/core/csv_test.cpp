#include "core/csv.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rt::core {
namespace {

TEST(CsvField, QuotesOnlyWhatRfc4180Requires) {
    struct Row {
        std::string value;
        std::string field;
    };
    const Row rows[] = {
        {"", ""},
        {"plain", "plain"},
        {"with space", "with space"},
        {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"\"", "\"\"\"\""},
        {"line\nbreak", "\"line\nbreak\""},
        {"carriage\rreturn", "\"carriage\rreturn\""},
        {"crlf\r\n", "\"crlf\r\n\""},
        {"'quote", "'quote"},
        {"caf\xC3\xA9", "caf\xC3\xA9"},
    };
    for (const auto& row : rows) EXPECT_EQ(CsvField(row.value), row.field) << row.value;
}

TEST(NeutraliseFormula, PrefixesAQuoteToWhatCouldStartAFormula) {
    struct Row {
        std::string text;
        std::string safe;
    };
    const Row rows[] = {
        {"=SUM(A1:A9)", "'=SUM(A1:A9)"},
        {"+1", "'+1"},
        {"-2+3", "'-2+3"},
        {"@cmd", "'@cmd"},
        {"\tindent", "'\tindent"},
        {"\rreturn", "'\rreturn"},
        {"", ""},
        {"Ada", "Ada"},
        {"a=b", "a=b"},
        {" =x", " =x"},
        {"'=x", "'=x"},
        {"2026-11-24", "2026-11-24"},
    };
    for (const auto& row : rows) EXPECT_EQ(NeutraliseFormula(row.text), row.safe) << row.text;
}

TEST(CsvRecord, NeutralisesTextCellsButNeverNumbers) {
    const std::vector<CsvCell> cells = {
        {"=HYPERLINK(\"http://x\",\"y\")", CsvCellKind::kText},
        {"-12.50", CsvCellKind::kNumber},
        {"-cheap", CsvCellKind::kText},
        {"", CsvCellKind::kNumber},
        {"0.25", CsvCellKind::kNumber},
    };
    EXPECT_EQ(CsvRecord(cells), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-12.50,'-cheap,,0.25\r\n");
}

TEST(CsvRecord, QuotesANeutralisedCellThatHoldsALineBreak) {
    EXPECT_EQ(CsvRecord({{"\rx", CsvCellKind::kText}}), "\"'\rx\"\r\n");
    EXPECT_EQ(CsvRecord({{"@a,b", CsvCellKind::kText}}), "\"'@a,b\"\r\n");
}

TEST(CsvRecord, EmptyRecordIsALineEnd) { EXPECT_EQ(CsvRecord({}), "\r\n"); }

TEST(CsvDocument, HeaderThenOneCrlfEndedRecordPerRow) {
    const std::string csv =
        CsvDocument({"partner_name", "clicks"}, {{{"Ada, Ltd", CsvCellKind::kText}, {"3", CsvCellKind::kNumber}},
                                                 {{"Bob", CsvCellKind::kText}, {"-1", CsvCellKind::kNumber}}});
    EXPECT_EQ(csv, "partner_name,clicks\r\n\"Ada, Ltd\",3\r\nBob,-1\r\n");
    EXPECT_EQ(CsvDocument({"a"}, {}), "a\r\n");
}

}  // namespace
}  // namespace rt::core
