#pragma once

// The storage conformance suite's fixture, shared by the store_conformance*_test.cpp files: every backend
// runs the same TEST_Ps (instantiated in store_conformance_test.cpp). Test-only; never linked into reftrack.

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <sstream>
#include <string>

#include "ports/fakes.hpp"
#include "ports/store.hpp"
#include "support/temp_dir.hpp"

namespace rt::storage::testing {

struct Backend {
    std::string name;  // also the expected Store::Backend()
    // Opens the store kept in `dir`, a fresh temporary directory per test. Opening the same dir again
    // reopens the same data when `durable`.
    std::function<core::Result<std::unique_ptr<ports::Store>>(const std::filesystem::path& dir)> open;
    bool durable = false;
    bool reads_during_write = false;  // a read transaction completes while a write transaction is open
    // Records schema `version` in the closed store at `dir` behind its back; empty when impossible.
    std::function<void(const std::filesystem::path& dir, int version)> force_schema_version;
    // Why the backend cannot run here (PostgreSQL outside CTest's cluster); the tests then skip. Empty: it can.
    std::function<std::string()> unavailable;
};

// gtest names and prints a backend by its name.
inline void PrintTo(const Backend& backend, std::ostream* out) { *out << backend.name; }
inline std::string PrintBackend(const ::testing::TestParamInfo<Backend>& info) { return info.param.name; }

// Every field, so that EXPECT_EQ on two descriptions compares whole objects and shows what differs.
inline std::string Describe(const core::Program& p) {
    std::ostringstream out;
    out << "id=" << p.id.str() << " name=" << p.name << " currency=" << p.currency.code() << " domains=[";
    for (const auto& d : p.destination_domains) out << d << ";";
    out << "] model=" << core::ToString(p.attribution.model) << " window=" << p.attribution.window_days << " stages=[";
    for (const auto& s : p.stages) out << s.key << "/" << s.name << "/" << core::ToString(s.kind) << ";";
    out << "] sticky=" << p.sticky_customers << " commission=";
    auto rule = [&](const core::CommissionRule& r) {
        out << (r.kind == core::CommissionRule::Kind::kFlat ? "flat/" : "percent/") << r.percent_bps << "/"
            << r.flat_minor << ";";
    };
    rule(p.commission.default_rule);
    for (const auto& [group, r] : p.commission.by_group) {
        out << group << ":";
        rule(r);
    }
    out << " created=" << p.created_at.unix_ms << " updated=" << p.updated_at.unix_ms;
    return out.str();
}

inline std::string Describe(const core::Partner& p) {
    std::ostringstream out;
    out << "id=" << p.id.str() << " program=" << p.program_id.str() << " name=" << p.name << " email=" << p.email
        << " status=" << core::ToString(p.status) << " group=" << p.group << " created=" << p.created_at.unix_ms
        << " updated=" << p.updated_at.unix_ms;
    return out.str();
}

inline std::string Describe(const core::Link& l) {
    std::ostringstream out;
    out << "id=" << l.id.str() << " program=" << l.program_id.str() << " partner=" << l.partner_id.str()
        << " code=" << l.code << " destination=" << l.destination << " campaign=" << l.campaign
        << " channel=" << l.channel << " status=" << core::ToString(l.status) << " created=" << l.created_at.unix_ms
        << " updated=" << l.updated_at.unix_ms;
    return out.str();
}

inline std::string Describe(const core::ApiKeyRecord& k) {
    std::ostringstream out;
    out << "id=" << k.id.str() << " name=" << k.name << " scope=" << core::ToString(k.scope)
        << " hash=" << k.secret_hash << " created=" << k.created_at.unix_ms;
    return out.str();
}

// The ids of a page's items, in order.
template <class T>
std::vector<std::string> Ids(const core::Page<T>& page) {
    std::vector<std::string> out;
    for (const auto& item : page.data) out.push_back(item.id.str());
    return out;
}

class StoreConformanceTest : public ::testing::TestWithParam<Backend> {
  protected:
    void SetUp() override {
        if (GetParam().unavailable) {
            if (auto reason = GetParam().unavailable(); !reason.empty()) GTEST_SKIP() << reason;
        }
        store_ = OpenStore();
        ASSERT_NE(store_, nullptr);
        auto migrated = store_->Migrate();
        ASSERT_TRUE(migrated) << migrated.error().message();
    }

