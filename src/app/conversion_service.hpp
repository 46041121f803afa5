#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/customer_identity.hpp"
#include "app/deps.hpp"
#include "app/group_commit.hpp"
#include "app/principal.hpp"
#include "app/rollups.hpp"
#include "core/conversion.hpp"
#include "core/page.hpp"
#include "ports/vault.hpp"

namespace rt::app {

struct ConversionInput {
    std::optional<std::string> program_id;  // implied by an ingest key
    std::optional<std::string> external_id;
    std::optional<std::string> type;       // "sale" (default) or "refund"
    std::optional<std::string> refund_of;  // the sale's id or external_id
    std::optional<std::int64_t> amount;
    std::optional<std::string> currency;
    std::optional<std::string> occurred_at;  // RFC 3339; default now
    std::optional<std::string> referral_id;
    std::optional<std::string> click_id;
    std::optional<std::string> coupon;
    CustomerInput customer;
    std::string request_hash;  // of the request body, to tell a repeat from a different request
};

struct ConversionOutcome {
    core::Conversion conversion;
    std::vector<core::Commission> commissions;
    bool created = false;  // false: the first answer to an earlier request with this external_id
};

// Conversions: sales and refunds, attributed and paid for exactly once per (program, external_id).
// Attribution (core::Attribute): an explicit referral_id, a sticky customer's partner, the named
// click's visitor history, a coupon, the customer's referral — in that order. Commissions follow the
// program's plan per credited partner; a refund reverses its share of the sale's commissions.
// Admin keys and ingest keys of the program record; partner keys read the conversions credited to
// them. Blocking (but RecordAsync); thread-safe. Concurrent Record and RecordAsync calls share write
// transactions (GroupCommit): each is answered only after the commit that holds it.
class ConversionService {
  public:
    ConversionService(Deps deps, ports::Vault& vault, GroupCommitOptions writes = {})
        : deps_(deps), vault_(vault), writes_(deps.store, writes) {}

    // A repeat of an earlier request (same external_id, same body) answers the first outcome;
    // the same external_id with another body is kConflict.
    core::Result<ConversionOutcome> Record(const Principal& who, const ConversionInput& input);
    // Record without blocking, for a caller that must not wait (an HTTP route on its I/O thread). A request
    // refused before any write is answered here: invalid or not allowed, as Record would answer, or
    // kUnavailable when too many writes are waiting; `done` is then never called. Otherwise `done` later
    // gets what Record would have returned, on the thread that wrote its batch, after the commit; it must be
    // quick and must not throw.
    using RecordDone = std::function<void(core::Result<ConversionOutcome>)>;
    core::Result<void> RecordAsync(const Principal& who, ConversionInput input, RecordDone done);
    core::Result<ConversionOutcome> Get(const Principal& who, std::string_view id);
    // Each with its commissions, as Get shows them; read in one transaction.
    core::Result<core::Page<ConversionOutcome>> List(const Principal& who, const std::optional<std::string>& program_id,
                                                     const std::optional<std::string>& partner_id,
                                                     const core::PageRequest& page);

    // How new conversions reach their report cells (RollupWrites; kNow until set). With kPending a conversion
    // leaves them pending instead of writing them in its transaction, and `on_pending` runs after each commit
    // that left some, so that whoever adds pending rows (the click writer's chore) knows to. Call while no
    // conversion is being recorded (before serving, after stopping); `on_pending` must be quick and
    // thread-safe. A sale's cells are random pages of rollup_cells and its version index, read and written
    // per conversion: leaving them to the chore, which adds a few seconds of sales to each cell at once, cut
    // ingest's CPU by ~15 % (docs/benchmarks.md). Reports stay exact: they add what is pending.
    void SetRollupWrites(RollupWrites writes, std::function<void()> on_pending = {}) {
        rollups_ = writes;
        on_pending_ = writes == RollupWrites::kPending ? std::move(on_pending) : nullptr;
    }

    // The group commit Record writes through, for its counters (batches, conversions, queue depth).
    const GroupCommit& writes() const { return writes_; }
    // Answers every RecordAsync call still waiting for its commit; later calls are refused (kUnavailable).
    void Stop() { writes_.Stop(); }

  private:
    Deps deps_;
    ports::Vault& vault_;
    GroupCommit writes_;
    RollupWrites rollups_ = RollupWrites::kNow;
    std::function<void()> on_pending_;
};

}  // namespace rt::app
