// docs/openapi.json against the router production builds: every route is documented and every documented
// operation is routed; the document is internally consistent (operation ids, 2xx answers, path parameters,
// $refs); and what the routes really answer (status, media type, members) is what the document says.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "app/key_service.hpp"
#include "app/link_service.hpp"
#include "app/partner_service.hpp"
#include "app/program_service.hpp"
#include "core/api_key.hpp"
#include "http/api_routes.hpp"
#include "http/router.hpp"
#include "http/routes_ops.hpp"
#include "http/worker_pool.hpp"
#include "ports/fakes.hpp"
#include "storage/open_store.hpp"

namespace rt::http {
namespace {

using Json = nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::IsSupersetOf;

constexpr std::string_view kHttpMethods[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

bool IsHttpMethod(std::string_view key) {
    return std::find(std::begin(kHttpMethods), std::end(kHttpMethods), key) != std::end(kHttpMethods);
}

std::string Upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string Lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// "GET /api/v1/links/{id}" for every operation of the document.
std::set<std::string> DocumentOperations(const Json& doc) {
    std::set<std::string> out;
    for (const auto& [path, item] : doc.at("paths").items()) {
        for (const auto& [key, operation] : item.items()) {
            if (IsHttpMethod(key)) out.insert(Upper(key) + " " + path);
        }
    }
    return out;
}

// One line per difference: every route the document lacks, every documented operation the router lacks,
// every route added twice. Empty when they agree.
std::vector<std::string> CompareOperations(const std::vector<RouteInfo>& routes,
                                           const std::set<std::string>& documented) {
    std::vector<std::string> out;
    std::set<std::string> routed;
    for (const auto& r : routes) {
        const std::string name = std::string(ToString(r.method)) + " " + r.pattern;
        if (!routed.insert(name).second) out.push_back("routed twice: " + name);
        if (!documented.contains(name)) out.push_back("routed but not documented: " + name);
    }
    for (const auto& d : documented) {
        if (!routed.contains(d)) out.push_back("documented but not routed: " + d);
    }
    return out;
}

// The target of a local reference ("#/components/schemas/Link"), or nullptr.
const Json* ResolveRef(const Json& doc, const std::string& ref) {
    if (!ref.starts_with("#/")) return nullptr;
    try {
        const Json::json_pointer pointer(ref.substr(1));
        return doc.contains(pointer) ? &doc.at(pointer) : nullptr;
    } catch (const Json::exception&) {
        return nullptr;
    }
}

// `node` with its $ref chain followed; nullptr when a reference does not resolve (or loops).
const Json* Deref(const Json& doc, const Json& node) {
    const Json* at = &node;
    for (int hops = 0; at->is_object() && at->contains("$ref"); ++hops) {
        if (hops > 16 || !at->at("$ref").is_string()) return nullptr;
        at = ResolveRef(doc, at->at("$ref").get<std::string>());
        if (at == nullptr) return nullptr;
    }
    return at;
}

void CollectUnresolvedRefs(const Json& doc, const Json& node, const std::string& at, std::vector<std::string>& out) {
    if (node.is_object()) {
        if (auto ref = node.find("$ref"); ref != node.end()) {
            if (!ref->is_string() || ResolveRef(doc, ref->get<std::string>()) == nullptr) {
                out.push_back(at + ": $ref " + ref->dump() + " does not resolve");
            }
        }
        for (const auto& [key, child] : node.items()) CollectUnresolvedRefs(doc, child, at + "/" + key, out);
    } else if (node.is_array()) {
        for (std::size_t i = 0; i < node.size(); ++i)
            CollectUnresolvedRefs(doc, node[i], at + "/" + std::to_string(i), out);
    }
}

// Every $ref of the document that names nothing in it.
std::vector<std::string> UnresolvedRefs(const Json& doc) {
    std::vector<std::string> out;
    CollectUnresolvedRefs(doc, doc, "#", out);
    return out;
}

// Operations without an operationId (or with one used twice) or without a 2xx response.
std::vector<std::string> OperationProblems(const Json& doc) {
    std::vector<std::string> out;
    std::set<std::string> ids;
    for (const auto& [path, item] : doc.at("paths").items()) {
        for (const auto& [key, operation] : item.items()) {
            if (!IsHttpMethod(key)) continue;
            const std::string name = Upper(key) + " " + path;
            const auto id = operation.find("operationId");
            if (id == operation.end() || !id->is_string() || id->get<std::string>().empty()) {
                out.push_back(name + ": no operationId");
            } else if (!ids.insert(id->get<std::string>()).second) {
                out.push_back(name + ": operationId " + id->get<std::string>() + " is used twice");
            }
            const Json responses = operation.value("responses", Json::object());
            bool success = false;
            for (const auto& [status, response] : responses.items()) {
                success = success || (status.size() == 3 && status[0] == '2');
            }
            if (!success) out.push_back(name + ": no 2xx response");
        }
    }
    return out;
}

std::set<std::string> Placeholders(const std::string& path) {
    std::set<std::string> out;
    static const std::regex kPlaceholder(R"(\{([^}/]+)\})");
    for (std::sregex_iterator it(path.begin(), path.end(), kPlaceholder), end; it != end; ++it) out.insert((*it)[1]);
    return out;
}

// Operations whose path placeholders and declared path parameters (path-level or operation-level) differ,
// or whose path parameters are not required.
std::vector<std::string> PathParameterProblems(const Json& doc) {
    std::vector<std::string> out;
    for (const auto& [path, item] : doc.at("paths").items()) {
        const std::set<std::string> wanted = Placeholders(path);
        for (const auto& [key, operation] : item.items()) {
            if (!IsHttpMethod(key)) continue;
            const std::string name = Upper(key) + " " + path;
            std::set<std::string> declared;
            for (const Json* list : {&item, &operation}) {
                for (const auto& p : list->value("parameters", Json::array())) {
                    const Json* param = Deref(doc, p);
                    if (param == nullptr || param->value("in", "") != "path") continue;
                    declared.insert(param->value("name", ""));
                    if (!param->value("required", false)) out.push_back(name + ": path parameter is not required");
                }
            }
            for (const auto& w : wanted) {
                if (!declared.contains(w)) out.push_back(name + ": {" + w + "} is not declared as a path parameter");
            }
            for (const auto& d : declared) {
                if (!wanted.contains(d)) out.push_back(name + ": path parameter " + d + " is not in the path");
            }
        }
    }
    return out;
}

bool TypeMatches(const Json& type, const Json& value) {
    if (type.is_array()) {
        return std::any_of(type.begin(), type.end(), [&](const Json& t) { return TypeMatches(t, value); });
    }
    const std::string t = type.get<std::string>();
    if (t == "object") return value.is_object();
    if (t == "array") return value.is_array();
    if (t == "string") return value.is_string();
    if (t == "integer") return value.is_number_integer();
    if (t == "number") return value.is_number();
    if (t == "boolean") return value.is_boolean();
    if (t == "null") return value.is_null();
    return false;
}

// Where `value` departs from `schema`, for the subset of JSON Schema the document uses to describe answers:
// $ref, type, const, enum, pattern, properties, required, additionalProperties: false, items.
void CheckValue(const Json& doc, const Json& schema_node, const Json& value, const std::string& at,
                std::vector<std::string>& out) {
    const Json* schema = Deref(doc, schema_node);
    if (schema == nullptr) {
        out.push_back(at + ": the schema does not resolve");
        return;
    }
    if (schema->contains("type") && !TypeMatches(schema->at("type"), value)) {
        out.push_back(at + ": " + value.dump() + " is not of type " + schema->at("type").dump());
        return;
    }
    if (schema->contains("const") && value != schema->at("const")) {
        out.push_back(at + ": " + value.dump() + " is not " + schema->at("const").dump());
    }
    if (const auto e = schema->find("enum"); e != schema->end() && std::find(e->begin(), e->end(), value) == e->end()) {
        out.push_back(at + ": " + value.dump() + " is not one of " + e->dump());
    }
    if (const auto p = schema->find("pattern");
        p != schema->end() && value.is_string() &&
        !std::regex_search(value.get<std::string>(), std::regex(p->get<std::string>()))) {
        out.push_back(at + ": " + value.dump() + " does not match " + p->get<std::string>());
    }
    if (value.is_object() && schema->contains("properties")) {
        const Json& properties = schema->at("properties");
        for (const auto& r : schema->value("required", Json::array())) {
            if (!value.contains(r.get<std::string>()))
                out.push_back(at + ": required member " + r.dump() + " is missing");
        }
        const auto extra = schema->find("additionalProperties");
        const bool closed = extra != schema->end() && extra->is_boolean() && !extra->get<bool>();
        for (const auto& [key, member] : value.items()) {
            if (properties.contains(key)) {
                CheckValue(doc, properties.at(key), member, at + "." + key, out);
            } else if (closed) {
                out.push_back(at + ": member " + key + " is not documented");
            }
        }
    }
    if (value.is_array() && schema->contains("items")) {
        for (std::size_t i = 0; i < value.size(); ++i) {
            CheckValue(doc, schema->at("items"), value[i], at + "[" + std::to_string(i) + "]", out);
        }
    }
}

std::string HeaderOf(const Response& res, std::string_view name) {
    for (const auto& h : res.headers) {
        if (Lower(h.name) == name) return h.value;
    }
    return "";
}

// True when the problem in `res` lists `field`, with "is not a known field" exactly when `as_unknown`.
bool NamesField(const Response& res, const std::string& field, bool as_unknown) {
    const Json body = Json::parse(res.body, nullptr, /*allow_exceptions=*/false);
    if (!body.is_object() || !body.contains("errors")) return false;
    for (const auto& e : body.at("errors")) {
        const bool unknown = e.value("message", "") == "is not a known field";
        if (e.value("field", "") == field && unknown == as_unknown) return true;
    }
    return false;
}

class OpenApiTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto store = storage::OpenStore("memory://");
        ASSERT_TRUE(store) << store.error().message();
        store_ = std::move(*store);
        auto migrated = store_->Migrate();
        ASSERT_TRUE(migrated) << migrated.error().message();

        const app::Deps deps{*store_, clock_, random_};
        programs_ = std::make_unique<app::ProgramService>(deps);
        partners_ = std::make_unique<app::PartnerService>(deps);
        links_ = std::make_unique<app::LinkService>(deps);
        keys_ = std::make_unique<app::KeyService>(deps, hasher_);
        pool_ = std::make_unique<WorkerPool>(1, 16);
        router_ = std::make_unique<Router>(*pool_);
        api_ =
            std::make_unique<ApiContext>(ApiContext{*programs_, *partners_, *links_, *keys_, "http://127.0.0.1:8080"});
        AddProgramRoutes(*router_, *api_);
        AddPartnerRoutes(*router_, *api_);
        AddLinkRoutes(*router_, *api_);
        AddOpsRoutes(*router_, {[this] { return ready_.load(); }, [] { return std::string("# no metrics yet\n"); }});

        doc_ = Json::parse(OpenApiDocument(), nullptr, /*allow_exceptions=*/false);
        ASSERT_TRUE(doc_.is_object()) << "docs/openapi.json is not a JSON object";
        ASSERT_TRUE(doc_.contains("paths")) << "docs/openapi.json has no paths";

        auto admin = keys_->Create(core::Scope::Admin(), "admin");
        ASSERT_TRUE(admin) << admin.error().message();
        admin_token_ = admin->token;
    }

