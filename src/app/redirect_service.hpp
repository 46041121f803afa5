#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "app/click_writer.hpp"
#include "app/deps.hpp"
#include "app/link_directory.hpp"
#include "app/principal.hpp"
#include "app/unique_visits.hpp"
#include "core/click.hpp"
#include "ports/vault.hpp"

namespace rt::app {

// The facts of one GET/HEAD /r/{code} request, as the transport saw them.
struct RedirectRequest {
    std::string code;
    bool head = false;  // a HEAD request: recorded as a bot (browsers never send one to follow a link)
    std::string user_agent;
    std::string referer;         // the Referer header; only its host is kept
    std::string remote_ip;       // hashed and truncated here; never stored or logged as given
    core::Utm utm;               // the utm_* query parameters as received; cleaned here
    std::string visitor_cookie;  // the rt_vid cookie's value; "" when absent
};

// The answer to a redirect whose click is durable.
struct RedirectAnswer {
    core::Click click;
    std::string location;               // the destination with rt_click appended
    std::int64_t cookie_max_age_s = 0;  // the program's attribution window
};

// A server-side click (POST /api/v1/track/click): apps and cookieless flows report a visit themselves.
struct ServerClickRequest {
    std::optional<std::string> code;  // one of code and link_id is required
    std::optional<std::string> link_id;
    std::optional<std::string> visitor_id;  // the visitor's id from an earlier click; a new one when absent
    std::optional<std::string> user_agent;  // absent: the device is unknown and the click is not a bot
    std::optional<std::string> ip;          // the visitor's address, hashed and truncated like the redirect's
    std::optional<std::string> referrer;    // a URL or a host name; only the host is kept
    core::Utm utm;
    std::optional<std::string> occurred_at;  // RFC 3339, not in the future; now when absent
};

// The tracking hot path. Resolves a code from the LinkDirectory, classifies the visit (bot: a bot user
// agent or HEAD; unique: no unique visit of the same visitor through the same link within the hour,
// see UniqueVisits), builds the click — never with the raw IP: ip_prefix is its /24 or /48 and ip_hash
// the vault's keyed hash of the full address — and hands it to the ClickWriter. The visitor is the one
// the rt_vid cookie names, whichever partner's link they come through, so that all their clicks share
// one visitor_id; a visitor without a (valid) cookie gets a new id.
// Thread safety: every method may be called from several threads. Non-blocking: safe on an I/O thread.
class RedirectService {
  public:
    using RedirectDone = std::function<void(core::Result<RedirectAnswer>)>;
    using ClickDone = std::function<void(core::Result<core::Click>)>;

    RedirectService(Deps deps, ports::Vault& vault, const LinkDirectory& links, ClickWriter& writer,
                    std::size_t unique_capacity = UniqueVisits::kDefaultCapacity)
        : deps_(deps), vault_(vault), links_(links), writer_(writer), visits_(unique_capacity) {}

    // Calls `done` exactly once: at once with kNotFound for an unknown or disabled code or a destination
    // no longer on the program's destination_domains (never a redirect elsewhere), or with kUnavailable
    // when the writer's queue is full; otherwise on the writer thread once the click is durable (or with
    // the store's error when its batch failed).
    void Redirect(const RedirectRequest& request, RedirectDone done);

    // For admin keys and ingest keys of the link's program; kForbidden for partner keys. kInvalid naming
    // the field for a missing or unknown link (an ingest key's view: other programs' links are unknown),
    // a malformed visitor_id, ip or occurred_at, or an occurred_at in the future; kConflict for a
    // disabled link. `done` is called exactly once, like Redirect's.
    void RecordServerClick(const Principal& who, const ServerClickRequest& request, ClickDone done);

  private:
    struct Visit;
    struct ServerVisit;

    // The click of a visit through `route` at `at`; decides bot and unique. A unique click was remembered by
    // UniqueVisits under `remembered` (left empty otherwise).
    core::Click BuildClick(const LinkRoute& route, const Visit& visit, core::TimePoint at,
                           UniqueVisits::Keys& remembered);
    // Hands `click` to the writer; `done` gets the outcome and the click back (to move from: the click is not
    // copied on the way). A click not recorded after all is forgotten by UniqueVisits under `remembered`, so that
    // a retry counts as unique.
    void Record(core::Click click, const UniqueVisits::Keys& remembered, ClickWriter::Done done);
    core::Result<ServerVisit> CheckServerClick(const Principal& who, const ServerClickRequest& request);
    // The link a server-side click names, or nullopt with a field error added.
    std::optional<LinkRoute> ServerClickLink(const Principal& who, const ServerClickRequest& request,
                                             core::FieldErrors& errors) const;

    Deps deps_;
    ports::Vault& vault_;
    const LinkDirectory& links_;
    ClickWriter& writer_;
    UniqueVisits visits_;
};

}  // namespace rt::app
