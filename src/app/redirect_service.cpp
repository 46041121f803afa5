#include "app/redirect_service.hpp"

#include <utility>
#include <vector>

#include "app/user_agent_cache.hpp"
#include "core/ip_address.hpp"
#include "core/tracking_url.hpp"
#include "core/url.hpp"
#include "core/user_agent.hpp"

namespace rt::app {

namespace {

constexpr std::int64_t kSecondsPerDay = 24 * 60 * 60;
// How far in the future a server-side click's occurred_at may be: the sender's clock may run ahead.
constexpr std::int64_t kMaxClockSkewMs = 5 * 60 * 1000;

core::Error NoSuchLink() { return core::Error::NotFound("no such link"); }

// Only a destination still on the program's domains is followed: the program may have dropped one
// since the link was saved.
bool DestinationAllowed(const LinkRoute& route) {
    return !route.link->destination_host.empty() &&
           core::HostAllowed(route.link->destination_host, route.program->destination_domains);
}

core::Utm CleanUtm(const core::Utm& raw) {
    return {core::CleanUtmValue(raw.source), core::CleanUtmValue(raw.medium), core::CleanUtmValue(raw.campaign),
            core::CleanUtmValue(raw.term), core::CleanUtmValue(raw.content)};
}

// A referrer given as a URL, or as a bare host name.
std::string HostOfReferrer(std::string_view referrer) {
    if (referrer.empty()) return {};
    if (referrer.find("://") != std::string_view::npos) return core::ReferrerHost(referrer);
    return core::ReferrerHost("http://" + std::string(referrer));
}

}  // namespace

// What is known of one visit besides the link.
struct RedirectService::Visit {
    std::optional<core::VisitorId> visitor;      // a returning visitor; nullopt: a new one
    std::optional<std::string_view> user_agent;  // nullopt: not told (server-side clicks)
    bool head = false;
    std::string referrer_host;
    std::optional<core::IpAddress> ip;
    const core::Utm* utm = nullptr;
};

// A checked server-side click request.
struct RedirectService::ServerVisit {
    std::optional<LinkRoute> route;  // set once checked
    Visit visit;
    core::TimePoint at;
};

namespace {

// The names under which UniqueVisits remembers a visit: the visitor id, and for a visitor without a
// cookie also the address hash and device, so that the cookie-less first click and the next one (with
// the cookie it was given) count once.
UniqueVisits::Keys VisitKeys(const core::Click& click, bool returning) {
    UniqueVisits::Keys keys;
    keys.Add(UniqueVisits::KeyOf({click.link_id.str(), "v", click.visitor_id.str()}));
    if (!returning && !click.ip_hash.empty()) {
        keys.Add(UniqueVisits::KeyOf({click.link_id.str(), "ip", click.ip_hash, core::ToString(click.device)}));
    }
    return keys;
}

}  // namespace

core::Click RedirectService::BuildClick(const LinkRoute& route, const Visit& visit, core::TimePoint at,
                                        UniqueVisits::Keys& remembered) {
    core::Click c;
    c.id = core::ClickId::Generate(at, deps_.random);
    c.program_id = route.link->program_id;
    c.partner_id = route.link->partner_id;
    c.link_id = route.link->link_id;
    c.visitor_id = visit.visitor ? *visit.visitor : core::VisitorId::Generate(at, deps_.random);
    c.at = at;
    c.referrer_host = visit.referrer_host;
    if (visit.user_agent) {
        thread_local UserAgentCache user_agents;  // each I/O thread its own
        const auto ua = user_agents.Classify(*visit.user_agent);
        c.device = ua.device;
        c.bot = ua.bot;
    }
    c.bot = c.bot || visit.head;
    if (visit.utm != nullptr) c.utm = CleanUtm(*visit.utm);
    if (visit.ip) {
        c.ip_prefix = core::NetworkPrefix(*visit.ip);
        c.ip_hash = vault_.KeyedHash("ip", core::ToString(*visit.ip));
    }
    // Bots are never counted, so they are never unique and never make a person's visit a repeat.
    remembered = UniqueVisits::Keys{};
    c.unique = false;
    if (!c.bot) {
        const auto keys = VisitKeys(c, visit.visitor.has_value());
        c.unique = visits_.Visit(keys.span(), at);
        if (c.unique) remembered = keys;
    }
    return c;
}

void RedirectService::Record(core::Click click, const UniqueVisits::Keys& remembered, ClickWriter::Done done) {
    ClickWriter::Done written = [this, keys = remembered, at = click.at, done = std::move(done)](
                                    const core::Result<void>& outcome, core::Click& click) {
        if (!outcome) visits_.Forget(keys.span(), at);
        done(outcome, click);
    };
    // Refused: neither argument was moved from, and the callback answers as a failed batch would.
    if (auto submitted = writer_.Submit(std::move(click), std::move(written)); !submitted) {
        written(core::Fail(std::move(submitted.error())), click);
    }
}

void RedirectService::Redirect(const RedirectRequest& request, RedirectDone done) {
    auto route = links_.Resolve(request.code);
    if (!route || !route->link->active || !DestinationAllowed(*route)) return done(core::Fail(NoSuchLink()));

    const Visit visit{.visitor = core::VisitorId::Parse(request.visitor_cookie),
                      .user_agent = request.user_agent,
                      .head = request.head,
                      .referrer_host = core::ReferrerHost(request.referer),
                      .ip = core::ParseIpAddress(request.remote_ip),
                      .utm = &request.utm};
    UniqueVisits::Keys remembered;
    auto click = BuildClick(*route, visit, deps_.clock.Now(), remembered);
    std::string location = core::WithClickId(route->link->destination, click.id.str());
    const std::int64_t max_age_s = std::int64_t{route->program->window_days} * kSecondsPerDay;
    Record(std::move(click), remembered,
           [done = std::move(done), location = std::move(location), max_age_s](const core::Result<void>& written,
                                                                               core::Click& click) mutable {
               if (!written) return done(core::Fail(written.error()));
               done(RedirectAnswer{std::move(click), std::move(location), max_age_s});
           });
}

core::Result<RedirectService::ServerVisit> RedirectService::CheckServerClick(const Principal& who,
                                                                             const ServerClickRequest& request) {
    if (who.partner() != nullptr) {
        return core::Fail(core::Error::Forbidden("only admin and ingest keys may record clicks"));
    }
    core::FieldErrors errors;
    ServerVisit out{.at = deps_.clock.Now()};
    out.route = ServerClickLink(who, request, errors);
    out.visit.user_agent = request.user_agent;
    out.visit.utm = &request.utm;
    if (request.visitor_id) {
        out.visit.visitor = core::VisitorId::Parse(*request.visitor_id);
        if (!out.visit.visitor) errors.Add("visitor_id", "is not a visitor id");
    }
    if (request.ip) {
        out.visit.ip = core::ParseIpAddress(*request.ip);
        if (!out.visit.ip) errors.Add("ip", "is not an IPv4 or IPv6 address");
    }
    out.visit.referrer_host = HostOfReferrer(request.referrer.value_or(""));
    if (request.occurred_at) {
        const auto parsed = core::ParseRfc3339(*request.occurred_at);
        if (!parsed) {
            errors.Add("occurred_at", "is not an RFC 3339 time");
        } else if (parsed->unix_ms > out.at.unix_ms + kMaxClockSkewMs) {
            errors.Add("occurred_at", "is in the future");
        } else {
            out.at = *parsed;
        }
    }
    if (auto ok = errors.ToResult(); !ok) return core::Fail(ok.error());
    if (!out.route->link->active) return core::Fail(core::Error::Conflict("the link is disabled"));
    return out;
}

std::optional<LinkRoute> RedirectService::ServerClickLink(const Principal& who, const ServerClickRequest& request,
                                                          core::FieldErrors& errors) const {
    if (!request.code && !request.link_id) {
        errors.Add("code", "code or link_id is required");
        return std::nullopt;
    }
    const auto id = request.code ? std::nullopt : core::LinkId::Parse(*request.link_id);
    const std::optional<LinkRoute> route = request.code ? links_.Resolve(*request.code)
                                           : id         ? links_.ResolveId(*id)
                                                        : std::nullopt;
    // An ingest key sees only its program's links: the others are as unknown as missing ones.
    if (!route || (who.scope.kind == core::Scope::Kind::kIngest && who.scope.target != route->link->program_id.str())) {
        errors.Add(request.code ? "code" : "link_id", "no such link");
        return std::nullopt;
    }
    if (request.code && request.link_id && route->link->link_id.str() != *request.link_id) {
        errors.Add("link_id", "names another link than code");
        return std::nullopt;
    }
    return route;
}

void RedirectService::RecordServerClick(const Principal& who, const ServerClickRequest& request, ClickDone done) {
    auto checked = CheckServerClick(who, request);
    if (!checked) return done(core::Fail(std::move(checked.error())));
    UniqueVisits::Keys remembered;
    auto click = BuildClick(*checked->route, checked->visit, checked->at, remembered);
    Record(std::move(click), remembered,
           [done = std::move(done)](const core::Result<void>& written, core::Click& click) {
               if (!written) return done(core::Fail(written.error()));
               done(std::move(click));
           });
}

}  // namespace rt::app
