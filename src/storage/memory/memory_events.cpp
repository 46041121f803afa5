#include <algorithm>

#include "storage/memory/memory_tx.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage {

Result<void> MemoryTx::AppendEvent(const core::Event& event) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    if (!(*tables)->programs.contains(event.program_id)) {
        return core::Fail(core::Error::NotFound(std::string(kEventProgramMissing)));
    }
    auto& chain = (*tables)->events[event.program_id];
    const auto by_seq = [](const core::Event& e, std::int64_t seq) { return e.seq < seq; };
    const auto at = std::lower_bound(chain.begin(), chain.end(), event.seq, by_seq);
    if (at != chain.end() && at->seq == event.seq)
        return core::Fail(core::Error::Conflict(std::string(kEventSeqTaken)));
    for (const auto& [program, events] : (*tables)->events) {
        for (const auto& e : events) {
            if (e.id == event.id) return core::Fail(core::Error::Conflict(std::string(kEventIdTaken)));
        }
    }
    chain.insert(at, event);
    return {};
}

Result<std::optional<core::Event>> MemoryTx::LastEvent(const core::ProgramId& program_id) {
    auto it = read_.events.find(program_id);
    if (it == read_.events.end() || it->second.empty()) return std::optional<core::Event>();
    return std::optional<core::Event>(it->second.back());
}

Result<std::vector<core::Event>> MemoryTx::ListEvents(const core::ProgramId& program_id, std::int64_t after_seq,
                                                      int limit) {
    std::vector<core::Event> out;
    auto it = read_.events.find(program_id);
    if (it == read_.events.end()) return out;
    const int capped = std::clamp(limit, 1, kMaxEventPage);
    for (const auto& e : it->second) {
        if (e.seq <= after_seq) continue;
        if (static_cast<int>(out.size()) >= capped) break;
        out.push_back(e);
    }
    return out;
}

}  // namespace rt::storage
