#include "storage/sql/connection.hpp"

#include <spdlog/spdlog.h>

namespace rt::storage::sql {

Result<Transaction> Transaction::Begin(Connection& conn, std::string_view begin_sql) {
    auto begin = conn.Prepare(begin_sql);
    if (!begin) return core::Fail(begin.error());
    if (auto ok = begin->Run(); !ok) return core::Fail(ok.error());
    return Transaction(conn);
}

Result<void> Transaction::Commit() {
    auto committed = [this]() -> Result<void> {
        auto commit = conn_->Prepare("COMMIT");
        if (!commit) return core::Fail(commit.error());
        return commit->Run();
    }();
    if (!committed) {
        Rollback();
        return committed;
    }
    conn_ = nullptr;
    return {};
}

void Transaction::Rollback() {
    if (conn_ == nullptr) return;
    Connection& conn = *std::exchange(conn_, nullptr);
    if (!conn.InTransaction()) return;  // the engine already rolled back (after an I/O error, a lost connection)
    auto rollback = conn.Prepare("ROLLBACK");
    if (!rollback || !rollback->Run()) spdlog::error("event=rollback_failed");
}

}  // namespace rt::storage::sql
