#include "storage/postgres/pg_migrations.hpp"

namespace rt::storage::postgres {

namespace {

// The same schema as SQLite's (storage/sqlite/migrations.cpp), version for version, in PostgreSQL's dialect:
// integers are BIGINT, and every text column compares byte-wise (COLLATE "C"), whatever the database's locale, so
// that time-ordered ids sort the same on both backends.
//
// Keys for a Citus cluster: every table of a program's data has a PRIMARY KEY that leads with program_id, the
// distribution column, and every foreign key between them carries it; lookups by id alone use a plain index on
// (id). Ids are unique by construction (time-ordered and random); the database enforces uniqueness per program.
// What belongs to no program or is looked up across programs — programs, partners, links (codes are unique
// across the installation), api_keys, idempotency_keys, users, invites, sessions — is small: on Citus those are
// reference tables. docs/operations.md has the commands.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE programs (
    id TEXT COLLATE "C" PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL,
    currency TEXT COLLATE "C" NOT NULL,
    destination_domains TEXT COLLATE "C" NOT NULL,
    attribution_model TEXT COLLATE "C" NOT NULL,
    attribution_window_days BIGINT NOT NULL,
    stages TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE partners (
    program_id TEXT COLLATE "C" NOT NULL REFERENCES programs (id),
    id TEXT COLLATE "C" NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    email TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    partner_group TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (program_id, id),
    UNIQUE (program_id, email)
);
CREATE UNIQUE INDEX partners_id ON partners (id);

CREATE TABLE links (
    program_id TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    partner_id TEXT COLLATE "C" NOT NULL,
    code TEXT COLLATE "C" NOT NULL UNIQUE,
    destination TEXT COLLATE "C" NOT NULL,
    campaign TEXT COLLATE "C" NOT NULL,
    channel TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (program_id, id),
    FOREIGN KEY (program_id, partner_id) REFERENCES partners (program_id, id)
);
CREATE UNIQUE INDEX links_id ON links (id);
CREATE INDEX links_partner_id ON links (partner_id, id);

CREATE TABLE api_keys (
    id TEXT COLLATE "C" PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL,
    scope TEXT COLLATE "C" NOT NULL,
    secret_hash TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX api_keys_name ON api_keys (name);
)sql";

constexpr std::string_view kSchemaV2 = R"sql(
CREATE TABLE events (
    program_id TEXT COLLATE "C" NOT NULL REFERENCES programs (id),
    seq BIGINT NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    type TEXT COLLATE "C" NOT NULL,
    subject_id TEXT COLLATE "C" NOT NULL,
    at BIGINT NOT NULL,
    payload TEXT COLLATE "C" NOT NULL,
    prev_hash TEXT COLLATE "C" NOT NULL,
    hash TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (program_id, seq),
    UNIQUE (program_id, id)
);
)sql";

constexpr std::string_view kSchemaV3 = R"sql(
ALTER TABLE programs ADD COLUMN sticky_customers BIGINT NOT NULL DEFAULT 1 CHECK (sticky_customers IN (0, 1));
ALTER TABLE programs ADD COLUMN commission TEXT COLLATE "C" NOT NULL
    DEFAULT '{"by_group":{},"default_rule":{"flat_minor":0,"kind":"percent","percent_bps":0}}';

CREATE TABLE customers (
    program_id TEXT COLLATE "C" NOT NULL REFERENCES programs (id),
    id TEXT COLLATE "C" NOT NULL,
    external_id TEXT COLLATE "C" NOT NULL,
    email_hash TEXT COLLATE "C" NOT NULL,
    email_sealed TEXT COLLATE "C" NOT NULL,
    name_sealed TEXT COLLATE "C" NOT NULL,
    credited_partner_id TEXT COLLATE "C",
    created_at BIGINT NOT NULL,
    PRIMARY KEY (program_id, id)
);
CREATE INDEX customers_id ON customers (id);
CREATE UNIQUE INDEX customers_external_id ON customers (program_id, external_id) WHERE external_id <> '';
CREATE UNIQUE INDEX customers_email_hash ON customers (program_id, email_hash) WHERE email_hash <> '';

CREATE TABLE coupons (
    program_id TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    partner_id TEXT COLLATE "C" NOT NULL,
    code TEXT COLLATE "C" NOT NULL,
    active BIGINT NOT NULL CHECK (active IN (0, 1)),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (program_id, id),
    UNIQUE (program_id, code),
    FOREIGN KEY (program_id, partner_id) REFERENCES partners (program_id, id)
);
CREATE INDEX coupons_id ON coupons (id);
CREATE INDEX coupons_partner_id ON coupons (program_id, partner_id, id);

CREATE TABLE referrals (
    program_id TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    partner_id TEXT COLLATE "C" NOT NULL,
    customer_id TEXT COLLATE "C" NOT NULL,
    source TEXT COLLATE "C" NOT NULL,
    click_id TEXT COLLATE "C" NOT NULL,
    coupon_code TEXT COLLATE "C" NOT NULL,
    stage TEXT COLLATE "C" NOT NULL,
    history TEXT COLLATE "C" NOT NULL,
    value_amount BIGINT,
    value_currency TEXT COLLATE "C",
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (program_id, id),
    CHECK ((value_amount IS NULL) = (value_currency IS NULL)),
    FOREIGN KEY (program_id, partner_id) REFERENCES partners (program_id, id),
    FOREIGN KEY (program_id, customer_id) REFERENCES customers (program_id, id)
);
CREATE INDEX referrals_id ON referrals (id);
CREATE INDEX referrals_partner_id ON referrals (program_id, partner_id, id);
CREATE INDEX referrals_customer_id ON referrals (program_id, customer_id, created_at);

CREATE TABLE conversions (
    program_id TEXT COLLATE "C" NOT NULL REFERENCES programs (id),
    id TEXT COLLATE "C" NOT NULL,
    external_id TEXT COLLATE "C" NOT NULL,
    type TEXT COLLATE "C" NOT NULL,
    refund_of TEXT COLLATE "C",
    amount BIGINT NOT NULL,
    currency TEXT COLLATE "C" NOT NULL,
    occurred_at BIGINT NOT NULL,
    referral_id TEXT COLLATE "C",
    customer_id TEXT COLLATE "C",
    click_id TEXT COLLATE "C" NOT NULL,
    coupon_code TEXT COLLATE "C" NOT NULL,
    attribution_source TEXT COLLATE "C" NOT NULL,
    attribution_model TEXT COLLATE "C" NOT NULL,
    attribution_credits TEXT COLLATE "C" NOT NULL,
    request_hash TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (program_id, id),
    UNIQUE (program_id, external_id)
);
CREATE INDEX conversions_id ON conversions (id);
CREATE INDEX conversions_refund_of ON conversions (program_id, refund_of, id) WHERE refund_of IS NOT NULL;

CREATE TABLE conversion_credits (
    program_id TEXT COLLATE "C" NOT NULL,
    partner_id TEXT COLLATE "C" NOT NULL,
    conversion_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (program_id, partner_id, conversion_id),
    FOREIGN KEY (program_id, partner_id) REFERENCES partners (program_id, id),
    FOREIGN KEY (program_id, conversion_id) REFERENCES conversions (program_id, id)
);
CREATE INDEX conversion_credits_partner_id ON conversion_credits (partner_id, conversion_id);

CREATE TABLE commissions (
    program_id TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    conversion_id TEXT COLLATE "C" NOT NULL,
    partner_id TEXT COLLATE "C" NOT NULL,
    amount BIGINT NOT NULL,
    currency TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    reverses TEXT COLLATE "C",
    created_at BIGINT NOT NULL,
    PRIMARY KEY (program_id, id),
    FOREIGN KEY (program_id, conversion_id) REFERENCES conversions (program_id, id),
    FOREIGN KEY (program_id, partner_id) REFERENCES partners (program_id, id)
);
CREATE INDEX commissions_id ON commissions (id);
CREATE INDEX commissions_partner_id ON commissions (partner_id, id);
CREATE INDEX commissions_conversion_id ON commissions (conversion_id, id);

CREATE TABLE idempotency_keys (
    scope TEXT COLLATE "C" NOT NULL,
    idempotency_key TEXT COLLATE "C" NOT NULL,
    request_hash TEXT COLLATE "C" NOT NULL,
    status BIGINT NOT NULL,
    body TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (scope, idempotency_key)
);
)sql";

