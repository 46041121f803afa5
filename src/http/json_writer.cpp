#include "http/json_writer.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "core/text.hpp"

namespace rt::http {

void JsonWriter::BeforeValue() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (!has_items_.empty()) {
        if (has_items_.back()) out_ += ',';
        has_items_.back() = true;
    }
}

JsonWriter& JsonWriter::Open(char bracket) {
    BeforeValue();
    out_ += bracket;
    has_items_.push_back(false);
    return *this;
}

JsonWriter& JsonWriter::Close(char bracket) {
    out_ += bracket;
    has_items_.pop_back();
    return *this;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
    BeforeValue();
    Escaped(key);
    out_ += ':';
    after_key_ = true;
    return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
    BeforeValue();
    Escaped(value);
    return *this;
}

JsonWriter& JsonWriter::StringOrNull(std::string_view value) { return value.empty() ? Null() : String(value); }

JsonWriter& JsonWriter::Int(std::int64_t value) {
    BeforeValue();
    char buffer[24];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    out_.append(buffer, end);
    return *this;
}

JsonWriter& JsonWriter::Double(double value) {
    BeforeValue();
    // nlohmann's own formatting (shortest round trip, ".0" on integers, its exponent thresholds), not a copy
    // of it: rare on these paths (a credit's weight).
    out_ += nlohmann::json(value).dump();
    return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
    BeforeValue();
    out_ += value ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::Null() {
    BeforeValue();
    out_ += "null";
    return *this;
}

void JsonWriter::Escaped(std::string_view value) { core::AppendJsonString(out_, value); }

}  // namespace rt::http
