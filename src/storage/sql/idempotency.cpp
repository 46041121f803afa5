// The answers kept for Idempotency-Key repeats: SqlTx's methods for them.
#include "storage/sql/query.hpp"
#include "storage/sql/sql_tx.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage::sql {

namespace {

constexpr ConstraintError kIdempotencyConstraints[] = {
    {"idempotency_keys.scope, idempotency_keys.idempotency_key", core::ErrorCode::kConflict, kIdempotencyKeyTaken},
};

constexpr std::string_view kIdempotencyColumns = "scope, idempotency_key, request_hash, status, body, created_at";

Result<ports::IdempotencyRecord> ReadIdempotency(const Statement& row) {
    return ports::IdempotencyRecord{.scope = row.Text(0),
                                    .key = row.Text(1),
                                    .request_hash = row.Text(2),
                                    .status = static_cast<int>(row.Int(3)),
                                    .body = row.Text(4),
                                    .created_at = {row.Int(5)}};
}

}  // namespace

Result<void> SqlTx::InsertIdempotency(const ports::IdempotencyRecord& record) {
    return Write(
        Concat({"INSERT INTO idempotency_keys (", kIdempotencyColumns, ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)"}),
        [&](Statement& s) {
            s.Bind(1, record.scope).Bind(2, record.key).Bind(3, record.request_hash);
            s.Bind(4, std::int64_t{record.status}).Bind(5, record.body).Bind(6, record.created_at.unix_ms);
        },
        kIdempotencyConstraints);
}

Result<std::optional<ports::IdempotencyRecord>> SqlTx::FindIdempotency(std::string_view scope, std::string_view key) {
    return FindOne(
        conn_,
        Concat({"SELECT ", kIdempotencyColumns, " FROM idempotency_keys WHERE scope = ?1 AND idempotency_key = ?2"}),
        [&](Statement& s) { s.Bind(1, scope).Bind(2, key); }, &ReadIdempotency);
}

}  // namespace rt::storage::sql
