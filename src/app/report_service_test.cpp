// Reports against the slow way: random traffic goes through the real services into a real store, and
// every metric of every report is then computed again here from the raw rows (clicks, referrals,
// conversions, commissions, links) and compared with what the report service answers from its rollups.
// Also: a rebuild from raw rows equals the maintained rollups, and a partner key sees only its own rows.
#include "app/report_service.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "app/click_batch.hpp"
#include "app/conversion_service.hpp"
#include "app/coupon_service.hpp"
#include "app/link_service.hpp"
#include "app/partner_service.hpp"
#include "app/program_service.hpp"
#include "app/referral_service.hpp"
#include "app/rollup_rebuild.hpp"
#include "app/store_test_support.hpp"
#include "core/attribution.hpp"
#include "core/rounding.hpp"
#include "ports/fakes.hpp"
#include "ports/system.hpp"
#include "support/temp_dir.hpp"

namespace rt::app {
namespace {

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kDay = core::kMsPerDay;
const core::Day kFirstDay = core::DayFromCivil(2026, 7, 20);
constexpr int kDays = 75;

// What the slow way adds up for one group: the raw sums, and every time-to-conversion sample.
struct Slow {
    std::int64_t clicks = 0, unique_clicks = 0, referrals = 0;
    std::int64_t conversions_ppm = 0, refunds_ppm = 0, sales = 0, refunded = 0, commission = 0;
    std::int64_t converted = 0, converted_7d = 0, converted_30d = 0, converted_90d = 0;
    std::vector<std::pair<std::int64_t, std::int64_t>> ttc;  // (seconds, weight)
};

// The exact weighted quantile: the smallest value whose cumulative weight reaches q of the total.
std::optional<std::int64_t> ExactQuantile(std::vector<std::pair<std::int64_t, std::int64_t>> samples, double q) {
    if (samples.empty()) return std::nullopt;
    std::sort(samples.begin(), samples.end());
    std::int64_t total = 0;
    for (const auto& s : samples) total += s.second;
    std::int64_t seen = 0;
    for (const auto& s : samples) {
        seen += s.second;
        if (static_cast<double>(seen) >= q * static_cast<double>(total)) return s.first;
    }
    return samples.back().first;
}

void ExpectNear(const std::optional<std::int64_t>& got, const std::optional<std::int64_t>& exact,
                const std::string& what) {
    ASSERT_EQ(got.has_value(), exact.has_value()) << what;
    if (!exact) return;
    const double tolerance = static_cast<double>(*exact) * core::DurationSketch::kRelativeError + 1.0;
    EXPECT_LE(std::abs(static_cast<double>(*got - *exact)), tolerance)
        << what << ": report " << *got << " s, exact " << *exact << " s";
}

std::optional<double> Ratio(double a, double b) { return b == 0 ? std::nullopt : std::optional(a / b); }

// Every metric of a report row against the slow sums.
void ExpectMetrics(const core::ReportMetrics& m, const Slow& s, const std::string& what) {
    EXPECT_EQ(m.clicks, s.clicks) << what;
    EXPECT_EQ(m.unique_clicks, s.unique_clicks) << what;
    EXPECT_EQ(m.referrals, s.referrals) << what;
    EXPECT_DOUBLE_EQ(m.conversions, static_cast<double>(s.conversions_ppm) / 1e6) << what;
    EXPECT_DOUBLE_EQ(m.refunds, static_cast<double>(s.refunds_ppm) / 1e6) << what;
    EXPECT_EQ(m.click_to_referral_rate, Ratio(static_cast<double>(s.referrals), static_cast<double>(s.clicks))) << what;
    EXPECT_EQ(m.referral_to_conversion_rate, Ratio(static_cast<double>(s.converted), static_cast<double>(s.referrals)))
        << what;
    EXPECT_EQ(m.revenue.amount, s.sales - s.refunded) << what;
    EXPECT_EQ(m.revenue.currency.code(), "EUR") << what;
    if (s.conversions_ppm == 0) {
        EXPECT_FALSE(m.average_deal_size) << what;
    } else {
        ASSERT_TRUE(m.average_deal_size) << what;
        EXPECT_EQ(m.average_deal_size->amount, core::DivideHalfEven(core::Wide{s.sales} * 1'000'000, s.conversions_ppm))
            << what;
    }
    EXPECT_EQ(m.commission.amount, s.commission) << what;
    EXPECT_EQ(m.roi, Ratio(static_cast<double>(s.sales - s.refunded - s.commission), static_cast<double>(s.commission)))
        << what;
    if (s.clicks == 0) {
        EXPECT_FALSE(m.epc) << what;
    } else {
        ASSERT_TRUE(m.epc) << what;
        EXPECT_EQ(m.epc->amount, core::DivideHalfEven(s.commission, s.clicks)) << what;
    }
    ExpectNear(m.time_to_conversion_median_s, ExactQuantile(s.ttc, 0.5), what + " ttc median");
    ExpectNear(m.time_to_conversion_p90_s, ExactQuantile(s.ttc, 0.9), what + " ttc p90");
}

// The raw rows, read back from the store.
struct Raw {
    std::vector<core::Click> clicks;
    std::vector<core::Referral> referrals;
    std::vector<core::Conversion> conversions;
    std::map<std::string, std::vector<core::Commission>> commissions;  // by conversion id
    std::map<std::string, core::Link> links;                           // by id
    std::map<std::string, core::Click> click_by_id;
    std::map<std::string, core::Referral> referral_by_id;
};

// A contribution to the slow sums, with the dimensions it is grouped and filtered by.
struct Fact {
    core::Day day = 0;
    std::string partner, link, source;
    Slow add;
};

struct Filter {
    std::optional<std::string> partner, campaign, channel, source;
};

class ReportServiceTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        if (world_.ready) return;
        store_ = OpenMigratedStore(GetParam(), dir_, "reports.db");
        ASSERT_TRUE(store_);
        clock_.Set(core::StartOf(kFirstDay - 1));
        Generate();
        if (HasFatalFailure()) return;
        ReadRaw();
        world_.ready = !HasFatalFailure();
    }

