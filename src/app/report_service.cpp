#include "app/report_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "app/paging.hpp"
#include "app/rollup_cache.hpp"
#include "app/rollups.hpp"
#include "core/ids.hpp"
#include "core/referral_stage.hpp"

namespace rt::app {

namespace {

constexpr int kDefaultLimit = 1'000;
constexpr int kMaxLimit = 100'000;
constexpr core::Day kMaxRangeDays = 3'660;  // ten years
constexpr core::Day kDefaultRangeDays = 30;

// The checked query.
struct Plan {
    ReportScope scope;
    std::optional<core::ProgramId> program_id;
    std::string group_by = "partner";
    std::string interval = "day";
    std::string sort_metric = "revenue";
    bool descending = true;
    int limit = kDefaultLimit;
};

const std::vector<std::string> kGroups = {"program", "partner", "link", "campaign", "channel", "source"};
const std::vector<std::string> kIntervals = {"day", "week", "month"};
const std::vector<std::string> kSources = {"click", "coupon", "partner", "api", "recurring"};

bool OneOf(const std::vector<std::string>& values, const std::string& v) {
    return std::find(values.begin(), values.end(), v) != values.end();
}

std::string Join(const std::vector<std::string>& values) {
    std::string out;
    for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
    return out;
}

enum class Kind { kSummary, kTimeseries, kFunnel, kCohorts };

core::Result<Plan> Check(const Principal& who, const ReportQuery& q, Kind kind, core::TimePoint now) {
    if (who.scope.kind == core::Scope::Kind::kIngest)
        return core::Fail(core::Error::Forbidden("ingest keys record referrals and conversions; they read no reports"));
    core::FieldErrors errors;
    Plan plan;
    auto text = [&](const std::optional<std::string>& v, const char* field, std::size_t max,
                    std::optional<std::string>& out) {
        if (!v) return;
        if (v->size() > max)
            errors.Add(field, "is too long");
        else
            out = *v;
    };
    if (q.program_id) {
        auto id = core::ProgramId::Parse(*q.program_id);
        if (!id)
            errors.Add("program_id", "is not a program id");
        else
            plan.program_id = *id;
    }
    if (q.partner_id) {
        if (!core::PartnerId::Parse(*q.partner_id))
            errors.Add("partner_id", "is not a partner id");
        else
            plan.scope.partner_id = *q.partner_id;
    }
    text(q.campaign, "campaign", 100, plan.scope.campaign);
    text(q.channel, "channel", 64, plan.scope.channel);
    if (q.source) {
        if (!OneOf(kSources, *q.source))
            errors.Add("source", "must be one of " + Join(kSources));
        else
            plan.scope.source = *q.source;
    }
    const core::Day today = core::DayOf(now);
    std::optional<core::Day> from, to;
    if (q.to) {
        to = core::ParseDate(*q.to);
        if (!to) errors.Add("to", "must be a date, YYYY-MM-DD");
    }
    if (q.from) {
        from = core::ParseDate(*q.from);
        if (!from) errors.Add("from", "must be a date, YYYY-MM-DD");
    }
    plan.scope.to = to.value_or(today);
    if (from) {
        plan.scope.from = *from;
    } else if (kind == Kind::kCohorts) {
        // The first of the month eleven months before `to`: twelve monthly cohorts.
        core::Day d = core::MonthStart(plan.scope.to);
        for (int i = 0; i < 11; ++i) d = core::MonthStart(d - 1);
        plan.scope.from = d;
    } else {
        plan.scope.from = plan.scope.to - (kDefaultRangeDays - 1);
    }
    if ((!q.from || from) && (!q.to || to)) {
        if (plan.scope.from > plan.scope.to)
            errors.Add("from", "must not be after to");
        else if (plan.scope.to - plan.scope.from >= kMaxRangeDays)
            errors.Add("to", "the range may span at most 3660 days");
    }
    if (q.group_by) {
        if (kind != Kind::kSummary)
            errors.Add("group_by", "applies to the summary report only");
        else if (!OneOf(kGroups, *q.group_by))
            errors.Add("group_by", "must be one of " + Join(kGroups));
        else
            plan.group_by = *q.group_by;
    }
    if (q.interval) {
        if (kind != Kind::kTimeseries)
            errors.Add("interval", "applies to the timeseries report only");
        else if (!OneOf(kIntervals, *q.interval))
            errors.Add("interval", "must be one of " + Join(kIntervals));
        else
            plan.interval = *q.interval;
    }
    if (q.sort) {
        std::string metric = *q.sort;
        plan.descending = metric.starts_with('-');
        if (plan.descending) metric.erase(0, 1);
        if (kind != Kind::kSummary)
            errors.Add("sort", "applies to the summary report only");
        else if (!OneOf(MetricNames(), metric))
            errors.Add("sort", "must be a metric name, with '-' first for descending: " + Join(MetricNames()));
        else
            plan.sort_metric = metric;
    }
    if (q.limit) {
        int n = 0;
        bool ok = !q.limit->empty() && q.limit->size() <= 6;
        for (char c : *q.limit) ok = ok && c >= '0' && c <= '9';
        if (ok) n = std::stoi(*q.limit);
        if (kind != Kind::kSummary)
            errors.Add("limit", "applies to the summary report only");
        else if (!ok || n < 1 || n > kMaxLimit)
            errors.Add("limit", "must be a whole number from 1 to 100000");
        else
            plan.limit = n;
    }
    if (auto r = errors.ToResult(); !r) return core::Fail(r.error());
    return plan;
}

// Which cells count, as indexes of the program's interned tables.
struct CellFilter {
    bool nothing = false;       // a filter names something the program never saw
    std::int32_t partner = -1;  // -1: any
    std::int16_t source = -1;   // -1: any
    std::vector<char> link_ok;  // empty: any link; else by link index
    bool any() const { return partner < 0 && source < 0 && link_ok.empty(); }
};

CellFilter FilterOf(const ProgramRollups& p, const ReportScope& scope) {
    CellFilter f;
    if (scope.partner_id) {
        f.partner = p.partners.Find(*scope.partner_id);
        if (f.partner < 0) f.nothing = true;
    }
    if (scope.source) {
        f.source = static_cast<std::int16_t>(p.sources.Find(*scope.source));
        if (f.source < 0) f.nothing = true;
    }
    if (scope.campaign || scope.channel) {
        f.link_ok.assign(p.links.size(), 1);
        const auto campaign = scope.campaign ? p.campaigns.Find(*scope.campaign) : -2;
        const auto channel = scope.channel ? p.channels.Find(*scope.channel) : -2;
        for (std::size_t i = 0; i < p.links.size(); ++i) {
            if (scope.campaign && p.links[i].campaign != campaign) f.link_ok[i] = 0;
            if (scope.channel && p.links[i].channel != channel) f.link_ok[i] = 0;
        }
    }
    return f;
}

bool Passes(const CellFilter& f, const PackedKey& k) {
    if (f.partner >= 0 && k.partner != f.partner) return false;
    if (f.source >= 0 && k.source != f.source) return false;
    if (!f.link_ok.empty() && !f.link_ok[static_cast<std::size_t>(k.link)]) return false;
    return true;
}

// How much of a cell's key a report needs: nothing (totals do), the partner, or everything.
enum class Detail { kTotals, kPartner, kFull };

// Adds up the cells of [from, to] that pass `f` into `groups[group(key, day)]` (a negative group skips
// the cell). `day` is the cell's day, or its month's first day when a month cell stands in for all of a
// month's days, which it does when `whole_months` allows and the month lies inside the range. The
// coarsest level that keeps what `detail` and the filter need is read: totals, per partner, or per
// partner, link and source; with a partner filter only that partner's cells are visited.
template <class M, class GroupFn>
void Collect(const Levels<M>& levels, core::Day from, core::Day to, const CellFilter& f, Detail detail,
             bool whole_months, GroupFn&& group, std::vector<M>& groups) {
    if (f.nothing) return;
    if (f.source >= 0 || !f.link_ok.empty()) detail = Detail::kFull;
    if (f.partner >= 0 && detail == Detail::kTotals) detail = Detail::kPartner;
    const bool full = detail == Detail::kFull;
    const auto& days = full ? levels.day : detail == Detail::kPartner ? levels.partner_day : levels.total_day;
    const auto& months = full ? levels.month : detail == Detail::kPartner ? levels.partner_month : levels.total_month;
    auto whole = [&](core::Day month) {  // is `month` (its first day) one whole month inside the range?
        return whole_months && month >= from && core::NextMonthStart(month) - 1 <= to;
    };
    auto take = [&](const auto& e, core::Day day) {
        if (!Passes(f, e.key)) return;
        const auto g = group(e.key, day);
        if (g >= 0) groups[static_cast<std::size_t>(g)] += e.measures;
    };
    if (f.partner >= 0) {
        if (const auto* entries = months.OfPartner(f.partner))
            for (const auto* e : *entries)
                if (whole(e->key.day)) take(*e, e->key.day);
        if (const auto* entries = days.OfPartner(f.partner))
            for (const auto* e : *entries)
                if (e->key.day >= from && e->key.day <= to && !whole(core::MonthStart(e->key.day)))
                    take(*e, e->key.day);
        return;
    }
    for (core::Day d = from; d <= to;) {
        if (d == core::MonthStart(d) && whole(d)) {
            if (const auto* entries = months.OfDay(d))
                for (const auto* e : *entries) take(*e, d);
            d = core::NextMonthStart(d);
            continue;
        }
        if (const auto* entries = days.OfDay(d))
            for (const auto* e : *entries) take(*e, d);
        ++d;
    }
}

// Metric values by name, for sorting.
double MetricValue(const core::ReportMetrics& m, const std::string& name) {
    auto opt = [](const auto& v) { return v ? static_cast<double>(*v) : -INFINITY; };
    auto money = [](const std::optional<core::Money>& v) { return v ? static_cast<double>(v->amount) : -INFINITY; };
    if (name == "clicks") return static_cast<double>(m.clicks);
    if (name == "unique_clicks") return static_cast<double>(m.unique_clicks);
    if (name == "referrals") return static_cast<double>(m.referrals);
    if (name == "conversions") return m.conversions;
    if (name == "refunds") return m.refunds;
    if (name == "click_to_referral_rate") return opt(m.click_to_referral_rate);
    if (name == "referral_to_conversion_rate") return opt(m.referral_to_conversion_rate);
    if (name == "revenue") return static_cast<double>(m.revenue.amount);
    if (name == "average_deal_size") return money(m.average_deal_size);
    if (name == "time_to_conversion_median_s") return opt(m.time_to_conversion_median_s);
    if (name == "time_to_conversion_p90_s") return opt(m.time_to_conversion_p90_s);
    if (name == "commission") return static_cast<double>(m.commission.amount);
    if (name == "roi") return opt(m.roi);
    if (name == "epc") return money(m.epc);
    return 0;
}

ReportGroup GroupLabel(const ProgramRollups& p, const std::string& group_by, std::int32_t g) {
    const auto i = static_cast<std::size_t>(g);
    if (group_by == "program") return {{"program_id", p.program.id.str()}, {"program_name", p.program.name}};
    if (group_by == "partner") return {{"partner_id", p.partners.values[i]}, {"partner_name", p.partner_names[i]}};
    if (group_by == "link") {
        const auto& l = p.links[i];
        return {{"link_id", l.id},
                {"code", l.code},
                {"partner_id", l.partner_id},
                {"campaign", p.campaigns.values[static_cast<std::size_t>(l.campaign)]},
                {"channel", p.channels.values[static_cast<std::size_t>(l.channel)]}};
    }
    if (group_by == "campaign") return {{"campaign", p.campaigns.values[i]}};
    if (group_by == "channel") return {{"channel", p.channels.values[i]}};
    return {{"source", p.sources.values[i]}};
}

std::size_t GroupCount(const ProgramRollups& p, const std::string& group_by) {
    if (group_by == "program") return 1;
    if (group_by == "partner") return p.partners.values.size();
    if (group_by == "link") return p.links.size();
    if (group_by == "campaign") return p.campaigns.values.size();
    if (group_by == "channel") return p.channels.values.size();
    return p.sources.values.size();
}

enum class GroupBy { kProgram, kPartner, kLink, kCampaign, kChannel, kSource };

GroupBy ParseGroupBy(const std::string& group_by) {
    if (group_by == "program") return GroupBy::kProgram;
    if (group_by == "partner") return GroupBy::kPartner;
    if (group_by == "link") return GroupBy::kLink;
    if (group_by == "campaign") return GroupBy::kCampaign;
    if (group_by == "channel") return GroupBy::kChannel;
    return GroupBy::kSource;
}

std::int32_t GroupOf(const ProgramRollups& p, GroupBy group_by, const PackedKey& k) {
    switch (group_by) {
        case GroupBy::kProgram:
            return 0;
        case GroupBy::kPartner:
            return k.partner;
        case GroupBy::kLink:
            return k.link;
        case GroupBy::kCampaign:
            return p.links[static_cast<std::size_t>(k.link)].campaign;
        case GroupBy::kChannel:
            return p.links[static_cast<std::size_t>(k.link)].channel;
        case GroupBy::kSource:
            return k.source;
    }
    return -1;
}

// Month number since year 0, for month indexes.
int MonthNumber(core::Day d) {
    const auto c = core::CivilFromDay(d);
    return c.year * 12 + (c.month - 1);
}

}  // namespace

const std::vector<std::string>& MetricNames() {
    static const std::vector<std::string> names = {"clicks",
                                                   "unique_clicks",
                                                   "referrals",
                                                   "conversions",
                                                   "refunds",
                                                   "click_to_referral_rate",
                                                   "referral_to_conversion_rate",
                                                   "revenue",
                                                   "average_deal_size",
                                                   "time_to_conversion_median_s",
                                                   "time_to_conversion_p90_s",
                                                   "commission",
                                                   "roi",
                                                   "epc"};
    return names;
}

ReportService::ReportService(Deps deps) : deps_(deps), cache_(std::make_unique<RollupCache>(deps.store)) {}

ReportService::~ReportService() = default;

namespace {

// The programs a report covers, after scoping the principal: a partner key covers its own partner.
struct Target {
    std::vector<core::ProgramId> programs;
};

core::Result<Target> Resolve(const Deps& deps, const Principal& who, Plan& plan, bool allow_all_programs) {
    Target t;
    std::optional<core::Partner> partner;
    const std::string* own = who.partner();
    if (own && plan.scope.partner_id && *plan.scope.partner_id != *own)
        return core::Fail(core::Error::NotFound("no such partner"));
    if (own) plan.scope.partner_id = *own;
    if (plan.scope.partner_id) {
        auto found = ports::Transact<core::Partner>(deps.store, ports::TxMode::kRead, [&](ports::StoreTx& tx) {
            return tx.GetPartner(core::PartnerId::FromTrusted(*plan.scope.partner_id));
        });
        if (!found) {
            if (found.error().code() == core::ErrorCode::kNotFound)
                return core::Fail(core::Error::Invalid("partner_id", "no such partner"));
            return core::Fail(found.error());
        }
        partner = *found;
        if (plan.program_id && *plan.program_id != partner->program_id) {
            if (own) return core::Fail(core::Error::NotFound("no such program"));
            return core::Fail(core::Error::Invalid("partner_id", "is not a partner of the program"));
        }
        plan.program_id = partner->program_id;
    }
    if (plan.program_id) {
        t.programs.push_back(*plan.program_id);
        plan.scope.program_id = plan.program_id->str();
        return t;
    }
    if (!allow_all_programs)
        return core::Fail(
            core::Error::Invalid("program_id", "is required (money adds up within one program's currency)"));
    std::vector<core::Program> programs;
    auto listed = deps.store.Transact(ports::TxMode::kRead, [&](ports::StoreTx& tx) {
        return ForEachPage<core::Program>([&](const core::PageRequest& page) { return tx.ListPrograms(page); },
                                          programs);
    });
    if (!listed) return core::Fail(listed.error());
    for (const auto& p : programs) t.programs.push_back(p.id);
    std::reverse(t.programs.begin(), t.programs.end());  // oldest first
    return t;
}

// The program's cells, refreshed, for `fn`; an unknown program is the query's fault (kInvalid). Its pending
// deltas (clicks, and sales under reftrack serve) are rolled up first, so the report counts every click and sale
// committed before it started.
core::Result<void> Read(const Deps& deps, RollupCache& cache, const core::ProgramId& program_id,
                        const std::function<core::Result<void>(const ProgramRollups&)>& fn) {
    // A report that cannot roll the pending deltas up (the database refuses writes) still answers, without the
    // clicks of the last moments; the failure is logged.
    if (auto rolled = RollUpPending(deps, program_id); !rolled) {
        spdlog::warn("event=report_rollup_failed program={} error=\"{}\"", program_id.str(), rolled.error().message());
    }
    auto done = cache.With(program_id, fn);
    if (!done && done.error().code() == core::ErrorCode::kNotFound)
        return core::Fail(core::Error::Invalid("program_id", "no such program"));
    return done;
}

}  // namespace

core::Result<SummaryReport> ReportService::Summary(const Principal& who, const ReportQuery& query) {
    auto plan = Check(who, query, Kind::kSummary, deps_.clock.Now());
    if (!plan) return core::Fail(plan.error());
    auto target = Resolve(deps_, who, *plan, plan->group_by == "program");
    if (!target) return core::Fail(target.error());
    SummaryReport report;
    report.scope = plan->scope;
    report.group_by = plan->group_by;
    report.sort = (plan->descending ? "-" : "") + plan->sort_metric;
    core::Measures total;
    std::optional<core::Currency> currency;
    bool mixed = false;
    for (const auto& program_id : target->programs) {
        auto done = Read(deps_, *cache_, program_id, [&](const ProgramRollups& p) -> core::Result<void> {
            const auto filter = FilterOf(p, plan->scope);
            std::vector<core::Measures> groups(GroupCount(p, plan->group_by));
            const auto group_by = ParseGroupBy(plan->group_by);
            const Detail detail = group_by == GroupBy::kProgram   ? Detail::kTotals
                                  : group_by == GroupBy::kPartner ? Detail::kPartner
                                                                  : Detail::kFull;
            Collect(
                p.cells, plan->scope.from, plan->scope.to, filter, detail, true,
                [&](const PackedKey& k, core::Day) { return GroupOf(p, group_by, k); }, groups);
            for (std::size_t g = 0; g < groups.size(); ++g) {
                if (groups[g].IsZero() && plan->group_by != "program") continue;
                total += groups[g];
                auto label = GroupLabel(p, plan->group_by, static_cast<std::int32_t>(g));
                // Traffic through no link belongs to the filtered partner, when there is one.
                for (auto& [name, value] : label)
                    if (name == "partner_id" && value.empty() && plan->scope.partner_id)
                        value = *plan->scope.partner_id;
                report.rows.push_back({std::move(label), core::MetricsOf(groups[g], p.program.currency)});
            }
            if (currency && !(*currency == p.program.currency)) mixed = true;
            currency = p.program.currency;
            return {};
        });
        if (!done) return core::Fail(done.error());
    }
    // Sort keys computed once per row (not per comparison); ties by the group's values. Only the rows
    // kept are moved into place.
    auto& rows = report.rows;
    std::vector<std::pair<double, std::size_t>> order;
    order.reserve(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const double v = MetricValue(rows[i].metrics, plan->sort_metric);
        order.emplace_back(plan->descending ? -v : v, i);
    }
    const auto by_key = [&](const auto& a, const auto& b) {
        if (a.first != b.first) return a.first < b.first;
        return rows[a.second].group < rows[b.second].group;
    };
    const std::size_t kept = std::min(rows.size(), static_cast<std::size_t>(plan->limit));
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(kept), order.end(), by_key);
    std::vector<SummaryRow> sorted;
    sorted.reserve(kept);
    for (std::size_t i = 0; i < kept; ++i) sorted.push_back(std::move(rows[order[i].second]));
    report.has_more = rows.size() > kept;
    rows = std::move(sorted);
    if (currency && !mixed) report.total = SummaryRow{{}, core::MetricsOf(total, *currency)};
    return report;
}

