#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/error.hpp"

namespace rt::server {

// Everything `reftrack serve` can be told, after validation. Each field says its default.
struct Config {
    std::string listen_host = "127.0.0.1";          // listen: HOST:PORT to bind; 127.0.0.1 keeps it off the network
    std::uint16_t listen_port = 8080;               // 0 picks a free port (tests)
    std::string db = "sqlite://./var/reftrack.db";  // db: sqlite:///abs.db, sqlite://rel.db, postgresql://…
    std::string public_url;  // public_url: base of tracking URLs; empty: http://<listen host>:<bound port>
    // key_file: the secret key for IP and email hashing and email encryption, created with mode 0600 on
    // first start; empty means reftrack.key beside a SQLite database, else ./var/reftrack.key. Back it
    // up with the database: without it stored emails cannot be read.
    std::string key_file;
    std::string log_level = "info";  // log_level: trace, debug, info, warn, error, off
    // workers: threads for blocking work (database, hashing). 32: a conversion waits in its group commit on a
    // worker, so the workers bound how many conversions share a commit (docs/benchmarks.md: 8 → 32 workers,
    // +12 % conversions/s, −10 % CPU per conversion).
    int workers = 32;
    int io_threads = 1;                                // io_threads: HTTP I/O threads; they never block
    std::size_t body_limit_bytes = 1 << 20;            // body_limit_bytes: larger bodies get 413
    std::chrono::milliseconds header_timeout{10'000};  // header_timeout_ms: to receive a request head
    std::chrono::milliseconds idle_timeout{60'000};    // idle_timeout_ms: keep-alive without a request
    std::chrono::milliseconds shutdown_grace{10'000};  // shutdown_grace_ms: in-flight work on SIGTERM
    // session_idle_seconds: a login session unused this long ends (1 s to 7 days; sessions end after 7 days
    // anyway). Shorter is safer on shared computers, longer spares people logging in again.
    std::chrono::seconds session_idle{43'200};
};

// Where raw setting values come from, lowest precedence first: defaults, the TOML file, REFTRACK_*
// environment variables, command-line flags.
struct ConfigSources {
    std::optional<std::string> file;                                    // --config / REFTRACK_CONFIG
    std::map<std::string, std::string> flags;                           // by setting name ("listen")
    std::function<std::optional<std::string>(const std::string&)> env;  // reads an environment variable
};

// The setting names, as used in the TOML file; the environment variable is REFTRACK_ + upper case.
const std::vector<std::string>& SettingNames();

// On success a validated Config. On failure kInvalid with a one-line message naming the setting and
// where its value came from ("invalid setting listen (from REFTRACK_LISTEN): expected HOST:PORT").
core::Result<Config> LoadConfig(const ConfigSources& sources);

// Reads the process environment.
std::optional<std::string> ProcessEnv(const std::string& name);

}  // namespace rt::server
