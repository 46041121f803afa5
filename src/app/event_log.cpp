#include "app/event_log.hpp"

#include <map>

#include "core/merkle.hpp"

namespace rt::app {

namespace {

constexpr int kVerifyPage = 1000;

// One program's chain, page by page; each page is checked against the last event of the one before.
core::Result<std::optional<core::ChainBreak>> VerifyProgram(const Deps& deps, const core::ProgramId& program_id,
                                                            std::int64_t& counted) {
    std::optional<core::Event> previous;
    for (;;) {
        const std::int64_t after = previous ? previous->seq : 0;
        auto page = ports::Transact<std::vector<core::Event>>(
            deps.store, ports::TxMode::kRead,
            [&](ports::StoreTx& tx) { return tx.ListEvents(program_id, after, kVerifyPage); });
        if (!page) return core::Fail(page.error());
        if (page->empty()) return std::optional<core::ChainBreak>();
        counted += static_cast<std::int64_t>(page->size());
        if (auto broken = core::VerifyChain(*page, deps.digest, previous ? &*previous : nullptr)) return broken;
        previous = page->back();
    }
}

}  // namespace

core::Result<core::Event> AppendEvent(const Deps& deps, ports::StoreTx& tx, const core::ProgramId& program_id,
                                      std::string type, std::string subject_id, EventPayload payload) {
    auto last = tx.LastEvent(program_id);
    if (!last) return core::Fail(last.error());
    core::Event event;
    event.at = deps.clock.Now();
    event.id = core::EventId::Generate(event.at, deps.random);
    event.program_id = program_id;
    event.type = std::move(type);
    event.subject_id = std::move(subject_id);
    event.payload = std::move(payload);
    core::Chain(event, last->has_value() ? &**last : nullptr, deps.digest);
    if (auto ok = tx.AppendEvent(event); !ok) return core::Fail(ok.error());
    return event;
}

core::Result<EventSeqs> AppendClickBatchEvents(const Deps& deps, ports::StoreTx& tx,
                                               std::span<const core::Click> clicks) {
    EventSeqs seqs;
    std::map<core::ProgramId, std::vector<const core::Click*>> by_program;
    for (const auto& c : clicks) by_program[c.program_id].push_back(&c);
    for (const auto& [program_id, batch] : by_program) {
        std::vector<std::string> leaves;
        leaves.reserve(batch.size());
        for (const auto* c : batch) leaves.push_back(core::CanonicalForm(*c));
        auto event = AppendEvent(deps, tx, program_id, "click.batch", batch.front()->id.str(),
                                 {{"count", std::to_string(batch.size())},
                                  {"first_click_id", batch.front()->id.str()},
                                  {"last_click_id", batch.back()->id.str()},
                                  {"merkle_root", core::MerkleRoot(leaves, deps.digest)}});
        if (!event) return core::Fail(event.error());
        seqs.emplace(program_id, event->seq);
    }
    return seqs;
}

core::Result<LedgerReport> VerifyLedger(const Deps& deps) {
    LedgerReport report;
    core::PageRequest page{.limit = core::PageRequest::kMaxLimit};
    for (;;) {
        using PageT = core::Page<core::Program>;
        auto programs = ports::Transact<PageT>(deps.store, ports::TxMode::kRead,
                                               [&](ports::StoreTx& tx) { return tx.ListPrograms(page); });
        if (!programs) return core::Fail(programs.error());
        for (const auto& program : programs->data) {
            ++report.programs;
            auto broken = VerifyProgram(deps, program.id, report.events);
            if (!broken) return core::Fail(broken.error());
            if (*broken) {
                report.first_break = **broken;
                report.broken_program_id = program.id.str();
                return report;
            }
        }
        if (!programs->has_more || programs->data.empty()) return report;
        page.starting_after = programs->data.back().id.str();
    }
}

}  // namespace rt::app
