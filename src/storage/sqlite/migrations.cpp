#include "storage/sqlite/migrations.hpp"

namespace rt::storage::sqlite {

namespace {

// Every table but api_keys leads with program_id in its secondary keys: it becomes the distribution
// column on a Citus cluster. Ids sort by creation time, so (…, id) indexes serve the newest-first lists.
// Times are unix milliseconds; enums are their core::ToString forms; lists are JSON arrays.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE programs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    currency TEXT NOT NULL,
    destination_domains TEXT NOT NULL,
    attribution_model TEXT NOT NULL,
    attribution_window_days INTEGER NOT NULL,
    stages TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE partners (
    id TEXT PRIMARY KEY,
    program_id TEXT NOT NULL REFERENCES programs (id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    status TEXT NOT NULL,
    partner_group TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (program_id, id),
    UNIQUE (program_id, email)
) STRICT;

CREATE TABLE links (
    id TEXT PRIMARY KEY,
    program_id TEXT NOT NULL,
    partner_id TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    destination TEXT NOT NULL,
    campaign TEXT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    FOREIGN KEY (program_id, partner_id) REFERENCES partners (program_id, id)
) STRICT;
CREATE INDEX links_program_id ON links (program_id, id);
CREATE INDEX links_partner_id ON links (partner_id, id);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    scope TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX api_keys_name ON api_keys (name);
)sql";

// The ledger: per program, events in seq order; the primary key makes a forked chain impossible.
constexpr std::string_view kSchemaV2 = R"sql(
CREATE TABLE events (
    program_id TEXT NOT NULL REFERENCES programs (id),
    seq INTEGER NOT NULL,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (program_id, seq)
) STRICT, WITHOUT ROWID;
)sql";

// The funnel: customers, coupons, referrals, conversions (with the partners they credit), commissions, and the
// answers kept for Idempotency-Key repeats; programs gain their customer and commission policies. Every table
// with a program has UNIQUE (program_id, id), the key a Citus cluster distributes on; PRIMARY KEY (id) serves
// lookups by id. Optional ids are NULL when absent; a referral's value is two columns, both NULL or neither.
constexpr std::string_view kSchemaV3 = R"sql(
ALTER TABLE programs ADD COLUMN sticky_customers INTEGER NOT NULL DEFAULT 1 CHECK (sticky_customers IN (0, 1));
ALTER TABLE programs ADD COLUMN commission TEXT NOT NULL
    DEFAULT '{"by_group":{},"default_rule":{"flat_minor":0,"kind":"percent","percent_bps":0}}';

CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    program_id TEXT NOT NULL REFERENCES programs (id),
    external_id TEXT NOT NULL,
    email_hash TEXT NOT NULL,
    email_sealed TEXT NOT NULL,
    name_sealed TEXT NOT NULL,
    credited_partner_id TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (program_id, id)
) STRICT;
CREATE UNIQUE INDEX customers_external_id ON customers (program_id, external_id) WHERE external_id <> '';
CREATE UNIQUE INDEX customers_email_hash ON customers (program_id, email_hash) WHERE email_hash <> '';

CREATE TABLE coupons (
    id TEXT PRIMARY KEY,
    program_id TEXT NOT NULL,
    partner_id TEXT NOT NULL,
    code TEXT NOT NULL,
    active INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at INTEGER NOT NULL,
    UNIQUE (program_id, id),
    UNIQUE (program_id, code),
    FOREIGN KEY (program_id, partner_id) REFERENCES partners (program_id, id)
) STRICT;
CREATE INDEX coupons_partner_id ON coupons (partner_id, id);

