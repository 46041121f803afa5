#include "storage/postgres/pg_connection.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <cstdlib>
#include <utility>

namespace rt::storage::postgres {

namespace {

std::string_view Field(const PGresult* result, int field) {
    if (result == nullptr) return {};
    const char* value = PQresultErrorField(result, field);
    return value == nullptr ? std::string_view() : std::string_view(value);
}

// "t.a, t.b" from a uniqueness violation's detail "Key (a, b)=(…) already exists." and its table.
std::string UniqueColumns(std::string_view table, std::string_view detail) {
    const auto open = detail.find("Key (");
    const auto close = detail.find(")=(");
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) return {};
    std::string_view columns = detail.substr(open + 5, close - open - 5);
    std::string out;
    while (!columns.empty()) {
        const auto comma = columns.find(", ");
        const auto column = columns.substr(0, comma);
        if (!out.empty()) out += ", ";
        out += std::string(table) + "." + std::string(column);
        columns = comma == std::string_view::npos ? std::string_view() : columns.substr(comma + 2);
    }
    return out;
}

const sql::ConstraintError* FindConstraint(std::string_view columns, std::string_view table,
                                           std::span<const sql::ConstraintError> constraints) {
    for (const auto& c : constraints) {
        if (c.columns == columns) return &c;
    }
    // A key that leads with the distribution column reports like the key without it.
    const std::string lead = std::string(table) + ".program_id, ";
    if (columns.starts_with(lead)) {
        const std::string_view rest = columns.substr(lead.size());
        for (const auto& c : constraints) {
            if (c.columns == rest) return &c;
        }
    }
    return nullptr;
}

// The server's message on one line, for the log.
std::string OneLine(std::string_view message) {
    std::string out;
    for (char c : message) {
        const bool space = c == '\n' || c == '\t' || c == '\r';
        if (space && (out.empty() || out.back() == ' ')) continue;
        out += space ? ' ' : c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

bool Retryable(std::string_view state) {
    return state == "40001" || state == "40P01" || state == "55P03" || state == "57014";
}

bool Unreachable(std::string_view state) {
    return state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03";
}

}  // namespace

core::Error ErrorFrom(PGconn* conn, const PGresult* result, std::string_view sql,
                      std::span<const sql::ConstraintError> constraints) {
    const std::string_view state = Field(result, PG_DIAG_SQLSTATE);
    // The primary message only: the detail may quote a row's values.
    const std::string message = OneLine(result != nullptr && !Field(result, PG_DIAG_MESSAGE_PRIMARY).empty()
                                            ? Field(result, PG_DIAG_MESSAGE_PRIMARY)
                                            : std::string_view(conn != nullptr ? PQerrorMessage(conn) : ""));
    if ((conn != nullptr && PQstatus(conn) != CONNECTION_OK) || Unreachable(state)) {
        spdlog::warn("event=postgres_unreachable state={} message=\"{}\" sql=\"{}\"", state, message, sql);
        return core::Error::Unavailable("the database is unreachable; try again");
    }
    if (Retryable(state)) {
        spdlog::warn("event=postgres_busy state={} sql=\"{}\"", state, sql);
        return core::Error::Unavailable("the database is busy; try again");
    }
    if (state == "23505" || state == "23503") {
        const std::string_view table = Field(result, PG_DIAG_TABLE_NAME);
        const std::string columns = state == "23503" ? std::string(sql::kForeignKey)
                                                     : UniqueColumns(table, Field(result, PG_DIAG_MESSAGE_DETAIL));
        if (const auto* known = FindConstraint(columns, table, constraints)) {
            return {known->code, std::string(known->message)};
        }
        spdlog::warn("event=postgres_unlisted_constraint state={} columns=\"{}\" sql=\"{}\"", state, columns, sql);
        return core::Error::Conflict("the change conflicts with existing data");
    }
    spdlog::error("event=postgres_error state={} message=\"{}\" sql=\"{}\"", state, message, sql);
    return core::Error::Internal("the database failed; see the server log");
}

std::string RewriteParameters(std::string_view sql, int* max_index) {
    std::string out;
    out.reserve(sql.size());
    bool quoted = false;
    int highest = 0;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (c == '\'') quoted = !quoted;
        if (c == '?' && !quoted && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
            std::size_t end = i + 1;
            while (end < sql.size() && sql[end] >= '0' && sql[end] <= '9') ++end;
            int index = 0;
            std::from_chars(sql.data() + i + 1, sql.data() + end, index);
            highest = std::max(highest, index);
            out += '$';
            out.append(sql.substr(i + 1, end - i - 1));
            i = end - 1;
            continue;
        }
        out += c;
    }
    if (max_index != nullptr) *max_index = highest;
    return out;
}

std::string RedactUrl(std::string_view url) {
    // postgresql://user:password@host… → postgresql://user:***@host…
    std::string out(url);
    const auto scheme = out.find("://");
    const auto at = out.find('@');
    if (scheme != std::string::npos && at != std::string::npos && at > scheme) {
        const auto colon = out.find(':', scheme + 3);
        if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
    // …?sslmode=require&password=secret → …?sslmode=require&password=***
    const auto query = out.find('?');
    for (auto at_param = query; at_param != std::string::npos; at_param = out.find('&', at_param + 1)) {
        if (out.compare(at_param + 1, 9, "password=") != 0) continue;
        const auto value = at_param + 10;
        const auto end = out.find('&', value);
        out.replace(value, (end == std::string::npos ? out.size() : end) - value, "***");
    }
    return out;
}

PgStatement::PgStatement(PgConnection& conn, std::string name, std::string text, std::string original, int parameters)
    : conn_(conn),
      name_(std::move(name)),
      text_(std::move(text)),
      original_(std::move(original)),
      values_(static_cast<std::size_t>(parameters)),
      types_(static_cast<std::size_t>(parameters), 0) {
    // A parameter the text does not use (an UPDATE bound like its INSERT) has no type to infer: call it text.
    for (int i = 1; i <= parameters; ++i) {
        const std::string name = "$" + std::to_string(i);
        bool used = false;
        for (auto at = text_.find(name); at != std::string::npos && !used; at = text_.find(name, at + 1)) {
            const auto next = at + name.size();
            used = next == text_.size() || text_[next] < '0' || text_[next] > '9';
        }
        if (!used) types_[i - 1] = kTextOid;
    }
    for (std::string_view verb : {"INSERT", "UPDATE", "DELETE"}) {
        if (original_.starts_with(verb)) write_ = true;
    }
}

void PgStatement::Bind(int index, std::string_view text) {
    if (index >= 1 && static_cast<std::size_t>(index) <= values_.size()) values_[index - 1] = std::string(text);
}

void PgStatement::Bind(int index, std::int64_t value) { Bind(index, std::to_string(value)); }

void PgStatement::BindNull(int index) {
    if (index >= 1 && static_cast<std::size_t>(index) <= values_.size()) values_[index - 1].reset();
}

Result<void> PgStatement::Finish(PgResultHandle result, std::span<const sql::ConstraintError> constraints) {
    result_ = std::move(result);
    const auto status = PQresultStatus(result_.get());
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
        if (write_) {  // as SQLite's changes(): rows written by the last INSERT, UPDATE or DELETE
            const char* tuples = PQcmdTuples(result_.get());
            conn_.set_changes(tuples != nullptr && *tuples != '\0' ? std::atoi(tuples) : 0);
            if (conn_.Changes() != 0) conn_.AddTrace();
        }
        // COMMIT of a transaction in which a statement failed answers ROLLBACK instead of an error.
        if (original_ == "COMMIT" && std::string_view(PQcmdStatus(result_.get())) == "ROLLBACK") {
            spdlog::error("event=postgres_commit_rolled_back");
            result_.reset();
            return core::Fail(core::Error::Internal("the transaction failed and was rolled back"));
        }
        return {};
    }
    auto error = ErrorFrom(conn_.raw(), result_.get(), original_, constraints);
    result_.reset();
    conn_.AddTrace();  // outside a statement's savepoint, a failure aborts the transaction
    return core::Fail(std::move(error));
}

Result<void> PgStatement::Execute(std::span<const sql::ConstraintError> constraints) {
    PGconn* raw = conn_.raw();
    std::vector<const char*> params(values_.size());
    for (std::size_t i = 0; i < values_.size(); ++i) params[i] = values_[i] ? values_[i]->c_str() : nullptr;
    const int count = static_cast<int>(params.size());
    if (!write_ || constraints.empty() || PQtransactionStatus(raw) != PQTRANS_INTRANS) {
        if (!prepared_) {
            PgResultHandle prepared(PQprepare(raw, name_.c_str(), text_.c_str(), count, types_.data()));
            if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
                conn_.AddTrace();
                return core::Fail(ErrorFrom(raw, prepared.get(), original_));
            }
            prepared_ = true;
        }
        return Finish(PgResultHandle(PQexecPrepared(raw, name_.c_str(), count, params.data(), nullptr, nullptr, 0)),
                      constraints);
    }