    Deps deps() { return {*store_, clock_, random_, digest_}; }

    // --- The random traffic, through the services.
    void Generate();
    void ReadRaw();

    // --- The slow way.
    std::vector<Fact> Facts() const;
    std::string LinkOf(const std::string& click_id) const {
        auto it = raw_.click_by_id.find(click_id);
        return it == raw_.click_by_id.end() ? std::string() : it->second.link_id.str();
    }
    bool Passes(const Fact& f, const Filter& filter) const {
        if (filter.partner && f.partner != *filter.partner) return false;
        if (filter.source && f.source != *filter.source) return false;
        const core::Link* link = f.link.empty() ? nullptr : &raw_.links.at(f.link);
        if (filter.campaign && (link ? link->campaign : "") != *filter.campaign) return false;
        if (filter.channel && (link ? link->channel : "") != *filter.channel) return false;
        return true;
    }
    std::string GroupKey(const Fact& f, const std::string& group_by) const {
        if (group_by == "program") return program_;
        if (group_by == "partner") return f.partner;
        if (group_by == "link") return f.link;
        if (group_by == "source") return f.source;
        const core::Link* link = f.link.empty() ? nullptr : &raw_.links.at(f.link);
        if (group_by == "campaign") return link ? link->campaign : "";
        return link ? link->channel : "";
    }
    std::map<std::string, Slow> SlowGroups(core::Day from, core::Day to, const Filter& filter,
                                           const std::string& group_by) const {
        std::map<std::string, Slow> out;
        for (const auto& f : Facts()) {
            if (f.day < from || f.day > to || !Passes(f, filter)) continue;
            Add(out[GroupKey(f, group_by)], f.add);
        }
        return out;
    }
    static void Add(Slow& to, const Slow& s) {
        to.clicks += s.clicks;
        to.unique_clicks += s.unique_clicks;
        to.referrals += s.referrals;
        to.conversions_ppm += s.conversions_ppm;
        to.refunds_ppm += s.refunds_ppm;
        to.sales += s.sales;
        to.refunded += s.refunded;
        to.commission += s.commission;
        to.converted += s.converted;
        to.converted_7d += s.converted_7d;
        to.converted_30d += s.converted_30d;
        to.converted_90d += s.converted_90d;
        to.ttc.insert(to.ttc.end(), s.ttc.begin(), s.ttc.end());
    }

    void CheckSummary(core::Day from, core::Day to, const Filter& filter, const std::string& group_by);

    // One world per backend, generated by the first test and shared by the rest (generating takes
    // seconds). Tests only read it, except the rebuild test, which leaves it as it found it.
    struct World {
        testing::TempDir dir;
        std::unique_ptr<ports::Store> store;
        ports::FakeClock clock;
        ports::SeededRandom random{7};
        ports::Sha256Digest digest;
        ports::FakeVault vault;
        std::string program;
        std::vector<std::string> partners;
        Raw raw;
        bool ready = false;
    };
    static World& WorldFor(const std::string& backend) {
        static std::map<std::string, std::unique_ptr<World>> worlds;
        auto& w = worlds[backend];
        if (!w) w = std::make_unique<World>();
        return *w;
    }

    World& world_ = WorldFor(GetParam());
    testing::TempDir& dir_ = world_.dir;
    std::unique_ptr<ports::Store>& store_ = world_.store;
    ports::FakeClock& clock_ = world_.clock;
    ports::SeededRandom& random_ = world_.random;
    ports::Sha256Digest& digest_ = world_.digest;
    ports::FakeVault& vault_ = world_.vault;
    Principal admin_{core::Scope::Admin(), {}};
    std::string& program_ = world_.program;
    std::vector<std::string>& partners_ = world_.partners;
    Raw& raw_ = world_.raw;
};

