#include <pthread.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <thread>

#include "app/demo_data.hpp"
#include "core/user.hpp"
#include "http/access_log.hpp"
#include "http/api_routes.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/routes_funnel.hpp"
#include "http/routes_ops.hpp"
#include "http/routes_reports.hpp"
#include "http/routes_users.hpp"
#include "http/routes_web.hpp"
#include "http/server.hpp"
#include "http/worker_pool.hpp"
#include "jobs/readiness.hpp"
#include "server/commands.hpp"
#include "server/logging.hpp"
#include "server/services.hpp"
#include "server/tracking.hpp"

namespace rt::server {

namespace {

constexpr std::string_view kDemoKeyName = "make-run";
constexpr std::string_view kDemoAdminEmail = "admin@demo.example";
constexpr std::string_view kDemoPartnerEmail = "partner@demo.example";
constexpr std::size_t kWorkerQueue = 4096;

// SIGINT and SIGTERM are blocked in every thread and taken by one waiting thread, which starts the
// graceful stop: the node reports not-ready, stops accepting, finishes what is in flight.
class SignalWaiter {
  public:
    SignalWaiter() {
        sigemptyset(&set_);
        sigaddset(&set_, SIGINT);
        sigaddset(&set_, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &set_, nullptr);  // before any other thread exists
    }
    void Start(std::function<void()> on_signal) {
        thread_ = std::thread([this, on_signal = std::move(on_signal)] {
            int sig = 0;
            sigwait(&set_, &sig);
            if (dismissed_) return;
            spdlog::info("event=shutdown_requested signal={}", sig == SIGINT ? "SIGINT" : "SIGTERM");
            on_signal();
        });
    }
    // Ends the waiting thread when the server stopped for another reason.
    void Dismiss() {
        if (!thread_.joinable()) return;
        dismissed_ = true;
        pthread_kill(thread_.native_handle(), SIGTERM);
        thread_.join();
    }

