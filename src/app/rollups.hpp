#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "core/click.hpp"
#include "core/conversion.hpp"
#include "core/error.hpp"
#include "core/referral.hpp"
#include "core/rollup.hpp"
#include "ports/store.hpp"

namespace rt::app {

// KEEPING THE REPORT ROLLUPS. Each write that changes what reports count calls one of these inside its
// own write transaction, after appending its ledger event(s): the cells it touches are stamped with
// the program's newest event seq, so the report cache can fetch just what changed since it last looked.
// The contributions come from core/rollup.hpp; rollup_rebuild.hpp computes them again from raw rows
// with the same resolvers below, so a rebuild equals what the writes maintained.

// The link a click went through: "" when the id is empty, malformed or unknown.
core::Result<std::string> LinkOfClick(ports::StoreTx& tx, std::string_view click_id);

// The facts a conversion's contribution needs, read from the rows as they stand in `tx` (the
// conversion's commissions must already be inserted). A sale with both referral_id and
// journey_started_at is its referral's first sale.
core::Result<core::ConversionFacts> FactsOf(ports::StoreTx& tx, const core::Conversion& conversion);

// `versions`: each program's event seq in this transaction (AppendClickBatchEvents' answer), so that
// finding it costs no query; every program of `clicks` must be in it.
core::Result<void> RollUpClicks(ports::StoreTx& tx, std::span<const core::Click> clicks,
                                const std::map<core::ProgramId, std::int64_t>& versions);
core::Result<void> RollUpNewReferral(ports::StoreTx& tx, const core::Referral& referral);
// A change of stage history: the funnel cells move from `before` to `after`.
core::Result<void> RollUpReferralChange(ports::StoreTx& tx, const core::Referral& before, const core::Referral& after);
core::Result<void> RollUpConversion(ports::StoreTx& tx, const core::Conversion& conversion);

}  // namespace rt::app