void ReportServiceTest::Generate() {
    std::mt19937_64 rng(20261124);
    auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
    auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };

    core::CommissionPlan plan;
    plan.default_rule = {.kind = core::CommissionRule::Kind::kPercent, .percent_bps = 1'000};
    plan.by_group["gold"] = {.kind = core::CommissionRule::Kind::kFlat, .flat_minor = 500};
    auto program = ProgramService(deps()).Create(
        admin_, {.name = "Reports",
                 .currency = "EUR",
                 .destination_domains = std::vector<std::string>{"shop.example.com"},
                 .attribution = core::AttributionSettings{core::AttributionModel::kLinear, 30},
                 .commission = plan});
    ASSERT_TRUE(program) << program.error().message();
    program_ = program->id.str();
    const std::vector<std::string> campaigns = {"spring", "newsletter", ""};
    const std::vector<std::string> channels = {"blog", "social", ""};
    std::vector<core::Link> links;
    std::vector<std::string> coupons;
    for (int i = 0; i < 6; ++i) {
        auto partner =
            PartnerService(deps()).Create(admin_, {.program_id = program_,
                                                   .name = (i == 0 ? "=Eve" : "Partner ") + std::to_string(i),
                                                   .email = "p" + std::to_string(i) + "@example.com",
                                                   .group = i < 2 ? std::optional<std::string>("gold") : std::nullopt});
        ASSERT_TRUE(partner) << partner.error().message();
        partners_.push_back(partner->id.str());
        for (int j = 0; j < 2; ++j) {
            auto link = LinkService(deps()).Create(admin_, {.partner_id = partners_.back(),
                                                            .destination = "https://shop.example.com/x",
                                                            .campaign = campaigns[pick(3)],
                                                            .channel = channels[pick(3)]});
            ASSERT_TRUE(link) << link.error().message();
            links.push_back(*link);
        }
        if (i < 2) {
            auto coupon = CouponService(deps()).Create(
                admin_, {.partner_id = partners_.back(), .code = "SAVE" + std::to_string(i)});
            ASSERT_TRUE(coupon) << coupon.error().message();
            coupons.push_back(coupon->code);
        }
    }

    std::vector<core::VisitorId> visitors;  // few, so that visitors click through several partners
    for (int i = 0; i < 40; ++i) visitors.push_back(core::VisitorId::Generate({i}, random_));
    ReferralService referrals(deps(), vault_);
    ConversionService conversions(deps(), vault_);
    // "_pending": sales leave their cells pending, as the server has them (server/tracking.cpp); the reports and
    // the check below must not tell the difference.
    if (GetParam().ends_with("_pending")) conversions.SetRollupWrites(RollupWrites::kPending);
    std::vector<core::Click> clicks;                          // every non-bot click so far
    std::vector<std::string> open;                            // referral ids still in the pipeline
    std::vector<std::string> referred;                        // every referral id
    std::vector<std::string> customers;                       // external ids of referred customers
    std::vector<std::pair<std::string, std::int64_t>> sales;  // id, amount
    int sequence = 0;
    const std::vector<std::string> next = {"qualified", "proposal", "won"};

    for (int d = 0; d < kDays; ++d) {
        const std::int64_t day_start = core::StartOf(kFirstDay + d).unix_ms;
        std::int64_t at = day_start + 8 * 60 * kMinute;
        auto tick = [&] {
            at += kMinute + static_cast<std::int64_t>(rng() % (5 * kMinute));
            clock_.Set({at});
        };
        // Clicks, one batch a day.
        std::vector<core::Click> batch;
        const int n = 10 + static_cast<int>(pick(25)) + (d % 7 < 5 ? 10 : 0);
        for (int k = 0; k < n; ++k) {
            tick();
            const auto& link = links[pick(links.size()) % (chance(0.5) ? 4 : links.size())];  // skewed to 4 links
            core::Click c;
            c.at = clock_.Now();
            c.id = core::ClickId::Generate(c.at, random_);
            c.program_id = link.program_id;
            c.partner_id = link.partner_id;
            c.link_id = link.id;
            c.visitor_id = visitors[pick(visitors.size())];
            c.bot = chance(0.06);
            c.unique = chance(0.7);
            c.device = c.bot ? core::DeviceClass::kBot : core::DeviceClass::kDesktop;
            batch.push_back(c);
        }
        auto written = store_->Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<void> {
            if (auto ok = tx.InsertClicks(batch); !ok) return ok;
            return AfterClicksInserted(deps(), tx, batch, RollupWrites::kPending);  // reports roll them up
        });
        ASSERT_TRUE(written) << written.error().message();
        for (const auto& c : batch)
            if (!c.bot) clicks.push_back(c);

        // Referrals: from today's clicks, coupons and registered deals.
        for (int k = 0, m = 2 + static_cast<int>(pick(4)); k < m; ++k) {
            tick();
            ReferralInput in;
            in.customer.external_id = "cust-" + std::to_string(++sequence);
            const double kind = std::uniform_real_distribution<double>(0, 1)(rng);
            if (kind < 0.7 && !clicks.empty()) {
                in.click_id = clicks[clicks.size() - 1 - pick(std::min<std::size_t>(clicks.size(), 30))].id.str();
            } else if (kind < 0.85) {
                in.program_id = program_;
                in.coupon = coupons[pick(coupons.size())];
            } else {
                in.program_id = program_;
                in.partner_id = partners_[pick(partners_.size())];
            }
            auto r = referrals.Create(admin_, in);
            ASSERT_TRUE(r) << r.error().message();
            if (!r->created) continue;
            open.push_back(r->referral.id.str());
            referred.push_back(r->referral.id.str());
            customers.push_back(*in.customer.external_id);
        }

        // Stage moves: forward, or lost.
        for (int k = 0, m = static_cast<int>(pick(5)); k < m && !open.empty(); ++k) {
            tick();
            const auto i = pick(open.size());
            auto current = referrals.Get(admin_, open[i]);
            ASSERT_TRUE(current);
            const auto& stage = current->referral.stage;
            std::string to = chance(0.2)            ? "lost"
                             : stage == "new"       ? "qualified"
                             : stage == "qualified" ? "proposal"
                                                    : "won";
            auto moved = referrals.Patch(admin_, open[i], {.stage = to});
            ASSERT_TRUE(moved) << moved.error().message();
            if (to == "won" || to == "lost") open.erase(open.begin() + static_cast<std::ptrdiff_t>(i));
        }

        // Conversions of every kind, some backdated by a few hours; refunds of earlier sales.
        for (int k = 0, m = 1 + static_cast<int>(pick(4)); k < m; ++k) {
            tick();
            ConversionInput in;
            in.external_id = "order-" + std::to_string(++sequence);
            in.request_hash = *in.external_id;
            in.program_id = program_;
            in.amount = 1'000 + static_cast<std::int64_t>(pick(90'000));
            in.currency = "EUR";
            if (chance(0.3))
                in.occurred_at = core::FormatRfc3339({at - static_cast<std::int64_t>(pick(5)) * 60 * kMinute});
            const double kind = std::uniform_real_distribution<double>(0, 1)(rng);
            if (kind < 0.35 && !referred.empty()) {
                in.referral_id = referred[pick(referred.size())];
            } else if (kind < 0.6 && !clicks.empty()) {
                in.click_id = clicks[clicks.size() - 1 - pick(std::min<std::size_t>(clicks.size(), 200))].id.str();
            } else if (kind < 0.7) {
                in.coupon = coupons[pick(coupons.size())];
            } else if (kind < 0.9 && !customers.empty()) {
                in.customer.external_id = customers[pick(customers.size())];
            }  // else: unattributed
            auto c = conversions.Record(admin_, in);
            ASSERT_TRUE(c) << c.error().message();
            sales.emplace_back(c->conversion.id.str(), *in.amount);
        }
        if (!sales.empty() && chance(0.3)) {
            tick();
            const auto& sale = sales[pick(sales.size())];
            ConversionInput in;
            in.external_id = "refund-" + std::to_string(++sequence);
            in.request_hash = *in.external_id;
            in.program_id = program_;
            in.type = "refund";
            in.refund_of = sale.first;
            in.amount = std::max<std::int64_t>(1, sale.second / 3);
            in.currency = "EUR";
            auto c = conversions.Record(admin_, in);
            if (!c) {
                ASSERT_EQ(c.error().code(), core::ErrorCode::kInvalid) << c.error().message();
            }  // refunded fully
        }
    }
    clock_.Set(core::StartOf(kFirstDay + kDays + 1));
}

