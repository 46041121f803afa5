// The storage conformance suite, clicks: InsertClicks (a group-commit batch), GetClick, ListVisitorClicks.

#include <sstream>
#include <vector>

#include "storage/click_rules.hpp"
#include "storage/store_conformance.hpp"

namespace rt::storage::testing {
namespace {

using core::ErrorCode;

std::string Describe(const core::Click& c) {
    std::ostringstream out;
    out << "id=" << c.id.str() << " program=" << c.program_id.str() << " partner=" << c.partner_id.str()
        << " link=" << c.link_id.str() << " visitor=" << c.visitor_id.str() << " at=" << c.at.unix_ms
        << " referrer=" << c.referrer_host << " device=" << core::ToString(c.device) << " utm=" << c.utm.source << "/"
        << c.utm.medium << "/" << c.utm.campaign << "/" << c.utm.term << "/" << c.utm.content
        << " prefix=" << c.ip_prefix << " hash=" << c.ip_hash << " bot=" << c.bot << " unique=" << c.unique;
    return out.str();
}

std::vector<std::string> ClickIds(const std::vector<core::Click>& clicks) {
    std::vector<std::string> out;
    for (const auto& c : clicks) out.push_back(c.id.str());
    return out;
}

// A click through `link`, every field set to a value other than its default.
core::Click ClickOf(const core::Link& link, core::ClickId id, core::VisitorId visitor, core::TimePoint at) {
    core::Click c;
    c.id = std::move(id);
    c.program_id = link.program_id;
    c.partner_id = link.partner_id;
    c.link_id = link.id;
    c.visitor_id = std::move(visitor);
    c.at = at;
    c.referrer_host = "news.example.com";
    c.device = core::DeviceClass::kTablet;
    c.utm = {"newsletter", "email", "spring-sale", "running shoes", "caf\xC3\xA9 banner"};
    c.ip_prefix = "2001:db8:1::/48";
    c.ip_hash = std::string(64, 'a');
    c.bot = true;
    c.unique = false;
    return c;
}

core::Result<void> InsertClicks(ports::Store& store, const std::vector<core::Click>& clicks) {
    return store.Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) { return tx.InsertClicks(clicks); });
}

TEST_P(StoreConformanceTest, ClickRoundTripsEveryField) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto link = MakeLink(partner);
    InsertChain(program, partner, link);
    const auto id = NextId<core::ClickId>();
    const auto click = ClickOf(link, id, NextId<core::VisitorId>(), now_);
    ASSERT_TRUE(InsertClicks(*store_, {click}));
    auto got = Read([&](ports::StoreTx& tx) { return tx.GetClick(click.id); });
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(Describe(*got), Describe(click));
    EXPECT_EQ(*got, click);

    const auto plain_id = NextId<core::ClickId>();
    auto plain = ClickOf(link, plain_id, click.visitor_id, now_);  // the defaults: no referrer, utm or IP
    plain.referrer_host.clear();
    plain.device = core::DeviceClass::kUnknown;
    plain.utm = {};
    plain.ip_prefix.clear();
    plain.ip_hash.clear();
    plain.bot = false;
    plain.unique = true;
    ASSERT_TRUE(InsertClicks(*store_, {plain}));
    auto got_plain = Read([&](ports::StoreTx& tx) { return tx.GetClick(plain.id); });
    ASSERT_TRUE(got_plain);
    EXPECT_EQ(Describe(*got_plain), Describe(plain));
}

TEST_P(StoreConformanceTest, UnknownClickIsNotFound) {
    const auto id = NextId<core::ClickId>();
    auto got = Read([&](ports::StoreTx& tx) { return tx.GetClick(id); });
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code(), ErrorCode::kNotFound);
    EXPECT_EQ(got.error().message(), kClickNotFound);
}

TEST_P(StoreConformanceTest, AClickBatchIsWrittenWholeInOneTransaction) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto link = MakeLink(partner);
    InsertChain(program, partner, link);
    std::vector<core::Click> batch;
    for (int i = 0; i < 1024; ++i) {
        auto id = NextId<core::ClickId>();
        batch.push_back(ClickOf(link, id, NextId<core::VisitorId>(), now_));
    }
    ASSERT_TRUE(InsertClicks(*store_, batch));
    for (const auto& click : {batch.front(), batch[511], batch.back()}) {
        auto got = Read([&](ports::StoreTx& tx) { return tx.GetClick(click.id); });
        ASSERT_TRUE(got) << got.error().message();
        EXPECT_EQ(Describe(*got), Describe(click));
    }
    EXPECT_TRUE(InsertClicks(*store_, {})) << "an empty batch is no error";
}

