#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Writes JSON text straight into a string, for the answers of the ingest path, where building a tree of
// nlohmann::json values (a std::map and a string per key) and then serializing it cost ~5 % of a conversion's
// CPU. The text is what nlohmann's dump() writes for the same values, byte for byte, so that one resource reads
// the same from every endpoint: no spaces, strings escaped as dump() escapes them, doubles in dump()'s form.
// Keys are written in the order given: write them in std::string order, as an nlohmann object holds them.
// Strings are copied as they are past the escapes: give it UTF-8 (dump() throws on invalid UTF-8 instead).
namespace rt::http {

class JsonWriter {
  public:
    explicit JsonWriter(std::size_t reserve = 512) { out_.reserve(reserve); }

    JsonWriter& BeginObject() { return Open('{'); }
    JsonWriter& EndObject() { return Close('}'); }
    JsonWriter& BeginArray() { return Open('['); }
    JsonWriter& EndArray() { return Close(']'); }
    JsonWriter& Key(std::string_view key);

    JsonWriter& String(std::string_view value);
    JsonWriter& StringOrNull(std::string_view value);  // null when empty
    JsonWriter& Int(std::int64_t value);
    JsonWriter& Double(double value);
    JsonWriter& Bool(bool value);
    JsonWriter& Null();

    // The text written so far; complete once every object and array begun has ended.
    const std::string& str() const { return out_; }
    std::string Take() { return std::move(out_); }

  private:
    JsonWriter& Open(char bracket);
    JsonWriter& Close(char bracket);
    void BeforeValue();
    void Escaped(std::string_view value);

    std::string out_;
    std::vector<bool> has_items_;  // per open object or array: an item was written in it
    bool after_key_ = false;
};

}  // namespace rt::http
