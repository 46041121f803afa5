#include <CLI/CLI.hpp>
#include <iostream>
#include <map>
#include <string>

#include "server/commands.hpp"
#include "server/config.hpp"

namespace {

// Adds --<name> for a setting; a given value lands in `flags` (flags outrank env and file).
void AddSettingFlag(CLI::App& cmd, std::map<std::string, std::string>& flags, const std::string& name,
                    const std::string& help) {
    cmd.add_option_function<std::string>(
        "--" + std::string(name == "public_url"  ? "public-url"
                           : name == "log_level" ? "log-level"
                                                 : name),
        [&flags, name](const std::string& v) { flags[name] = v; }, help);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"reftrack: self-hosted referral tracking. One binary, SQLite by default.", "reftrack"};
    app.set_version_flag("--version", std::string("reftrack ") + RT_VERSION);
    app.require_subcommand(1);

    rt::server::ConfigSources sources{.env = rt::server::ProcessEnv};
    auto add_common = [&](CLI::App& cmd) {
        AddSettingFlag(cmd, sources.flags, "db",
                       "database URL: sqlite:///abs.db, sqlite://rel.db, postgresql://user@host:port/db "
                       "(env REFTRACK_DB; default sqlite://./var/reftrack.db)");
        cmd.add_option_function<std::string>(
            "--config", [&](const std::string& v) { sources.file = v; },
            "TOML configuration file (env REFTRACK_CONFIG)");
    };

    auto* serve = app.add_subcommand("serve", "Start the HTTP server (migrates the schema first)");
    add_common(*serve);
    AddSettingFlag(*serve, sources.flags, "listen",
                   "HOST:PORT to listen on (env REFTRACK_LISTEN; default 127.0.0.1:8080)");
    AddSettingFlag(*serve, sources.flags, "public_url",
                   "base URL of tracking links (env REFTRACK_PUBLIC_URL; default http://<listen>)");
    AddSettingFlag(*serve, sources.flags, "log_level", "trace|debug|info|warn|error|off (env REFTRACK_LOG_LEVEL)");
    bool demo = false;
    serve->add_flag("--demo", demo, "seed demo data into an empty database and print a fresh admin key");

    auto* migrate = app.add_subcommand("migrate", "Create or upgrade the database schema");
    add_common(*migrate);

    auto* verify = app.add_subcommand("verify", "Check the event ledger's hash chains; exit 0 only if intact");
    add_common(*verify);

    auto* keys = app.add_subcommand("keys", "Manage API keys");
    keys->require_subcommand(1);
    auto* keys_create = keys->add_subcommand("create", "Create an API key; prints it alone on the last line");
    add_common(*keys_create);
    std::string scope;
    std::string name;
    keys_create->add_option("--scope", scope, "admin | partner:<partner_id> | ingest:<program_id>")->required();
    keys_create->add_option("--name", name, "a label for the key");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "reftrack: " << e.what() << " (see reftrack --help)\n";
        return 2;
    }

    if (*serve) return rt::server::RunServe(sources, demo);
    if (*migrate) return rt::server::RunMigrate(sources);
    if (*verify) return rt::server::RunVerify(sources);
    if (*keys_create) return rt::server::RunKeysCreate(sources, scope, name);
    return 2;
}