void ReportServiceTest::ReadRaw() {
    const auto program_id = core::ProgramId::FromTrusted(program_);
    auto read = store_->Transact(ports::TxMode::kRead, [&](ports::StoreTx& tx) -> core::Result<void> {
        auto ok = tx.ForEachClick(program_id, [&](const core::Click& c) -> core::Result<void> {
            raw_.clicks.push_back(c);
            raw_.click_by_id[c.id.str()] = c;
            return {};
        });
        if (!ok) return ok;
        ok = tx.ForEachReferral(program_id, [&](const core::Referral& r) -> core::Result<void> {
            raw_.referrals.push_back(r);
            raw_.referral_by_id[r.id.str()] = r;
            return {};
        });
        if (!ok) return ok;
        ok = tx.ForEachConversion(program_id, [&](const core::Conversion& c) -> core::Result<void> {
            raw_.conversions.push_back(c);
            return {};
        });
        if (!ok) return ok;
        for (const auto& c : raw_.conversions) {
            auto commissions = tx.ListCommissionsOfConversion(c.id);
            if (!commissions) return core::Fail(commissions.error());
            raw_.commissions[c.id.str()] = *commissions;
        }
        core::PageRequest page{core::PageRequest::kMaxLimit, {}};
        auto links = tx.ListLinks({.program_id = program_id}, page);
        if (!links) return core::Fail(links.error());
        for (const auto& l : links->data) raw_.links[l.id.str()] = l;
        return {};
    });
    ASSERT_TRUE(read) << read.error().message();
    // The data must exercise every path, or the comparisons below prove little.
    ASSERT_GT(raw_.clicks.size(), 1'500u);
    ASSERT_GT(raw_.referrals.size(), 150u);
    std::set<core::AttributionSource> sources;
    bool fractional = false, refund = false, journey = false;
    for (const auto& c : raw_.conversions) {
        sources.insert(c.attribution.source);
        fractional = fractional || c.attribution.credits.size() > 1;
        refund = refund || c.type == core::ConversionType::kRefund;
        journey = journey || c.journey_started_at.has_value();
    }
    EXPECT_GE(sources.size(), 5u) << "referral, recurring, click, coupon, customer or none missing";
    EXPECT_TRUE(fractional) << "no multi-touch credit";
    EXPECT_TRUE(refund);
    EXPECT_TRUE(journey);
}

std::vector<Fact> ReportServiceTest::Facts() const {
    std::vector<Fact> out;
    for (const auto& c : raw_.clicks) {
        if (c.bot) continue;
        Fact f{core::DayOf(c.at), c.partner_id.str(), c.link_id.str(), "click", {}};
        f.add.clicks = 1;
        f.add.unique_clicks = c.unique ? 1 : 0;
        out.push_back(f);
    }
    for (const auto& r : raw_.referrals) {
        Fact f{core::DayOf(r.created_at),
               r.partner_id.str(),
               LinkOf(r.click_id),
               std::string(core::ToString(r.source)),
               {}};
        f.add.referrals = 1;
        if (r.converted_at) {
            const auto ms = std::max<std::int64_t>(0, r.converted_at->unix_ms - r.created_at.unix_ms);
            f.add.converted = 1;
            f.add.converted_7d = ms < 7 * kDay ? 1 : 0;
            f.add.converted_30d = ms < 30 * kDay ? 1 : 0;
            f.add.converted_90d = ms < 90 * kDay ? 1 : 0;
        }
        out.push_back(f);
    }
    for (const auto& c : raw_.conversions) {
        const auto& credits = c.attribution.credits;
        if (credits.empty()) continue;
        const core::Referral* referral = c.referral_id ? &raw_.referral_by_id.at(c.referral_id->str()) : nullptr;
        const auto s = c.attribution.source;
        const std::string source =
            referral && (s == core::AttributionSource::kReferral || s == core::AttributionSource::kCustomer)
                ? std::string(core::ToString(referral->source))
                : std::string(core::ToString(s));
        std::vector<std::int64_t> weights;
        for (const auto& credit : credits) weights.push_back(credit.weight_ppm);
        const auto parts = core::SplitByWeights(c.amount.amount, weights);
        std::int64_t sum = 0;
        for (auto p : parts) sum += p;
        EXPECT_EQ(sum, c.amount.amount);
        for (std::size_t i = 0; i < credits.size(); ++i) {
            const auto& credit = credits[i];
            std::string link = !credit.click_id.empty()                                ? LinkOf(credit.click_id)
                               : referral && referral->partner_id == credit.partner_id ? LinkOf(referral->click_id)
                                                                                       : "";
            Fact f{core::DayOf(c.occurred_at), credit.partner_id.str(), link, source, {}};
            if (c.type == core::ConversionType::kSale) {
                f.add.conversions_ppm = credit.weight_ppm;
                f.add.sales = parts[i];
                if (c.journey_started_at)
                    f.add.ttc.emplace_back(
                        std::max<std::int64_t>(0, (c.occurred_at.unix_ms - c.journey_started_at->unix_ms) / 1000),
                        credit.weight_ppm);
            } else {
                f.add.refunds_ppm = credit.weight_ppm;
                f.add.refunded = parts[i];
            }
            for (const auto& com : raw_.commissions.at(c.id.str()))
                if (com.partner_id == credit.partner_id) f.add.commission += com.amount.amount;
            out.push_back(f);
        }
    }
    return out;
}

void ReportServiceTest::CheckSummary(core::Day from, core::Day to, const Filter& filter, const std::string& group_by) {
    ReportService service(deps());
    ReportQuery q{.program_id = program_,
                  .partner_id = filter.partner,
                  .campaign = filter.campaign,
                  .channel = filter.channel,
                  .source = filter.source,
                  .from = core::FormatDate(from),
                  .to = core::FormatDate(to),
                  .group_by = group_by};
    auto report = service.Summary(admin_, q);
    ASSERT_TRUE(report) << report.error().message();
    auto slow = SlowGroups(from, to, filter, group_by);
    const std::string what = "summary by " + group_by + " " + core::FormatDate(from) + ".." + core::FormatDate(to) +
                             (filter.partner ? " partner=" + *filter.partner : "") +
                             (filter.campaign ? " campaign=" + *filter.campaign : "") +
                             (filter.channel ? " channel=" + *filter.channel : "") +
                             (filter.source ? " source=" + *filter.source : "");
    if (group_by != "program") {
        ASSERT_EQ(report->rows.size(), slow.size()) << what;
    }
    Slow total;
    for (const auto& [key, s] : slow) Add(total, s);
    for (const auto& row : report->rows) {
        const std::string key = row.group.front().second;
        ExpectMetrics(row.metrics, slow[key], what + " group " + key);
    }
    ASSERT_TRUE(report->total) << what;
    ExpectMetrics(report->total->metrics, total, what + " total");
}

TEST_P(ReportServiceTest, SummaryEqualsTheSlowWayForEveryGroupingAndFilter) {
    const core::Day last = kFirstDay + kDays - 1;
    const std::vector<std::pair<core::Day, core::Day>> ranges = {
        {kFirstDay, last}, {kFirstDay + 12, kFirstDay + 44}, {kFirstDay + 30, kFirstDay + 30}};
    for (const auto& [from, to] : ranges) {
        for (const char* group_by : {"program", "partner", "link", "campaign", "channel", "source"}) {
            CheckSummary(from, to, {}, group_by);
            CheckSummary(from, to, {.partner = partners_[1]}, group_by);
            CheckSummary(from, to, {.campaign = "spring"}, group_by);
            CheckSummary(from, to, {.channel = "", .source = "click"}, group_by);
            CheckSummary(from, to, {.campaign = "newsletter", .source = "coupon"}, group_by);
        }
    }
}

TEST_P(ReportServiceTest, TimeseriesEqualsTheSlowWayForEveryInterval) {
    ReportService service(deps());
    const core::Day from = kFirstDay + 5, to = kFirstDay + kDays - 3;
    for (const Filter& filter : {Filter{}, Filter{.partner = partners_[0]}, Filter{.channel = "blog"}}) {
        for (const char* interval : {"day", "week", "month"}) {
            auto report = service.Timeseries(admin_, {.program_id = program_,
                                                      .partner_id = filter.partner,
                                                      .channel = filter.channel,
                                                      .from = core::FormatDate(from),
                                                      .to = core::FormatDate(to),
                                                      .interval = interval});
            ASSERT_TRUE(report) << report.error().message();
            std::map<core::Day, Slow> slow;
            Slow total;
            for (const auto& f : Facts()) {
                if (f.day < from || f.day > to || !Passes(f, filter)) continue;
                const core::Day period = std::string(interval) == "day"    ? f.day
                                         : std::string(interval) == "week" ? core::WeekStart(f.day)
                                                                           : core::MonthStart(f.day);
                Add(slow[period], f.add);
                Add(total, f.add);
            }
            const std::string what = std::string("timeseries by ") + interval;
            ASSERT_FALSE(report->rows.empty());
            EXPECT_LE(report->rows.front().period, from) << what;
            for (std::size_t i = 1; i < report->rows.size(); ++i)
                EXPECT_LT(report->rows[i - 1].period, report->rows[i].period) << what;
            for (const auto& row : report->rows)
                ExpectMetrics(row.metrics, slow[row.period], what + " " + core::FormatDate(row.period));
            ExpectMetrics(report->total.metrics, total, what + " total");
            if (std::string(interval) == "day") {
                EXPECT_EQ(report->rows.size(), static_cast<std::size_t>(to - from + 1));
            }
        }
    }
}

TEST_P(ReportServiceTest, FunnelAndCohortsEqualTheSlowWay) {
    ReportService service(deps());
    const core::Day from = kFirstDay + 3, to = kFirstDay + kDays - 1;
    auto funnel =
        service.Funnel(admin_, {.program_id = program_, .from = core::FormatDate(from), .to = core::FormatDate(to)});
    ASSERT_TRUE(funnel) << funnel.error().message();
    struct Stage {
        std::int64_t entered = 0, moved_on = 0;
        std::vector<std::pair<std::int64_t, std::int64_t>> times;
    };
    std::map<std::string, Stage> slow;
    for (const auto& r : raw_.referrals) {
        const auto day = core::DayOf(r.created_at);
        if (day < from || day > to) continue;
        std::map<std::string, std::int64_t> seconds;
        std::set<std::string> left;
        for (std::size_t i = 0; i < r.history.size(); ++i) {
            seconds.emplace(r.history[i].to, 0);
            if (i + 1 < r.history.size()) {
                left.insert(r.history[i].to);
                seconds[r.history[i].to] += (r.history[i + 1].at.unix_ms - r.history[i].at.unix_ms) / 1000;
            }
        }
        for (const auto& [stage, s] : seconds) {
            ++slow[stage].entered;
            if (left.count(stage)) {
                ++slow[stage].moved_on;
                slow[stage].times.emplace_back(s, 1);
            }
        }
    }
    std::vector<std::string> stages;
    for (const auto& row : funnel->rows) {
        stages.push_back(row.stage);
        const auto& s = slow[row.stage];
        EXPECT_EQ(row.metrics.entered, s.entered) << row.stage;
        EXPECT_EQ(row.metrics.moved_on, s.moved_on) << row.stage;
        ExpectNear(row.metrics.time_in_stage_median_s, ExactQuantile(s.times, 0.5), row.stage + " median");
        ExpectNear(row.metrics.time_in_stage_p90_s, ExactQuantile(s.times, 0.9), row.stage + " p90");
    }
    EXPECT_EQ(stages, (std::vector<std::string>{"new", "qualified", "proposal", "won", "lost"}));
    EXPECT_GT(slow["won"].entered, 0);

    auto cohorts = service.Cohorts(
        admin_,
        {.program_id = program_, .from = core::FormatDate(kFirstDay), .to = core::FormatDate(kFirstDay + kDays - 1)});
    ASSERT_TRUE(cohorts) << cohorts.error().message();
    std::map<core::Day, Slow> by_month;
    for (const auto& f : Facts())
        if (f.day >= kFirstDay && f.day <= kFirstDay + kDays - 1) Add(by_month[core::MonthStart(f.day)], f.add);
    ASSERT_EQ(cohorts->rows.size(), by_month.size());
    std::int64_t converted = 0;
    for (const auto& row : cohorts->rows) {
        const auto& s = by_month[row.month];
        EXPECT_EQ(row.metrics.referrals, s.referrals);
        EXPECT_EQ(row.metrics.converted, s.converted);
        EXPECT_EQ(row.metrics.converted_7d, s.converted_7d);
        EXPECT_EQ(row.metrics.converted_30d, s.converted_30d);
        EXPECT_EQ(row.metrics.converted_90d, s.converted_90d);
        EXPECT_EQ(row.metrics.share_30d, Ratio(static_cast<double>(s.converted_30d), static_cast<double>(s.referrals)));
        converted += s.converted;
    }
    EXPECT_GT(converted, 0);
}

TEST_P(ReportServiceTest, ARebuildEqualsTheMaintainedRollupsAndACheckFindsADrift) {
    auto check = RebuildRollups(deps(), true);
    ASSERT_TRUE(check) << check.error().message();
    for (const auto& line : check->differences) ADD_FAILURE() << line;
    EXPECT_EQ(check->difference_count, 0);
    EXPECT_EQ(check->clicks, static_cast<std::int64_t>(raw_.clicks.size()));
    EXPECT_GT(check->cells, 0);
    EXPECT_GT(check->funnel_cells, 0);

    // A drifted cell (one click too many) is found, named, and a rebuild puts it right.
    ReportService service(deps());
    ASSERT_TRUE(service.Summary(admin_, {.program_id = program_}));  // the cache holds the cells now
    auto drift = store_->Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<void> {
        core::RollupDelta d{{core::ProgramId::FromTrusted(program_), kFirstDay + 2, partners_[0], "", "click"}, {}};
        d.add.clicks = 1;
        return tx.AddRollups(std::span(&d, 1), 1);
    });
    ASSERT_TRUE(drift);
    check = RebuildRollups(deps(), true);
    ASSERT_TRUE(check);
    EXPECT_EQ(check->difference_count, 1);
    ASSERT_EQ(check->differences.size(), 1u);
    EXPECT_NE(check->differences[0].find(partners_[0]), std::string::npos) << check->differences[0];

    auto rebuilt = RebuildRollups(deps(), false);
    ASSERT_TRUE(rebuilt) << rebuilt.error().message();
    check = RebuildRollups(deps(), true);
    ASSERT_TRUE(check);
    EXPECT_EQ(check->difference_count, 0);
    // The cache that held the drifted cell reloads on the rebuild's event and answers the slow way.
    auto report = service.Summary(admin_, {.program_id = program_,
                                           .from = core::FormatDate(kFirstDay),
                                           .to = core::FormatDate(kFirstDay + kDays - 1),
                                           .group_by = "program"});
    ASSERT_TRUE(report);
    Slow total;
    for (const auto& [key, s] : SlowGroups(kFirstDay, kFirstDay + kDays - 1, {}, "program")) Add(total, s);
    ExpectMetrics(report->rows.at(0).metrics, total, "after rebuild");
}