  private:
    sigset_t set_{};
    std::atomic<bool> dismissed_{false};
    std::thread thread_;
};

// The program the demo logins look at: the newest.
std::optional<core::ProgramId> NewestProgram(Services& services) {
    auto page =
        ports::Transact<core::Page<core::Program>>(services.store(), ports::TxMode::kRead, [](ports::StoreTx& tx) {
            return tx.ListPrograms({1, {}});
        });
    if (!page || page->data.empty()) return std::nullopt;
    return page->data.front().id;
}

// A login for the demo: a fresh password on every start, like the API key. Prints nothing on failure.
std::optional<std::string> DemoLogin(Services& services, const core::UserFields& fields) {
    const std::string password = core::NewSecretToken(services.deps().random).substr(0, 20);
    auto user = services.users().SetPasswordOrCreate(fields, password);
    if (!user) {
        spdlog::error("event=demo_user_failed message=\"{}\"", user.error().message());
        return std::nullopt;
    }
    return password;
}

void PrintDemoBanner(Services& services, const std::string& url) {
    auto programs = ports::Transact<int>(services.store(), ports::TxMode::kRead,
                                         [](ports::StoreTx& tx) { return tx.CountPrograms(); });
    if (programs && *programs == 0) {
        std::cout << "Seeding demo data (reftrack demo: 40 partners, 90 days, 20,000 clicks)..." << std::endl;
        const app::DemoOptions options{.partners = 40, .days = 90, .clicks = 20'000};
        auto seeded = app::GenerateDemoData(services.deps(), services.vault(), options, {});
        if (!seeded)
            spdlog::error("event=demo_seed_failed message=\"{}\"", seeded.error().message());
        else
            std::cout << "Seeded \"" << seeded->program_name << "\": " << seeded->partners << " partners, "
                      << seeded->clicks << " clicks, " << seeded->referrals << " referrals, " << seeded->conversions
                      << " sales.\n";
    }
    (void)services.keys().DeleteByName(kDemoKeyName);
    auto key = services.keys().Create(core::Scope::Admin(), kDemoKeyName);
    if (!key) {
        spdlog::error("event=demo_key_failed message=\"{}\"", key.error().message());
        return;
    }
    std::cout << "\n  reftrack is running at " << url << "/\n";
    const app::Principal admin{core::Scope::Admin(), {}};
    if (auto password = DemoLogin(services, {.email = std::string(kDemoAdminEmail), .role = "admin"})) {
        std::cout << "  Dashboard: " << url << "/login   " << kDemoAdminEmail << " / " << *password << "\n";
    }
    // The partner portal, as the demo program's busiest partner.
    if (auto program = NewestProgram(services)) {
        auto top = services.reports().Summary(
            admin, {.program_id = program->str(), .group_by = "partner", .sort = "-clicks", .limit = "1"});
        if (top && !top->rows.empty()) {
            const auto& group = top->rows.front().group;
            if (auto password = DemoLogin(
                    services,
                    {.email = std::string(kDemoPartnerEmail), .role = "partner", .partner_id = group.at(0).second})) {
                std::cout << "  Partner portal: " << url << "/login   " << kDemoPartnerEmail << " / " << *password
                          << "   (" << group.at(1).second << ")\n";
            }
        }
    }
    std::cout << "  Admin API key: " << key->token << "\n"
              << "  (the passwords and the key are replaced on every `make run`)\n"
              << "  Try: curl -H 'Authorization: Bearer " << key->token << "' " << url << "/api/v1/links\n\n";
}

}  // namespace

int RunServe(const ConfigSources& sources, bool demo) {
    SignalWaiter signals;
    auto config = LoadConfig(sources);
    if (!config) {
        std::cerr << "reftrack: " << config.error().message() << "\n";
        return 2;
    }
    SetUpLogging(config->log_level);
    auto services = Services::Open(*config);
    if (!services) {
        std::cerr << "reftrack: " << services.error().message() << "\n";
        return 1;
    }

    http::Metrics metrics;
    jobs::Readiness readiness((*services)->store(), std::chrono::seconds(2));
    auto pool = std::make_unique<http::WorkerPool>(config->workers, kWorkerQueue);
    http::Router router(*pool);
    http::ApiContext api{(*services)->programs(), (*services)->partners(), (*services)->links(), (*services)->auth(),
                         config->public_url};
    http::AddProgramRoutes(router, api);
    http::AddPartnerRoutes(router, api);
    http::AddLinkRoutes(router, api);
    auto& s = **services;
    http::FunnelContext funnel{s.coupons(), s.referrals(), s.conversions(), s.idempotency(),
                               s.auth(),    s.deps(),      s.vault()};
    http::AddFunnelRoutes(router, funnel);
    http::AddEventRoutes(router, funnel);
    http::ReportContext reports{s.reports(), s.auth()};
    http::AddReportRoutes(router, reports);
    http::UsersContext users{s.users(), s.sessions(), s.auth(), config->public_url, s.secure_cookies()};
    http::AddUserRoutes(router, users);
    http::AddOpsRoutes(router, {[&readiness] { return readiness.ready(); }, [&metrics] { return metrics.Render(); }});
    const app::GroupCommit& conversion_writes = s.conversions().writes();
    metrics.SetCounterFunction("reftrack_conversion_batches_total",
                               "Conversion group commits committed (one transaction each).",
                               [&conversion_writes] { return conversion_writes.batches_committed(); });
    metrics.SetCounterFunction("reftrack_conversions_written_total",
                               "Conversion requests committed by group commits (new conversions and replays).",
                               [&conversion_writes] { return conversion_writes.requests_committed(); });
    metrics.SetCounterFunction(
        "reftrack_conversion_batches_lingered_total",
        "Times the group commit's writer waited up to the linger for a batch as large as the last.",
        [&conversion_writes] { return conversion_writes.batches_lingered(); });
    metrics.SetCounterFunction("reftrack_conversions_refused_total",
                               "Conversion requests answered 503 because too many were waiting for a group commit.",
                               [&conversion_writes] { return conversion_writes.requests_refused(); });
    metrics.SetGaugeFunction("reftrack_conversion_queue_depth", "Conversion requests waiting for a group commit.",
                             [&conversion_writes] { return static_cast<double>(conversion_writes.queue_depth()); });
    Tracking tracking(**services, metrics, *config);
    tracking.AddRoutes(router);
    http::AddWebRoutes(router);

    http::ServerOptions options{.host = config->listen_host,
                                .port = config->listen_port,
                                .io_threads = static_cast<std::size_t>(config->io_threads),
                                .body_limit_bytes = config->body_limit_bytes,
                                .header_timeout = config->header_timeout,
                                .idle_timeout = config->idle_timeout,
                                .shutdown_grace = config->shutdown_grace,
                                .handle_signals = false};
    http::Server server(options, http::WithWebApp(router), http::MakeAccessObserver(&metrics));
    if (auto started = server.Start(); !started) {
        std::cerr << "reftrack: " << started.error().message() << "\n";
        return 1;
    }
    const std::string url = "http://" + config->listen_host + ":" + std::to_string(server.port());
    if (api.public_base_url.empty()) api.public_base_url = url;
    if (users.public_base_url.empty()) users.public_base_url = url;
    readiness.Start();
    signals.Start([&] {
        readiness.SetDraining();
        server.Stop();
    });
    if (demo) PrintDemoBanner(**services, url);
    if (auto loaded = tracking.Load(); !loaded) {
        std::cerr << "reftrack: cannot load the links: " << loaded.error().message() << "\n";
        readiness.Stop();
        signals.Dismiss();
        return 1;
    }
    std::cout << "reftrack listening on " << url << std::endl;
    spdlog::info("event=listening url={} db_backend={} workers={}", url, (*services)->store().Backend(),
                 config->workers);

    server.Run();
    pool.reset();            // answers every request still queued before the routes they use go away
    s.conversions().Stop();  // writes and answers every conversion still waiting for its commit
    tracking.Stop();         // writes every queued click before the store closes
    readiness.Stop();
    signals.Dismiss();
    spdlog::info("event=stopped");
    return 0;
}

}  // namespace rt::server
