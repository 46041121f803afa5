// The storage conformance suite, part 1: the backends, round trips, kNotFound, updates.
// Parts 2 and 3 (store_conformance_rules_test.cpp, store_conformance_schema_test.cpp) share the fixture.

#include "storage/store_conformance.hpp"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <fstream>

#include "storage/memory/memory_store.hpp"
#include "storage/open_store.hpp"
#include "storage/store_rules.hpp"
#include "support/pg_test_db.hpp"

namespace rt::storage::testing {
namespace {

using core::ErrorCode;

void ForceSqliteSchemaVersion(const std::filesystem::path& dir, int version) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir / "reftrack.db").c_str(), &db), SQLITE_OK);
    const std::string sql =
        "INSERT INTO schema_migrations (version, applied_at) VALUES (" + std::to_string(version) + ", 1)";
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
}

// A test's PostgreSQL database: created on the first open of its directory, named in the directory so that a
// reopen finds the same data. The throwaway cluster is wiped at the end of the run.
std::string PgDatabaseOf(const std::filesystem::path& dir) {
    const auto file = dir / "postgresql.url";
    std::string url;
    if (std::ifstream in(file); in && std::getline(in, url) && !url.empty()) return url;
    url = rt::testing::CreatePgTestDatabase();
    std::ofstream(file) << url << "\n";
    return url;
}

void ForcePgSchemaVersion(const std::filesystem::path& dir, int version) {
    PGconn* conn = PQconnectdb(PgDatabaseOf(dir).c_str());
    ASSERT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
    const std::string sql =
        "INSERT INTO schema_migrations (version, applied_at) VALUES (" + std::to_string(version) + ", 1)";
    PGresult* result = PQexec(conn, sql.c_str());
    EXPECT_EQ(PQresultStatus(result), PGRES_COMMAND_OK) << PQerrorMessage(conn);
    PQclear(result);
    PQfinish(conn);
}

const Backend kBackends[] = {
    {.name = "memory", .open = [](const std::filesystem::path&) { return storage::OpenStore("memory://"); }},
    {.name = "sqlite",
     .open =
         [](const std::filesystem::path& dir) {
             return storage::OpenStore("sqlite://" + (dir / "reftrack.db").string());
         },
     .durable = true,
     .reads_during_write = true,
     .force_schema_version = ForceSqliteSchemaVersion},
    {.name = "postgresql",
     .open = [](const std::filesystem::path& dir) { return storage::OpenStore(PgDatabaseOf(dir)); },
     .durable = true,
     .reads_during_write = true,
     .force_schema_version = ForcePgSchemaVersion,
     .unavailable =
         [] {
             return rt::testing::PgTestServerUrl()
                        ? std::string()
                        : std::string(
                              "RT_TEST_PG_DIR is not set: run through ctest, which starts a PostgreSQL cluster");
         }},
};

}  // namespace

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformanceTest, ::testing::ValuesIn(kBackends), PrintBackend);

namespace {

TEST_P(StoreConformanceTest, ReportsItsBackendAndAnswersPing) {
    EXPECT_EQ(store_->Backend(), GetParam().name);
    EXPECT_TRUE(store_->Ping());
}

TEST_P(StoreConformanceTest, ProgramRoundTripsEveryField) {
    const auto program = MakeProgram();
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertProgram(program); }));

    auto got = Read([&](ports::StoreTx& tx) { return tx.GetProgram(program.id); });
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(Describe(*got), Describe(program));
}

TEST_P(StoreConformanceTest, ProgramWithNoDomainsRoundTrips) {
    auto program = MakeProgram();
    program.destination_domains.clear();
    program.stages = {{"only", "Only \"quoted\" \\ name", core::StageKind::kWon}};
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertProgram(program); }));

    auto got = Read([&](ports::StoreTx& tx) { return tx.GetProgram(program.id); });
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(Describe(*got), Describe(program));
}

