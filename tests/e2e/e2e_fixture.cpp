#include "e2e_fixture.hpp"

#include <cstdlib>
#include <sstream>
#include <string_view>

#include "support/http_client.hpp"
#include "support/pg_test_db.hpp"

namespace rt::testing {

bool Reply::IsProblem(int expected_status) const {
    const auto j = json();
    return status == expected_status && header("content-type") == "application/problem+json" && j.is_object() &&
           j.value("status", 0) == expected_status && j.contains("title") && j.contains("detail") && j.contains("type");
}

namespace {

Backend BackendFromEnvironment() {
    const char* name = std::getenv("RT_E2E_BACKEND");
    if (name == nullptr || std::string_view(name) == "sqlite") return Backend::kSqlite;
    if (std::string_view(name) == "postgresql") return Backend::kPostgresql;
    ADD_FAILURE() << "RT_E2E_BACKEND=" << name << ": must be sqlite or postgresql";
    return Backend::kSqlite;
}

}  // namespace

E2eTest::E2eTest() : backend_(BackendFromEnvironment()) { db_url_ = NewDatabase("reftrack"); }

E2eTest::~E2eTest() {
    server_.reset();
    for (const auto& url : pg_databases_) DropPgTestDatabase(url);
}

void E2eTest::SetUp() {
    ASSERT_FALSE(db_url_.empty()) << "the test has no database";
    admin_key_ = CreateKey("admin");
    StartServer();
}

std::string E2eTest::NewDatabase(const std::string& name) {
    if (backend_ == Backend::kSqlite) return "sqlite://" + (dir_.path() / (name + ".db")).string();
    std::string url = CreatePgTestDatabase();
    if (!url.empty()) pg_databases_.push_back(url);
    return url;
}

std::map<std::string, std::string> E2eTest::WithBackendEnv(std::map<std::string, std::string> env) const {
    if (backend_ == Backend::kPostgresql) env.emplace("REFTRACK_KEY_FILE", (dir_.path() / "reftrack.key").string());
    return env;
}

CommandResult E2eTest::Reftrack(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
    std::vector<std::string> argv{RT_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    auto full_env = WithBackendEnv(env);
    full_env.emplace("REFTRACK_LOG_LEVEL", "warn");
    return RunCommand(argv, full_env);
}

std::string E2eTest::CreateKey(const std::string& scope) {
    auto r = Reftrack({"keys", "create", "--scope", scope, "--name", "e2e", "--db", db_url()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::istringstream lines(r.out);
    std::string line;
    std::string last;
    while (std::getline(lines, line)) {
        if (!line.empty()) last = line;
    }
    EXPECT_TRUE(last.starts_with("rtk_")) << r.out;
    return last;
}

void E2eTest::StartServer(const std::map<std::string, std::string>& env, const std::vector<std::string>& args) {
    server_.reset();
    std::vector<std::string> all{"--db", db_url()};
    all.insert(all.end(), args.begin(), args.end());
    server_ = std::make_unique<ServerProcess>(RT_BINARY, all, WithBackendEnv(env));
    api_ = std::make_unique<Api>(server_->port(), admin_key_);
}

nlohmann::json E2eTest::CreateProgram(const std::string& name) {
    auto r = api_->Post("/api/v1/programs",
                        {{"name", name}, {"currency", "EUR"}, {"destination_domains", {"shop.example.com"}}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
}

nlohmann::json E2eTest::CreatePartner(const std::string& program_id, const std::string& email) {
    auto r =
        api_->Post("/api/v1/partners", {{"program_id", program_id}, {"name", "Partner " + email}, {"email", email}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
}

nlohmann::json E2eTest::CreateLink(const std::string& partner_id, const nlohmann::json& extra) {
    nlohmann::json body = {{"partner_id", partner_id}, {"destination", "https://shop.example.com/pricing?plan=pro"}};
    body.update(extra);
    auto r = api_->Post("/api/v1/links", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
}

}  // namespace rt::testing

namespace rt::testing {

Reply Api::Send(const std::string& method, const std::string& target, const std::string& body,
                std::map<std::string, std::string> headers) const {
    TestHeaders h(headers.begin(), headers.end());
    if (!token_.empty()) h.emplace_back("Authorization", "Bearer " + token_);
    TestResponse r = Fetch(static_cast<std::uint16_t>(port_), method, target, h, body);
    Reply out;
    out.status = r.status;
    out.body = std::move(r.body);
    for (auto& [k, v] : r.headers) out.headers.emplace(k, v);
    return out;
}

}  // namespace rt::testing