    // Queued work refers to the routes and services: it finishes before they go.
    void TearDown() override { pool_.reset(); }

    // The router's answer to one request, as the transport would receive it.
    Response Call(Method method, const std::string& target, const std::string& body = "",
                  const std::string& content_type = "application/json", std::optional<std::string> token = {}) {
        Request req;
        req.method = method;
        req.target = target;
        const auto q = target.find('?');
        req.path = target.substr(0, q);
        req.query = q == std::string::npos ? "" : target.substr(q + 1);
        const std::string key = token.value_or(admin_token_);
        if (!key.empty()) req.headers.push_back({"authorization", "Bearer " + key});
        if (!body.empty()) req.headers.push_back({"content-type", content_type});
        req.body = body;
        auto answer = std::make_shared<std::promise<Response>>();
        auto future = answer->get_future();
        router_->Dispatch(std::move(req), [answer](Response res) { answer->set_value(std::move(res)); });
        if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
            ADD_FAILURE() << "no answer to " << ToString(method) << " " << target;
            return {};
        }
        return future.get();
    }

    // Checks an answer against the document: its status is listed for the operation that answered, with the
    // answer's media type, and the body matches the schema given there. Returns the parsed JSON body.
    Json ExpectDocumented(Method method, const Response& res) {
        const std::string name = std::string(ToString(method)) + " " + res.route;
        const Json& paths = doc_.at("paths");
        const auto item = paths.find(res.route);
        const auto operation = item == paths.end() ? item : item->find(Lower(ToString(method)));
        if (res.route.empty() || item == paths.end() || operation == item->end()) {
            ADD_FAILURE() << name << " answered " << res.status << " but is not a documented operation";
            return {};
        }
        const Json& responses = operation->at("responses");
        const auto listed = responses.find(std::to_string(res.status));
        if (listed == responses.end()) {
            ADD_FAILURE() << name << " answered " << res.status << ", which the document does not list: " << res.body;
            return {};
        }
        const Json* response = Deref(doc_, *listed);
        const std::string media = HeaderOf(res, "content-type");
        if (response == nullptr || !response->contains("content") || !response->at("content").contains(media)) {
            ADD_FAILURE() << name << " " << res.status << " answered " << media << ", which the document does not list";
            return {};
        }
        if (media != "application/json" && media != "application/problem+json") return {};
        Json body = Json::parse(res.body, nullptr, /*allow_exceptions=*/false);
        std::vector<std::string> departures;
        CheckValue(doc_, response->at("content").at(media).at("schema"), body, "body", departures);
        EXPECT_THAT(departures, IsEmpty()) << name << " " << res.status << ": " << res.body;
        return body;
    }

