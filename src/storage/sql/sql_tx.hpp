#pragma once

#include <map>
#include <optional>
#include <set>

#include "ports/store.hpp"
#include "storage/sql/connection.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage::sql {

// The StoreTx of the SQL stores (SQLite and PostgreSQL): the queries of one transaction already begun on `conn`.
// Not thread-safe; lives only inside Store::Transact.
//
// Several writers (PostgreSQL, several nodes): a write transaction owns a program — it is the only writer of that
// program's rows that are read before they are written (the ledger's end, external ids, customers) — from the
// first time it reads the program (GetProgram) or its ledger (LastEvent, AppendEvent) until it ends: see
// Connection::LockProgram. Every write flow reads its program before it looks for duplicates, so that the same
// conversion sent to two nodes is found by the second, and the event chain never forks.
class SqlTx final : public ports::StoreTx {
  public:
    // `writable` false: every write fails with kInternal (a read transaction runs on a query_only reader).
    SqlTx(Connection& conn, bool writable) : conn_(conn), writable_(writable) {}

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

    // customers.cpp. UpdateCustomer replaces external_id, email_hash, email_sealed, name_sealed and
    // credited_partner; UpdateCoupon replaces code and active.
    Result<void> InsertCustomer(const core::Customer& customer) override;
    Result<void> UpdateCustomer(const core::Customer& customer) override;
    Result<core::Customer> GetCustomer(const core::CustomerId& id) override;
    Result<std::optional<core::Customer>> FindCustomerByExternalId(const core::ProgramId& program_id,
                                                                   std::string_view external_id) override;
    Result<std::optional<core::Customer>> FindCustomerByEmailHash(const core::ProgramId& program_id,
                                                                  std::string_view email_hash) override;
    Result<void> InsertCoupon(const core::Coupon& coupon) override;
    Result<void> UpdateCoupon(const core::Coupon& coupon) override;
    Result<core::Coupon> GetCoupon(const core::CouponId& id) override;
    Result<std::optional<core::Coupon>> FindCouponByCode(const core::ProgramId& program_id,
                                                         std::string_view code) override;
    Result<core::Page<core::Coupon>> ListCoupons(const ports::FunnelFilter& filter,
                                                 const core::PageRequest& page) override;

    Result<void> InsertReferral(const core::Referral& referral) override;  // referrals.cpp
    Result<void> UpdateReferral(const core::Referral& referral) override;
    Result<core::Referral> GetReferral(const core::ReferralId& id) override;
    Result<core::Page<core::Referral>> ListReferrals(const ports::FunnelFilter& filter,
                                                     const core::PageRequest& page) override;
    Result<std::optional<core::Referral>> FindReferralOfCustomer(const core::ProgramId& program_id,
                                                                 const core::CustomerId& customer_id,
                                                                 core::TimePoint since) override;

    // conversions.cpp. InsertConversion also writes a conversion_credits row per credited partner.
    Result<void> InsertConversion(const core::Conversion& conversion) override;
    Result<core::Conversion> GetConversion(const core::ConversionId& id) override;
    Result<std::optional<core::Conversion>> FindConversionByExternalId(const core::ProgramId& program_id,
                                                                       std::string_view external_id) override;
    Result<core::Page<core::Conversion>> ListConversions(const ports::FunnelFilter& filter,
                                                         const core::PageRequest& page) override;
    Result<std::vector<core::Conversion>> ListRefundsOf(const core::ConversionId& sale_id) override;

    Result<void> InsertCommission(const core::Commission& commission) override;  // commissions.cpp
    Result<std::vector<core::Commission>> ListCommissionsOfConversion(const core::ConversionId& id) override;
    Result<core::Page<core::Commission>> ListCommissions(const ports::FunnelFilter& filter,
                                                         const core::PageRequest& page) override;

    Result<void> InsertIdempotency(const ports::IdempotencyRecord& record) override;  // idempotency.cpp
    Result<std::optional<ports::IdempotencyRecord>> FindIdempotency(std::string_view scope,
                                                                    std::string_view key) override;