    // Opens the test's store (again); a failure fails the test and returns null.
    std::unique_ptr<ports::Store> OpenStore() {
        auto opened = GetParam().open(dir_.path());
        EXPECT_TRUE(opened) << opened.error().message();
        return opened ? std::move(*opened) : nullptr;
    }

    // A fresh id, later than every id made before it in this test.
    template <class Id>
    Id NextId() {
        now_.unix_ms += 1;
        return Id::Generate(now_, random_);
    }

    // Objects with every field set to a value other than its default, each unique.
    core::Program MakeProgram() {
        core::Program p;
        p.id = NextId<core::ProgramId>();
        p.name = "Acme partners " + std::to_string(++serial_);
        p.currency = core::Currency::FromTrusted("JPY");
        p.destination_domains = {"acme.example", "*.shop.example"};
        p.attribution = {core::AttributionModel::kTimeDecay, 30};
        p.sticky_customers = false;
        p.commission.default_rule = {core::CommissionRule::Kind::kFlat, 250, 1999};
        p.commission.by_group = {{"gold", {core::CommissionRule::Kind::kPercent, 1250, 7}},
                                 {"vip-2", {core::CommissionRule::Kind::kFlat, 0, 50'000}}};
        p.stages = {{"new", "New", core::StageKind::kOpen},
                    {"won", "Won – signed", core::StageKind::kWon},
                    {"lost", "Lost", core::StageKind::kLost}};
        p.created_at = {now_.unix_ms - 1000};
        p.updated_at = {now_.unix_ms + 7};
        return p;
    }

    core::Partner MakePartner(const core::Program& program) {
        core::Partner p;
        p.id = NextId<core::PartnerId>();
        p.program_id = program.id;
        p.name = "Ada Lovelace " + std::to_string(++serial_);
        p.email = "ada" + std::to_string(serial_) + "@example.com";
        p.status = core::PartnerStatus::kPending;
        p.group = "gold";
        p.created_at = {now_.unix_ms - 2000};
        p.updated_at = {now_.unix_ms + 11};
        return p;
    }

    core::Link MakeLink(const core::Partner& partner) {
        core::Link l;
        l.id = NextId<core::LinkId>();
        l.program_id = partner.program_id;
        l.partner_id = partner.id;
        l.code = "code" + std::to_string(++serial_);
        l.destination = "https://acme.example/pricing?plan=pro&ref=1#top";
        l.campaign = "spring-sale";
        l.channel = "newsletter";
        l.status = core::LinkStatus::kDisabled;
        l.created_at = {now_.unix_ms - 3000};
        l.updated_at = {now_.unix_ms + 13};
        return l;
    }

    core::ApiKeyRecord MakeApiKey(std::string name, core::Scope scope = core::Scope::Admin()) {
        core::ApiKeyRecord k;
        k.id = NextId<core::ApiKeyId>();
        k.name = std::move(name);
        k.scope = std::move(scope);
        k.secret_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$" + std::to_string(++serial_);
        k.created_at = {now_.unix_ms - 4000};
        return k;
    }

    // Runs `fn(tx) -> Result<void>` in a write transaction.
    core::Result<void> Write(const std::function<core::Result<void>(ports::StoreTx&)>& fn) {
        return store_->Transact(ports::TxMode::kWrite, fn);
    }

    // Runs `fn(tx) -> Result<T>` in a read transaction and returns its value.
    template <class F>
    auto Read(F&& fn) {
        using T = typename std::invoke_result_t<F, ports::StoreTx&>::value_type;
        return ports::Transact<T>(*store_, ports::TxMode::kRead, std::forward<F>(fn));
    }

    // Inserts a program, a partner of it and a link of that partner; fails the test on error.
    void InsertChain(const core::Program& program, const core::Partner& partner, const core::Link& link) {
        auto done = Write([&](ports::StoreTx& tx) -> core::Result<void> {
            if (auto ok = tx.InsertProgram(program); !ok) return ok;
            if (auto ok = tx.InsertPartner(partner); !ok) return ok;
            return tx.InsertLink(link);
        });
        ASSERT_TRUE(done) << done.error().message();
    }

    rt::testing::TempDir dir_;
    std::unique_ptr<ports::Store> store_;
    core::TimePoint now_{1'795'000'000'000};
    ports::SeededRandom random_;
    int serial_ = 0;
};

}  // namespace rt::storage::testing
