#pragma once

#include <string>

namespace rt::server {

// Routes spdlog's default logger to stderr (stdout is for command output) as one key=value line per
// event with a UTC timestamp, at `level` (trace … off). Call once per process, before other threads.
void SetUpLogging(const std::string& level);

}  // namespace rt::server