core::Result<TimeseriesReport> ReportService::Timeseries(const Principal& who, const ReportQuery& query) {
    auto plan = Check(who, query, Kind::kTimeseries, deps_.clock.Now());
    if (!plan) return core::Fail(plan.error());
    auto target = Resolve(deps_, who, *plan, false);
    if (!target) return core::Fail(target.error());
    TimeseriesReport report;
    report.scope = plan->scope;
    report.interval = plan->interval;
    const auto from = plan->scope.from, to = plan->scope.to;
    std::vector<core::Day> periods;
    std::function<std::int32_t(core::Day)> index_of;
    if (plan->interval == "day") {
        for (core::Day d = from; d <= to; ++d) periods.push_back(d);
        index_of = [from](core::Day d) { return d - from; };
    } else if (plan->interval == "week") {
        for (core::Day d = core::WeekStart(from); d <= to; d += 7) periods.push_back(d);
        index_of = [w = core::WeekStart(from)](core::Day d) { return (core::WeekStart(d) - w) / 7; };
    } else {
        for (core::Day d = core::MonthStart(from); d <= to; d = core::NextMonthStart(d)) periods.push_back(d);
        index_of = [m = MonthNumber(from)](core::Day d) { return MonthNumber(d) - m; };
    }
    core::Currency currency;
    std::vector<core::Measures> series(periods.size());
    auto done = Read(deps_, *cache_, target->programs.front(), [&](const ProgramRollups& p) -> core::Result<void> {
        currency = p.program.currency;
        const auto filter = FilterOf(p, plan->scope);
        Collect(
            p.cells, from, to, filter, Detail::kTotals, plan->interval == "month",
            [&](const PackedKey&, core::Day d) { return index_of(d); }, series);
        return {};
    });
    if (!done) return core::Fail(done.error());
    core::Measures total;
    for (std::size_t i = 0; i < periods.size(); ++i) {
        total += series[i];
        report.rows.push_back({periods[i], core::MetricsOf(series[i], currency)});
    }
    report.total = SummaryRow{{}, core::MetricsOf(total, currency)};
    return report;
}