    Json CallDocumented(Method method, const std::string& target, int want_status, const std::string& body = "",
                        const std::string& content_type = "application/json", std::optional<std::string> token = {}) {
        const Response res = Call(method, target, body, content_type, std::move(token));
        EXPECT_EQ(res.status, want_status) << ToString(method) << " " << target << ": " << res.body;
        return ExpectDocumented(method, res);
    }

    ports::FakeClock clock_;
    ports::SeededRandom random_;
    ports::PlainHasher hasher_;
    std::unique_ptr<ports::Store> store_;
    std::unique_ptr<app::ProgramService> programs_;
    std::unique_ptr<app::PartnerService> partners_;
    std::unique_ptr<app::LinkService> links_;
    std::unique_ptr<app::KeyService> keys_;
    std::unique_ptr<WorkerPool> pool_;
    std::unique_ptr<Router> router_;
    std::unique_ptr<ApiContext> api_;
    std::atomic<bool> ready_{true};
    Json doc_;
    std::string admin_token_;
};

TEST_F(OpenApiTest, DocumentIsOpenApi31AndServedAsIs) {
    EXPECT_EQ(doc_.value("openapi", ""), "3.1.0");
    EXPECT_EQ(doc_["info"].value("version", ""), "0.1.0");
    const Response res = Call(Method::kGet, "/api/openapi.json", "", "", "");
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.body, OpenApiDocument());
}

