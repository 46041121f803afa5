#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "app/deps.hpp"
#include "app/principal.hpp"
#include "core/link.hpp"
#include "core/page.hpp"

namespace rt::app {

struct LinkListFilter {
    std::optional<std::string> program_id;
    std::optional<std::string> partner_id;
};

// Links: admins manage every link; a partner key creates, sees and edits its own links only (not
// their status: enabling and disabling is an admin's call), and only while the partner is active;
// ingest keys none. Blocking; thread-safe.
class LinkService {
  public:
    // How often a generated code is drawn again after colliding with an existing one.
    static constexpr int kCodeAttempts = 8;

    explicit LinkService(Deps deps) : deps_(deps) {}

    // partner_id is required for admin keys and implied for partner keys. kInvalid for a destination
    // outside the program's domains or a bad vanity code; kConflict when the vanity code is taken or
    // the partner is not active.
    core::Result<core::Link> Create(const Principal& who, const core::LinkFields& fields);
    core::Result<core::Link> Get(const Principal& who, std::string_view id);
    core::Result<core::Link> Patch(const Principal& who, std::string_view id, const core::LinkFields& patch);
    core::Result<core::Page<core::Link>> List(const Principal& who, const LinkListFilter& filter,
                                              const core::PageRequest& page);

    // Called with the link's new state after each committed Create or Patch, on the caller's thread
    // (the redirect's LinkDirectory listens). Set before serving; must be quick and must not throw.
    using ChangeListener = std::function<void(const core::Link&)>;
    void SetChangeListener(ChangeListener listener) { listener_ = std::move(listener); }

  private:
    const core::Result<core::Link>& Notify(const core::Result<core::Link>& link) const {
        if (link && listener_) listener_(*link);
        return link;
    }

    Deps deps_;
    ChangeListener listener_;
};

// The ledger payload of a link's state.
std::vector<std::pair<std::string, std::string>> EventFields(const core::Link& link);

}  // namespace rt::app
