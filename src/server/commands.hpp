#pragma once

#include <string>

#include "server/config.hpp"

// The commands of the `reftrack` binary, each returning the process exit code. Errors are printed as
// one line on stderr ("reftrack: …"); results on stdout.
namespace rt::server {

// Starts the HTTP server and blocks until SIGINT/SIGTERM. With `demo`, an empty database is seeded
// and a fresh admin key named "make-run" (replacing the previous one) is printed.
int RunServe(const ConfigSources& sources, bool demo);

int RunMigrate(const ConfigSources& sources);

// Checks every program's event chain; exit 0 only when all are intact, else names the first broken
// event on stderr and exits 1.
int RunVerify(const ConfigSources& sources);

// `reftrack rollups rebuild [--check]`: recomputes the report rollups from raw rows, or (check) compares
// them with the maintained ones; with check, exit 1 when any cell differs (the first few are listed).
int RunRollupsRebuild(const ConfigSources& sources, bool check);

// Prints the new key alone on the last line of stdout.
int RunKeysCreate(const ConfigSources& sources, const std::string& scope, const std::string& name);

}  // namespace rt::server