TEST_F(OpenApiTest, EveryRouteIsDocumentedAndEveryOperationIsRouted) {
    EXPECT_THAT(CompareOperations(router_->Routes(), DocumentOperations(doc_)), IsEmpty());
}

// The comparison cannot pass vacuously: a route the document lacks, and an operation the router lacks, are named.
TEST_F(OpenApiTest, ComparisonFlagsRoutesAndOperationsTheOtherSideLacks) {
    router_->Add(Method::kDelete, "/api/v1/links/{id}", [](const Request&, const PathParams&) { return Response{}; });
    Json doc = doc_;
    doc["paths"]["/api/v1/widgets"]["get"] = {{"operationId", "listWidgets"}, {"responses", {{"200", {}}}}};
    router_->Add(Method::kGet, "/healthz", [](const Request&, const PathParams&) { return Response{}; });
    EXPECT_THAT(CompareOperations(router_->Routes(), DocumentOperations(doc)),
                IsSupersetOf({"routed but not documented: DELETE /api/v1/links/{id}",
                              "documented but not routed: GET /api/v1/widgets", "routed twice: GET /healthz"}));
}

TEST_F(OpenApiTest, EveryOperationHasAnIdAndASuccessResponse) { EXPECT_THAT(OperationProblems(doc_), IsEmpty()); }

