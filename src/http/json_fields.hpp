#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace rt::http {

// Reads typed fields out of a JSON object, collecting one error per bad field, so a client learns
// everything wrong with a request at once. An absent field reads as nullopt.
class JsonFields {
  public:
    JsonFields(const nlohmann::json& object, std::string prefix = "") : object_(object), prefix_(std::move(prefix)) {}

    // A string; `null_clears` lets JSON null mean "remove" (read as "").
    std::optional<std::string> String(std::string_view name, bool null_clears = false);
    std::optional<std::vector<std::string>> StringArray(std::string_view name);
    std::optional<std::int64_t> Integer(std::string_view name);
    // The nested object, or nullopt (with an error when present but not an object).
    const nlohmann::json* Object(std::string_view name);
    const nlohmann::json* Array(std::string_view name);

    // Adds an error for every member not in `known` (typos should not pass silently).
    void RejectUnknown(std::initializer_list<std::string_view> known);

    core::FieldErrors& errors() { return errors_; }
    std::string Path(std::string_view name) const { return prefix_ + std::string(name); }
    // Merges another reader's errors (for nested objects).
    void Absorb(JsonFields& nested);

  private:
    const nlohmann::json* Find(std::string_view name) const;

    const nlohmann::json& object_;
    std::string prefix_;
    core::FieldErrors errors_;
};

}  // namespace rt::http