CREATE TABLE referrals (
    id TEXT PRIMARY KEY,
    program_id TEXT NOT NULL,
    partner_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    source TEXT NOT NULL,
    click_id TEXT NOT NULL,
    coupon_code TEXT NOT NULL,
    stage TEXT NOT NULL,
    history TEXT NOT NULL,
    value_amount INTEGER,
    value_currency TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (program_id, id),
    CHECK ((value_amount IS NULL) = (value_currency IS NULL)),
    FOREIGN KEY (program_id, partner_id) REFERENCES partners (program_id, id),
    FOREIGN KEY (program_id, customer_id) REFERENCES customers (program_id, id)
) STRICT;
CREATE INDEX referrals_partner_id ON referrals (partner_id, id);
CREATE INDEX referrals_customer_id ON referrals (program_id, customer_id, created_at);

CREATE TABLE conversions (
    id TEXT PRIMARY KEY,
    program_id TEXT NOT NULL REFERENCES programs (id),
    external_id TEXT NOT NULL,
    type TEXT NOT NULL,
    refund_of TEXT,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    referral_id TEXT,
    customer_id TEXT,
    click_id TEXT NOT NULL,
    coupon_code TEXT NOT NULL,
    attribution_source TEXT NOT NULL,
    attribution_model TEXT NOT NULL,
    attribution_credits TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (program_id, id),
    UNIQUE (program_id, external_id)
) STRICT;
CREATE INDEX conversions_refund_of ON conversions (refund_of, id) WHERE refund_of IS NOT NULL;

-- The partners each conversion credits (a copy of attribution_credits), to list a partner's conversions.
CREATE TABLE conversion_credits (
    program_id TEXT NOT NULL,
    partner_id TEXT NOT NULL,
    conversion_id TEXT NOT NULL,
    PRIMARY KEY (program_id, partner_id, conversion_id),
    FOREIGN KEY (program_id, partner_id) REFERENCES partners (program_id, id),
    FOREIGN KEY (program_id, conversion_id) REFERENCES conversions (program_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX conversion_credits_partner_id ON conversion_credits (partner_id, conversion_id);

CREATE TABLE commissions (
    id TEXT PRIMARY KEY,
    program_id TEXT NOT NULL,
    conversion_id TEXT NOT NULL,
    partner_id TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    reverses TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (program_id, id),
    FOREIGN KEY (program_id, conversion_id) REFERENCES conversions (program_id, id),
    FOREIGN KEY (program_id, partner_id) REFERENCES partners (program_id, id)
) STRICT;
CREATE INDEX commissions_partner_id ON commissions (partner_id, id);
CREATE INDEX commissions_conversion_id ON commissions (conversion_id, id);

CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (scope, idempotency_key)
) STRICT, WITHOUT ROWID;
)sql";

// Clicks, append-only and the hottest table: keyed on the time-ordered click id (inserts land at the
// B-tree's right edge), program_id first among the other columns, and one secondary index only — what
// ListVisitorClicks needs; visitor ids are time-ordered too, so it is mostly appended to as well. No
// foreign keys: rows come from the link directory, and a parent probe per row buys nothing here.
// Measured (1M rows in batches of 1024, synchronous=FULL, WAL, 2-core VM): WITHOUT ROWID 95-98k rows/s,
// 450 MB; a rowid table keyed the same way (an extra automatic index on id) 96-101k rows/s, 475 MB;
// so WITHOUT ROWID: the same speed, a smaller file, one B-tree probe per GetClick. For scale: one more
// index on a random key (ip_hash) cut the rate to 18k rows/s; without the visitor index it was 178k.
constexpr std::string_view kSchemaV4 = R"sql(
CREATE TABLE clicks (
    id TEXT NOT NULL PRIMARY KEY,
    program_id TEXT NOT NULL,
    partner_id TEXT NOT NULL,
    link_id TEXT NOT NULL,
    visitor_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    referrer_host TEXT NOT NULL,
    device TEXT NOT NULL,
    utm_source TEXT NOT NULL,
    utm_medium TEXT NOT NULL,
    utm_campaign TEXT NOT NULL,
    utm_term TEXT NOT NULL,
    utm_content TEXT NOT NULL,
    ip_prefix TEXT NOT NULL,
    ip_hash TEXT NOT NULL,
    bot INTEGER NOT NULL,
    is_unique INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX clicks_visitor ON clicks (program_id, visitor_id, id);
)sql";