TEST_F(OpenApiTest, EveryPathPlaceholderIsADeclaredPathParameter) {
    EXPECT_THAT(PathParameterProblems(doc_), IsEmpty());
}

TEST_F(OpenApiTest, EveryRefResolves) { EXPECT_THAT(UnresolvedRefs(doc_), IsEmpty()); }

TEST_F(OpenApiTest, ConsistencyChecksFlagABrokenDocument) {
    const Json broken = Json::parse(R"({"paths": {"/things/{id}": {"get": {
        "responses": {"404": {"$ref": "#/components/responses/Missing"}}}}}})");
    EXPECT_THAT(OperationProblems(broken),
                ElementsAre("GET /things/{id}: no operationId", "GET /things/{id}: no 2xx response"));
    EXPECT_THAT(PathParameterProblems(broken),
                ElementsAre("GET /things/{id}: {id} is not declared as a path parameter"));
    EXPECT_THAT(UnresolvedRefs(broken),
                ElementsAre("#/paths//things/{id}/get/responses/404: $ref \"#/components/responses/Missing\" does not "
                            "resolve"));
}

TEST_F(OpenApiTest, AnswersMatchTheDocument) {
    const std::string program_body =
        R"({"name": "Acme", "currency": "EUR", "destination_domains": ["acme.example", "*.acme.example"]})";
    const Json program = CallDocumented(Method::kPost, "/api/v1/programs", 201, program_body);
    const std::string program_id = program.value("id", "");
    CallDocumented(Method::kPost, "/api/v1/programs", 401, program_body, "application/json", "");
    CallDocumented(Method::kPost, "/api/v1/programs", 415, program_body, "text/plain");
    CallDocumented(Method::kPost, "/api/v1/programs", 400, "{");
    CallDocumented(Method::kPost, "/api/v1/programs", 422, R"({"name": 1, "colour": "red"})");
    CallDocumented(Method::kGet, "/api/v1/programs", 200);
    CallDocumented(Method::kGet, "/api/v1/programs?limit=0", 422);
    CallDocumented(Method::kGet, "/api/v1/programs/" + program_id, 200);
    CallDocumented(Method::kGet, "/api/v1/programs/prg_nope", 404);
    CallDocumented(Method::kPatch, "/api/v1/programs/" + program_id, 200,
                   R"({"attribution": {"model": "linear", "window_days": 30}})");

    const std::string partner_body =
        R"({"program_id": ")" + program_id + R"(", "name": "Ada", "email": "ada@partners.example"})";
    const Json partner = CallDocumented(Method::kPost, "/api/v1/partners", 201, partner_body);
    const std::string partner_id = partner.value("id", "");
    CallDocumented(Method::kPost, "/api/v1/partners", 409, partner_body);
    CallDocumented(Method::kGet, "/api/v1/partners?program_id=" + program_id, 200);
    CallDocumented(Method::kGet, "/api/v1/partners/" + partner_id, 200);
    CallDocumented(Method::kPatch, "/api/v1/partners/" + partner_id, 200, R"({"group": "gold"})");

    const std::string link_body = R"({"partner_id": ")" + partner_id +
                                  R"(", "destination": "https://shop.acme.example/a", "code": "Ada-Spring"})";
    const Json link = CallDocumented(Method::kPost, "/api/v1/links", 201, link_body);
    const std::string link_id = link.value("id", "");
    CallDocumented(Method::kPost, "/api/v1/links", 409, link_body);
    CallDocumented(Method::kPost, "/api/v1/links", 201,
                   R"({"partner_id": ")" + partner_id + R"(", "destination": "https://acme.example/"})");
    CallDocumented(Method::kGet, "/api/v1/links?partner_id=" + partner_id + "&limit=1", 200);
    CallDocumented(Method::kGet, "/api/v1/links/" + link_id, 200);
    CallDocumented(Method::kPatch, "/api/v1/links/" + link_id, 200, R"({"status": "disabled", "campaign": null})");

    auto partner_key = keys_->Create(core::Scope::ForPartner(core::PartnerId::FromTrusted(partner_id)), "partner");
    ASSERT_TRUE(partner_key) << partner_key.error().message();
    CallDocumented(Method::kPost, "/api/v1/programs", 403, program_body, "application/json", partner_key->token);
    CallDocumented(Method::kGet, "/api/v1/links/lnk_00000000000000000000000000", 404, "", "", partner_key->token);

    CallDocumented(Method::kGet, "/healthz", 200, "", "", "");
    CallDocumented(Method::kGet, "/readyz", 200, "", "", "");
    ready_ = false;
    CallDocumented(Method::kGet, "/readyz", 503, "", "", "");
    CallDocumented(Method::kGet, "/metrics", 200, "", "", "");
    CallDocumented(Method::kGet, "/api/openapi.json", 200, "", "", "");
    CallDocumented(Method::kGet, "/", 200, "", "", "");
}

