#include "support/pg_test_db.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>

namespace rt::testing {
namespace {

using PgConnection = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;

// Where the database name of a postgresql:// URL is: [begin, end), after the '/' that ends the authority
// and before any '?'. begin == end == npos when the URL names no database.
struct NameSpan {
    std::size_t begin = std::string::npos;
    std::size_t end = std::string::npos;
};

NameSpan DatabaseNameIn(const std::string& url) {
    const auto scheme_end = url.find("://");
    const auto slash = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
    if (slash == std::string::npos) return {};
    const auto query = url.find('?', slash);
    return {slash + 1, query == std::string::npos ? url.size() : query};
}

// `url` naming database `name` instead of the one it names.
std::string WithDatabase(const std::string& url, const std::string& name) {
    const NameSpan span = DatabaseNameIn(url);
    if (span.begin == std::string::npos) return url + "/" + name;
    return url.substr(0, span.begin) + name + url.substr(span.end);
}

// A connection to `url`, or null after adding a failure that says what it was for.
PgConnection Connect(const std::string& url, const std::string& purpose) {
    const char* keywords[] = {"dbname", "connect_timeout", nullptr};
    const char* values[] = {url.c_str(), "10", nullptr};
    PgConnection conn(PQconnectdbParams(keywords, values, /*expand_dbname=*/1), &PQfinish);
    if (conn == nullptr || PQstatus(conn.get()) != CONNECTION_OK) {
        ADD_FAILURE() << purpose << ": cannot connect to " << url << ": "
                      << (conn ? PQerrorMessage(conn.get()) : "out of memory");
        return PgConnection(nullptr, &PQfinish);
    }
    return conn;
}

// Runs a statement that returns no rows; false after adding a failure.
bool Execute(PGconn* conn, const std::string& sql) {
    PgResult result(PQexec(conn, sql.c_str()), &PQclear);
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
        ADD_FAILURE() << sql << ": " << PQerrorMessage(conn);
        return false;
    }
    return true;
}

std::string QuotedIdentifier(PGconn* conn, const std::string& name) {
    char* quoted = PQescapeIdentifier(conn, name.data(), name.size());
    std::string out = quoted == nullptr ? name : quoted;
    PQfreemem(quoted);
    return out;
}

// rt_<pid>_<counter>_<random>: unique among the test processes sharing the cluster, and across runs that reuse
// a pid.
std::string NewDatabaseName() {
    static std::atomic<unsigned> counter{0};
    std::random_device random;
    char suffix[9];
    std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(random()));
    return "rt_" + std::to_string(getpid()) + "_" + std::to_string(++counter) + "_" + suffix;
}

}  // namespace

std::optional<std::string> PgTestServerUrl() {
    const char* dir = std::getenv("RT_TEST_PG_DIR");
    if (dir == nullptr) return std::nullopt;
    const auto file = std::filesystem::path(dir) / "url";
    std::ifstream in(file);
    std::string url;
    std::getline(in, url);
    if (url.empty()) {
        ADD_FAILURE() << "RT_TEST_PG_DIR is set but " << file
                      << " is missing or empty: is the test cluster running? CTest starts it with the test "
                         "pg_cluster_start; by hand: scripts/pg-test-cluster start "
                      << dir;
        return std::nullopt;
    }
    return url;
}

std::string CreatePgTestDatabase() {
    if (std::getenv("RT_TEST_PG_DIR") == nullptr) {
        ADD_FAILURE() << "a PostgreSQL test database needs the test cluster, but RT_TEST_PG_DIR is not set (CTest "
                         "sets it; by hand: scripts/pg-test-cluster start DIR, then RT_TEST_PG_DIR=DIR)";
        return "";
    }
    const auto server = PgTestServerUrl();
    if (!server) return "";
    auto conn = Connect(*server, "creating a test database");
    if (conn == nullptr) return "";
    const std::string name = NewDatabaseName();
    if (!Execute(conn.get(), "CREATE DATABASE " + QuotedIdentifier(conn.get(), name))) return "";
    return WithDatabase(*server, name);
}

void DropPgTestDatabase(const std::string& url) {
    const NameSpan span = DatabaseNameIn(url);
    if (span.begin == std::string::npos || span.begin == span.end) {
        ADD_FAILURE() << "dropping a test database: " << url << " names no database";
        return;
    }
    const std::string name = url.substr(span.begin, span.end - span.begin);
    auto conn = Connect(WithDatabase(url, "postgres"), "dropping test database " + name);
    if (conn == nullptr) return;
    Execute(conn.get(), "DROP DATABASE " + QuotedIdentifier(conn.get(), name) + " WITH (FORCE)");
}

}  // namespace rt::testing
