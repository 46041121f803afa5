// The memory store's clicks: MemoryTx's click methods. Lookups scan the batches (this store is for
// tests and demos); writes copy nothing that is already stored.
#include <algorithm>

#include "storage/click_rules.hpp"
#include "storage/memory/memory_tx.hpp"

namespace rt::storage {

namespace {

const core::Click* FindClick(const MemoryStore::Tables& tables, const core::ClickId& id) {
    for (const auto& batch : tables.click_batches) {
        if (auto it = batch->by_id.find(id); it != batch->by_id.end()) return &batch->clicks[it->second];
    }
    return nullptr;
}

}  // namespace

Result<void> MemoryTx::InsertClicks(std::span<const core::Click> clicks) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    if (clicks.empty()) return {};
    auto batch = std::make_shared<MemoryClickBatch>();
    batch->clicks.assign(clicks.begin(), clicks.end());
    for (std::size_t i = 0; i < batch->clicks.size(); ++i) {
        const auto& id = batch->clicks[i].id;
        if (FindClick(**tables, id) != nullptr || !batch->by_id.emplace(id, i).second) {
            return core::Fail(core::Error::Conflict(std::string(kClickIdTaken)));
        }
    }
    (*tables)->click_batches.push_back(std::move(batch));
    return {};
}

Result<core::Click> MemoryTx::GetClick(const core::ClickId& id) {
    const auto* click = FindClick(read_, id);
    if (click == nullptr) return core::Fail(core::Error::NotFound(std::string(kClickNotFound)));
    return *click;
}

Result<std::vector<core::Click>> MemoryTx::ListVisitorClicks(const core::ProgramId& program_id,
                                                             const core::VisitorId& visitor_id, core::TimePoint since) {
    std::vector<core::Click> out;
    for (const auto& batch : read_.click_batches) {
        for (const auto& c : batch->clicks) {
            if (c.program_id == program_id && c.visitor_id == visitor_id && c.at >= since) out.push_back(c);
        }
    }
    std::sort(out.begin(), out.end(), [](const core::Click& a, const core::Click& b) { return a.id < b.id; });
    return out;
}

Result<std::optional<std::vector<core::Click>>> MemoryTx::ListVisitorClicksOf(const core::ProgramId& program_id,
                                                                              const core::ClickId& click_id,
                                                                              core::TimePoint since) {
    const auto* click = FindClick(read_, click_id);
    if (click == nullptr || click->program_id != program_id) return std::optional<std::vector<core::Click>>();
    auto clicks = ListVisitorClicks(program_id, click->visitor_id, since);
    if (!clicks) return core::Fail(clicks.error());
    return std::optional(std::move(*clicks));
}

}  // namespace rt::storage
