#include "app/link_directory.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "app/link_service.hpp"
#include "app/partner_service.hpp"
#include "app/program_service.hpp"
#include "ports/fakes.hpp"
#include "ports/system.hpp"
#include "storage/open_store.hpp"

namespace rt::app {
namespace {

class LinkDirectoryTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto store = storage::OpenStore("memory://");
        ASSERT_TRUE(store) << store.error().message();
        store_ = std::move(*store);
        ASSERT_TRUE(store_->Migrate());
        programs_ = std::make_unique<ProgramService>(deps());
        links_ = std::make_unique<LinkService>(deps());
        auto program = programs_->Create(admin_, {.name = "Acme",
                                                  .currency = "EUR",
                                                  .destination_domains = std::vector<std::string>{"shop.example.com"},
                                                  .attribution = core::AttributionSettings{.window_days = 30}});
        ASSERT_TRUE(program) << program.error().message();
        program_ = *program;
        auto partner = PartnerService(deps()).Create(
            admin_, {.program_id = program->id.str(), .name = "Ada", .email = "ada@example.com"});
        ASSERT_TRUE(partner) << partner.error().message();
        partner_ = partner->id.str();
    }
    Deps deps() { return {*store_, clock_, random_, digest_}; }

    core::Link NewLink(const std::string& code, const std::string& destination = "https://shop.example.com/a?x=1") {
        clock_.Advance(1);
        auto link = links_->Create(admin_, {.partner_id = partner_, .destination = destination, .code = code});
        EXPECT_TRUE(link) << link.error().message();
        return *link;
    }

    std::unique_ptr<ports::Store> store_;
    ports::FakeClock clock_;
    ports::SeededRandom random_{3};
    ports::Sha256Digest digest_;
    Principal admin_{core::Scope::Admin(), {}};
    std::unique_ptr<ProgramService> programs_;
    std::unique_ptr<LinkService> links_;
    core::Program program_;
    std::string partner_;
};

TEST_F(LinkDirectoryTest, LoadsEveryLinkAndResolvesCodesInAnyCase) {
    const auto spring = NewLink("Spring-Sale");
    const auto other = NewLink("other");
    LinkDirectory directory;
    ASSERT_TRUE(directory.Load(*store_));
    EXPECT_EQ(directory.link_count(), 2u);

    for (std::string_view code : {"spring-sale", "SPRING-SALE", "Spring-Sale"}) {
        auto route = directory.Resolve(code);
        ASSERT_TRUE(route) << code;
        EXPECT_EQ(route->link->link_id, spring.id);
        EXPECT_EQ(route->link->program_id, program_.id);
        EXPECT_EQ(route->link->partner_id.str(), partner_);
        EXPECT_EQ(route->link->destination, "https://shop.example.com/a?x=1");
        EXPECT_TRUE(route->link->active);
        ASSERT_NE(route->program, nullptr);
        EXPECT_EQ(route->program->destination_domains, std::vector<std::string>{"shop.example.com"});
        EXPECT_EQ(route->program->window_days, 30);
    }
    EXPECT_EQ(directory.ResolveId(other.id)->link->link_id, other.id);
    EXPECT_FALSE(directory.Resolve("nope"));
    EXPECT_FALSE(directory.Resolve(""));
}

TEST_F(LinkDirectoryTest, LoadReadsPastOnePage) {
    auto done = store_->Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<void> {
        for (int i = 0; i < 1201; ++i) {
            clock_.Advance(1);
            core::Link link;
            link.id = core::LinkId::Generate(clock_.Now(), random_);
            link.program_id = program_.id;
            link.partner_id = core::PartnerId::FromTrusted(partner_);
            link.code = "bulk" + std::to_string(i);
            link.destination = "https://shop.example.com/";
            if (auto ok = tx.InsertLink(link); !ok) return ok;
        }
        return {};
    });
    ASSERT_TRUE(done) << done.error().message();
    LinkDirectory directory;
    ASSERT_TRUE(directory.Load(*store_));
    EXPECT_EQ(directory.link_count(), 1201u);
    EXPECT_TRUE(directory.Resolve("bulk0"));
    EXPECT_TRUE(directory.Resolve("bulk1200"));
}

TEST_F(LinkDirectoryTest, ListenersKeepItCurrentWithoutAReload) {
    LinkDirectory directory;
    ASSERT_TRUE(directory.Load(*store_));
    links_->SetChangeListener([&](const core::Link& l) { directory.OnLinkChanged(l); });
    programs_->SetChangeListener([&](const core::Program& p) { directory.OnProgramChanged(p); });

    const auto link = NewLink("fresh");
    ASSERT_TRUE(directory.Resolve("fresh")) << "a created link resolves at once";

    clock_.Advance(1);
    ASSERT_TRUE(
        links_->Patch(admin_, link.id.str(), {.destination = "https://shop.example.com/new", .code = "renamed"}));
    EXPECT_FALSE(directory.Resolve("fresh")) << "the old code is gone";
    ASSERT_TRUE(directory.Resolve("renamed"));
    EXPECT_EQ(directory.Resolve("renamed")->link->destination, "https://shop.example.com/new");

    clock_.Advance(1);
    ASSERT_TRUE(links_->Patch(admin_, link.id.str(), {.status = "disabled"}));
    EXPECT_FALSE(directory.Resolve("renamed")->link->active);

    clock_.Advance(1);
    ASSERT_TRUE(programs_->Patch(admin_, program_.id.str(),
                                 {.destination_domains = std::vector<std::string>{"www.example.com"}}));
    EXPECT_EQ(directory.Resolve("renamed")->program->destination_domains, std::vector<std::string>{"www.example.com"});

    auto failed = links_->Patch(admin_, link.id.str(), {.destination = "https://evil.example.org/"});
    ASSERT_FALSE(failed);
    EXPECT_EQ(directory.Resolve("renamed")->link->destination, "https://shop.example.com/new")
        << "no commit, no change";
}

