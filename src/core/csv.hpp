#pragma once

#include <string>
#include <string_view>
#include <vector>

// CSV as RFC 4180 writes it, made safe to open in a spreadsheet. Pure functions; thread-safe.
namespace rt::core {

// What a cell holds decides whether it is guarded against formula injection.
enum class CsvCellKind {
    kText,    // names, codes, campaigns, ids, dates: neutralised when they could start a formula
    kNumber,  // a number written by us ("-12.50", "0.25"): never altered, so it stays a number
};

struct CsvCell {
    std::string value;
    CsvCellKind kind = CsvCellKind::kText;
};

// `text` with a single quote put in front when it begins with a character a spreadsheet would read as
// the start of a formula (=, +, -, @, tab, carriage return: the OWASP list); otherwise unchanged.
// "=SUM(A1)" → "'=SUM(A1)", "-x" → "'-x", "" → "".
std::string NeutraliseFormula(std::string_view text);

// One field as RFC 4180 writes it: quoted when it contains a comma, a double quote, CR or LF, with
// inner quotes doubled; otherwise as is. Does not neutralise.
std::string CsvField(std::string_view value);

// One record: the cells' fields (text cells neutralised first) joined by commas, ended by CRLF.
std::string CsvRecord(const std::vector<CsvCell>& cells);

// A whole document: the header record (names are our own column names, written as text), then one
// record per row. Rows may have any number of cells; callers keep them as wide as the header.
std::string CsvDocument(const std::vector<std::string>& header, const std::vector<std::vector<CsvCell>>& rows);

}  // namespace rt::core