// Report rollups (core/rollup.hpp): every write adds to a few cells in its own transaction and reports add up
// cells instead of scanning raw rows. A cell is keyed (program, day, partner, link, source[, stage]), with
// program_id first for the Citus distribution; "" is the link of traffic that came through none. `version`
// is the program's event seq of the last write to the cell, and the (program_id, version) indexes answer
// "cells written since version N". The measures are additive integers (money in minor units, credit in
// parts per million); a duration sketch is its DurationSketch::Encode() text ('' when empty), merged in C++
// because SQL cannot add two of them. No foreign keys: cells are derived rows that `reftrack rollups
// rebuild` deletes and writes anew. Referrals gain the occurred_at of their first sale (the cohort measures)
// and conversions the start of the journey they complete (time to conversion); both NULL when absent.
constexpr std::string_view kSchemaV5 = R"sql(
ALTER TABLE referrals ADD COLUMN converted_at INTEGER;
ALTER TABLE conversions ADD COLUMN journey_started_at INTEGER;

CREATE TABLE rollup_cells (
    program_id TEXT NOT NULL,
    day INTEGER NOT NULL,
    partner_id TEXT NOT NULL,
    link_id TEXT NOT NULL,
    source TEXT NOT NULL,
    version INTEGER NOT NULL,
    clicks INTEGER NOT NULL DEFAULT 0,
    unique_clicks INTEGER NOT NULL DEFAULT 0,
    bot_clicks INTEGER NOT NULL DEFAULT 0,
    referrals INTEGER NOT NULL DEFAULT 0,
    conversions_ppm INTEGER NOT NULL DEFAULT 0,
    refunds_ppm INTEGER NOT NULL DEFAULT 0,
    sales_minor INTEGER NOT NULL DEFAULT 0,
    refunded_minor INTEGER NOT NULL DEFAULT 0,
    commission_minor INTEGER NOT NULL DEFAULT 0,
    converted INTEGER NOT NULL DEFAULT 0,
    converted_7d INTEGER NOT NULL DEFAULT 0,
    converted_30d INTEGER NOT NULL DEFAULT 0,
    converted_90d INTEGER NOT NULL DEFAULT 0,
    time_to_conversion TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (program_id, day, partner_id, link_id, source)
) STRICT, WITHOUT ROWID;
CREATE INDEX rollup_cells_version ON rollup_cells (program_id, version);

CREATE TABLE funnel_cells (
    program_id TEXT NOT NULL,
    day INTEGER NOT NULL,
    partner_id TEXT NOT NULL,
    link_id TEXT NOT NULL,
    source TEXT NOT NULL,
    stage TEXT NOT NULL,
    version INTEGER NOT NULL,
    entered INTEGER NOT NULL DEFAULT 0,
    moved_on INTEGER NOT NULL DEFAULT 0,
    time_in_stage TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (program_id, day, partner_id, link_id, source, stage)
) STRICT, WITHOUT ROWID;
CREATE INDEX funnel_cells_version ON funnel_cells (program_id, version);
)sql";

// The people who log in (core/user.hpp): users, the one-time invites that set their password, and their
// sessions. Installation-wide, like api_keys: an admin user belongs to no program, so these tables have no
// program_id (on a Citus cluster they are reference tables, not distributed). Emails are stored lower-case
// and are unique in the installation. A partner user names its partner; an admin user names none. Invites and
// sessions are keyed by the SHA-256 (hex) of their token: the tokens themselves, like passwords, are never
// stored. password_hash is '' until a password is set. Sessions are few and short-lived (one per logged-in
// browser), so deleting the expired ones scans the table rather than keeping an index on two expiries.
// used_at is NULL while an invite is unused.
constexpr std::string_view kSchemaV6 = R"sql(
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'partner')),
    partner_id TEXT REFERENCES partners (id),
    password_hash TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK ((role = 'partner') = (partner_id IS NOT NULL))
) STRICT;

