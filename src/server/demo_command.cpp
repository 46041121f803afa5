#include "server/demo_command.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include "core/money.hpp"
#include "ports/sodium_vault.hpp"
#include "ports/system.hpp"
#include "server/logging.hpp"
#include "storage/open_store.hpp"

namespace rt::server {

namespace {

using Clock = std::chrono::steady_clock;

int PrintError(const core::Error& error) {
    std::cerr << "reftrack: " << error.message() << "\n";
    return 1;
}

double SecondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// The progress line on stderr: redrawn in place (at most ten times a second) on a terminal, else one
// line per 10% so that logs stay short.
class ProgressLine {
  public:
    explicit ProgressLine(bool terminal) : terminal_(terminal), start_(Clock::now()) {}

    void Update(const app::DemoProgress& p) {
        const double share = p.clicks_total > 0 ? static_cast<double>(p.clicks_done) / p.clicks_total : 1.0;
        const int percent = static_cast<int>(share * 100);
        if (terminal_) {
            if (Clock::now() - last_draw_ < std::chrono::milliseconds(100) && percent < 100) return;
            last_draw_ = Clock::now();
            constexpr int kWidth = 24;
            const int filled = static_cast<int>(share * kWidth);
            std::cerr << "\rdemo " << std::string(static_cast<std::size_t>(filled), '#')
                      << std::string(static_cast<std::size_t>(kWidth - filled), '.') << ' ' << Describe(p, percent)
                      << "   " << std::flush;
            drawn_ = true;
        } else if (percent >= next_percent_) {
            while (next_percent_ <= percent) next_percent_ += 10;
            std::cerr << "demo: " << Describe(p, percent) << "\n";
        }
    }
    void Finish() {
        if (drawn_) std::cerr << "\n";
    }

  private:
    std::string Describe(const app::DemoProgress& p, int percent) const {
        const double seconds = SecondsSince(start_);
        const double rate = seconds > 0 ? static_cast<double>(p.clicks_done) / seconds : 0;
        char line[200];
        std::snprintf(line, sizeof line, "%3d%% %lld/%lld clicks, %lld referrals, %lld conversions, %.0f clicks/s",
                      percent, static_cast<long long>(p.clicks_done), static_cast<long long>(p.clicks_total),
                      static_cast<long long>(p.referrals), static_cast<long long>(p.conversions), rate);
        return line;
    }

    bool terminal_;
    Clock::time_point start_;
    Clock::time_point last_draw_{};
    bool drawn_ = false;
    int next_percent_ = 10;
};

// "1234.50 EUR" from minor units.
std::string FormatMoney(std::int64_t minor, const std::string& currency) {
    const auto parsed = core::Currency::Parse(currency);
    const int digits = parsed ? parsed->minor_digits() : 2;
    std::int64_t scale = 1;
    for (int i = 0; i < digits; ++i) scale *= 10;
    std::string units = std::to_string(minor / scale);
    if (digits == 0) return units + " " + currency;
    std::string fraction = std::to_string((minor < 0 ? -minor : minor) % scale);
    fraction.insert(0, static_cast<std::size_t>(digits) - fraction.size(), '0');
    return units + "." + fraction + " " + currency;
}

void PrintSummary(const app::DemoSummary& s, double seconds) {
    char elapsed[32];
    std::snprintf(elapsed, sizeof elapsed, "%.1f", seconds);
    std::cout << "demo program " << s.program_id.str() << " \"" << s.program_name << "\"\n"
              << "  partners     " << s.partners << " (" << s.pending_partners << " pending)\n"
              << "  links        " << s.links << "\n"
              << "  coupons      " << s.coupons << "\n"
              << "  clicks       " << s.clicks << " (" << s.bot_clicks << " bots, " << s.unique_clicks << " unique)\n"
              << "  referrals    " << s.referrals << " (" << s.coupon_referrals << " from coupons, "
              << s.registered_deals << " registered deals)\n"
              << "  stage moves  " << s.stage_moves << " (" << s.won << " won, " << s.lost << " lost)\n"
              << "  conversions  " << s.conversions << " (" << s.direct_conversions << " direct, "
              << s.recurring_conversions << " recurring), revenue " << FormatMoney(s.revenue_minor, s.currency) << "\n"
              << "  refunds      " << s.refunds << " (" << s.full_refunds << " full), "
              << FormatMoney(s.refunded_minor, s.currency) << "\n"
              << "  elapsed      " << elapsed << " s\n";
}

}  // namespace

int RunDemo(const ConfigSources& sources, const app::DemoOptions& options) {
    if (auto ok = app::CheckDemoOptions(options); !ok) {
        std::string message;
        for (const auto& f : ok.error().fields())
            message += (message.empty() ? "--" : "; --") + f.field + " " + f.message;
        std::cerr << "reftrack: " << message << "\n";
        return 2;
    }
    auto config = LoadConfig(sources);
    if (!config) return PrintError(config.error());
    SetUpLogging(config->log_level);
    if (!ports::InitSodium()) return PrintError(core::Error::Unavailable("libsodium could not be initialised"));
    auto store = storage::OpenStore(config->db, {.bulk_load = true});
    if (!store) return PrintError(store.error());
    if (auto migrated = (*store)->Migrate(); !migrated) return PrintError(migrated.error());
    auto vault = ports::SodiumVault::OpenOrCreate(config->key_file);
    if (!vault) return PrintError(vault.error());

    ports::SystemClock clock;
    ports::SodiumRandom random;
    ports::Sha256Digest digest;
    const app::Deps deps{**store, clock, random, digest};
    const auto started = Clock::now();
    ProgressLine progress(isatty(STDERR_FILENO) == 1);
    auto summary =
        app::GenerateDemoData(deps, **vault, options, [&](const app::DemoProgress& p) { progress.Update(p); });
    progress.Finish();
    if (!summary) return PrintError(summary.error());
    PrintSummary(*summary, SecondsSince(started));
    return 0;
}

}  // namespace rt::server