TEST_P(StoreConformanceTest, PartnerRoundTripsEveryField) {
    const auto program = MakeProgram();
    auto partner = MakePartner(program);
    auto ungrouped = MakePartner(program);
    ungrouped.group.clear();
    ungrouped.status = core::PartnerStatus::kSuspended;
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertProgram(program); !ok) return ok;
        if (auto ok = tx.InsertPartner(partner); !ok) return ok;
        return tx.InsertPartner(ungrouped);
    }));

    for (const auto& want : {partner, ungrouped}) {
        auto got = Read([&](ports::StoreTx& tx) { return tx.GetPartner(want.id); });
        ASSERT_TRUE(got) << got.error().message();
        EXPECT_EQ(Describe(*got), Describe(want));
    }
}

TEST_P(StoreConformanceTest, LinkRoundTripsEveryFieldByIdAndByCode) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto link = MakeLink(partner);
    InsertChain(program, partner, link);

    auto by_id = Read([&](ports::StoreTx& tx) { return tx.GetLink(link.id); });
    ASSERT_TRUE(by_id) << by_id.error().message();
    EXPECT_EQ(Describe(*by_id), Describe(link));
    auto by_code = Read([&](ports::StoreTx& tx) { return tx.GetLinkByCode(link.code); });
    ASSERT_TRUE(by_code) << by_code.error().message();
    EXPECT_EQ(Describe(*by_code), Describe(link));
}

TEST_P(StoreConformanceTest, ApiKeyRoundTripsEveryFieldForEveryScopeKind) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const core::ApiKeyRecord keys[] = {
        MakeApiKey("admin key"),
        MakeApiKey("partner key", core::Scope::ForPartner(partner.id)),
        MakeApiKey("ingest key", core::Scope::ForIngest(program.id)),
    };
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        for (const auto& k : keys) {
            if (auto ok = tx.InsertApiKey(k); !ok) return ok;
        }
        return {};
    }));

    for (const auto& want : keys) {
        auto got = Read([&](ports::StoreTx& tx) { return tx.GetApiKey(want.id); });
        ASSERT_TRUE(got) << got.error().message();
        EXPECT_EQ(Describe(*got), Describe(want));
    }
}

TEST_P(StoreConformanceTest, UnknownIdsAreNotFound) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto link = MakeLink(partner);
    const auto key = MakeApiKey("k");
    const std::pair<const char*, std::function<core::Result<void>(ports::StoreTx&)>> cases[] = {
        {"GetProgram", [&](ports::StoreTx& tx) { return tx.GetProgram(program.id).map([](auto&&) {}); }},
        {"GetPartner", [&](ports::StoreTx& tx) { return tx.GetPartner(partner.id).map([](auto&&) {}); }},
        {"GetLink", [&](ports::StoreTx& tx) { return tx.GetLink(link.id).map([](auto&&) {}); }},
        {"GetLinkByCode", [&](ports::StoreTx& tx) { return tx.GetLinkByCode(link.code).map([](auto&&) {}); }},
        {"GetApiKey", [&](ports::StoreTx& tx) { return tx.GetApiKey(key.id).map([](auto&&) {}); }},
        {"UpdateProgram", [&](ports::StoreTx& tx) { return tx.UpdateProgram(program); }},
        {"UpdatePartner", [&](ports::StoreTx& tx) { return tx.UpdatePartner(partner); }},
        {"UpdateLink", [&](ports::StoreTx& tx) { return tx.UpdateLink(link); }},
    };
    for (const auto& [name, call] : cases) {
        auto result = Write(call);
        ASSERT_FALSE(result) << name;
        EXPECT_EQ(result.error().code(), ErrorCode::kNotFound) << name << ": " << result.error().message();
    }
    auto count = Read([](ports::StoreTx& tx) { return tx.CountPrograms(); });
    ASSERT_TRUE(count);
    EXPECT_EQ(*count, 0);
}

