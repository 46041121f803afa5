#pragma once

#include "app/demo_data.hpp"
#include "server/config.hpp"

namespace rt::server {

// `reftrack demo`: creates a new demo program filled with synthetic activity (app::GenerateDemoData) in
// the configured database, migrating it first. Writes with synchronous=OFF (storage::StoreOptions::
// bulk_load): a crash of the machine meanwhile may lose the demo data. Shows progress on stderr (one
// updating line on a terminal, else a line every 10%) and prints a summary on stdout. Returns the exit
// code: 0, 1 for a database error, 2 for options out of range; errors are one line on stderr.
int RunDemo(const ConfigSources& sources, const app::DemoOptions& options);

}  // namespace rt::server