    Result<void> AppendEvent(const core::Event& event) override;  // events.cpp
    Result<std::optional<core::Event>> LastEvent(const core::ProgramId& program_id) override;
    Result<std::vector<core::Event>> ListEvents(const core::ProgramId& program_id, std::int64_t after_seq,
                                                int limit) override;

    Result<void> InsertClicks(std::span<const core::Click> clicks) override;  // clicks.cpp
    Result<core::Click> GetClick(const core::ClickId& id) override;
    Result<std::vector<core::Click>> ListVisitorClicks(const core::ProgramId& program_id,
                                                       const core::VisitorId& visitor_id,
                                                       core::TimePoint since) override;
    Result<std::optional<std::vector<core::Click>>> ListVisitorClicksOf(const core::ProgramId& program_id,
                                                                        const core::ClickId& click_id,
                                                                        core::TimePoint since) override;

    // rollups.cpp. Each Add* call is atomic (a savepoint): on failure none of its deltas is kept. The
    // ForEach* walks step one statement while calling `fn`, which may use this transaction but must not start
    // the same walk again (the walk's cached statement is in use).
    Result<void> AddRollups(std::span<const core::RollupDelta> deltas, std::int64_t version) override;
    Result<void> AddFunnelRollups(std::span<const core::FunnelDelta> deltas, std::int64_t version) override;
    Result<void> ForEachRollup(const core::ProgramId& program_id, std::int64_t after_version,
                               const RollupFn& fn) override;
    Result<void> ForEachFunnelRollup(const core::ProgramId& program_id, std::int64_t after_version,
                                     const FunnelFn& fn) override;
    Result<void> DeleteRollups(const core::ProgramId& program_id) override;
    Result<void> AddPendingRollups(const core::ProgramId& program_id, std::int64_t seq,
                                   std::span<const core::RollupDelta> deltas) override;
    Result<std::vector<core::PendingRollups>> ListPendingRollups(const core::ProgramId& program_id,
                                                                 std::int64_t after_seq, std::int64_t through_seq,
                                                                 int limit) override;
    Result<std::optional<std::int64_t>> GetRollupEpoch(const core::ProgramId& program_id) override;
    Result<void> SetRollupEpoch(const core::ProgramId& program_id, std::optional<std::int64_t> through_seq) override;
    Result<void> AddEpochRollups(std::span<const core::RollupDelta> deltas, std::int64_t version,
                                 std::int64_t through_seq) override;
    Result<void> DeletePendingRollups(const core::ProgramId& program_id, std::int64_t through_seq) override;
    Result<std::vector<core::ProgramId>> ListProgramsWithPendingRollups() override;
    Result<void> ForEachClick(const core::ProgramId& program_id,
                              const std::function<Result<void>(const core::Click&)>& fn) override;
    Result<void> ForEachReferral(const core::ProgramId& program_id,
                                 const std::function<Result<void>(const core::Referral&)>& fn) override;
    Result<void> ForEachConversion(const core::ProgramId& program_id,
                                   const std::function<Result<void>(const core::Conversion&)>& fn) override;

    // users.cpp: users, invites and sessions.
    Result<void> InsertUser(const core::User& user) override;
    Result<core::User> GetUser(const core::UserId& id) override;
    Result<std::optional<core::User>> FindUserByEmail(std::string_view email) override;
    Result<void> UpdateUser(const core::User& user) override;
    Result<core::Page<core::User>> ListUsers(const core::PageRequest& page) override;
    Result<void> InsertInvite(const core::Invite& invite) override;
    Result<std::optional<core::Invite>> FindInvite(std::string_view token_hash) override;
    Result<void> MarkInviteUsed(std::string_view token_hash, core::TimePoint at) override;
    Result<void> InsertSession(const core::Session& session) override;
    Result<std::optional<core::Session>> FindSession(std::string_view token_hash) override;
    Result<void> TouchSession(std::string_view token_hash, core::TimePoint last_seen_at) override;
    Result<void> DeleteSession(std::string_view token_hash) override;
    Result<int> DeleteExpiredSessions(core::TimePoint now, std::int64_t idle_ms) override;

