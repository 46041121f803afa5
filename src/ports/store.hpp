#pragma once

#include <functional>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "core/api_key.hpp"
#include "core/click.hpp"
#include "core/conversion.hpp"
#include "core/coupon.hpp"
#include "core/customer.hpp"
#include "core/error.hpp"
#include "core/event.hpp"
#include "core/link.hpp"
#include "core/page.hpp"
#include "core/partner.hpp"
#include "core/program.hpp"
#include "core/referral.hpp"
#include "core/rollup.hpp"
#include "core/user.hpp"

namespace rt::ports {

using core::Result;

struct PartnerFilter {
    std::optional<core::ProgramId> program_id;
    std::optional<core::PartnerId> partner_id;  // restricts the list to this one partner
};

// Filters of the funnel lists; an absent member does not filter.
struct FunnelFilter {
    std::optional<core::ProgramId> program_id;
    std::optional<core::PartnerId> partner_id;
};

// The first answer to a request sent with an Idempotency-Key, kept to answer its repeats.
struct IdempotencyRecord {
    std::string scope;         // who sent it (the API key id) and for which route
    std::string key;           // the Idempotency-Key header
    std::string request_hash;  // of the body: a repeat with another body is refused
    int status = 0;
    std::string body;
    core::TimePoint created_at;
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

    // Customers. kConflict when the program already has a customer with the same non-empty
    // external_id or email_hash.
    virtual Result<void> InsertCustomer(const core::Customer& customer) = 0;
    virtual Result<void> UpdateCustomer(const core::Customer& customer) = 0;
    virtual Result<core::Customer> GetCustomer(const core::CustomerId& id) = 0;
    // nullopt when none; `external_id` / `email_hash` must be non-empty.
    virtual Result<std::optional<core::Customer>> FindCustomerByExternalId(const core::ProgramId& program_id,
                                                                           std::string_view external_id) = 0;
    virtual Result<std::optional<core::Customer>> FindCustomerByEmailHash(const core::ProgramId& program_id,
                                                                          std::string_view email_hash) = 0;

    // Coupons. kConflict when the program already has the (normalized) code.
    virtual Result<void> InsertCoupon(const core::Coupon& coupon) = 0;
    virtual Result<void> UpdateCoupon(const core::Coupon& coupon) = 0;
    virtual Result<core::Coupon> GetCoupon(const core::CouponId& id) = 0;
    virtual Result<std::optional<core::Coupon>> FindCouponByCode(const core::ProgramId& program_id,
                                                                 std::string_view code) = 0;
    virtual Result<core::Page<core::Coupon>> ListCoupons(const FunnelFilter& filter, const core::PageRequest& page) = 0;

    // Referrals, with their stage history.
    virtual Result<void> InsertReferral(const core::Referral& referral) = 0;
    virtual Result<void> UpdateReferral(
        const core::Referral& referral) = 0;  // stage, history, value, converted_at, updated_at
    virtual Result<core::Referral> GetReferral(const core::ReferralId& id) = 0;
    virtual Result<core::Page<core::Referral>> ListReferrals(const FunnelFilter& filter,
                                                             const core::PageRequest& page) = 0;
    // The customer's newest referral created at or after `since`, nullopt when none.
    virtual Result<std::optional<core::Referral>> FindReferralOfCustomer(const core::ProgramId& program_id,
                                                                         const core::CustomerId& customer_id,
                                                                         core::TimePoint since) = 0;
    // The clicks in the program, at or after `since`, of the visitor who made click `click_id`, oldest first;
    // nullopt when the program has no such click. What GetClick and then ListVisitorClicks answer, in one
    // query (a sale naming its click).
    virtual Result<std::optional<std::vector<core::Click>>> ListVisitorClicksOf(const core::ProgramId& program_id,
                                                                                const core::ClickId& click_id,
                                                                                core::TimePoint since) = 0;