// Clicks: keyed (program_id, id) with time-ordered ids, so inserts land at the right edge of each program's part
// of the key; (id) for lookups by click id; (program_id, visitor_id, id) for attribution.
constexpr std::string_view kSchemaV4 = R"sql(
CREATE TABLE clicks (
    program_id TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    partner_id TEXT COLLATE "C" NOT NULL,
    link_id TEXT COLLATE "C" NOT NULL,
    visitor_id TEXT COLLATE "C" NOT NULL,
    at BIGINT NOT NULL,
    referrer_host TEXT COLLATE "C" NOT NULL,
    device TEXT COLLATE "C" NOT NULL,
    utm_source TEXT COLLATE "C" NOT NULL,
    utm_medium TEXT COLLATE "C" NOT NULL,
    utm_campaign TEXT COLLATE "C" NOT NULL,
    utm_term TEXT COLLATE "C" NOT NULL,
    utm_content TEXT COLLATE "C" NOT NULL,
    ip_prefix TEXT COLLATE "C" NOT NULL,
    ip_hash TEXT COLLATE "C" NOT NULL,
    bot BIGINT NOT NULL,
    is_unique BIGINT NOT NULL,
    PRIMARY KEY (program_id, id)
);
CREATE INDEX clicks_id ON clicks (id);
CREATE INDEX clicks_visitor ON clicks (program_id, visitor_id, id);
)sql";