TEST_P(ReportServiceTest, APartnerKeySeesOnlyItsOwnRows) {
    ReportService service(deps());
    const auto from = core::FormatDate(kFirstDay), to = core::FormatDate(kFirstDay + kDays - 1);
    for (const auto& partner : partners_) {
        const Principal who{core::Scope::ForPartner(core::PartnerId::FromTrusted(partner)), {}};
        for (const char* group_by : {"partner", "link", "campaign", "channel", "source", "program"}) {
            auto report = service.Summary(who, {.from = from, .to = to, .group_by = group_by});
            ASSERT_TRUE(report) << report.error().message();
            EXPECT_EQ(report->scope.partner_id, partner);
            auto slow = SlowGroups(kFirstDay, kFirstDay + kDays - 1, {.partner = partner}, group_by);
            if (std::string(group_by) != "program") {
                EXPECT_EQ(report->rows.size(), slow.size()) << group_by;
            }
            for (const auto& row : report->rows) {
                for (const auto& [name, value] : row.group)
                    if (name == "partner_id") {
                        EXPECT_EQ(value, partner) << group_by;
                    }
                if (std::string(group_by) != "program")
                    ExpectMetrics(row.metrics, slow[row.group.front().second],
                                  std::string("partner key by ") + group_by);
            }
        }
        for (const auto& other : partners_) {
            if (other == partner) continue;
            auto theirs = service.Summary(who, {.partner_id = other, .from = from, .to = to});
            ASSERT_FALSE(theirs);
            EXPECT_EQ(theirs.error().code(), core::ErrorCode::kNotFound);
            auto series = service.Timeseries(who, {.partner_id = other});
            ASSERT_FALSE(series);
            EXPECT_EQ(series.error().code(), core::ErrorCode::kNotFound);
        }
        auto series = service.Timeseries(who, {.from = from, .to = to, .interval = "week"});
        ASSERT_TRUE(series);
        Slow total;
        for (const auto& [key, s] : SlowGroups(kFirstDay, kFirstDay + kDays - 1, {.partner = partner}, "program"))
            Add(total, s);
        ExpectMetrics(series->total.metrics, total, "partner timeseries total");
    }
    const Principal ingest{core::Scope::ForIngest(core::ProgramId::FromTrusted(program_)), {}};
    auto refused = service.Summary(ingest, {.program_id = program_});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code(), core::ErrorCode::kForbidden);
}

