// The storage conformance suite, part 3: lists (newest first, pagination, filters), counts, deletes.

#include <optional>

#include "storage/store_conformance.hpp"

namespace rt::storage::testing {
namespace {

core::PageRequest PageOf(int limit, std::string starting_after = {}) { return {limit, std::move(starting_after)}; }

TEST_P(StoreConformanceTest, EmptyListsHaveNoMore) {
    auto page = Read([](ports::StoreTx& tx) { return tx.ListPrograms(PageOf(10)); });
    ASSERT_TRUE(page);
    EXPECT_TRUE(page->data.empty());
    EXPECT_FALSE(page->has_more);
}

TEST_P(StoreConformanceTest, ProgramPagesAreNewestFirstWithExactHasMore) {
    std::vector<core::Program> programs;
    for (int i = 0; i < 5; ++i) programs.push_back(MakeProgram());
    const auto newer_than_all = NextId<core::ProgramId>().str();  // never inserted
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        for (auto it = programs.rbegin(); it != programs.rend(); ++it) {  // insertion order must not matter
            if (auto ok = tx.InsertProgram(*it); !ok) return ok;
        }
        return {};
    }));
    auto id = [&](int i) { return programs[i].id.str(); };

    struct Case {
        int limit;
        std::string starting_after;
        std::vector<std::string> want;
        bool has_more;
    };
    const Case cases[] = {
        {2, "", {id(4), id(3)}, true},
        {2, id(3), {id(2), id(1)}, true},
        {2, id(2), {id(1), id(0)}, false},  // exactly limit left
        {2, id(1), {id(0)}, false},
        {2, id(0), {}, false},
        {1, id(1), {id(0)}, false},                           // exactly limit left, limit 1
        {5, "", {id(4), id(3), id(2), id(1), id(0)}, false},  // exactly limit in all
        {4, "", {id(4), id(3), id(2), id(1)}, true},
        {500, "", {id(4), id(3), id(2), id(1), id(0)}, false},
        {2, newer_than_all, {id(4), id(3)}, true},  // a cursor need not exist
    };
    for (const auto& c : cases) {
        auto page = Read([&](ports::StoreTx& tx) { return tx.ListPrograms(PageOf(c.limit, c.starting_after)); });
        ASSERT_TRUE(page) << page.error().message();
        EXPECT_EQ(Ids(*page), c.want) << "limit=" << c.limit << " after=" << c.starting_after;
        EXPECT_EQ(page->has_more, c.has_more) << "limit=" << c.limit << " after=" << c.starting_after;
    }
    auto full = Read([](ports::StoreTx& tx) { return tx.ListPrograms(PageOf(10)); });
    ASSERT_TRUE(full);
    ASSERT_EQ(full->data.size(), 5u);
    EXPECT_EQ(Describe(full->data[0]), Describe(programs[4])) << "lists return whole objects";
}

TEST_P(StoreConformanceTest, WalkingPagesVisitsEveryProgramOnce) {
    std::vector<std::string> want;
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        for (int i = 0; i < 7; ++i) {
            auto program = MakeProgram();
            want.insert(want.begin(), program.id.str());
            if (auto ok = tx.InsertProgram(program); !ok) return ok;
        }
        return {};
    }));
    std::vector<std::string> seen;
    std::string cursor;
    for (int pages = 1;; ++pages) {
        ASSERT_LE(pages, 3) << "7 programs fit in 3 pages of 3";
        auto page = Read([&](ports::StoreTx& tx) { return tx.ListPrograms(PageOf(3, cursor)); });
        ASSERT_TRUE(page);
        for (const auto& id : Ids(*page)) seen.push_back(id);
        if (!page->has_more) break;
        cursor = seen.back();
    }
    EXPECT_EQ(seen, want);
}

TEST_P(StoreConformanceTest, PartnerListsFilterByProgramAndPartner) {
    const auto a = MakeProgram(), b = MakeProgram();
    std::vector<core::Partner> p;  // a0 b0 a1 b1 a2
    for (int i = 0; i < 5; ++i) p.push_back(MakePartner(i % 2 == 0 ? a : b));
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertProgram(a); !ok) return ok;
        if (auto ok = tx.InsertProgram(b); !ok) return ok;
        for (const auto& partner : p) {
            if (auto ok = tx.InsertPartner(partner); !ok) return ok;
        }
        return {};
    }));
    auto id = [&](int i) { return p[i].id.str(); };

    struct Case {
        std::optional<core::ProgramId> program;
        std::optional<core::PartnerId> partner;
        core::PageRequest page;
        std::vector<std::string> want;
        bool has_more;
    };
    const Case cases[] = {
        {std::nullopt, std::nullopt, PageOf(10), {id(4), id(3), id(2), id(1), id(0)}, false},
        {a.id, std::nullopt, PageOf(2), {id(4), id(2)}, true},
        {a.id, std::nullopt, PageOf(2, id(2)), {id(0)}, false},
        {b.id, std::nullopt, PageOf(2), {id(3), id(1)}, false},  // exactly limit of B, older rows of A remain
        {std::nullopt, p[2].id, PageOf(10), {id(2)}, false},
        {a.id, p[2].id, PageOf(10), {id(2)}, false},
        {b.id, p[2].id, PageOf(10), {}, false},
    };
    for (std::size_t i = 0; i < std::size(cases); ++i) {
        const auto& c = cases[i];
        auto page = Read([&](ports::StoreTx& tx) { return tx.ListPartners({c.program, c.partner}, c.page); });
        ASSERT_TRUE(page) << page.error().message();
        EXPECT_EQ(Ids(*page), c.want) << "case " << i;
        EXPECT_EQ(page->has_more, c.has_more) << "case " << i;
    }
}

