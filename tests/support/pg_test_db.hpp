#pragma once

#include <optional>
#include <string>

// Databases of their own for tests on the throwaway PostgreSQL cluster that scripts/pg-test-cluster runs
// (CTest starts it as the fixture `pg` and passes its directory in RT_TEST_PG_DIR). Test-only: failures are
// reported as GoogleTest failures of the running test.
namespace rt::testing {

// The cluster's URL, postgresql://reftrack@127.0.0.1:PORT/postgres, read from $RT_TEST_PG_DIR/url; nullopt
// when RT_TEST_PG_DIR is unset (the test runs without the cluster). When it is set but the file cannot be read,
// adds a failure and returns nullopt.
std::optional<std::string> PgTestServerUrl();

// Creates an empty database with a name no other test process uses (rt_<pid>_<counter>_<random>) and returns
// its URL: the server's URL naming that database. Adds a failure and returns "" when RT_TEST_PG_DIR is unset
// or the database cannot be created. Thread-safe.
std::string CreatePgTestDatabase();

// Drops the database of `url` (a URL CreatePgTestDatabase returned), closing any connection still open to it.
// Adds a failure when that does not succeed.
void DropPgTestDatabase(const std::string& url);

}  // namespace rt::testing