    // A write that may violate a listed constraint (the callers' expected failures: a taken code, a repeated
    // external id) runs in a savepoint of its own inside a transaction, so that, as on SQLite, its failure
    // undoes only itself and the transaction goes on (PostgreSQL would otherwise refuse every later statement).
    // Savepoint, statement and release go in one pipeline: one round trip. Other writes run bare: each
    // savepoint that writes costs a subtransaction id, and past 64 of them in one transaction PostgreSQL's
    // visibility checks slow down for every session.
    if (PQenterPipelineMode(raw) != 1) return core::Fail(ErrorFrom(raw, nullptr, original_));
    bool sent = PQsendQueryParams(raw, "SAVEPOINT rt_statement", 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
    const bool preparing = !prepared_;
    if (sent && preparing) sent = PQsendPrepare(raw, name_.c_str(), text_.c_str(), count, types_.data()) == 1;
    if (sent) sent = PQsendQueryPrepared(raw, name_.c_str(), count, params.data(), nullptr, nullptr, 0) == 1;
    if (sent)
        sent = PQsendQueryParams(raw, "RELEASE SAVEPOINT rt_statement", 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
    if (sent) sent = PQpipelineSync(raw) == 1;
    if (!sent) {
        conn_.MarkBroken();  // whatever was sent is unread
        return core::Fail(ErrorFrom(raw, nullptr, original_));
    }
    // One result (then a null) per command, then the sync's.
    PgResultHandle first_error;
    PgResultHandle statement_result;
    const int commands = preparing ? 4 : 3;
    for (int i = 0; i < commands; ++i) {
        PgResultHandle result(PQgetResult(raw));
        if (!result) {  // the connection failed: the rest will not come
            conn_.MarkBroken();
            return core::Fail(ErrorFrom(raw, nullptr, original_));
        }
        while (PGresult* extra = PQgetResult(raw)) PQclear(extra);
        const auto status = PQresultStatus(result.get());
        const bool failed = status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR;
        if (preparing && i == 1 && status == PGRES_COMMAND_OK) prepared_ = true;  // not undone by a rollback
        if (failed && !first_error) first_error = std::move(result);
        if (!failed && i == commands - 2) statement_result = std::move(result);
    }
    PgResultHandle sync(PQgetResult(raw));  // PGRES_PIPELINE_SYNC
    if (PQexitPipelineMode(raw) != 1) {
        conn_.MarkBroken();
        return core::Fail(ErrorFrom(raw, nullptr, original_));
    }
    if (!first_error) return Finish(std::move(statement_result), constraints);
    auto error = ErrorFrom(raw, first_error.get(), original_, constraints);
    PgResultHandle undone(PQexec(raw, "ROLLBACK TO SAVEPOINT rt_statement; RELEASE SAVEPOINT rt_statement"));
    if (PQresultStatus(undone.get()) != PGRES_COMMAND_OK) {
        // The transaction stays aborted: the caller must not go on as after an expected failure.
        auto undo_error = ErrorFrom(raw, undone.get(), "ROLLBACK TO SAVEPOINT rt_statement");
        conn_.MarkBroken();
        return core::Fail(std::move(undo_error));
    }
    return core::Fail(std::move(error));
}

Result<bool> PgStatement::Step(std::span<const sql::ConstraintError> constraints) {
    if (!result_) {
        if (auto ran = Execute(constraints); !ran) return core::Fail(ran.error());
        row_ = -1;
    }
    ++row_;
    return PQresultStatus(result_.get()) == PGRES_TUPLES_OK && row_ < PQntuples(result_.get());
}

std::int64_t PgStatement::Int(int column) const {
    const char* value = PQgetvalue(result_.get(), row_, column);
    std::int64_t out = 0;
    if (value != nullptr) std::from_chars(value, value + std::char_traits<char>::length(value), out);
    return out;
}

std::string PgStatement::Text(int column) const {
    const char* value = PQgetvalue(result_.get(), row_, column);
    return value == nullptr ? std::string()
                            : std::string(value, static_cast<std::size_t>(PQgetlength(result_.get(), row_, column)));
}

bool PgStatement::IsNull(int column) const { return PQgetisnull(result_.get(), row_, column) != 0; }

void PgStatement::Reset() {
    result_.reset();
    row_ = -1;
    for (auto& v : values_) v.reset();
}

namespace {

// `url` with TCP keepalives and a send timeout unless it sets them: a connection to a server that vanished
// without closing it (a failover, a partition) fails within about a minute instead of the kernel's hours, so
// the pool replaces it and the listener reconnects and resyncs.
std::string WithTimeouts(const std::string& url) {
    std::string out = url;
    for (std::string_view param :
         {"keepalives_idle=30", "keepalives_interval=10", "keepalives_count=3", "tcp_user_timeout=60000"}) {
        const auto name = std::string(param.substr(0, param.find('=') + 1));
        if (out.find("?" + name) != std::string::npos || out.find("&" + name) != std::string::npos) continue;
        out += (out.find('?') == std::string::npos ? "?" : "&") + std::string(param);
    }
    return out;
}

}  // namespace

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const std::string& url) {
    PgConnHandle conn(PQconnectdb(WithTimeouts(url).c_str()));
    if (conn == nullptr || PQstatus(conn.get()) != CONNECTION_OK) {
        std::string reason = conn ? PQerrorMessage(conn.get()) : "out of memory";
        while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
        if (const auto newline = reason.find('\n'); newline != std::string::npos) reason.resize(newline);
        return core::Fail(
            core::Error::Unavailable("cannot connect to the database at " + RedactUrl(url) + ": " + reason));
    }
    // Times are integers and text compares byte-wise (COLLATE "C" in the schema): nothing depends on the
    // session's time zone or locale. Notices (NOTICE: relation exists …) stay out of the server's output.
    PQsetNoticeProcessor(
        conn.get(), [](void*, const char*) {}, nullptr);
    return std::unique_ptr<PgConnection>(new PgConnection(std::move(conn)));
}

Result<sql::Statement> PgConnection::Prepare(std::string_view sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
        int parameters = 0;
        std::string text = RewriteParameters(sql, &parameters);
        auto name = "rt_" + std::to_string(statements_.size() + 1);
        auto statement =
            std::make_unique<PgStatement>(*this, std::move(name), std::move(text), std::string(sql), parameters);
        it = statements_.emplace(std::string(sql), std::move(statement)).first;
    }
    return sql::Statement(it->second.get());
}

Result<void> PgConnection::ExecScript(std::string_view sql) {
    const std::string text(sql);
    PgResultHandle result(PQexec(conn_.get(), text.c_str()));
    const auto status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        return core::Fail(ErrorFrom(conn_.get(), result.get(), sql.substr(0, 80)));
    }
    return {};
}

bool PgConnection::InTransaction() const {
    const auto status = PQtransactionStatus(conn_.get());
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

Result<void> PgConnection::LockProgram(std::string_view program_id) {
    auto statement = Prepare("SELECT pg_advisory_xact_lock(hashtextextended(?1, 0))");
    if (!statement) return core::Fail(statement.error());
    statement->Bind(1, program_id);
    return statement->Run();
}

Result<void> PgConnection::Announce(std::string_view table, std::string_view id) {
    auto statement = Prepare("SELECT pg_notify('reftrack_changes', ?1)");
    if (!statement) return core::Fail(statement.error());
    statement->Bind(1, std::string(table) + " " + std::string(id));
    return statement->Run();
}

}  // namespace rt::storage::postgres
