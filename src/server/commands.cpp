#include "server/commands.hpp"

#include <iostream>

#include "app/event_log.hpp"
#include "app/rollup_rebuild.hpp"
#include "core/api_key.hpp"
#include "server/logging.hpp"
#include "server/services.hpp"

namespace rt::server {

namespace {

int PrintError(const core::Error& error) {
    std::cerr << "reftrack: " << error.message() << "\n";
    return 1;
}

}  // namespace

int RunMigrate(const ConfigSources& sources) {
    auto config = LoadConfig(sources);
    if (!config) return PrintError(config.error());
    SetUpLogging(config->log_level);
    auto services = Services::Open(*config);
    if (!services) return PrintError(services.error());
    auto version = (*services)->store().SchemaVersion();
    if (!version) return PrintError(version.error());
    std::cout << "database schema at version " << *version << "\n";
    return 0;
}

int RunVerify(const ConfigSources& sources) {
    auto config = LoadConfig(sources);
    if (!config) return PrintError(config.error());
    SetUpLogging(config->log_level);
    auto services = Services::Open(*config);
    if (!services) return PrintError(services.error());
    auto report = app::VerifyLedger((*services)->deps());
    if (!report) return PrintError(report.error());
    if (report->first_break) {
        const auto& b = *report->first_break;
        std::cerr << "reftrack: ledger broken in program " << report->broken_program_id << " at event " << b.event_id
                  << " (seq " << b.seq << "): " << b.reason << "\n";
        return 1;
    }
    std::cout << "ledger intact: " << report->events << " events in " << report->programs << " programs\n";
    return 0;
}

int RunRollupsRebuild(const ConfigSources& sources, bool check) {
    auto config = LoadConfig(sources);
    if (!config) return PrintError(config.error());
    SetUpLogging(config->log_level);
    auto services = Services::Open(*config);
    if (!services) return PrintError(services.error());
    auto report = app::RebuildRollups((*services)->deps(), check);
    if (!report) return PrintError(report.error());
    const auto counts = std::to_string(report->programs) + " programs, " + std::to_string(report->clicks) +
                        " clicks, " + std::to_string(report->referrals) + " referrals, " +
                        std::to_string(report->conversions) + " conversions → " + std::to_string(report->cells) +
                        " cells, " + std::to_string(report->funnel_cells) + " funnel cells";
    if (!check) {
        std::cout << "rollups rebuilt: " << counts << "\n";
        return 0;
    }
    if (report->difference_count == 0) {
        std::cout << "rollups match a rebuild: " << counts << "\n";
        return 0;
    }
    for (const auto& line : report->differences) std::cerr << "differs: " << line << "\n";
    std::cerr << "reftrack: " << report->difference_count << " rollup cells differ from a rebuild (" << counts
              << "); run `reftrack rollups rebuild` to replace them\n";
    return 1;
}

int RunKeysCreate(const ConfigSources& sources, const std::string& scope_text, const std::string& name) {
    const auto scope = core::ParseScope(scope_text);
    if (!scope) {
        std::cerr << "reftrack: --scope must be admin, partner:<partner_id> or ingest:<program_id>\n";
        return 2;
    }
    auto config = LoadConfig(sources);
    if (!config) return PrintError(config.error());
    SetUpLogging(config->log_level);
    auto services = Services::Open(*config);
    if (!services) return PrintError(services.error());
    auto created = (*services)->keys().Create(*scope, name);
    if (!created) return PrintError(created.error());
    std::cout << "created key " << created->record.id.str() << " with scope " << core::ToString(*scope)
              << "; store it now, it is not shown again:\n"
              << created->token << "\n";
    return 0;
}

}  // namespace rt::server
