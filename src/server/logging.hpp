#pragma once

#include <string>

namespace rt::server {

// Routes spdlog's default logger to stderr (stdout is for command output) as one key=value line per
// event with a UTC timestamp, at `level` (trace … off). Call once per process, before other threads.
// On a terminal every line is written at once (in colour); otherwise (a file, a pipe, journald) lines are
// buffered and written every second, at once for warnings and errors, and all of them at a normal exit.
void SetUpLogging(const std::string& level);

}  // namespace rt::server
