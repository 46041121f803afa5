#include "http/json_fields.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace rt::http {

const nlohmann::json* JsonFields::Find(std::string_view name) const {
    auto it = object_.find(name);
    return it == object_.end() ? nullptr : &*it;
}

std::optional<std::string> JsonFields::String(std::string_view name, bool null_clears) {
    const auto* v = Find(name);
    if (v == nullptr) return std::nullopt;
    if (v->is_null() && null_clears) return std::string();
    if (!v->is_string()) {
        errors_.Add(Path(name), "must be a string");
        return std::nullopt;
    }
    return v->get<std::string>();
}

std::optional<std::vector<std::string>> JsonFields::StringArray(std::string_view name) {
    const auto* v = Find(name);
    if (v == nullptr) return std::nullopt;
    if (!v->is_array() || !std::all_of(v->begin(), v->end(), [](const auto& e) { return e.is_string(); })) {
        errors_.Add(Path(name), "must be an array of strings");
        return std::nullopt;
    }
    return v->get<std::vector<std::string>>();
}

std::optional<std::int64_t> JsonFields::Integer(std::string_view name) {
    const auto* v = Find(name);
    if (v == nullptr) return std::nullopt;
    if (!v->is_number_integer()) {
        errors_.Add(Path(name), "must be an integer");
        return std::nullopt;
    }
    return v->get<std::int64_t>();
}

const nlohmann::json* JsonFields::Object(std::string_view name) {
    const auto* v = Find(name);
    if (v == nullptr) return nullptr;
    if (!v->is_object()) {
        errors_.Add(Path(name), "must be an object");
        return nullptr;
    }
    return v;
}

const nlohmann::json* JsonFields::Array(std::string_view name) {
    const auto* v = Find(name);
    if (v == nullptr) return nullptr;
    if (!v->is_array()) {
        errors_.Add(Path(name), "must be an array");
        return nullptr;
    }
    return v;
}

void JsonFields::RejectUnknown(std::initializer_list<std::string_view> known) {
    for (const auto& [key, value] : object_.items()) {
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            errors_.Add(Path(key), "is not a known field");
        }
    }
}

void JsonFields::Absorb(JsonFields& nested) {
    if (auto r = nested.errors_.ToResult(); !r) {
        for (const auto& f : r.error().fields()) errors_.Add(f.field, f.message);
    }
}

}  // namespace rt::http
