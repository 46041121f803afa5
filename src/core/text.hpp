#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace rt::core {

// Checks a free-text field (a name, a campaign): 1..max_length bytes of valid UTF-8 without control
// characters, after trimming surrounding white space. Adds a field error and returns false when not.
bool CheckText(FieldErrors& errors, std::string_view field, std::string_view value, std::size_t max_length);

// Like CheckText for a slug: [a-z0-9_-], 1..max_length.
bool CheckSlug(FieldErrors& errors, std::string_view field, std::string_view value, std::size_t max_length);

std::string Trim(std::string_view s);
bool IsValidUtf8(std::string_view s);
// Appends `utf8` as a JSON string, quotes included, escaped as nlohmann::json's dump() escapes valid UTF-8:
// \" \\ \b \f \n \r \t, \u00XX for the other control characters, every other byte as it is. Give it valid UTF-8.
void AppendJsonString(std::string& out, std::string_view utf8);
std::string ToLower(std::string_view s);

}  // namespace rt::core
