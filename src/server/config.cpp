#include "server/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <filesystem>

#include "core/url.hpp"

namespace rt::server {

namespace {

struct RawValue {
    std::string value;
    std::string source;  // "--listen", "REFTRACK_LISTEN", "config.toml", for messages
};

std::string EnvName(const std::string& setting) {
    std::string out = "REFTRACK_" + setting;
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
    return out;
}

core::Error Invalid(const std::string& name, const RawValue& raw, const std::string& expected) {
    return core::Error::Invalid(name, "invalid setting " + name + " (from " + raw.source + "): expected " + expected +
                                          ", got '" + raw.value + "'");
}

// Reads the TOML file into raw values; every key must be a known setting.
core::Result<void> ReadFile(const std::string& path, std::map<std::string, RawValue>& out) {
    toml::table table;
    try {
        table = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        return core::Fail(
            core::Error::Invalid("config", "cannot read config file " + path + ": " + std::string(e.description())));
    }
    const auto& names = SettingNames();
    for (const auto& [key, node] : table) {
        const std::string name(key.str());
        if (std::find(names.begin(), names.end(), name) == names.end()) {
            return core::Fail(core::Error::Invalid(name, "unknown setting " + name + " in " + path));
        }
        if (auto s = node.value<std::string>(); s && node.is_string()) {
            out[name] = {*s, path};
        } else if (auto i = node.value<std::int64_t>(); i && node.is_integer()) {
            out[name] = {std::to_string(*i), path};
        } else {
            return core::Fail(
                core::Error::Invalid(name, "setting " + name + " in " + path + " must be a string or an integer"));
        }
    }
    return {};
}

core::Result<std::map<std::string, RawValue>> Gather(const ConfigSources& sources) {
    std::map<std::string, RawValue> raw;
    std::optional<std::string> file = sources.file;
    if (!file && sources.env) file = sources.env("REFTRACK_CONFIG");
    if (file) {
        if (auto ok = ReadFile(*file, raw); !ok) return core::Fail(ok.error());
    }
    for (const auto& name : SettingNames()) {
        if (!sources.env) break;
        if (auto v = sources.env(EnvName(name))) raw[name] = {*v, EnvName(name)};
    }
    for (const auto& [name, value] : sources.flags) raw[name] = {value, "--" + name};
    return raw;
}

std::optional<std::int64_t> ToInt(const std::string& s) {
    std::int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

core::Result<void> ApplyListen(const RawValue& raw, Config& config) {
    const auto colon = raw.value.rfind(':');
    const auto port = colon == std::string::npos ? std::nullopt : ToInt(raw.value.substr(colon + 1));
    if (!port || *port < 0 || *port > 65535 || colon == 0) return core::Fail(Invalid("listen", raw, "HOST:PORT"));
    config.listen_host = raw.value.substr(0, colon);
    config.listen_port = static_cast<std::uint16_t>(*port);
    return {};
}

core::Result<void> ApplyInt(const std::string& name, const RawValue& raw, std::int64_t min, std::int64_t max,
                            std::int64_t& out) {
    const auto v = ToInt(raw.value);
    if (!v || *v < min || *v > max) {
        return core::Fail(Invalid(name, raw, "an integer from " + std::to_string(min) + " to " + std::to_string(max)));
    }
    out = *v;
    return {};
}

core::Result<void> Apply(const std::string& name, const RawValue& raw, Config& c) {
    std::int64_t n = 0;
    auto ms = [&](std::chrono::milliseconds& field) -> core::Result<void> {
        if (auto ok = ApplyInt(name, raw, 1, 3'600'000, n); !ok) return ok;
        field = std::chrono::milliseconds(n);
        return {};
    };
    if (name == "listen") return ApplyListen(raw, c);
    if (name == "db") {
        if (!raw.value.starts_with("sqlite://") && !raw.value.starts_with("postgresql://") &&
            !raw.value.starts_with("postgres://") && raw.value != "memory://") {
            return core::Fail(Invalid(name, raw, "sqlite:///abs/path.db, sqlite://rel/path.db or postgresql://…"));
        }
        c.db = raw.value;
        return {};
    }
    if (name == "public_url") {
        const auto url = core::ParseHttpUrl(raw.value);
        if (raw.value.ends_with("/") || !url || url->rest.find_first_of("?#") != std::string::npos) {
            return core::Fail(Invalid(name, raw, "an http(s) URL without a trailing slash"));
        }
        c.public_url = raw.value;
        return {};
    }
    if (name == "key_file") {
        if (raw.value.empty()) return core::Fail(Invalid(name, raw, "a file path"));
        c.key_file = raw.value;
        return {};
    }
    if (name == "log_level") {
        constexpr std::array<std::string_view, 6> kLevels{"trace", "debug", "info", "warn", "error", "off"};
        if (std::find(kLevels.begin(), kLevels.end(), raw.value) == kLevels.end()) {
            return core::Fail(Invalid(name, raw, "trace, debug, info, warn, error or off"));
        }
        c.log_level = raw.value;
        return {};
    }
    if (name == "workers" || name == "io_threads") {
        if (auto ok = ApplyInt(name, raw, 1, 256, n); !ok) return ok;
        (name == "workers" ? c.workers : c.io_threads) = static_cast<int>(n);
        return {};
    }
    if (name == "body_limit_bytes") {
        if (auto ok = ApplyInt(name, raw, 1024, 64 << 20, n); !ok) return ok;
        c.body_limit_bytes = static_cast<std::size_t>(n);
        return {};
    }
    if (name == "header_timeout_ms") return ms(c.header_timeout);
    if (name == "idle_timeout_ms") return ms(c.idle_timeout);
    if (name == "shutdown_grace_ms") return ms(c.shutdown_grace);
    if (name == "session_idle_seconds") {
        if (auto ok = ApplyInt(name, raw, 1, 7 * 24 * 60 * 60, n); !ok) return ok;
        c.session_idle = std::chrono::seconds(n);
        return {};
    }
    return core::Fail(core::Error::Invalid(name, "unknown setting " + name));
}

// reftrack.key beside a SQLite database file; ./var/reftrack.key for other databases.
std::string DefaultKeyFile(const std::string& db) {
    constexpr std::string_view kSqlite = "sqlite://";
    if (!db.starts_with(kSqlite)) return "./var/reftrack.key";
    const std::filesystem::path path(db.substr(kSqlite.size()));
    return ((path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path()) / "reftrack.key").string();
}

}  // namespace

const std::vector<std::string>& SettingNames() {
    static const std::vector<std::string> kNames{
        "listen",
        "db",
        "public_url",
        "log_level",
        "key_file",
        "workers",
        "io_threads",
        "body_limit_bytes",
        "header_timeout_ms",
        "idle_timeout_ms",
        "shutdown_grace_ms",
        "session_idle_seconds",
    };
    return kNames;
}

core::Result<Config> LoadConfig(const ConfigSources& sources) {
    auto raw = Gather(sources);
    if (!raw) return core::Fail(raw.error());
    Config config;
    for (const auto& name : SettingNames()) {
        auto it = raw->find(name);
        if (it == raw->end()) continue;
        if (auto ok = Apply(name, it->second, config); !ok) return core::Fail(ok.error());
    }
    if (config.key_file.empty()) config.key_file = DefaultKeyFile(config.db);
    return config;
}

std::optional<std::string> ProcessEnv(const std::string& name) {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
}

}  // namespace rt::server