TEST_P(StoreConformanceTest, UpdateProgramReplacesEveryFieldButIdAndCreatedAt) {
    const auto original = MakeProgram();
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertProgram(original); }));

    core::Program changed = original;
    changed.name = "Renamed";
    changed.currency = core::Currency::FromTrusted("EUR");
    changed.destination_domains = {"new.example"};
    changed.attribution = {core::AttributionModel::kFirstClick, 7};
    changed.stages = {{"lead", "Lead", core::StageKind::kOpen}, {"paid", "Paid", core::StageKind::kWon}};
    changed.created_at = {1};
    changed.updated_at = {original.updated_at.unix_ms + 60'000};
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.UpdateProgram(changed); }));

    auto got = Read([&](ports::StoreTx& tx) { return tx.GetProgram(original.id); });
    ASSERT_TRUE(got);
    core::Program want = changed;
    want.created_at = original.created_at;
    EXPECT_EQ(Describe(*got), Describe(want));
}

TEST_P(StoreConformanceTest, UpdatePartnerKeepsItsProgramAndCreatedAt) {
    const auto program = MakeProgram();
    const auto other_program = MakeProgram();
    const auto original = MakePartner(program);
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertProgram(program); !ok) return ok;
        if (auto ok = tx.InsertProgram(other_program); !ok) return ok;
        return tx.InsertPartner(original);
    }));

    core::Partner changed = original;
    changed.program_id = other_program.id;
    changed.name = "Grace Hopper";
    changed.email = "grace@example.com";
    changed.status = core::PartnerStatus::kActive;
    changed.group = "";
    changed.created_at = {1};
    changed.updated_at = {original.updated_at.unix_ms + 60'000};
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.UpdatePartner(changed); }));

    auto got = Read([&](ports::StoreTx& tx) { return tx.GetPartner(original.id); });
    ASSERT_TRUE(got);
    core::Partner want = changed;
    want.program_id = original.program_id;
    want.created_at = original.created_at;
    EXPECT_EQ(Describe(*got), Describe(want));
}

TEST_P(StoreConformanceTest, UpdatePartnerFreesTheOldEmailInItsProgram) {
    const auto program = MakeProgram();
    auto first = MakePartner(program);
    const std::string old_email = first.email;
    InsertChain(program, first, MakeLink(first));
    first.email = "renamed@example.com";
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.UpdatePartner(first); }));

    auto second = MakePartner(program);
    second.email = old_email;
    auto done = Write([&](ports::StoreTx& tx) { return tx.InsertPartner(second); });
    EXPECT_TRUE(done) << done.error().message();
}

TEST_P(StoreConformanceTest, UpdateLinkKeepsItsOwnersAndCreatedAtAndMovesItsCode) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto other_partner = MakePartner(program);
    const auto original = MakeLink(partner);
    InsertChain(program, partner, original);
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertPartner(other_partner); }));

    core::Link changed = original;
    changed.partner_id = other_partner.id;
    changed.program_id = MakeProgram().id;
    changed.code = "newcode";
    changed.destination = "https://shop.acme.example/";
    changed.campaign = "";
    changed.channel = "";
    changed.status = core::LinkStatus::kActive;
    changed.created_at = {1};
    changed.updated_at = {original.updated_at.unix_ms + 60'000};
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.UpdateLink(changed); }));

    core::Link want = changed;
    want.partner_id = original.partner_id;
    want.program_id = original.program_id;
    want.created_at = original.created_at;
    auto by_new_code = Read([&](ports::StoreTx& tx) { return tx.GetLinkByCode("newcode"); });
    ASSERT_TRUE(by_new_code) << by_new_code.error().message();
    EXPECT_EQ(Describe(*by_new_code), Describe(want));
    auto by_old_code = Read([&](ports::StoreTx& tx) { return tx.GetLinkByCode(original.code); });
    ASSERT_FALSE(by_old_code);
    EXPECT_EQ(by_old_code.error().code(), ErrorCode::kNotFound);

    auto reuse = MakeLink(partner);
    reuse.code = original.code;
    auto done = Write([&](ports::StoreTx& tx) { return tx.InsertLink(reuse); });
    EXPECT_TRUE(done) << "the old code is free again: " << done.error().message();
}

}  // namespace
}  // namespace rt::storage::testing