TEST_F(LinkDirectoryTest, AnOlderStateArrivingLateIsIgnored) {
    LinkDirectory directory;
    auto link = NewLink("racy");
    ASSERT_TRUE(directory.Load(*store_));
    auto older = link;
    older.updated_at.unix_ms -= 10;
    older.destination = "https://shop.example.com/stale";
    directory.OnLinkChanged(older);
    EXPECT_EQ(directory.Resolve("racy")->link->destination, link.destination);

    auto stale_program = program_;
    stale_program.updated_at.unix_ms -= 10;
    stale_program.attribution.window_days = 1;
    directory.OnProgramChanged(stale_program);
    EXPECT_EQ(directory.Resolve("racy")->program->window_days, 30);
}

TEST_F(LinkDirectoryTest, ALinkWhoseProgramArrivesLaterResolvesOnceItDoes) {
    // Listeners of concurrent commits run in either order: a new program's first link may come first.
    LinkDirectory directory;
    core::Program later = program_;
    later.id = core::ProgramId::Generate(clock_.Now(), random_);
    core::Link link = NewLink("early");
    link.id = core::LinkId::Generate(clock_.Now(), random_);
    link.program_id = later.id;
    link.code = "early-bird";
    directory.OnLinkChanged(link);
    EXPECT_FALSE(directory.Resolve("early-bird")) << "no program yet: not a route";
    EXPECT_FALSE(directory.ResolveId(link.id));

    later.attribution.window_days = 7;
    directory.OnProgramChanged(later);
    auto route = directory.Resolve("early-bird");
    ASSERT_TRUE(route);
    EXPECT_EQ(route->link->link_id, link.id);
    EXPECT_EQ(route->program->window_days, 7);
    EXPECT_EQ(directory.ResolveId(link.id)->program->window_days, 7);

    ASSERT_TRUE(directory.Load(*store_)) << "a reload replaces everything";
    EXPECT_FALSE(directory.Resolve("early-bird")) << "not in the store";
    EXPECT_EQ(directory.Resolve("early")->program->window_days, 30);
}

TEST_F(LinkDirectoryTest, ACodeHandedOnKeepsItsNewLinkWhicheverListenerRunsFirst) {
    // B gives up "beta" for "gamma", then A takes "beta": the listeners of the two commits may run in either order.
    const auto a = NewLink("alpha");
    const auto b = NewLink("beta");
    for (bool a_first : {true, false}) {
        LinkDirectory directory;
        ASSERT_TRUE(directory.Load(*store_));
        auto b2 = b;
        b2.code = "gamma";
        b2.updated_at.unix_ms += 10;
        auto a2 = a;
        a2.code = "beta";
        a2.updated_at.unix_ms += 20;
        if (a_first) {
            directory.OnLinkChanged(a2);
            directory.OnLinkChanged(b2);
        } else {
            directory.OnLinkChanged(b2);
            directory.OnLinkChanged(a2);
        }
        ASSERT_TRUE(directory.Resolve("beta")) << "a_first=" << a_first;
        EXPECT_EQ(directory.Resolve("beta")->link->link_id, a.id) << "a_first=" << a_first;
        ASSERT_TRUE(directory.Resolve("gamma"));
        EXPECT_EQ(directory.Resolve("gamma")->link->link_id, b.id);
        EXPECT_FALSE(directory.Resolve("alpha"));
    }
}

TEST_F(LinkDirectoryTest, ReadersAndAWriterRunTogether) {
    LinkDirectory directory;
    auto link = NewLink("busy");
    ASSERT_TRUE(directory.Load(*store_));
    std::atomic<bool> stop{false};
    std::atomic<int> resolved{0};
    std::vector<std::thread> readers;
    for (int t = 0; t < 3; ++t) {
        readers.emplace_back([&] {
            while (!stop) {
                if (auto r = directory.Resolve("busy");
                    r && r->link->destination.starts_with("https://shop.example.com/"))
                    ++resolved;
            }
        });
    }
    // The writer runs while readers are demonstrably reading: it starts once they have resolved, and
    // keeps going (bounded) until they resolved again during its writes.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (resolved.load() == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    const int before_writes = resolved.load();
    for (int i = 0; i < 2000 || (resolved.load() == before_writes && std::chrono::steady_clock::now() < deadline);
         ++i) {
        link.updated_at.unix_ms += 1;
        link.destination = "https://shop.example.com/" + std::to_string(std::min(i, 1999));
        directory.OnLinkChanged(link);
    }
    stop = true;
    for (auto& r : readers) r.join();
    EXPECT_GT(resolved.load(), before_writes);
    EXPECT_EQ(directory.Resolve("busy")->link->destination, "https://shop.example.com/1999");
}

}  // namespace
}  // namespace rt::app
