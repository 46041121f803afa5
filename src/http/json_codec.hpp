#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "core/error.hpp"
#include "core/link.hpp"
#include "core/page.hpp"
#include "core/partner.hpp"
#include "core/program.hpp"

// The JSON forms of the API's resources (docs/openapi.json describes them) and the parsers of their
// request bodies. Parsers return kInvalid naming every bad field, including unknown ones.
namespace rt::http {

nlohmann::json ToJson(const core::Program& program);
nlohmann::json CommissionJson(const core::CommissionPlan& plan);
nlohmann::json ToJson(const core::Partner& partner);
// `public_base_url` is where /r/{code} is served ("https://go.example.com").
nlohmann::json ToJson(const core::Link& link, std::string_view public_base_url);

core::Result<core::ProgramFields> ParseProgramFields(const nlohmann::json& body);
core::Result<core::PartnerFields> ParsePartnerFields(const nlohmann::json& body);
core::Result<core::LinkFields> ParseLinkFields(const nlohmann::json& body);

// {"object": "list", "data": [...], "has_more": bool}
template <class T, class ToJsonFn>
nlohmann::json PageToJson(const core::Page<T>& page, ToJsonFn&& to_json) {
    nlohmann::json data = nlohmann::json::array();
    for (const auto& item : page.data) data.push_back(to_json(item));
    return {{"object", "list"}, {"data", std::move(data)}, {"has_more", page.has_more}};
}

}  // namespace rt::http
