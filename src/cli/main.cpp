#include <CLI/CLI.hpp>
#include <iostream>
#include <map>
#include <string>

#include "server/commands.hpp"
#include "server/config.hpp"
#include "server/demo_command.hpp"
#include "server/report_command.hpp"
#include "server/users_command.hpp"

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
    serve->add_option_function<std::string>(
        "--session-idle-seconds", [&](const std::string& v) { sources.flags["session_idle_seconds"] = v; },
        "log-in sessions unused this long end (env REFTRACK_SESSION_IDLE_SECONDS; default 43200)");
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

    auto* users = app.add_subcommand("users", "Manage the people who log in to the dashboard and partner portal");
    users->require_subcommand(1);
    auto* users_create =
        users->add_subcommand("create", "Create a user; prints a one-time link to set the password on the last line");
    add_common(*users_create);
    AddSettingFlag(*users_create, sources.flags, "public_url",
                   "base URL of the invite link (env REFTRACK_PUBLIC_URL; default http://<listen>)");
    rt::server::UserCreateOptions user_options;
    users_create->add_option("--email", user_options.email, "the email the user logs in with")->required();
    users_create->add_option("--role", user_options.role, "admin | partner")
        ->required()
        ->check(CLI::IsMember({"admin", "partner"}));
    users_create->add_option("--partner", user_options.partner, "the partner id of a partner user");
    users_create->add_flag("--password-stdin", user_options.password_stdin,
                           "read the password from stdin instead (prints the user id)");

    auto* rollups = app.add_subcommand("rollups", "Maintain the report rollups");
    rollups->require_subcommand(1);
    auto* rollups_rebuild = rollups->add_subcommand(
        "rebuild", "Recompute the report rollups from raw rows (clicks, referrals, conversions)");
    add_common(*rollups_rebuild);
    bool rollups_check = false;
    rollups_rebuild->add_flag("--check", rollups_check,
                              "write nothing; compare the maintained rollups with a rebuild, exit 1 if they differ");

    auto* demo_cmd = app.add_subcommand("demo", "Fill a database with realistic synthetic data: a new demo program");
    add_common(*demo_cmd);
    rt::app::DemoOptions demo_options;
    demo_cmd->add_option("--partners", demo_options.partners, "partners to create")->capture_default_str();
    demo_cmd->add_option("--days", demo_options.days, "days of activity, ending now")->capture_default_str();
    demo_cmd->add_option("--clicks", demo_options.clicks, "clicks over those days")->capture_default_str();
    demo_cmd->add_option("--seed", demo_options.seed, "the same seed gives the same data shape")->capture_default_str();

    auto* report_cmd =
        app.add_subcommand("report", "Print a report: totals by group, or a time series by day, week or month");
    add_common(*report_cmd);
    rt::server::ReportOptions report_options;
    report_cmd->add_option("--program", report_options.program, "the program's id")->required();
    report_cmd->add_option("--from", report_options.from, "first day, YYYY-MM-DD (default: 29 days before --to)");
    report_cmd->add_option("--to", report_options.to, "last day, YYYY-MM-DD (default: today, UTC)");
    report_cmd
        ->add_option("--group-by", report_options.group_by,
                     "partner|campaign|channel|link|source|program; day|week|month for a time series")
        ->check(CLI::IsMember({"partner", "campaign", "channel", "link", "source", "program", "day", "week", "month"}))
        ->capture_default_str();
    report_cmd->add_option("--format", report_options.format, "table|csv|json")
        ->check(CLI::IsMember({"table", "csv", "json"}))
        ->capture_default_str();
    report_cmd->add_option("--partner", report_options.partner, "only this partner's traffic (a partner id)");
    report_cmd->add_option("--campaign", report_options.campaign, "only links of this campaign");
    report_cmd->add_option("--channel", report_options.channel, "only links of this channel");
    report_cmd->add_option("--source", report_options.source, "only click|coupon|partner|api|recurring");
    report_cmd->add_option("--sort", report_options.sort, "summary order: a metric, '-' first for descending");
    report_cmd->add_option("--limit", report_options.limit, "summary rows, 1 to 100000 (default 1000)");

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
    if (*users_create) return rt::server::RunUsersCreate(sources, user_options);
    if (*demo_cmd) return rt::server::RunDemo(sources, demo_options);
    if (*rollups_rebuild) return rt::server::RunRollupsRebuild(sources, rollups_check);
    if (*report_cmd) return rt::server::RunReport(sources, report_options);
    return 2;
}
