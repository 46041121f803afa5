#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>

#include "ports/store.hpp"
#include "storage/memory/memory_store.hpp"

namespace rt::storage {

// The memory store's tables and the indexes that enforce its uniqueness rules. A plain value: a write
// transaction works on a copy.
struct MemoryStore::Tables {
    std::map<core::ProgramId, core::Program> programs;
    std::map<core::PartnerId, core::Partner> partners;
    std::map<core::LinkId, core::Link> links;
    std::map<core::ApiKeyId, core::ApiKeyRecord> api_keys;
    std::map<std::string, core::LinkId, std::less<>> link_codes;   // code → link
    std::set<std::pair<std::string, std::string>> partner_emails;  // (program id, email)
};

// One transaction over the memory store's tables. Not thread-safe: the store holds its lock around it.
class MemoryTx final : public ports::StoreTx {
  public:
    // A read transaction: every write fails with kInternal.
    explicit MemoryTx(const MemoryStore::Tables& tables) : read_(tables) {}
    // A write transaction that changes `tables` in place.
    explicit MemoryTx(MemoryStore::Tables& tables) : read_(tables), write_(&tables) {}

    Result<void> InsertProgram(const core::Program& program) override;
    Result<core::Program> GetProgram(const core::ProgramId& id) override;
    Result<void> UpdateProgram(const core::Program& program) override;
    Result<core::Page<core::Program>> ListPrograms(const core::PageRequest& page) override;

    Result<void> InsertPartner(const core::Partner& partner) override;
    Result<core::Partner> GetPartner(const core::PartnerId& id) override;
    Result<void> UpdatePartner(const core::Partner& partner) override;
    Result<core::Page<core::Partner>> ListPartners(const ports::PartnerFilter& filter,
                                                   const core::PageRequest& page) override;

    Result<void> InsertLink(const core::Link& link) override;
    Result<core::Link> GetLink(const core::LinkId& id) override;
    Result<core::Link> GetLinkByCode(std::string_view code) override;
    Result<void> UpdateLink(const core::Link& link) override;
    Result<core::Page<core::Link>> ListLinks(const ports::LinkFilter& filter, const core::PageRequest& page) override;

    Result<void> InsertApiKey(const core::ApiKeyRecord& key) override;
    Result<core::ApiKeyRecord> GetApiKey(const core::ApiKeyId& id) override;
    Result<int> DeleteApiKeysByName(std::string_view name) override;
    Result<int> CountPrograms() override;

  private:
    // The tables to write, or kInternal in a read transaction.
    Result<MemoryStore::Tables*> Writable();

    const MemoryStore::Tables& read_;
    MemoryStore::Tables* write_ = nullptr;
};

}  // namespace rt::storage
