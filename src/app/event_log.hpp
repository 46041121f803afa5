#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "app/deps.hpp"
#include "core/event.hpp"

namespace rt::app {

using EventPayload = std::vector<std::pair<std::string, std::string>>;

// Appends `type` about `subject_id` to the program's hash chain, inside the caller's write
// transaction, so the change and its event commit together or not at all. The payload holds ids,
// statuses and amounts — never personal data (names, emails): the ledger is immutable, and an erased
// person must disappear without breaking its verification.
core::Result<core::Event> AppendEvent(const Deps& deps, ports::StoreTx& tx, const core::ProgramId& program_id,
                                      std::string type, std::string subject_id, EventPayload payload);

// One "click.batch" event per program of the batch, holding the count, the first and last click ids
// and the Merkle root of the clicks' canonical forms (core/merkle.hpp): clicks are chained per batch,
// not one event each, so the ledger stays lean at the redirect's rate. Inside the batch transaction.
// Returns the seq of each program's appended event: the version the batch's rollup cells carry.
using EventSeqs = std::map<core::ProgramId, std::int64_t>;
core::Result<EventSeqs> AppendClickBatchEvents(const Deps& deps, ports::StoreTx& tx,
                                               std::span<const core::Click> clicks);

// Every program's chain checked from its first event; the first break found, or nullopt when all
// hold. Blocking; reads in pages so memory stays bounded.
struct LedgerReport {
    std::int64_t programs = 0;
    std::int64_t events = 0;
    std::optional<core::ChainBreak> first_break;
    std::string broken_program_id;
};
core::Result<LedgerReport> VerifyLedger(const Deps& deps);

}  // namespace rt::app
