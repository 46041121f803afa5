#include "app/conversion_service.hpp"

#include <algorithm>
#include <memory>

#include "app/event_log.hpp"
#include "app/funnel_filter.hpp"
#include "app/rollups.hpp"
#include "core/commission.hpp"
#include "core/partner.hpp"
#include "core/program.hpp"
#include "core/referral_code.hpp"
#include "core/text.hpp"

namespace rt::app {

namespace {

constexpr std::int64_t kMsPerDay = 86'400'000;
constexpr std::int64_t kFutureSlackMs = 5 * 60 * 1000;

core::Error ConversionNotFound() { return core::Error::NotFound("no such conversion"); }

// The request's values, checked.
struct Parsed {
    core::ProgramId program_id;
    std::string external_id;
    core::ConversionType type = core::ConversionType::kSale;
    core::Money amount;
    core::TimePoint occurred_at;
};

core::Result<core::ProgramId> ProgramFor(const Principal& who, const ConversionInput& in) {
    if (who.partner() != nullptr) return core::Fail(core::Error::Forbidden("partner keys cannot record conversions"));
    if (who.scope.kind == core::Scope::Kind::kIngest) {
        if (in.program_id && *in.program_id != who.scope.target) {
            return core::Fail(core::Error::Forbidden("this ingest key records conversions for another program"));
        }
        return core::ProgramId::FromTrusted(who.scope.target);
    }
    if (!in.program_id) return core::Fail(core::Error::Invalid("program_id", "is required"));
    auto id = core::ProgramId::Parse(*in.program_id);
    if (!id) return core::Fail(core::Error::Invalid("program_id", "is not a program id"));
    return *id;
}

core::Result<Parsed> Check(const Principal& who, const ConversionInput& in, core::TimePoint now) {
    auto program_id = ProgramFor(who, in);
    if (!program_id) return core::Fail(program_id.error());
    core::FieldErrors errors;
    Parsed p{.program_id = *program_id};
    if (!in.external_id)
        errors.Add("external_id", "is required");
    else if (core::CheckText(errors, "external_id", *in.external_id, 200))
        p.external_id = core::Trim(*in.external_id);
    if (in.type) {
        auto type = core::ParseConversionType(*in.type);
        if (type)
            p.type = *type;
        else
            errors.Add("type", "must be sale or refund");
    }
    if (!in.amount)
        errors.Add("amount", "is required");
    else if (*in.amount <= 0)
        errors.Add("amount", "must be a positive number of minor units");
    else
        p.amount.amount = *in.amount;
    auto currency = in.currency ? core::Currency::Parse(*in.currency) : std::nullopt;
    if (!currency)
        errors.Add("currency", "must be an ISO 4217 code in upper case, such as EUR");
    else
        p.amount.currency = *currency;
    p.occurred_at = now;
    if (in.occurred_at) {
        auto at = core::ParseRfc3339(*in.occurred_at);
        if (!at)
            errors.Add("occurred_at", "must be an RFC 3339 timestamp");
        else if (at->unix_ms > now.unix_ms + kFutureSlackMs)
            errors.Add("occurred_at", "must not be in the future");
        else
            p.occurred_at = *at;
    }
    if (p.type == core::ConversionType::kRefund && !in.refund_of) errors.Add("refund_of", "is required for a refund");
    if (auto ok = CheckCustomerInput(in.customer, "customer."); !ok) {
        for (const auto& f : ok.error().fields()) errors.Add(f.field, f.message);
    }
    if (auto r = errors.ToResult(); !r) return core::Fail(r.error());
    return p;
}

std::string CreditsText(const core::Attribution& a) {
    std::string out;
    for (const auto& c : a.credits)
        out += (out.empty() ? "" : ",") + c.partner_id.str() + ":" + std::to_string(c.weight_ppm);
    return out;
}

// What the evidence of a sale resolves to.
struct SaleContext {
    core::AttributionEvidence evidence;
    std::vector<core::Click> visitor_clicks;  // as read for the evidence: the rollup finds credited clicks' links here
    std::optional<core::Customer> customer;
    std::optional<core::ReferralId> referral_id;
};

core::Result<void> ReferralEvidence(ports::StoreTx& tx, const core::Program& program, const ConversionInput& in,
                                    SaleContext& ctx) {
    if (!in.referral_id) return {};
    auto id = core::ReferralId::Parse(*in.referral_id);
    auto referral = id ? tx.GetReferral(*id) : core::Result<core::Referral>(core::Fail(core::Error::NotFound("")));
    if (!referral || referral->program_id != program.id) {
        if (!referral && referral.error().code() != core::ErrorCode::kNotFound) return core::Fail(referral.error());
        return core::Fail(core::Error::Invalid("referral_id", "no such referral in the program"));
    }
    ctx.evidence.referral_partner = referral->partner_id;
    ctx.referral_id = referral->id;
    auto customer = tx.GetCustomer(referral->customer_id);
    if (!customer) return core::Fail(customer.error());
    ctx.customer = *customer;
    return {};
}

// The visitor's non-bot clicks in the window, when the named click is known; an unknown click id is
// no evidence (the sale is still recorded).
core::Result<void> ClickEvidence(ports::StoreTx& tx, const core::Program& program, const ConversionInput& in,
                                 core::TimePoint at, SaleContext& ctx) {
    if (!in.click_id) return {};
    auto id = core::ClickId::Parse(*in.click_id);
    if (!id) return {};
    const core::TimePoint since{at.unix_ms - program.attribution.window_days * kMsPerDay};
    auto clicks = tx.ListVisitorClicksOf(program.id, *id, since);
    if (!clicks) return core::Fail(clicks.error());
    if (!*clicks) return {};  // not a click of this program
    ctx.evidence.click_named = true;
    for (const auto& c : **clicks) {
        if (!c.bot) ctx.evidence.clicks.push_back({c.partner_id, c.id.str(), c.at});
    }
    ctx.visitor_clicks = std::move(**clicks);
    return {};
}

core::Result<void> CustomerEvidence(const Deps& deps, ports::Vault& vault, ports::StoreTx& tx,
                                    const core::Program& program, const ConversionInput& in, core::TimePoint at,
                                    SaleContext& ctx) {
    if (!ctx.customer && !in.customer.empty()) {
        auto customer = FindOrCreateCustomer(deps, vault, tx, program.id, in.customer);
        if (!customer) return core::Fail(customer.error());
        ctx.customer = *customer;
    }
    if (!ctx.customer) return {};
    if (program.sticky_customers && ctx.customer->credited_partner) {
        ctx.evidence.sticky_partner = ctx.customer->credited_partner;
    }
    if (ctx.referral_id) return {};
    const core::TimePoint since{at.unix_ms - program.attribution.window_days * kMsPerDay};
    auto referral = tx.FindReferralOfCustomer(program.id, ctx.customer->id, since);
    if (!referral) return core::Fail(referral.error());
    if (*referral) {
        ctx.evidence.history_partner = (*referral)->partner_id;
        ctx.referral_id = (*referral)->id;
    }
    return {};
}

core::Result<void> CouponEvidence(ports::StoreTx& tx, const core::Program& program, const ConversionInput& in,
                                  SaleContext& ctx) {
    if (!in.coupon) return {};
    auto coupon = tx.FindCouponByCode(program.id, core::NormalizeCode(*in.coupon));
    if (!coupon) return core::Fail(coupon.error());
    if (*coupon && (*coupon)->active) ctx.evidence.coupon_partner = (*coupon)->partner_id;
    return {};
}

core::Result<core::Commission> AddCommission(const Deps& deps, ports::StoreTx& tx, const core::Conversion& c,
                                             const core::PartnerId& partner, core::Money amount,
                                             std::optional<core::CommissionId> reverses) {
    core::Commission com;
    com.created_at = deps.clock.Now();
    com.id = core::CommissionId::Generate(com.created_at, deps.random);
    com.program_id = c.program_id;
    com.conversion_id = c.id;
    com.partner_id = partner;
    com.amount = amount;
    com.reverses = reverses;
    if (auto ok = tx.InsertCommission(com); !ok) return core::Fail(ok.error());
    auto event =
        AppendEvent(deps, tx, c.program_id, reverses ? "commission.reversed" : "commission.created", com.id.str(),
                    {{"conversion_id", c.id.str()},
                     {"partner_id", partner.str()},
                     {"amount", std::to_string(amount.amount)},
                     {"currency", amount.currency.code()}});
    if (!event) return core::Fail(event.error());
    return com;
}

core::Result<void> RecordEvent(const Deps& deps, ports::StoreTx& tx, const core::Conversion& c) {
    auto event = AppendEvent(deps, tx, c.program_id, "conversion.recorded", c.id.str(),
                             {{"external_id", c.external_id},
                              {"type", std::string(core::ToString(c.type))},
                              {"amount", std::to_string(c.amount.amount)},
                              {"currency", c.amount.currency.code()},
                              {"refund_of", c.refund_of ? c.refund_of->str() : ""},
                              {"source", std::string(core::ToString(c.attribution.source))},
                              {"credits", CreditsText(c.attribution)}});
    if (!event) return core::Fail(event.error());
    return {};
}

}  // namespace

namespace {

core::Conversion NewConversion(const Deps& deps, const Parsed& p, const ConversionInput& in) {
    core::Conversion c;
    c.created_at = deps.clock.Now();
    c.id = core::ConversionId::Generate(c.created_at, deps.random);
    c.program_id = p.program_id;
    c.external_id = p.external_id;
    c.type = p.type;
    c.amount = p.amount;
    c.occurred_at = p.occurred_at;
    c.click_id = in.click_id.value_or("");
    c.coupon_code = in.coupon ? core::NormalizeCode(*in.coupon) : "";
    c.request_hash = in.request_hash;
    return c;
}

// The partner holding the largest share: who keeps a sticky customer.
core::PartnerId LeadPartner(const core::Attribution& a) {
    return std::max_element(a.credits.begin(), a.credits.end(),
                            [](const auto& x, const auto& y) { return x.weight_ppm < y.weight_ppm; })
        ->partner_id;
}

// Where the journey this sale completes began (core::Conversion::journey_started_at). A referral's first
// sale starts at the earliest of the referral's click (or creation) and the visitor's in-window clicks,
// and marks the referral converted; a sale credited by click without any referral starts at the
// visitor's first in-window click; any other sale (a repeat, a coupon) has no journey to time.
core::Result<std::optional<core::TimePoint>> JourneyOf(ports::StoreTx& tx, const core::Program& program,
                                                       const core::Conversion& c, const SaleContext& ctx) {
    std::optional<core::TimePoint> start;
    auto earliest = [&](core::TimePoint t) {
        if (!start || t < *start) start = t;
    };
    const auto window_start = c.occurred_at.unix_ms - program.attribution.window_days * kMsPerDay;
    auto clicks_in_window = [&] {
        for (const auto& touch : ctx.evidence.clicks)
            if (touch.at.unix_ms > window_start && touch.at <= c.occurred_at) earliest(touch.at);
    };
    if (c.referral_id) {
        auto referral = tx.GetReferral(*c.referral_id);
        if (!referral) return core::Fail(referral.error());
        if (referral->converted_at) return std::optional<core::TimePoint>();  // a repeat sale
        earliest(referral->created_at);
        if (auto id = core::ClickId::Parse(referral->click_id)) {
            auto click = tx.GetClick(*id);
            if (click)
                earliest(click->at);
            else if (click.error().code() != core::ErrorCode::kNotFound)
                return core::Fail(click.error());
        }
        clicks_in_window();
        referral->converted_at = c.occurred_at;
        if (auto ok = tx.UpdateReferral(*referral); !ok) return core::Fail(ok.error());
        return start;
    }
    if (c.attribution.source == core::AttributionSource::kClick) clicks_in_window();
    return start;
}

core::Result<ConversionOutcome> RecordSale(const Deps& deps, ports::Vault& vault, ports::StoreTx& tx,
                                           RollupWrites writes, const core::Program& program, const Parsed& p,
                                           const ConversionInput& in) {
    SaleContext ctx;
    if (auto ok = ReferralEvidence(tx, program, in, ctx); !ok) return core::Fail(ok.error());
    if (auto ok = CustomerEvidence(deps, vault, tx, program, in, p.occurred_at, ctx); !ok)
        return core::Fail(ok.error());
    if (auto ok = ClickEvidence(tx, program, in, p.occurred_at, ctx); !ok) return core::Fail(ok.error());
    if (auto ok = CouponEvidence(tx, program, in, ctx); !ok) return core::Fail(ok.error());
    ConversionOutcome out{NewConversion(deps, p, in), {}, true};
    auto& c = out.conversion;
    c.attribution = core::Attribute(program.attribution, p.occurred_at, ctx.evidence);
    c.referral_id = ctx.referral_id;
    if (ctx.customer) c.customer_id = ctx.customer->id;
    auto journey = JourneyOf(tx, program, c, ctx);
    if (!journey) return core::Fail(journey.error());
    c.journey_started_at = *journey;
    if (auto ok = tx.InsertConversion(c); !ok) return core::Fail(ok.error());
    if (auto ok = RecordEvent(deps, tx, c); !ok) return core::Fail(ok.error());
    for (const auto& credit : c.attribution.credits) {
        auto partner = tx.GetPartner(credit.partner_id);
        if (!partner) return core::Fail(partner.error());
        if (partner->status != core::PartnerStatus::kActive) continue;  // credited, but only active partners earn
        const auto amount = core::CommissionFor(program.commission, partner->group, c.amount, credit.weight_ppm);
        if (amount.amount == 0) continue;
        auto com = AddCommission(deps, tx, c, credit.partner_id, amount, std::nullopt);
        if (!com) return core::Fail(com.error());
        out.commissions.push_back(*com);
    }
    if (ctx.customer && program.sticky_customers && !ctx.customer->credited_partner && !c.attribution.credits.empty()) {
        ctx.customer->credited_partner = LeadPartner(c.attribution);
        if (auto ok = tx.UpdateCustomer(*ctx.customer); !ok) return core::Fail(ok.error());
    }
    if (auto ok = RollUpConversion(tx, c, {.commissions = &out.commissions, .clicks = ctx.visitor_clicks}, writes); !ok)
        return core::Fail(ok.error());
    return out;
}

core::Result<core::Conversion> FindSale(ports::StoreTx& tx, const core::ProgramId& program_id, const std::string& ref) {
    core::Result<std::optional<core::Conversion>> found = std::optional<core::Conversion>();
    if (auto id = core::ConversionId::Parse(ref)) {
        auto sale = tx.GetConversion(*id);
        if (sale)
            found = std::optional<core::Conversion>(*sale);
        else if (sale.error().code() != core::ErrorCode::kNotFound)
            return core::Fail(sale.error());
    } else {
        found = tx.FindConversionByExternalId(program_id, ref);
    }
    if (!found) return core::Fail(found.error());
    if (!*found || (*found)->program_id != program_id || (*found)->type != core::ConversionType::kSale) {
        return core::Fail(core::Error::Invalid("refund_of", "no such sale in the program"));
    }
    return **found;
}

core::Result<ConversionOutcome> RecordRefund(const Deps& deps, ports::StoreTx& tx, RollupWrites writes, const Parsed& p,
                                             const ConversionInput& in) {
    auto sale = FindSale(tx, p.program_id, *in.refund_of);
    if (!sale) return core::Fail(sale.error());
    if (!(sale->amount.currency == p.amount.currency)) {
        return core::Fail(
            core::Error::Invalid("currency", "must be the sale's currency, " + sale->amount.currency.code()));
    }
    auto refunds = tx.ListRefundsOf(sale->id);
    if (!refunds) return core::Fail(refunds.error());
    core::Money already{0, sale->amount.currency};
    for (const auto& r : *refunds) already.amount += r.amount.amount;
    if (already.amount + p.amount.amount > sale->amount.amount) {
        return core::Fail(core::Error::Invalid("amount", "exceeds what remains refundable of the sale (" +
                                                             std::to_string(sale->amount.amount - already.amount) +
                                                             ")"));
    }
    ConversionOutcome out{NewConversion(deps, p, in), {}, true};
    auto& c = out.conversion;
    c.refund_of = sale->id;
    c.attribution = sale->attribution;
    c.customer_id = sale->customer_id;
    c.referral_id = sale->referral_id;
    if (auto ok = tx.InsertConversion(c); !ok) return core::Fail(ok.error());
    if (auto ok = RecordEvent(deps, tx, c); !ok) return core::Fail(ok.error());
    auto commissions = tx.ListCommissionsOfConversion(sale->id);
    if (!commissions) return core::Fail(commissions.error());
    for (const auto& original : *commissions) {
        if (original.reverses || original.amount.amount <= 0) continue;
        auto reversal = core::ReversalFor(original.amount, sale->amount, p.amount, already);
        if (!reversal) return core::Fail(reversal.error());
        if (reversal->amount == 0) continue;
        auto com = AddCommission(deps, tx, c, original.partner_id, *reversal, original.id);
        if (!com) return core::Fail(com.error());
        out.commissions.push_back(*com);
    }
    if (auto ok = RollUpConversion(tx, c, {.commissions = &out.commissions}, writes); !ok) {
        return core::Fail(ok.error());
    }
    return out;
}

// Record's work on a checked request, inside its savepoint of a group-commit transaction: a repeat of an
// earlier request (possibly one earlier in the same batch) answers its first outcome.
core::Result<ConversionOutcome> RecordChecked(const Deps& deps, ports::Vault& vault, ports::StoreTx& tx,
                                              RollupWrites writes, const Parsed& parsed, const ConversionInput& input) {
    auto program = tx.GetProgram(parsed.program_id);
    if (!program) {
        if (program.error().code() != core::ErrorCode::kNotFound) return core::Fail(program.error());
        return core::Fail(core::Error::Invalid("program_id", "no such program"));
    }
    auto existing = tx.FindConversionByExternalId(program->id, parsed.external_id);
    if (!existing) return core::Fail(existing.error());
    if (*existing) {
        if ((*existing)->request_hash != input.request_hash) {
            return core::Fail(
                core::Error::Conflict("a conversion with this external_id was recorded with other values"));
        }
        auto commissions = tx.ListCommissionsOfConversion((*existing)->id);
        if (!commissions) return core::Fail(commissions.error());
        return ConversionOutcome{**existing, *commissions, false};
    }
    if (parsed.type == core::ConversionType::kRefund) return RecordRefund(deps, tx, writes, parsed, input);
    if (!(parsed.amount.currency == program->currency)) {
        return core::Fail(
            core::Error::Invalid("currency", "must be the program's currency, " + program->currency.code()));
    }
    return RecordSale(deps, vault, tx, writes, *program, parsed, input);
}

// Partner keys see conversions credited to them, and only their own commissions.
bool MaySee(const Principal& who, const core::Conversion& c) {
    if (const auto* own = who.partner()) {
        return std::any_of(c.attribution.credits.begin(), c.attribution.credits.end(),
                           [&](const auto& credit) { return credit.partner_id.str() == *own; });
    }
    if (who.scope.kind == core::Scope::Kind::kIngest) return who.scope.target == c.program_id.str();
    return true;
}

// Whether recording this outcome left a pending roll-up row (RollUpConversion): a new, attributed conversion.
bool LeftPending(const ConversionOutcome& out) { return out.created && !out.conversion.attribution.credits.empty(); }

}  // namespace

core::Result<ConversionOutcome> ConversionService::Record(const Principal& who, const ConversionInput& input) {
    auto parsed = Check(who, input, deps_.clock.Now());
    if (!parsed) return core::Fail(parsed.error());
    std::optional<ConversionOutcome> out;
    auto done = writes_.Run([&](ports::StoreTx& tx) -> core::Result<void> {
        auto recorded = RecordChecked(deps_, vault_, tx, rollups_, *parsed, input);
        if (!recorded) return core::Fail(std::move(recorded.error()));
        out.emplace(std::move(*recorded));
        return {};
    });
    if (!done) return core::Fail(std::move(done.error()));
    if (on_pending_ && LeftPending(*out)) on_pending_();
    return std::move(*out);
}

core::Result<void> ConversionService::RecordAsync(const Principal& who, ConversionInput input, RecordDone done) {
    auto parsed = Check(who, input, deps_.clock.Now());
    if (!parsed) return core::Fail(std::move(parsed.error()));
    // Shared by the body, which fills `out` in the batch's transaction, and the callback after the commit.
    struct State {
        Parsed parsed;
        ConversionInput input;
        std::optional<ConversionOutcome> out;
        RecordDone done;
    };
    auto state = std::make_shared<State>(State{std::move(*parsed), std::move(input), std::nullopt, std::move(done)});
    return writes_.Submit(
        [this, state](ports::StoreTx& tx) -> core::Result<void> {
            auto recorded = RecordChecked(deps_, vault_, tx, rollups_, state->parsed, state->input);
            if (!recorded) return core::Fail(std::move(recorded.error()));
            state->out.emplace(std::move(*recorded));
            return {};
        },
        [this, state](core::Result<void> written) {
            if (!written) return state->done(core::Fail(std::move(written.error())));
            if (on_pending_ && LeftPending(*state->out)) on_pending_();
            state->done(std::move(*state->out));
        });
}

namespace {

// A conversion with its commissions as `who` may see them: a partner sees its own credit and its own
// commissions, not who else shared the sale.
core::Result<ConversionOutcome> Visible(const Principal& who, ports::StoreTx& tx, core::Conversion c) {
    auto commissions = tx.ListCommissionsOfConversion(c.id);
    if (!commissions) return core::Fail(commissions.error());
    ConversionOutcome out{std::move(c), {}, false};
    const auto* own = who.partner();
    if (own != nullptr) {
        std::erase_if(out.conversion.attribution.credits,
                      [&](const core::Credit& credit) { return credit.partner_id.str() != *own; });
    }
    for (auto& com : *commissions) {
        if (own == nullptr || *own == com.partner_id.str()) out.commissions.push_back(std::move(com));
    }
    return out;
}

}  // namespace

core::Result<ConversionOutcome> ConversionService::Get(const Principal& who, std::string_view id) {
    const auto conversion_id = core::ConversionId::Parse(id);
    if (!conversion_id) return core::Fail(ConversionNotFound());
    return ports::Transact<ConversionOutcome>(
        deps_.store, ports::TxMode::kRead, [&](ports::StoreTx& tx) -> core::Result<ConversionOutcome> {
            auto c = tx.GetConversion(*conversion_id);
            if (!c) {
                return core::Fail(c.error().code() == core::ErrorCode::kNotFound ? ConversionNotFound() : c.error());
            }
            if (!MaySee(who, *c)) return core::Fail(ConversionNotFound());
            return Visible(who, tx, std::move(*c));
        });
}

core::Result<core::Page<ConversionOutcome>> ConversionService::List(const Principal& who,
                                                                    const std::optional<std::string>& program_id,
                                                                    const std::optional<std::string>& partner_id,
                                                                    const core::PageRequest& page) {
    using PageT = core::Page<ConversionOutcome>;
    auto filter = ScopedFunnelFilter(who, program_id, partner_id);
    if (!filter) return core::Fail(filter.error());
    if (!*filter) return PageT{};
    return ports::Transact<PageT>(deps_.store, ports::TxMode::kRead, [&](ports::StoreTx& tx) -> core::Result<PageT> {
        auto listed = tx.ListConversions(**filter, page);
        if (!listed) return core::Fail(listed.error());
        PageT out{{}, listed->has_more};
        for (auto& c : listed->data) {
            auto visible = Visible(who, tx, std::move(c));
            if (!visible) return core::Fail(visible.error());
            out.data.push_back(std::move(*visible));
        }
        return out;
    });
}

}  // namespace rt::app
