#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace rt::testing {

struct Reply {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;

    nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
    std::string header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? "" : it->second;
    }
    // True for an RFC 9457 problem response with this status.
    bool IsProblem(int expected_status) const;
};

// HTTP/1.1 over loopback to one server, authenticating with `token` (none when empty).
class Api {
  public:
    Api(int port, std::string token) : port_(port), token_(std::move(token)) {}

    Reply Send(const std::string& method, const std::string& target, const std::string& body = "",
               std::map<std::string, std::string> headers = {}) const;
    Reply Get(const std::string& target) const { return Send("GET", target); }
    Reply Post(const std::string& target, const nlohmann::json& body) const {
        return Send("POST", target, body.dump(), {{"Content-Type", "application/json"}});
    }
    Reply Patch(const std::string& target, const nlohmann::json& body) const {
        return Send("PATCH", target, body.dump(), {{"Content-Type", "application/json"}});
    }
    Api WithToken(std::string token) const { return Api(port_, std::move(token)); }
    int port() const { return port_; }

  private:
    int port_;
    std::string token_;
};

// The database the suite runs on, from the environment variable RT_E2E_BACKEND: `sqlite` (the default) or
// `postgresql` (a database of its own for each test on the test cluster that RT_TEST_PG_DIR names, see
// support/pg_test_db.hpp).
enum class Backend { kSqlite, kPostgresql };

// A temporary database, an admin key made with `reftrack keys create`, and the real server.
class E2eTest : public ::testing::Test {
  protected:
    // Makes the test's database (in the constructor, as subclasses that start no server override SetUp).
    E2eTest();
    // Stops the server, then drops the test's PostgreSQL databases.
    ~E2eTest() override;
    void SetUp() override;
    void TearDown() override { server_.reset(); }

    // Runs the binary with these arguments (plus REFTRACK_LOG_LEVEL=warn and WithBackendEnv's).
    CommandResult Reftrack(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {});
    // `env` plus what every reftrack command of this test needs on its backend, unless `env` sets it: on
    // PostgreSQL the key file in dir_ (its default there, ./var/reftrack.key, would be shared by every test).
    std::map<std::string, std::string> WithBackendEnv(std::map<std::string, std::string> env) const;
    // Another empty database for this test, dropped with it: its URL (`name`.db in dir_ on SQLite).
    std::string NewDatabase(const std::string& name);
    // `reftrack keys create --scope <scope>` against this test's database; the key, or fails the test.
    std::string CreateKey(const std::string& scope);
    // (Re)starts the server with extra environment and arguments.
    void StartServer(const std::map<std::string, std::string>& env = {}, const std::vector<std::string>& args = {});

    // Creates a program, a partner in it and a link of that partner, each checked for 201.
    nlohmann::json CreateProgram(const std::string& name = "Acme");
    nlohmann::json CreatePartner(const std::string& program_id, const std::string& email);
    nlohmann::json CreateLink(const std::string& partner_id, const nlohmann::json& extra = nlohmann::json::object());

    // The URL of the test's database: sqlite://<dir_>/reftrack.db, or postgresql://… ("" when it could not be
    // made).
    const std::string& db_url() const { return db_url_; }

    TempDir dir_;
    Backend backend_ = Backend::kSqlite;
    std::string db_url_;
    std::vector<std::string> pg_databases_;  // dropped by the destructor
    std::string admin_key_;
    std::unique_ptr<ServerProcess> server_;
    std::unique_ptr<Api> api_;  // as admin
};

}  // namespace rt::testing
