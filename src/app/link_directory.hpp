#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/link.hpp"
#include "core/program.hpp"
#include "ports/store.hpp"

namespace rt::app {

// What a redirect needs of a program.
struct ProgramRoute {
    std::vector<std::string> destination_domains;  // normalized patterns (core/url.hpp)
    int window_days = 90;                          // the attribution window: how long the visitor cookie lives
};

// What a redirect needs of a link. Immutable: a change to the link stores a new one.
struct LinkFacts {
    core::LinkId link_id;
    core::ProgramId program_id;
    core::PartnerId partner_id;
    std::string destination;
    std::string destination_host;  // lower-case, parsed once when the link is stored; "" when it is no http(s) URL
    bool active = false;
};

// A link resolved by its code, with its program: shared, not copied (a redirect copied five strings here).
struct LinkRoute {
    std::shared_ptr<const LinkFacts> link;        // never null in a Resolve answer
    std::shared_ptr<const ProgramRoute> program;  // never null in a Resolve answer
};

// The in-memory map from link code to LinkRoute that the redirect reads instead of the database.
// Loaded once at start (Load), then kept current by the services' change listeners (OnLinkChanged,
// OnProgramChanged), which run after each successful commit. Listeners of concurrent commits may run in
// either order: an update older (by updated_at) than what the directory holds is ignored.
// Thread safety: every method may be called from several threads. Reads take a shared lock for one hash
// lookup and two shared_ptr copies; updates take the exclusive lock for one map change, never for I/O.
class LinkDirectory {
  public:
    // Reads every program and link from `store` and replaces the directory's contents. Blocking (call
    // before serving). The store's error on failure; the directory is then unchanged.
    core::Result<void> Load(ports::Store& store);

    // The link with this code (any case), or nullopt when none has it. A link of a program the directory
    // does not know (never in a consistent store) is nullopt too.
    std::optional<LinkRoute> Resolve(std::string_view code) const;
    std::optional<LinkRoute> ResolveId(const core::LinkId& id) const;

    // A link was created or changed (its code, destination or status may differ).
    void OnLinkChanged(const core::Link& link);
    // A program was created or changed (its destination domains or window may differ).
    void OnProgramChanged(const core::Program& program);
    // Another node committed `change` (Store::FollowChanges): reads the changed link or program from `store`
    // and applies it, or reloads everything on kResync. False (logged) when the store failed the read: the
    // follower then resyncs later. Blocking (I/O); call it from the follower's thread.
    bool Apply(ports::Store& store, const ports::StoreChange& change);

    std::size_t link_count() const;

  private:
    struct ProgramRecord {
        std::shared_ptr<const ProgramRoute> route;  // null until the program itself is put
        core::TimePoint updated_at;
    };
    struct LinkRecord {
        std::shared_ptr<const LinkFacts> facts;
        std::string code;
        core::TimePoint updated_at;
        const ProgramRecord* program = nullptr;  // its program's node in programs_, never null once put
    };

    // Precondition: mu_ held exclusively.
    void PutLink(const core::Link& link);
    void PutProgram(const core::Program& program);
    // Precondition: mu_ held.
    static std::optional<LinkRoute> RouteOf(const std::shared_ptr<const LinkFacts>& facts,
                                            const ProgramRecord& program);

    // What a code leads to: a copy of its LinkRecord's facts and program, so that a redirect reads the link's
    // facts straight from by_code_'s node; following the node to the LinkRecord first missed the cache once more
    // per click. (Resolve went from 5.2 % to 3.6 % of the server's samples with 10,000 links, in profiles of two
    // runs; measured side by side only together with other changes, docs/benchmarks.md.)
    struct CodeTarget {
        std::shared_ptr<const LinkFacts> facts;
        const ProgramRecord* program = nullptr;
    };
    // A redirect is one lookup by code: by_code_'s node holds the link's facts and points at its program's node
    // in programs_. Nodes of an unordered_map stay where they are until erased, and programs_ erases a node only
    // in Load, which clears all three. (Two lookups more, by link id and by program id, were ~4 % of a click's
    // CPU with 10,000 links: each missed the cache.)
    mutable std::shared_mutex mu_;
    std::unordered_map<std::string, CodeTarget> by_code_;          // normalized code → link; guarded by mu_
    std::unordered_map<core::LinkId, LinkRecord> links_;           // guarded by mu_
    std::unordered_map<core::ProgramId, ProgramRecord> programs_;  // guarded by mu_
};

}  // namespace rt::app