TEST_P(StoreConformanceTest, LinkListsFilterByProgramAndPartner) {
    const auto a = MakeProgram(), b = MakeProgram();
    const auto pa0 = MakePartner(a), pa1 = MakePartner(a), pb0 = MakePartner(b);
    // l0 (pa0), l1 (pa1), l2 (pa0), l3 (pb0), l4 (pa0)
    const std::vector<core::Link> l = {MakeLink(pa0), MakeLink(pa1), MakeLink(pa0), MakeLink(pb0), MakeLink(pa0)};
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        for (const auto* program : {&a, &b}) {
            if (auto ok = tx.InsertProgram(*program); !ok) return ok;
        }
        for (const auto* partner : {&pa0, &pa1, &pb0}) {
            if (auto ok = tx.InsertPartner(*partner); !ok) return ok;
        }
        for (const auto& link : l) {
            if (auto ok = tx.InsertLink(link); !ok) return ok;
        }
        return {};
    }));
    auto id = [&](int i) { return l[i].id.str(); };

    struct Case {
        std::optional<core::ProgramId> program;
        std::optional<core::PartnerId> partner;
        core::PageRequest page;
        std::vector<std::string> want;
        bool has_more;
    };
    const Case cases[] = {
        {std::nullopt, std::nullopt, PageOf(10), {id(4), id(3), id(2), id(1), id(0)}, false},
        {a.id, std::nullopt, PageOf(10), {id(4), id(2), id(1), id(0)}, false},
        {b.id, std::nullopt, PageOf(1), {id(3)}, false},
        {std::nullopt, pa0.id, PageOf(2), {id(4), id(2)}, true},
        {std::nullopt, pa0.id, PageOf(2, id(2)), {id(0)}, false},
        {std::nullopt, pa0.id, PageOf(2, id(3)), {id(2), id(0)}, false},  // cursor from another partner's link
        {a.id, pa1.id, PageOf(10), {id(1)}, false},
        {b.id, pa0.id, PageOf(10), {}, false},
    };
    for (std::size_t i = 0; i < std::size(cases); ++i) {
        const auto& c = cases[i];
        auto page = Read([&](ports::StoreTx& tx) { return tx.ListLinks({c.program, c.partner}, c.page); });
        ASSERT_TRUE(page) << page.error().message();
        EXPECT_EQ(Ids(*page), c.want) << "case " << i;
        EXPECT_EQ(page->has_more, c.has_more) << "case " << i;
    }
}

TEST_P(StoreConformanceTest, CountProgramsCountsEveryProgram) {
    auto count = [&] { return Read([](ports::StoreTx& tx) { return tx.CountPrograms(); }); };
    ASSERT_TRUE(count());
    EXPECT_EQ(*count(), 0);
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        for (int i = 0; i < 3; ++i) {
            if (auto ok = tx.InsertProgram(MakeProgram()); !ok) return ok;
        }
        return {};
    }));
    EXPECT_EQ(*count(), 3);
}

TEST_P(StoreConformanceTest, DeleteApiKeysByNameDeletesExactlyThatName) {
    const auto ci1 = MakeApiKey("ci"), ci2 = MakeApiKey("ci"), deploy = MakeApiKey("deploy"),
               ci_upper = MakeApiKey("CI");
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        for (const auto* key : {&ci1, &ci2, &deploy, &ci_upper}) {
            if (auto ok = tx.InsertApiKey(*key); !ok) return ok;
        }
        return {};
    }));

    auto deleted = ports::Transact<int>(*store_, ports::TxMode::kWrite,
                                        [](ports::StoreTx& tx) { return tx.DeleteApiKeysByName("ci"); });
    ASSERT_TRUE(deleted);
    EXPECT_EQ(*deleted, 2);
    for (const auto* gone : {&ci1, &ci2}) {
        auto got = Read([&](ports::StoreTx& tx) { return tx.GetApiKey(gone->id); });
        ASSERT_FALSE(got);
        EXPECT_EQ(got.error().code(), core::ErrorCode::kNotFound);
    }
    for (const auto* kept : {&deploy, &ci_upper}) {
        EXPECT_TRUE(Read([&](ports::StoreTx& tx) { return tx.GetApiKey(kept->id); }));
    }
    auto again = ports::Transact<int>(*store_, ports::TxMode::kWrite,
                                      [](ports::StoreTx& tx) { return tx.DeleteApiKeysByName("ci"); });
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, 0);
}

}  // namespace
}  // namespace rt::storage::testing