constexpr std::string_view kSchemaV5 = R"sql(
ALTER TABLE referrals ADD COLUMN converted_at BIGINT;
ALTER TABLE conversions ADD COLUMN journey_started_at BIGINT;

CREATE TABLE rollup_cells (
    program_id TEXT COLLATE "C" NOT NULL,
    day BIGINT NOT NULL,
    partner_id TEXT COLLATE "C" NOT NULL,
    link_id TEXT COLLATE "C" NOT NULL,
    source TEXT COLLATE "C" NOT NULL,
    version BIGINT NOT NULL,
    clicks BIGINT NOT NULL DEFAULT 0,
    unique_clicks BIGINT NOT NULL DEFAULT 0,
    bot_clicks BIGINT NOT NULL DEFAULT 0,
    referrals BIGINT NOT NULL DEFAULT 0,
    conversions_ppm BIGINT NOT NULL DEFAULT 0,
    refunds_ppm BIGINT NOT NULL DEFAULT 0,
    sales_minor BIGINT NOT NULL DEFAULT 0,
    refunded_minor BIGINT NOT NULL DEFAULT 0,
    commission_minor BIGINT NOT NULL DEFAULT 0,
    converted BIGINT NOT NULL DEFAULT 0,
    converted_7d BIGINT NOT NULL DEFAULT 0,
    converted_30d BIGINT NOT NULL DEFAULT 0,
    converted_90d BIGINT NOT NULL DEFAULT 0,
    time_to_conversion TEXT COLLATE "C" NOT NULL DEFAULT '',
    PRIMARY KEY (program_id, day, partner_id, link_id, source)
);
CREATE INDEX rollup_cells_version ON rollup_cells (program_id, version);

CREATE TABLE funnel_cells (
    program_id TEXT COLLATE "C" NOT NULL,
    day BIGINT NOT NULL,
    partner_id TEXT COLLATE "C" NOT NULL,
    link_id TEXT COLLATE "C" NOT NULL,
    source TEXT COLLATE "C" NOT NULL,
    stage TEXT COLLATE "C" NOT NULL,
    version BIGINT NOT NULL,
    entered BIGINT NOT NULL DEFAULT 0,
    moved_on BIGINT NOT NULL DEFAULT 0,
    time_in_stage TEXT COLLATE "C" NOT NULL DEFAULT '',
    PRIMARY KEY (program_id, day, partner_id, link_id, source, stage)
);
CREATE INDEX funnel_cells_version ON funnel_cells (program_id, version);
)sql";

constexpr std::string_view kSchemaV6 = R"sql(
CREATE TABLE users (
    id TEXT COLLATE "C" PRIMARY KEY,
    email TEXT COLLATE "C" NOT NULL UNIQUE,
    role TEXT COLLATE "C" NOT NULL CHECK (role IN ('admin', 'partner')),
    partner_id TEXT COLLATE "C" REFERENCES partners (id),
    password_hash TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL CHECK (status IN ('active', 'disabled')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK ((role = 'partner') = (partner_id IS NOT NULL))
);

CREATE TABLE invites (
    token_hash TEXT COLLATE "C" PRIMARY KEY,
    user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

CREATE TABLE sessions (
    token_hash TEXT COLLATE "C" PRIMARY KEY,
    user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    csrf_token TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
)sql";

// Pending rollups and their epochs: see the SQLite schema v7. Keyed by (program_id, seq), program first like every
// table of a program's data.
constexpr std::string_view kSchemaV7 = R"sql(
CREATE TABLE rollup_pending (
    program_id TEXT COLLATE "C" NOT NULL,
    seq BIGINT NOT NULL,
    deltas TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (program_id, seq)
);

CREATE TABLE rollup_epochs (
    program_id TEXT COLLATE "C" PRIMARY KEY,
    through_seq BIGINT NOT NULL
);

ALTER TABLE rollup_cells ADD COLUMN rolled_through BIGINT NOT NULL DEFAULT 0;
)sql";

// No table changes: see the SQLite schema v8 (the pending rows' sketches; older binaries must refuse the database).
constexpr std::string_view kSchemaV8 = "SELECT 1";

// See the SQLite schema v9: the primary key of conversion_credits serves a partner's conversions.
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

// The advisory lock, held until each migration's transaction ends: nodes started together migrate one at a time.
constexpr sql::MigrationPlan kPlan = {
    .backend = "postgresql",
    .migrations = kMigrations,
    .begin = "BEGIN",
    .lock = "SELECT pg_advisory_xact_lock(7372797265667472)",
    .create_table =
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
    .table_exists =
        "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND "
        "tablename = 'schema_migrations'",
};

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

int LatestSchemaVersion() { return sql::LatestVersion(kPlan); }

Result<int> ReadSchemaVersion(PgConnection& conn) { return sql::ReadSchemaVersion(conn, kPlan); }

Result<int> ApplyMigrations(PgConnection& conn) { return sql::ApplyMigrations(conn, kPlan); }

}  // namespace rt::storage::postgres
