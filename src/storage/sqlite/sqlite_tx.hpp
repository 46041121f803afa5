#pragma once

#include "ports/store.hpp"
#include "storage/sqlite/sqlite_connection.hpp"

namespace rt::storage::sqlite {

// The StoreTx of the SQLite store: the queries of one transaction already begun on `conn`. Not
// thread-safe; lives only inside Store::Transact.
class SqliteTx final : public ports::StoreTx {
  public:
    // `writable` false: every write fails with kInternal (a read transaction runs on a query_only reader).
    SqliteTx(Connection& conn, bool writable) : conn_(conn), writable_(writable) {}

    Result<void> InsertProgram(const core::Program& program) override;
    Result<core::Program> GetProgram(const core::ProgramId& id) override;
    // Replaces every column but id and created_at.
    Result<void> UpdateProgram(const core::Program& program) override;
    Result<core::Page<core::Program>> ListPrograms(const core::PageRequest& page) override;

    Result<void> InsertPartner(const core::Partner& partner) override;
    Result<core::Partner> GetPartner(const core::PartnerId& id) override;
    // Replaces name, email, status, group and updated_at; program_id and created_at never change.
    Result<void> UpdatePartner(const core::Partner& partner) override;
    Result<core::Page<core::Partner>> ListPartners(const ports::PartnerFilter& filter,
                                                   const core::PageRequest& page) override;

    Result<void> InsertLink(const core::Link& link) override;
    Result<core::Link> GetLink(const core::LinkId& id) override;
    Result<core::Link> GetLinkByCode(std::string_view code) override;
    // Replaces code, destination, campaign, channel, status and updated_at.
    Result<void> UpdateLink(const core::Link& link) override;
    Result<core::Page<core::Link>> ListLinks(const ports::LinkFilter& filter, const core::PageRequest& page) override;

    Result<void> InsertApiKey(const core::ApiKeyRecord& key) override;
    Result<core::ApiKeyRecord> GetApiKey(const core::ApiKeyId& id) override;
    Result<int> DeleteApiKeysByName(std::string_view name) override;
    Result<int> CountPrograms() override;

  private:
    // Runs a write that binds with `bind` and must change one row: kNotFound (`not_found`) when it changes none.
    template <class Bind>
    Result<void> Write(std::string_view sql, Bind bind, std::span<const ConstraintError> constraints,
                       std::string_view not_found = {});

    Connection& conn_;
    bool writable_;
};

}  // namespace rt::storage::sqlite