TEST_P(ReportServiceTest, BadQueriesAreRefusedNamingTheField) {
    ReportService service(deps());
    struct Case {
        ReportQuery query;
        const char* field;
    };
    const Case cases[] = {
        {{.program_id = "nope"}, "program_id"},
        {{}, "program_id"},
        {{.program_id = program_, .from = "2026-02-30"}, "from"},
        {{.program_id = program_, .from = "2026-11-02", .to = "2026-11-01"}, "from"},
        {{.program_id = program_, .from = "2000-01-01", .to = "2026-11-01"}, "to"},
        {{.program_id = program_, .group_by = "color"}, "group_by"},
        {{.program_id = program_, .sort = "-fame"}, "sort"},
        {{.program_id = program_, .limit = "0"}, "limit"},
        {{.program_id = program_, .source = "magic"}, "source"},
        {{.program_id = program_, .partner_id = "prt_01jd0000000000000000000000"}, "partner_id"},
    };
    for (const auto& c : cases) {
        auto r = service.Summary(admin_, c.query);
        ASSERT_FALSE(r) << c.field;
        ASSERT_EQ(r.error().code(), core::ErrorCode::kInvalid) << c.field << ": " << r.error().message();
        ASSERT_FALSE(r.error().fields().empty()) << c.field;
        EXPECT_EQ(r.error().fields().front().field, c.field) << r.error().message();
    }
    auto bad_interval = service.Timeseries(admin_, {.program_id = program_, .interval = "hour"});
    ASSERT_FALSE(bad_interval);
    EXPECT_EQ(bad_interval.error().fields().front().field, "interval");
}