TEST_F(OpenApiTest, EveryDocumentedBodyMemberIsKnownToTheParser) {
    for (const auto& [path, item] : doc_.at("paths").items()) {
        for (const auto& [key, operation] : item.items()) {
            if (!IsHttpMethod(key) || !operation.contains("requestBody")) continue;
            const std::string name = Upper(key) + " " + path;
            const Method method = key == "post" ? Method::kPost : Method::kPatch;
            ASSERT_TRUE(key == "post" || key == "patch") << name;
            std::string target = path;
            if (const auto brace = target.find("/{"); brace != std::string::npos)
                target = target.substr(0, brace) + "/x";
            const Json* body = Deref(doc_, operation.at("requestBody"));
            ASSERT_NE(body, nullptr) << name;
            const Json* schema = Deref(doc_, body->at("content").at("application/json").at("schema"));
            ASSERT_NE(schema, nullptr) << name;
            EXPECT_EQ(schema->value("additionalProperties", true), false)
                << name << ": the parsers refuse unknown members";

            // A member of the wrong type is refused by name; an unknown member as unknown.
            for (const auto& [member, member_schema] : schema->at("properties").items()) {
                const Response res = Call(method, target, Json{{member, true}}.dump());
                EXPECT_EQ(res.status, 422) << name << " with " << member << ": " << res.body;
                EXPECT_TRUE(NamesField(res, member, /*as_unknown=*/false))
                    << name << ": " << member << " is documented but the parser does not know it: " << res.body;
            }
            const Response res = Call(method, target, R"({"surely_not_a_member": 1})");
            EXPECT_EQ(res.status, 422) << name << ": " << res.body;
            EXPECT_TRUE(NamesField(res, "surely_not_a_member", /*as_unknown=*/true)) << name << ": " << res.body;
        }
    }
}

}  // namespace
}  // namespace rt::http
