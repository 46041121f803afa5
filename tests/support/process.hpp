#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace rt::testing {

struct CommandResult {
    int exit_code = -1;  // -1 when killed by a signal
    std::string out;
    std::string err;
};

// Runs a program to completion with extra environment variables; captures stdout and stderr.
CommandResult RunCommand(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {});

// The real `reftrack serve` as a child process on 127.0.0.1 and a free port, with stdout read until
// its "listening on" line. The destructor sends SIGTERM and waits (SIGKILL after 15 s).
class ServerProcess {
  public:
    // Starts `binary serve --listen 127.0.0.1:0 <extra args>`; throws std::runtime_error when the
    // server does not report listening within `timeout`, with whatever it printed.
    ServerProcess(const std::string& binary, const std::vector<std::string>& extra_args,
                  const std::map<std::string, std::string>& env = {},
                  std::chrono::milliseconds timeout = std::chrono::seconds(20));
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    int port() const { return port_; }
    pid_t pid() const { return pid_; }
    // Everything printed on stdout up to the listening line (the demo banner, for instance).
    const std::string& startup_output() const { return startup_output_; }

    // Sends `signal` and waits for the exit; returns the exit code (-1 for death by signal).
    int StopWith(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(15));

  private:
    pid_t pid_ = -1;
    int port_ = 0;
    int stdout_fd_ = -1;
    std::string startup_output_;
};

}  // namespace rt::testing