    // Conversions. kConflict when the program already has the external_id.
    virtual Result<void> InsertConversion(const core::Conversion& conversion) = 0;
    virtual Result<core::Conversion> GetConversion(const core::ConversionId& id) = 0;
    virtual Result<std::optional<core::Conversion>> FindConversionByExternalId(const core::ProgramId& program_id,
                                                                               std::string_view external_id) = 0;
    // Filter by partner: conversions credited (any weight) to that partner.
    virtual Result<core::Page<core::Conversion>> ListConversions(const FunnelFilter& filter,
                                                                 const core::PageRequest& page) = 0;
    // The refunds recorded against a sale, oldest first.
    virtual Result<std::vector<core::Conversion>> ListRefundsOf(const core::ConversionId& sale_id) = 0;

    // Commissions. kNotFound when the conversion or the partner is not in the commission's program, or the
    // conversion does not credit the partner: a commission is earned through a credit (a refund's reversal through
    // the credits it copies from its sale), which is how the SQL stores list a partner's commissions.
    virtual Result<void> InsertCommission(const core::Commission& commission) = 0;
    virtual Result<std::vector<core::Commission>> ListCommissionsOfConversion(const core::ConversionId& id) = 0;
    virtual Result<core::Page<core::Commission>> ListCommissions(const FunnelFilter& filter,
                                                                 const core::PageRequest& page) = 0;

    // Idempotency keys. kConflict when (scope, key) exists.
    virtual Result<void> InsertIdempotency(const IdempotencyRecord& record) = 0;
    virtual Result<std::optional<IdempotencyRecord>> FindIdempotency(std::string_view scope, std::string_view key) = 0;

    // The ledger. Events of a program are appended with consecutive seq; kConflict when the program
    // already has an event of that seq (another writer appended first).
    virtual Result<void> AppendEvent(const core::Event& event) = 0;
    // The program's newest event, nullopt when it has none.
    virtual Result<std::optional<core::Event>> LastEvent(const core::ProgramId& program_id) = 0;
    // The program's events with seq > after_seq in seq order, at most `limit` (1..1000).
    virtual Result<std::vector<core::Event>> ListEvents(const core::ProgramId& program_id, std::int64_t after_seq,
                                                        int limit) = 0;

    // Clicks are append-only. One call writes a whole group-commit batch; kConflict if an id exists.
    virtual Result<void> InsertClicks(std::span<const core::Click> clicks) = 0;
    virtual Result<core::Click> GetClick(const core::ClickId& id) = 0;
    // The visitor's clicks in the program at or after `since`, oldest first (attribution history).
    virtual Result<std::vector<core::Click>> ListVisitorClicks(const core::ProgramId& program_id,
                                                               const core::VisitorId& visitor_id,
                                                               core::TimePoint since) = 0;

    // Report rollups (core/rollup.hpp). Adds each delta's measures to its cell, creating the cell when
    // missing (sketches merge bucket by bucket), and stamps the cell with `version`: the program's event
    // seq of the writing transaction, so that a reader can fetch only the cells written since it last
    // looked. Cells are never removed here, even when their measures add up to zero.
    virtual Result<void> AddRollups(std::span<const core::RollupDelta> deltas, std::int64_t version) = 0;
    virtual Result<void> AddFunnelRollups(std::span<const core::FunnelDelta> deltas, std::int64_t version) = 0;
    // Calls `fn` for each cell of the program with version > after_version (0: every cell), in key order,
    // streaming (memory stays bounded). An error from `fn` stops the walk and is returned.
    using RollupFn = std::function<Result<void>(const core::RollupCell&)>;
    using FunnelFn = std::function<Result<void>(const core::FunnelCell&)>;
    virtual Result<void> ForEachRollup(const core::ProgramId& program_id, std::int64_t after_version,
                                       const RollupFn& fn) = 0;
    virtual Result<void> ForEachFunnelRollup(const core::ProgramId& program_id, std::int64_t after_version,
                                             const FunnelFn& fn) = 0;
    // Removes every rollup and funnel cell of the program (before `reftrack rollups rebuild` writes anew).
    virtual Result<void> DeleteRollups(const core::ProgramId& program_id) = 0;

