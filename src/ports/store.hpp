#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/api_key.hpp"
#include "core/error.hpp"
#include "core/link.hpp"
#include "core/page.hpp"
#include "core/partner.hpp"
#include "core/program.hpp"

namespace rt::ports {

using core::Result;

struct PartnerFilter {
    std::optional<core::ProgramId> program_id;
    std::optional<core::PartnerId> partner_id;  // restricts the list to this one partner
};

struct LinkFilter {
    std::optional<core::ProgramId> program_id;
    std::optional<core::PartnerId> partner_id;
};

// Every read and write inside one transaction. Obtained only through Store::Transact.
// Lists are newest first (descending id); see core::PageRequest. Errors: kNotFound for an unknown id,
// kConflict for a uniqueness violation (the message says which), kUnavailable when the database is
// busy or unreachable, kInternal for anything unexpected. Never throws.
class StoreTx {
  public:
    virtual ~StoreTx() = default;

    virtual Result<void> InsertProgram(const core::Program& program) = 0;
    virtual Result<core::Program> GetProgram(const core::ProgramId& id) = 0;
    // Replaces every field but id and created_at. kNotFound when the id is unknown.
    virtual Result<void> UpdateProgram(const core::Program& program) = 0;
    virtual Result<core::Page<core::Program>> ListPrograms(const core::PageRequest& page) = 0;

    // kConflict when another partner of the same program has the same email.
    virtual Result<void> InsertPartner(const core::Partner& partner) = 0;
    virtual Result<core::Partner> GetPartner(const core::PartnerId& id) = 0;
    virtual Result<void> UpdatePartner(const core::Partner& partner) = 0;
    virtual Result<core::Page<core::Partner>> ListPartners(const PartnerFilter& filter,
                                                           const core::PageRequest& page) = 0;

    // kConflict when the (normalized) code is taken by any link.
    virtual Result<void> InsertLink(const core::Link& link) = 0;
    virtual Result<core::Link> GetLink(const core::LinkId& id) = 0;
    // `code` is normalized (lower-case) by the caller.
    virtual Result<core::Link> GetLinkByCode(std::string_view code) = 0;
    virtual Result<void> UpdateLink(const core::Link& link) = 0;
    virtual Result<core::Page<core::Link>> ListLinks(const LinkFilter& filter, const core::PageRequest& page) = 0;

    virtual Result<void> InsertApiKey(const core::ApiKeyRecord& key) = 0;
    virtual Result<core::ApiKeyRecord> GetApiKey(const core::ApiKeyId& id) = 0;
    // Deletes every key with this name; returns how many.
    virtual Result<int> DeleteApiKeysByName(std::string_view name) = 0;
    virtual Result<int> CountPrograms() = 0;
};

enum class TxMode { kRead, kWrite };

// The storage port. Implementations: memory (tests), SQLite, later PostgreSQL; all pass
// tests/store_conformance_test.cpp. Thread safety: every method may be called from several threads.
// Blocking: calls do I/O; never call them on an HTTP I/O thread.
class Store {
  public:
    virtual ~Store() = default;

    // Runs `body` in one transaction. If body succeeds the transaction commits durably before
    // Transact returns; if body fails, or the commit does, nothing of it is kept and the error is
    // returned. A kWrite transaction excludes other writers for its duration.
    virtual Result<void> Transact(TxMode mode, const std::function<Result<void>(StoreTx&)>& body) = 0;

    // Creates or upgrades the schema to the newest version this binary knows; returns that version.
    // A database whose schema is newer than the binary is refused with kConflict and a message that
    // says both versions.
    virtual Result<int> Migrate() = 0;
    // The database's schema version (0 when empty) and the newest this binary knows.
    virtual Result<int> SchemaVersion() = 0;
    virtual int LatestSchemaVersion() const = 0;

    // kOk when the database answers a trivial query.
    virtual Result<void> Ping() = 0;
    virtual std::string_view Backend() const = 0;  // "memory", "sqlite", "postgresql"
};

// Runs `fn(tx) -> Result<T>` in a transaction and returns its value.
template <class T, class F>
Result<T> Transact(Store& store, TxMode mode, F&& fn) {
    std::optional<T> out;
    auto done = store.Transact(mode, [&](StoreTx& tx) -> Result<void> {
        auto r = fn(tx);
        if (!r) return core::Fail(std::move(r.error()));
        out.emplace(std::move(*r));
        return {};
    });
    if (!done) return core::Fail(std::move(done.error()));
    return std::move(*out);
}

}  // namespace rt::ports
