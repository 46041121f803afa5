#include "core/csv.hpp"

namespace rt::core {

std::string NeutraliseFormula(std::string_view text) {
    if (text.empty()) return std::string();
    switch (text.front()) {
        case '=':
        case '+':
        case '-':
        case '@':
        case '\t':
        case '\r':
            return "'" + std::string(text);
        default:
            return std::string(text);
    }
}

std::string CsvField(std::string_view value) {
    if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
    std::string out;
    out.reserve(value.size() + 2);
    out += '"';
    for (const char c : value) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string CsvRecord(const std::vector<CsvCell>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i > 0) out += ',';
        const CsvCell& cell = cells[i];
        out += CsvField(cell.kind == CsvCellKind::kText ? NeutraliseFormula(cell.value) : cell.value);
    }
    out += "\r\n";
    return out;
}

std::string CsvDocument(const std::vector<std::string>& header, const std::vector<std::vector<CsvCell>>& rows) {
    std::vector<CsvCell> names;
    names.reserve(header.size());
    for (const auto& name : header) names.push_back({name, CsvCellKind::kText});
    std::string out = CsvRecord(names);
    for (const auto& row : rows) out += CsvRecord(row);
    return out;
}

}  // namespace rt::core
