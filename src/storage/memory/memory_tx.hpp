#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ports/store.hpp"
#include "storage/memory/memory_store.hpp"

namespace rt::storage {

// One InsertClicks call's clicks, never changed once stored: copies of the tables share them, so a write
// transaction copies a pointer per batch, not every click.
struct MemoryClickBatch {
    std::vector<core::Click> clicks;
    std::unordered_map<core::ClickId, std::size_t> by_id;  // index into clicks
};

// The memory store's tables and the indexes that enforce its uniqueness rules. A plain value: a write
// transaction works on a copy.
struct MemoryStore::Tables {
    std::map<core::ProgramId, core::Program> programs;
    std::map<core::PartnerId, core::Partner> partners;
    std::map<core::LinkId, core::Link> links;
    std::map<core::ApiKeyId, core::ApiKeyRecord> api_keys;
    std::map<std::string, core::LinkId, std::less<>> link_codes;         // code → link
    std::set<std::pair<std::string, std::string>> partner_emails;        // (program id, email)
    std::map<core::ProgramId, std::vector<core::Event>> events;          // each in seq order
    std::vector<std::shared_ptr<const MemoryClickBatch>> click_batches;  // memory_clicks.cpp

    // The funnel (memory_customers.cpp, memory_funnel.cpp, memory_idempotency.cpp). The key pairs hold
    // (program id, value); a customer's empty external id or email hash is in no index.
    using ProgramKey = std::pair<std::string, std::string>;
    std::map<core::CustomerId, core::Customer> customers;
    std::map<ProgramKey, core::CustomerId> customer_external_ids;
    std::map<ProgramKey, core::CustomerId> customer_email_hashes;
    std::map<core::CouponId, core::Coupon> coupons;
    std::map<ProgramKey, core::CouponId> coupon_codes;
    std::map<core::ReferralId, core::Referral> referrals;
    std::map<core::ConversionId, core::Conversion> conversions;
    std::map<ProgramKey, core::ConversionId> conversion_external_ids;
    std::map<core::CommissionId, core::Commission> commissions;
    std::map<std::pair<std::string, std::string>, ports::IdempotencyRecord> idempotency;  // by (scope, key)

    // Report rollups (memory_rollups.cpp), in key order: a program's cells are one range of each map.
    std::map<core::RollupKey, core::RollupCell> rollup_cells;
    std::map<core::FunnelKey, core::FunnelCell> funnel_cells;
    std::map<core::ProgramId, std::map<std::int64_t, std::vector<core::RollupDelta>>> pending_rollups;  // by seq
    std::map<core::ProgramId, std::int64_t> rollup_epochs;                                              // through_seq

    // Users, invites and sessions (memory_users.cpp); invites and sessions by token hash.
    std::map<core::UserId, core::User> users;
    std::map<std::string, core::UserId, std::less<>> user_emails;
    std::map<std::string, core::Invite, std::less<>> invites;
    std::map<std::string, core::Session, std::less<>> sessions;
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

    Result<void> InsertCustomer(const core::Customer& customer) override;  // memory_customers.cpp
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

    Result<void> InsertReferral(const core::Referral& referral) override;  // memory_funnel.cpp
    Result<void> UpdateReferral(const core::Referral& referral) override;
    Result<core::Referral> GetReferral(const core::ReferralId& id) override;
    Result<core::Page<core::Referral>> ListReferrals(const ports::FunnelFilter& filter,
                                                     const core::PageRequest& page) override;
    Result<std::optional<core::Referral>> FindReferralOfCustomer(const core::ProgramId& program_id,
                                                                 const core::CustomerId& customer_id,
                                                                 core::TimePoint since) override;
    Result<void> InsertConversion(const core::Conversion& conversion) override;
    Result<core::Conversion> GetConversion(const core::ConversionId& id) override;
    Result<std::optional<core::Conversion>> FindConversionByExternalId(const core::ProgramId& program_id,
                                                                       std::string_view external_id) override;
    Result<core::Page<core::Conversion>> ListConversions(const ports::FunnelFilter& filter,
                                                         const core::PageRequest& page) override;
    Result<std::vector<core::Conversion>> ListRefundsOf(const core::ConversionId& sale_id) override;
    Result<void> InsertCommission(const core::Commission& commission) override;
    Result<std::vector<core::Commission>> ListCommissionsOfConversion(const core::ConversionId& id) override;
    Result<core::Page<core::Commission>> ListCommissions(const ports::FunnelFilter& filter,
                                                         const core::PageRequest& page) override;

    Result<void> InsertIdempotency(const ports::IdempotencyRecord& record) override;  // memory_idempotency.cpp
    Result<std::optional<ports::IdempotencyRecord>> FindIdempotency(std::string_view scope,
                                                                    std::string_view key) override;

    Result<void> AppendEvent(const core::Event& event) override;  // memory_events.cpp
    Result<std::optional<core::Event>> LastEvent(const core::ProgramId& program_id) override;
    Result<std::vector<core::Event>> ListEvents(const core::ProgramId& program_id, std::int64_t after_seq,
                                                int limit) override;

    Result<void> InsertClicks(std::span<const core::Click> clicks) override;  // memory_clicks.cpp
    Result<core::Click> GetClick(const core::ClickId& id) override;
    Result<std::vector<core::Click>> ListVisitorClicks(const core::ProgramId& program_id,
                                                       const core::VisitorId& visitor_id,
                                                       core::TimePoint since) override;
    Result<std::optional<std::vector<core::Click>>> ListVisitorClicksOf(const core::ProgramId& program_id,
                                                                        const core::ClickId& click_id,
                                                                        core::TimePoint since) override;

    // memory_rollups.cpp. `fn` may use this transaction; cells or rows it adds during a walk may or may not
    // be visited.
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

    Result<void> InsertUser(const core::User& user) override;  // memory_users.cpp
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

    // Keeps a copy of the tables and puts it back when `body` fails.
    Result<void> Savepoint(const std::function<Result<void>(ports::StoreTx&)>& body) override;

  private:
    // The tables to write, or kInternal in a read transaction.
    Result<MemoryStore::Tables*> Writable();

    const MemoryStore::Tables& read_;
    MemoryStore::Tables* write_ = nullptr;
    // Every seq this transaction added for each program: each is taken (kConflict), and the program's row of
    // this transaction is under the highest (AddPendingRollups joins them, as the SQL store does).
    std::map<core::ProgramId, std::set<std::int64_t>> pending_seqs_;
};

}  // namespace rt::storage