    // PENDING ROLLUPS: deltas written now and added to the cells later (app/rollups.hpp: a click batch
    // leaves one row per program instead of an upsert per cell). `seq` is an event seq of the program written
    // by the same transaction, unique per program (kConflict when taken). The rows one transaction adds for a
    // program are kept as ONE row, under the highest of their seqs, the deltas added up by key (a group
    // commit's sales leave one row; rows added around a savepoint may stay apart): every seq in a row is at
    // most the row's, and a row is all of one transaction, so an epoch (rows up to a seq) takes whole
    // transactions. A failed savepoint's rows go with it.
    virtual Result<void> AddPendingRollups(const core::ProgramId& program_id, std::int64_t seq,
                                           std::span<const core::RollupDelta> deltas) = 0;
    // The program's oldest `limit` pending rows with after_seq < seq <= through_seq, in seq order (a page after
    // the last seq read). In a write transaction it takes the program first (like LastEvent), so the rows it
    // reads are the rows that transaction may delete.
    virtual Result<std::vector<core::PendingRollups>> ListPendingRollups(const core::ProgramId& program_id,
                                                                         std::int64_t after_seq,
                                                                         std::int64_t through_seq, int limit) = 0;
    // Removes the program's pending rows with seq <= through_seq.
    virtual Result<void> DeletePendingRollups(const core::ProgramId& program_id, std::int64_t through_seq) = 0;
    // THE EPOCH of a program's pending rows: while set, the rows with seq <= through_seq are being added to
    // their cells a slice of cells at a time, each slice by AddEpochRollups, and the epoch ends (nullopt) in the
    // transaction that deletes those rows. GetRollupEpoch takes the program in a write transaction.
    virtual Result<std::optional<std::int64_t>> GetRollupEpoch(const core::ProgramId& program_id) = 0;
    virtual Result<void> SetRollupEpoch(const core::ProgramId& program_id, std::optional<std::int64_t> through_seq) = 0;
    // AddRollups for an epoch's deltas (one per key, no sketch): a cell whose rolled_through is already
    // >= through_seq has them and is left alone; any other gets them, `version` and rolled_through = through_seq.
    // So a slice written twice (a retry, two nodes working on one epoch) adds once.
    virtual Result<void> AddEpochRollups(std::span<const core::RollupDelta> deltas, std::int64_t version,
                                         std::int64_t through_seq) = 0;
    virtual Result<std::vector<core::ProgramId>> ListProgramsWithPendingRollups() = 0;

    // The raw rows of a program in ascending id order, streamed, for rebuilding rollups. An error from
    // `fn` stops the walk and is returned. `fn` may read through the transaction, but must not start
    // another walk of the same kind (SQLite: its statement is in use).
    virtual Result<void> ForEachClick(const core::ProgramId& program_id,
                                      const std::function<Result<void>(const core::Click&)>& fn) = 0;
    virtual Result<void> ForEachReferral(const core::ProgramId& program_id,
                                         const std::function<Result<void>(const core::Referral&)>& fn) = 0;
    virtual Result<void> ForEachConversion(const core::ProgramId& program_id,
                                           const std::function<Result<void>(const core::Conversion&)>& fn) = 0;

    // ---- Users, invites and sessions: the people who log in (core/user.hpp) ----
    // Installation-wide, not per program: an admin user belongs to no program. Invites and sessions are found
    // by the SHA-256 of their token (core::HashToken); the tokens themselves are never stored.

    // kConflict when the id or the (lower-case) email is taken; kNotFound when a partner user's partner does
    // not exist.
    virtual Result<void> InsertUser(const core::User& user) = 0;
    virtual Result<core::User> GetUser(const core::UserId& id) = 0;
    // nullopt when no user has this email (lower-case, as stored).
    virtual Result<std::optional<core::User>> FindUserByEmail(std::string_view email) = 0;
    // Replaces password_hash, status and updated_at; id, email, role, partner_id and created_at never change.
    // kNotFound when the id is unknown.
    virtual Result<void> UpdateUser(const core::User& user) = 0;
    // Every user, newest first.
    virtual Result<core::Page<core::User>> ListUsers(const core::PageRequest& page) = 0;