CREATE TABLE invites (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
) STRICT, WITHOUT ROWID;

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
)sql";

// Pending rollups (app/rollups.hpp): the cell deltas of a click batch, written in the batch's transaction as
// one row per program (its click.batch event's seq) and added to rollup_cells later by a "clicks.rolled_up"
// transaction that deletes them. `deltas` is text, one line per delta (storage/sql/rollups.cpp); a rowid
// table, as a row holds a few KiB, with the (program_id, seq) index to find and delete a program's rows in
// seq order. Rows live for about a second; a program's rows are added at its end of the index.
//
// Pending rows are added a slice of cells at a time, in key order (so that each transaction is short and writes
// few pages): an EPOCH is the program's rows up to `through_seq` (rollup_epochs: at most one per program), and
// each cell records in `rolled_through` the last epoch added to it, so that a slice written again adds nothing.
// The transaction that deletes an epoch's rows ends it.
constexpr std::string_view kSchemaV7 = R"sql(
CREATE TABLE rollup_pending (
    program_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    deltas TEXT NOT NULL,
    UNIQUE (program_id, seq)
) STRICT;

CREATE TABLE rollup_epochs (
    program_id TEXT PRIMARY KEY,
    through_seq INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

ALTER TABLE rollup_cells ADD COLUMN rolled_through INTEGER NOT NULL DEFAULT 0;
)sql";

// No table changes: a pending row's deltas may now end with a duration sketch (conversions leave their report
// cells pending too, storage/sql/rollups.cpp), which a reftrack built before it cannot decode. The version moves so
// that such a binary refuses this database ("newer than this reftrack") instead of failing every roll-up of the
// programs with pending sales: on a rollback, or a rolling upgrade of several nodes.
constexpr std::string_view kSchemaV8 = "SELECT 1";

// conversion_credits loses its (partner_id, conversion_id) index: its primary key (program_id, partner_id,
// conversion_id) lists a partner's conversions as well once the query names the partner's program. Each index
// keyed by partner puts every sale on a leaf page of its own, far from the last one's, so each one cost a WAL
// page per sale: a sixth of the pages an ingest commit wrote (docs/benchmarks.md).
constexpr std::string_view kSchemaV9 = "DROP INDEX conversion_credits_partner_id";

// commissions loses its (partner_id, id) index: a partner's commissions are listed through conversion_credits,
// whose primary key (program_id, partner_id, conversion_id) holds every conversion the partner earns a commission
// on (a refund copies its sale's credits), then commissions_conversion_id. Like the index of V9, it put every sale
// on a partner's own leaf page: a third of the WAL pages an ingest commit wrote (docs/benchmarks.md).
constexpr std::string_view kSchemaV10 = "DROP INDEX commissions_partner_id";

constexpr Migration kMigrations[] = {
    {1, kSchemaV1}, {2, kSchemaV2}, {3, kSchemaV3}, {4, kSchemaV4}, {5, kSchemaV5},
    {6, kSchemaV6}, {7, kSchemaV7}, {8, kSchemaV8}, {9, kSchemaV9}, {10, kSchemaV10},
};

// BEGIN IMMEDIATE takes the write lock: another process migrating the same file waits for it.
constexpr sql::MigrationPlan kPlan = {
    .backend = "sqlite",
    .migrations = kMigrations,
    .begin = "BEGIN IMMEDIATE",
    .lock = "",
    .create_table =
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
    .table_exists = "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'",
};

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

int LatestSchemaVersion() { return sql::LatestVersion(kPlan); }

Result<int> ReadSchemaVersion(Connection& conn) { return sql::ReadSchemaVersion(conn, kPlan); }

Result<int> ApplyMigrations(Connection& conn) { return sql::ApplyMigrations(conn, kPlan); }

}  // namespace rt::storage::sqlite