core::Result<FunnelReport> ReportService::Funnel(const Principal& who, const ReportQuery& query) {
    auto plan = Check(who, query, Kind::kFunnel, deps_.clock.Now());
    if (!plan) return core::Fail(plan.error());
    auto target = Resolve(deps_, who, *plan, false);
    if (!target) return core::Fail(target.error());
    FunnelReport report;
    report.scope = plan->scope;
    auto done = Read(deps_, *cache_, target->programs.front(), [&](const ProgramRollups& p) -> core::Result<void> {
        const auto filter = FilterOf(p, plan->scope);
        std::vector<core::FunnelMeasures> stages(p.stages.values.size());
        Collect(
            p.funnel, plan->scope.from, plan->scope.to, filter, Detail::kTotals, true,
            [](const PackedKey& k, core::Day) { return static_cast<std::int32_t>(k.stage); }, stages);
        std::vector<bool> shown(stages.size(), false);
        for (const auto& stage : p.program.stages) {
            const auto i = p.stages.Find(stage.key);
            if (i < 0) continue;
            shown[static_cast<std::size_t>(i)] = true;
            report.rows.push_back({stage.key, stage.name, std::string(core::ToString(stage.kind)),
                                   core::StageOf(stages[static_cast<std::size_t>(i)])});
        }
        for (std::size_t i = 0; i < stages.size(); ++i) {
            if (shown[i] || stages[i].IsZero()) continue;
            report.rows.push_back({p.stages.values[i], p.stages.values[i], "retired", core::StageOf(stages[i])});
        }
        return {};
    });
    if (!done) return core::Fail(done.error());
    return report;
}