    // SAVEPOINT rt_request … RELEASE (ROLLBACK TO first when `body` fails). A failed undo marks the
    // transaction broken: RunTransaction then rolls it back instead of committing.
    Result<void> Savepoint(const std::function<Result<void>(ports::StoreTx&)>& body) override;
    // `body` bare; spoiled when it failed and Connection::Traces moved meanwhile, or the transaction is gone.
    Result<void> RunUnguarded(const std::function<Result<void>(ports::StoreTx&)>& body, bool& spoiled) override;
    // The error that makes this transaction uncommittable, if any: a savepoint that could not be undone, or a
    // write left half done (HalfWritten) that no savepoint rolled back since.
    std::optional<core::Error> broken() const { return broken_ ? broken_ : half_written_; }
    // Writes what this transaction gathered and has not written yet: the pending roll-up rows, one per program
    // (see gathered_pending_). The stores call it after the transaction's body, before COMMIT; it also runs
    // before a savepoint and before pending rows are read or deleted. A failure marks the transaction broken
    // (never committed).
    Result<void> Flush();

  private:
    // AddRollups where statements are round trips: see rollups.cpp.
    Result<void> AddRollupsInRows(std::span<const core::RollupDelta> deltas, std::int64_t version);
    // For a write of several statements that failed after its first: `error`, and this transaction may not commit
    // unless a savepoint begun before the write rolls back (Savepoint clears it then).
    tl::unexpected<core::Error> HalfWritten(core::Error error);
    // Forgets what this transaction remembers of rows a rollback may take away (before rolling back to a savepoint,
    // or when a transaction is spoiled and will roll back).
    void ForgetUndoable();
    // Takes the program (Connection::LockProgram) once per transaction; a no-op in a read transaction.
    Result<void> Own(const core::ProgramId& program_id);

    // Runs a write that binds with `bind` and must change one row: kNotFound (`not_found`) when it changes none.
    template <class Bind>
    Result<void> Write(std::string_view sql, Bind bind, std::span<const ConstraintError> constraints,
                       std::string_view not_found = {});

    Connection& conn_;
    bool writable_;
    // PENDING ROWS, GATHERED: AddPendingRollups keeps its rows here. They are written as ONE row per program,
    // under the highest of their seqs, their deltas added up by key, before the commit or before this transaction
    // reads or deletes pending rows: a group commit's ~45 sales leave one row, not 45 (a row and its index entry
    // on the WAL for each, and a read and a delete each for the roll-up chore; docs/benchmarks.md). What a failed
    // body gathered is dropped with it (Savepoint, RunUnguarded).
    struct GatheredPending {
        core::ProgramId program_id;
        std::int64_t seq = 0;
        std::vector<core::RollupDelta> deltas;
    };
    std::vector<GatheredPending> gathered_pending_;
    std::uint64_t pending_flushes_ = 0;  // Flush calls that wrote rows
    std::optional<core::Error> broken_;
    std::optional<core::Error> half_written_;
    // The event each program's chain ends with, as appended by this transaction: LastEvent answers from it
    // without a query (every append of a conversion reads the chain's end). Cleared when a savepoint rolls
    // back, as the rows it describes may be gone.
    std::map<core::ProgramId, core::Event> last_events_;
    std::set<core::ProgramId> owned_;  // the programs this transaction owns (Own)
    // The programs this transaction read, so that the requests of one group commit read each once; a write of
    // the program forgets it, and so does a savepoint that rolls back.
    std::map<core::ProgramId, core::Program> programs_;
};

template <class Bind>
Result<void> SqlTx::Write(std::string_view sql, Bind bind, std::span<const ConstraintError> constraints,
                          std::string_view not_found) {
    if (!writable_) return core::Fail(core::Error::Internal(std::string(kReadOnlyTransaction)));
    auto statement = conn_.Prepare(sql);
    if (!statement) return core::Fail(statement.error());
    bind(*statement);
    if (auto ok = statement->Run(constraints); !ok) return ok;
    if (!not_found.empty() && conn_.Changes() == 0) return core::Fail(core::Error::NotFound(std::string(not_found)));
    return {};
}

}  // namespace rt::storage::sql