TEST_P(StoreConformanceTest, ADuplicateClickIdIsAConflictAndRefusesTheWholeBatch) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto link = MakeLink(partner);
    InsertChain(program, partner, link);
    const auto visitor = NextId<core::VisitorId>();
    auto make = [&] {
        auto id = NextId<core::ClickId>();
        return ClickOf(link, id, visitor, now_);
    };
    const auto first = make();
    ASSERT_TRUE(InsertClicks(*store_, {first}));

    const auto fresh = make();
    auto again = make();
    again.id = first.id;
    auto done = InsertClicks(*store_, {fresh, again});
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().code(), ErrorCode::kConflict);
    EXPECT_EQ(done.error().message(), kClickIdTaken);

    const auto twin = make();
    done = InsertClicks(*store_, {twin, twin});
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().code(), ErrorCode::kConflict) << "a duplicate inside one batch";

    for (const auto& id : {fresh.id, twin.id}) {
        auto got = Read([&](ports::StoreTx& tx) { return tx.GetClick(id); });
        ASSERT_FALSE(got) << "nothing of a refused batch is kept";
        EXPECT_EQ(got.error().code(), ErrorCode::kNotFound);
    }
    auto kept = Read([&](ports::StoreTx& tx) { return tx.GetClick(first.id); });
    ASSERT_TRUE(kept);
    EXPECT_EQ(Describe(*kept), Describe(first));
}

TEST_P(StoreConformanceTest, AFailedTransactionKeepsNoneOfItsClicks) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto link = MakeLink(partner);
    InsertChain(program, partner, link);
    const auto id = NextId<core::ClickId>();
    const std::vector<core::Click> clicks{ClickOf(link, id, NextId<core::VisitorId>(), now_)};
    auto done = Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertClicks(clicks); !ok) return ok;
        return core::Fail(core::Error::Conflict("the batch's ledger entry failed"));
    });
    ASSERT_FALSE(done);
    auto got = Read([&](ports::StoreTx& tx) { return tx.GetClick(id); });
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code(), ErrorCode::kNotFound);
}

TEST_P(StoreConformanceTest, AReadTransactionCannotInsertClicks) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto link = MakeLink(partner);
    InsertChain(program, partner, link);
    const auto id = NextId<core::ClickId>();
    const std::vector<core::Click> clicks{ClickOf(link, id, NextId<core::VisitorId>(), now_)};
    auto done = store_->Transact(ports::TxMode::kRead, [&](ports::StoreTx& tx) { return tx.InsertClicks(clicks); });
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().code(), ErrorCode::kInternal);
}