    // kConflict when the token hash exists; kNotFound when the user does not.
    virtual Result<void> InsertInvite(const core::Invite& invite) = 0;
    // The invite whatever its state (used, expired); nullopt when none has this hash.
    virtual Result<std::optional<core::Invite>> FindInvite(std::string_view token_hash) = 0;
    // Sets used_at. kNotFound when unknown; kConflict when already used (a second use loses a race).
    virtual Result<void> MarkInviteUsed(std::string_view token_hash, core::TimePoint at) = 0;

    // kConflict when the token hash exists; kNotFound when the user does not.
    virtual Result<void> InsertSession(const core::Session& session) = 0;
    // The session whatever its expiry; nullopt when none has this hash.
    virtual Result<std::optional<core::Session>> FindSession(std::string_view token_hash) = 0;
    // Sets last_seen_at. kNotFound when the session is gone (logged out meanwhile).
    virtual Result<void> TouchSession(std::string_view token_hash, core::TimePoint last_seen_at) = 0;
    // Deletes the session; no error when there is none.
    virtual Result<void> DeleteSession(std::string_view token_hash) = 0;
    // Deletes every session with expires_at <= now or last_seen_at + idle_ms <= now (core::IsExpired); returns
    // how many.
    virtual Result<int> DeleteExpiredSessions(core::TimePoint now, std::int64_t idle_ms) = 0;

    // ---- Nested savepoints: several independent requests in one write transaction (group commit) ----

    // Runs `body(*this)` inside a savepoint of this transaction and returns its result. When `body` fails,
    // whatever it wrote is undone and the transaction goes on as before the call; when it succeeds, its
    // writes stay and commit or roll back with the transaction. Savepoints nest. If undoing fails (the
    // database failed underneath), that error is returned and the transaction can no longer commit:
    // Store::Transact then fails with it even when its body succeeds. In a read transaction `body` just runs.
    virtual Result<void> Savepoint(const std::function<Result<void>(StoreTx&)>& body) = 0;

    // Runs `body(*this)` as Savepoint does, but without a savepoint of its own where that saves work (on SQLite a
    // savepoint copies every page its body writes first; on PostgreSQL it costs two commands and a subtransaction),
    // for a caller that can start its whole transaction over. When `body` succeeds, its writes stay, as in
    // Savepoint. `spoiled` says that only rolling back the whole transaction undoes what the call left: a body
    // that failed after writing (or, on PostgreSQL, after a statement failed), or one that went on after the
    // transaction was lost, aborted or left half written underneath. Then the store will not commit it; the caller
    // rolls back and starts over. When the body failed and `spoiled` is false, the transaction goes on as before
    // the call. A store with nothing to save runs Savepoint and never spoils.
    virtual Result<void> RunUnguarded(const std::function<Result<void>(StoreTx&)>& body, bool& spoiled) {
        spoiled = false;
        return Savepoint(body);
    }
};

enum class TxMode { kRead, kWrite };

// A committed change to rows that every node keeps in memory (the link directory), as Store::FollowChanges
// reports it.
struct StoreChange {
    enum class Kind {
        kLink,     // the link with this id was created or changed
        kProgram,  // the program with this id was created or changed
        kResync,   // changes may have been missed (the first report, a reconnect): reload everything
    };
    Kind kind = Kind::kResync;
    std::string id;  // empty for kResync
};

// The storage port. Implementations: memory (tests), SQLite, later PostgreSQL; all pass
// src/storage/store_conformance_test.cpp (and the store_conformance_*_test.cpp beside it). Thread safety: every method
// may be called from several threads. Blocking: calls do I/O; never call them on an HTTP I/O thread.
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

    // Whether several processes (nodes) serve from this database at once, each needing to hear of the others'
    // changes (FollowChanges). False for memory and SQLite: one process serves a file.
    virtual bool SharedByNodes() const { return false; }
    // Reports each link and program change committed by any process on the database, in commit order, until
    // `stop` is requested; first kResync, then kResync again after any interruption. `fn` returns false when it
    // could not apply a change (the database failed it): the follower then reconnects after a pause and
    // reports kResync, so that nothing stays missed. Blocking: run it on a thread of its own; `fn` runs on that
    // thread. Returns at once when !SharedByNodes().
    virtual void FollowChanges(std::stop_token stop, const std::function<bool(const StoreChange&)>& fn) {
        (void)stop;
        (void)fn;
    }
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