core::Result<CohortReport> ReportService::Cohorts(const Principal& who, const ReportQuery& query) {
    auto plan = Check(who, query, Kind::kCohorts, deps_.clock.Now());
    if (!plan) return core::Fail(plan.error());
    auto target = Resolve(deps_, who, *plan, false);
    if (!target) return core::Fail(target.error());
    CohortReport report;
    report.scope = plan->scope;
    std::vector<core::Day> months;
    for (core::Day d = core::MonthStart(plan->scope.from); d <= plan->scope.to; d = core::NextMonthStart(d))
        months.push_back(d);
    std::vector<core::Measures> cohorts(months.size());
    const int first = MonthNumber(plan->scope.from);
    auto done = Read(deps_, *cache_, target->programs.front(), [&](const ProgramRollups& p) -> core::Result<void> {
        const auto filter = FilterOf(p, plan->scope);
        Collect(
            p.cells, plan->scope.from, plan->scope.to, filter, Detail::kTotals, true,
            [&](const PackedKey&, core::Day d) { return MonthNumber(d) - first; }, cohorts);
        return {};
    });
    if (!done) return core::Fail(done.error());
    for (std::size_t i = 0; i < months.size(); ++i) report.rows.push_back({months[i], core::CohortOf(cohorts[i])});
    return report;
}

}  // namespace rt::app