TEST_P(StoreConformanceTest, VisitorClicksAreTheProgramsSinceATimeOldestFirst) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto link = MakeLink(partner);
    InsertChain(program, partner, link);
    const auto other_program = MakeProgram();
    const auto other_partner = MakePartner(other_program);
    const auto other_link = MakeLink(other_partner);
    InsertChain(other_program, other_partner, other_link);
    const auto visitor = NextId<core::VisitorId>();
    const auto other_visitor = NextId<core::VisitorId>();
    auto make = [&](const core::Link& through, const core::VisitorId& who) {
        auto id = NextId<core::ClickId>();
        return ClickOf(through, id, who, now_);
    };

    const auto early = make(link, visitor);
    const auto at_since = make(link, visitor);  // exactly at `since`: included
    const core::TimePoint since = at_since.at;
    const auto someone_else = make(link, other_visitor);
    const auto elsewhere = make(other_link, visitor);  // the same visitor in another program
    const auto late = make(link, visitor);
    const auto later = make(link, visitor);
    // Inserted out of order, across batches: the answer is still oldest first.
    ASSERT_TRUE(InsertClicks(*store_, {later, someone_else}));
    ASSERT_TRUE(InsertClicks(*store_, {late, elsewhere, early, at_since}));

    auto all = Read([&](ports::StoreTx& tx) { return tx.ListVisitorClicks(program.id, visitor, {0}); });
    ASSERT_TRUE(all) << all.error().message();
    EXPECT_EQ(ClickIds(*all),
              (std::vector<std::string>{early.id.str(), at_since.id.str(), late.id.str(), later.id.str()}));
    ASSERT_EQ(all->size(), 4u);
    EXPECT_EQ(Describe(all->back()), Describe(later)) << "whole clicks";

    auto recent = Read([&](ports::StoreTx& tx) { return tx.ListVisitorClicks(program.id, visitor, since); });
    ASSERT_TRUE(recent);
    EXPECT_EQ(ClickIds(*recent), (std::vector<std::string>{at_since.id.str(), late.id.str(), later.id.str()}));

    auto other = Read([&](ports::StoreTx& tx) { return tx.ListVisitorClicks(other_program.id, visitor, {0}); });
    ASSERT_TRUE(other);
    EXPECT_EQ(ClickIds(*other), std::vector<std::string>{elsewhere.id.str()});

    const auto stranger = NextId<core::VisitorId>();
    auto none = Read([&](ports::StoreTx& tx) { return tx.ListVisitorClicks(program.id, stranger, {0}); });
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());

    // ListVisitorClicksOf: the same lists, named by one of the visitor's clicks.
    using Listed = core::Result<std::optional<std::vector<core::Click>>>;
    auto of = [&](const core::Program& in, const core::ClickId& named, core::TimePoint from) {
        return Read([&](ports::StoreTx& tx) -> Listed { return tx.ListVisitorClicksOf(in.id, named, from); });
    };
    auto ids_of = [&](const Listed& listed) {
        return listed && *listed ? ClickIds(**listed) : std::vector<std::string>{"(none)"};
    };
    EXPECT_EQ(ids_of(of(program, late.id, {0})),
              (std::vector<std::string>{early.id.str(), at_since.id.str(), late.id.str(), later.id.str()}));
    EXPECT_EQ(ids_of(of(program, early.id, since)),
              (std::vector<std::string>{at_since.id.str(), late.id.str(), later.id.str()}))
        << "the named click need not be in the window";
    EXPECT_EQ(ids_of(of(program, someone_else.id, {0})), std::vector<std::string>{someone_else.id.str()});
    EXPECT_EQ(ids_of(of(other_program, elsewhere.id, {0})), std::vector<std::string>{elsewhere.id.str()});
    const auto whole = of(program, later.id, {0});
    ASSERT_TRUE(whole && *whole && !(*whole)->empty());
    EXPECT_EQ(Describe((*whole)->back()), Describe(later)) << "whole clicks";
    const core::TimePoint after_all{later.at.unix_ms + 1};
    const auto nothing_since = of(program, early.id, after_all);
    ASSERT_TRUE(nothing_since);
    ASSERT_TRUE(nothing_since->has_value()) << "a known click with nothing in the window is an empty list";
    EXPECT_TRUE((*nothing_since)->empty());
    for (const auto& [in, named] : {std::pair{program, elsewhere.id}, std::pair{program, NextId<core::ClickId>()},
                                    std::pair{other_program, late.id}}) {
        const auto unknown = of(in, named, {0});
        ASSERT_TRUE(unknown) << unknown.error().message();
        EXPECT_FALSE(unknown->has_value()) << "not a click of the program: " << named.str();
    }
}

TEST_P(StoreConformanceTest, ClicksSurviveReopeningADurableStore) {
    if (!GetParam().durable) GTEST_SKIP() << GetParam().name << " keeps nothing across opens";
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto link = MakeLink(partner);
    InsertChain(program, partner, link);
    const auto id = NextId<core::ClickId>();
    const auto click = ClickOf(link, id, NextId<core::VisitorId>(), now_);
    ASSERT_TRUE(InsertClicks(*store_, {click}));
    store_.reset();
    store_ = OpenStore();
    ASSERT_NE(store_, nullptr);
    auto got = Read([&](ports::StoreTx& tx) { return tx.GetClick(click.id); });
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(Describe(*got), Describe(click));
}

}  // namespace
}  // namespace rt::storage::testing
