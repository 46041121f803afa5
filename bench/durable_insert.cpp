// The reference for conversion ingest: how many rows per second SQLite itself makes durable on this
// machine with reftrack's settings (WAL, synchronous=FULL), one transaction per row — the single-row
// durable INSERT rate — or, with --batch N, N rows per transaction (what group commit could reach).
// By default the row has the shape of a conversions row: a time-ordered text id and a unique (program,
// external id). With --table clicks the database gets reftrack's own schema (every SQLite migration) and the
// row is a click in its clicks table (keyed on the time-ordered id, plus the clicks_visitor index attribution
// reads), 10,000 links drawn at random and a new visitor per row, as in the redirect benchmark: SQLite's own
// cost of the redirect's write, with nothing of reftrack around it (docs/benchmarks.md, "SQLite alone inserting
// the clicks").
//
//   durable_insert DB_PATH [--seconds S] [--batch N] [--table conversions|clicks]
//
// DB_PATH must not exist yet. Prints "key value" lines that scripts/bench reads:
//   insert_batch, insert_rows, insert_commits, insert_seconds, insert_rows_per_s,
//   insert_commit_p50_ms, insert_commit_p99_ms (the time of one transaction, BEGIN to COMMIT),
//   insert_cpu_us_per_row (the process's user and system CPU over the measured rows).
// Exits 1 with a message on stderr when the database cannot be created or a statement fails.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "measure.hpp"
#include "storage/sqlite/migrations.hpp"

namespace rt::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    std::string path;
    double seconds = 5.0;
    int batch = 1;
    bool clicks = false;
};

struct CloseDb {
    void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct FinalizeStatement {
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;
using Statement = std::unique_ptr<sqlite3_stmt, FinalizeStatement>;

constexpr std::string_view kSchema = R"sql(
CREATE TABLE conversions (
    id TEXT PRIMARY KEY,
    program_id TEXT NOT NULL,
    external_id TEXT NOT NULL,
    type TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    click_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (program_id, external_id)
) STRICT;
)sql";

constexpr std::string_view kClickInsert =
    "INSERT INTO clicks (id, program_id, partner_id, link_id, visitor_id, at, referrer_host, device, utm_source, "
    "utm_medium, utm_campaign, utm_term, utm_content, ip_prefix, ip_hash, bot, is_unique) VALUES (?1, "
    "'prg_01m86fyz80abs2csd61g9d528r', ?2, ?3, ?4, ?5, '', 'desktop', '', '', '', '', '', '127.0.0.0', ?6, 0, 1)";

constexpr std::string_view kInsert =
    "INSERT INTO conversions (id, program_id, external_id, type, amount, currency, occurred_at, click_id, "
    "created_at) VALUES (?1, 'prg_01m86fyz80abs2csd61g9d528r', ?2, 'sale', ?3, 'EUR', ?4, "
    "'clk_01m88yxtm06cq643dzvmxxqkfb', ?4)";

[[noreturn]] void Fail(const std::string& what, sqlite3* db = nullptr) {
    std::fprintf(stderr, "durable_insert: %s%s%s\n", what.c_str(), db ? ": " : "", db ? sqlite3_errmsg(db) : "");
    std::exit(1);
}

void Exec(sqlite3* db, std::string_view sql) {
    if (sqlite3_exec(db, std::string(sql).c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) Fail(std::string(sql), db);
}

// Runs a PRAGMA and checks the value it answers (journal_mode answers the mode it switched to).
void Pragma(sqlite3* db, std::string_view sql, std::string_view expect) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, std::string(sql).c_str(), -1, &raw, nullptr) != SQLITE_OK) Fail(std::string(sql), db);
    Statement statement(raw);
    const int rc = sqlite3_step(raw);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) Fail(std::string(sql), db);
    if (!expect.empty()) {
        const auto* got = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
        if (got == nullptr || std::string_view(got) != expect) Fail(std::string(sql) + " did not take effect");
    }
}

constexpr const char* kUsage = "usage: durable_insert DB_PATH [--seconds S] [--batch N] [--table conversions|clicks]";

Options ParseOptions(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--seconds" && i + 1 < argc) {
            options.seconds = std::stod(argv[++i]);
        } else if (arg == "--batch" && i + 1 < argc) {
            options.batch = std::max(1, std::stoi(argv[++i]));
        } else if (arg == "--table" && i + 1 < argc) {
            const std::string_view table = argv[++i];
            if (table != "conversions" && table != "clicks") Fail("--table takes conversions or clicks");
            options.clicks = table == "clicks";
        } else if (!arg.starts_with("--") && options.path.empty()) {
            options.path = arg;
        } else {
            Fail(kUsage);
        }
    }
    if (options.path.empty()) Fail(kUsage);
    if (std::filesystem::exists(options.path)) Fail(options.path + " exists; give a new path");
    return options;
}

std::int64_t UnixMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Rows of the unmeasured warm-up, written in one transaction: ~8 MB of table and index pages, so the
// WAL file grows to about twice the size at which SQLite checkpoints it (1000 pages, 4 MB).
constexpr int kWarmupRows = 40'000;