TEST_P(ReportServiceTest, SortAndLimitPickTheTopGroups) {
    ReportService service(deps());
    auto top = service.Summary(admin_, {.program_id = program_,
                                        .from = core::FormatDate(kFirstDay),
                                        .to = core::FormatDate(kFirstDay + kDays - 1),
                                        .sort = "-clicks",
                                        .limit = "2"});
    ASSERT_TRUE(top) << top.error().message();
    ASSERT_EQ(top->rows.size(), 2u);
    EXPECT_TRUE(top->has_more);
    auto all = service.Summary(admin_, {.program_id = program_,
                                        .from = core::FormatDate(kFirstDay),
                                        .to = core::FormatDate(kFirstDay + kDays - 1),
                                        .sort = "clicks"});
    ASSERT_TRUE(all);
    ASSERT_GE(all->rows.size(), 3u);
    EXPECT_FALSE(all->has_more);
    for (std::size_t i = 1; i < all->rows.size(); ++i) {
        EXPECT_LE(all->rows[i - 1].metrics.clicks, all->rows[i].metrics.clicks);
    }
    EXPECT_EQ(top->rows[0].metrics.clicks, all->rows.back().metrics.clicks);
    EXPECT_GE(top->rows[0].metrics.clicks, top->rows[1].metrics.clicks);
    // The total covers every group, not only those shown.
    EXPECT_EQ(top->total->metrics, all->total->metrics);
}

INSTANTIATE_TEST_SUITE_P(Backends, ReportServiceTest,
                         ::testing::Values("memory", "sqlite", "memory_pending", "sqlite_pending"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace rt::app