// Inserts row number `row`: a time-ordered id, a unique external id.
void InsertOne(sqlite3* db, sqlite3_stmt* insert, std::int64_t row) {
    char id[32];
    std::snprintf(id, sizeof id, "cnv_%026lld", static_cast<long long>(row));
    const std::string external_id = "bench-" + std::to_string(row);
    sqlite3_bind_text(insert, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 2, external_id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(insert, 3, 1000 + row % 99000);
    sqlite3_bind_int64(insert, 4, UnixMs());
    if (sqlite3_step(insert) != SQLITE_DONE) Fail("insert", db);
    sqlite3_reset(insert);
}

// Inserts click number `row`: a time-ordered id, a new time-ordered visitor, one of 10,000 links (and its
// partner, one of 100) drawn at random, and a 43-character IP hash.
void InsertClick(sqlite3* db, sqlite3_stmt* insert, std::int64_t row, std::mt19937_64& random) {
    const auto now_us =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    const auto link = static_cast<unsigned>(random() % 10'000);
    char id[40], visitor[40], partner[40], link_id[40], ip_hash[48];
    std::snprintf(id, sizeof id, "clk_%016llx%010llx", static_cast<long long>(now_us), static_cast<long long>(row));
    std::snprintf(visitor, sizeof visitor, "vis_%016llx%010llx", static_cast<long long>(now_us),
                  static_cast<long long>(row ^ 0x5555));
    std::snprintf(partner, sizeof partner, "prt_%026u", link % 100);
    std::snprintf(link_id, sizeof link_id, "lnk_%026u", link);
    std::snprintf(ip_hash, sizeof ip_hash, "%016llx%016llx%011llx", static_cast<unsigned long long>(random()),
                  static_cast<unsigned long long>(random()), static_cast<unsigned long long>(random() >> 20));
    sqlite3_bind_text(insert, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 2, partner, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 3, link_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 4, visitor, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(insert, 5, now_us / 1000);
    sqlite3_bind_text(insert, 6, ip_hash, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(insert) != SQLITE_DONE) Fail("insert", db);
    sqlite3_reset(insert);
}

// Inserts `count` rows in one write transaction (one commit, one fdatasync), numbering them from `rows`
// (advanced).
void InsertRows(sqlite3* db, sqlite3_stmt* insert, std::int64_t& rows, int count, bool clicks,
                std::mt19937_64& random) {
    Exec(db, "BEGIN IMMEDIATE");
    for (int i = 0; i < count; ++i) {
        if (clicks) {
            InsertClick(db, insert, rows++, random);
        } else {
            InsertOne(db, insert, rows++);
        }
    }
    Exec(db, "COMMIT");
}

int Run(const Options& options) {
    sqlite3* raw_db = nullptr;
    if (sqlite3_open(options.path.c_str(), &raw_db) != SQLITE_OK) Fail("cannot open " + options.path, raw_db);
    Db db(raw_db);
    Pragma(raw_db, "PRAGMA journal_mode = WAL", "wal");
    Pragma(raw_db, "PRAGMA synchronous = FULL", "");
    if (options.clicks) {
        for (const auto& migration : storage::sqlite::Migrations()) Exec(raw_db, migration.sql);
    } else {
        Exec(raw_db, kSchema);
    }

    const std::string_view insert_sql = options.clicks ? kClickInsert : kInsert;
    sqlite3_stmt* raw_insert = nullptr;
    if (sqlite3_prepare_v3(raw_db, insert_sql.data(), static_cast<int>(insert_sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &raw_insert, nullptr) != SQLITE_OK) {
        Fail("cannot prepare the insert", raw_db);
    }
    Statement insert(raw_insert);

    // Warm-up, not measured: the WAL at its working size, as in a database that has been running a while.
    // SQLite rewrites a checkpointed WAL from its start, in place; a WAL file that still grows makes every
    // fdatasync also commit the ext4 journal, which costs several times more than the write itself.
    std::int64_t rows = 0;
    std::mt19937_64 random(42);
    InsertRows(raw_db, raw_insert, rows, kWarmupRows, options.clicks, random);
    Pragma(raw_db, "PRAGMA wal_checkpoint(PASSIVE)", "");
    const std::int64_t warmup_rows = rows;

    std::vector<double> commit_ms;
    const double cpu_before = CpuSeconds();
    const auto started = Clock::now();
    const auto deadline = started + std::chrono::duration<double>(options.seconds);
    while (Clock::now() < deadline) {
        const auto begin = Clock::now();
        InsertRows(raw_db, raw_insert, rows, options.batch, options.clicks, random);
        commit_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
    }
    const double took_s = std::chrono::duration<double>(Clock::now() - started).count();
    const double cpu_s = CpuSeconds() - cpu_before;
    const auto commits = static_cast<std::int64_t>(commit_ms.size());

    std::printf("insert_batch %d\n", options.batch);
    std::printf("insert_rows %lld\n", static_cast<long long>(rows - warmup_rows));
    std::printf("insert_commits %lld\n", static_cast<long long>(commits));
    std::printf("insert_seconds %.3f\n", took_s);
    std::printf("insert_rows_per_s %.1f\n", static_cast<double>(rows - warmup_rows) / took_s);
    std::printf("insert_commit_p50_ms %.3f\n", Percentile(commit_ms, 50));
    std::printf("insert_commit_p99_ms %.3f\n", Percentile(commit_ms, 99));
    std::printf("insert_cpu_us_per_row %.2f\n",
                cpu_s * 1e6 / static_cast<double>(std::max<std::int64_t>(1, rows - warmup_rows)));
    return 0;
}

}  // namespace
}  // namespace rt::bench

int main(int argc, char** argv) { return rt::bench::Run(rt::bench::ParseOptions(argc, argv)); }
