// Conversions over HTTP against the real binary: attribution by referral, coupon and customer history,
// recurring customers, commissions from the program's plan, exactly-once recording under concurrent
// repeats, refunds and their reversals, what partner keys see, and invalid input changing nothing.
#include <algorithm>
#include <ctime>
#include <latch>
#include <regex>
#include <set>
#include <thread>

#include "e2e_fixture.hpp"

namespace rt::testing {
namespace {

using Json = nlohmann::json;

std::string Id(const Json& j) { return j.at("id").get<std::string>(); }

std::set<std::string> ErrorFields(const Reply& r) {
    std::set<std::string> out;
    const Json j = r.json();
    if (j.is_object() && j.contains("errors")) {
        for (const auto& e : j["errors"]) out.insert(e.value("field", ""));
    }
    return out;
}

// RFC 3339 UTC, `offset` from now.
std::string TimeFromNow(std::chrono::seconds offset) {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + offset);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
    return buf;
}

Json OneCreditTo(const Json& partner) {
    return Json::array(
        {{{"partner_id", partner["id"]}, {"weight", 1.0}, {"weight_ppm", 1000000}, {"click_id", nullptr}}});
}

// A program paying 10% commission, with partners Ada (coupon "ada-10") and Bob (coupon "bob-10").
class Conversions : public E2eTest {
  protected:
    void SetUp() override {
        E2eTest::SetUp();
        program_ = CreateProgram();
        auto plan = api_->Patch("/api/v1/programs/" + Id(program_),
                                {{"commission", {{"default_rule", {{"kind", "percent"}, {"percent_bps", 1000}}}}}});
        ASSERT_EQ(plan.status, 200) << plan.body;
        program_ = plan.json();
        ada_ = CreatePartner(Id(program_), "ada@partners.example.org");
        bob_ = CreatePartner(Id(program_), "bob@partners.example.org");
        ASSERT_EQ(api_->Post("/api/v1/coupons", {{"partner_id", Id(ada_)}, {"code", "ada-10"}}).status, 201);
        ASSERT_EQ(api_->Post("/api/v1/coupons", {{"partner_id", Id(bob_)}, {"code", "bob-10"}}).status, 201);
    }

    // A sale of `amount` EUR in this program, with `extra` fields.
    Json Sale(const std::string& external_id, std::int64_t amount, const Json& extra = Json::object()) {
        Json body = {
            {"program_id", Id(program_)}, {"external_id", external_id}, {"amount", amount}, {"currency", "EUR"}};
        body.update(extra);
        return body;
    }
    Reply Convert(const Json& body) { return api_->Post("/api/v1/conversions", body); }
    Json Referral(const Json& partner, const Json& customer) {
        auto r = api_->Post("/api/v1/referrals", {{"partner_id", Id(partner)}, {"customer", customer}});
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json();
    }
    Json ListConversions(const Api& as) {
        auto r = as.Get("/api/v1/conversions?limit=500&program_id=" + Id(program_));
        EXPECT_EQ(r.status, 200) << r.body;
        return r.json()["data"];
    }
    Json Events() {
        auto r = api_->Get("/api/v1/events?limit=500&program_id=" + Id(program_));
        EXPECT_EQ(r.status, 200) << r.body;
        return r.json()["data"];
    }
    static std::size_t CountOfType(const Json& events, const std::string& type) {
        return std::count_if(events.begin(), events.end(), [&](const Json& e) { return e["type"] == type; });
    }

    Json program_, ada_, bob_;
};

TEST_F(Conversions, ProgramCarriesTheCommissionPlan) {
    EXPECT_EQ(program_["commission"]["default_rule"], (Json{{"kind", "percent"}, {"percent_bps", 1000}}));
    EXPECT_EQ(api_->Get("/api/v1/programs/" + Id(program_)).json()["commission"], program_["commission"]);
}

TEST_F(Conversions, AttributedByReferralIdWithTenPercentCommission) {
    const Json ref = Referral(ada_, {{"external_id", "crm-1"}, {"email", "lea@example.com"}});
    auto r = Convert(Sale("order-1", 12999, {{"referral_id", Id(ref)}}));
    ASSERT_EQ(r.status, 201) << r.body;
    const Json c = r.json();
    EXPECT_TRUE(Id(c).starts_with("cnv_")) << c;
    EXPECT_EQ(c["object"], "conversion");
    EXPECT_EQ(c["program_id"], program_["id"]);
    EXPECT_EQ(c["external_id"], "order-1");
    EXPECT_EQ(c["type"], "sale");
    EXPECT_TRUE(c["refund_of"].is_null());
    EXPECT_EQ(c["amount"], 12999);
    EXPECT_EQ(c["currency"], "EUR");
    EXPECT_TRUE(
        std::regex_match(c["occurred_at"].get<std::string>(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
    EXPECT_EQ(c["referral_id"], ref["id"]);
    EXPECT_EQ(c["customer_id"], ref["customer"]["id"]);
    EXPECT_EQ(c["attribution"]["source"], "referral");
    EXPECT_EQ(c["attribution"]["model"], "last_click");
    EXPECT_EQ(c["attribution"]["credits"], OneCreditTo(ada_));
    // 10% of 129.99 EUR is 12.999 EUR: 1299.9 minor units, rounded to 1300.
    ASSERT_EQ(c["commissions"].size(), 1u) << c;
    const Json& com = c["commissions"][0];
    EXPECT_TRUE(Id(com).starts_with("com_"));
    EXPECT_EQ(com["partner_id"], ada_["id"]);
    EXPECT_EQ(com["amount"], (Json{{"amount", 1300}, {"currency", "EUR"}}));
    EXPECT_EQ(com["status"], "pending");
    EXPECT_TRUE(com["reverses"].is_null());

    EXPECT_EQ(api_->Get("/api/v1/conversions/" + Id(c)).json(), c);
    auto unknown = Convert(Sale("order-2", 100, {{"referral_id", "ref_01jd0000000000000000000000"}}));
    EXPECT_TRUE(unknown.IsProblem(422)) << unknown.body;
    EXPECT_EQ(ErrorFields(unknown), std::set<std::string>{"referral_id"});
}

TEST_F(Conversions, AttributedByCouponRoundingHalfToEven) {
    auto r = Convert(Sale("order-c", 12345, {{"coupon", "ADA-10"}}));
    ASSERT_EQ(r.status, 201) << r.body;
    const Json c = r.json();
    EXPECT_EQ(c["attribution"]["source"], "coupon");
    EXPECT_EQ(c["attribution"]["credits"], OneCreditTo(ada_));
    EXPECT_EQ(c["coupon"], "ada-10");
    // 10% of 12345 is 1234.5: halves round to even.
    ASSERT_EQ(c["commissions"].size(), 1u);
    EXPECT_EQ(c["commissions"][0]["amount"]["amount"], 1234);
    EXPECT_EQ(c["commissions"][0]["partner_id"], ada_["id"]);
}

TEST_F(Conversions, AttributedByTheCustomersReferralThenRecurring) {
    const Json ref = Referral(bob_, {{"external_id", "crm-9"}});
    auto first = Convert(Sale("order-9a", 12999, {{"customer", {{"external_id", "crm-9"}}}}));
    ASSERT_EQ(first.status, 201) << first.body;
    EXPECT_EQ(first.json()["attribution"]["source"], "customer");
    EXPECT_EQ(first.json()["attribution"]["credits"], OneCreditTo(bob_));
    EXPECT_EQ(first.json()["referral_id"], ref["id"]);
    EXPECT_EQ(first.json()["customer_id"], ref["customer"]["id"]);
    ASSERT_EQ(first.json()["commissions"].size(), 1u);
    EXPECT_EQ(first.json()["commissions"][0]["amount"]["amount"], 1300);

    // The customer, once credited, stays with Bob.
    auto second = Convert(Sale("order-9b", 5000, {{"customer", {{"external_id", "crm-9"}}}}));
    ASSERT_EQ(second.status, 201) << second.body;
    EXPECT_EQ(second.json()["attribution"]["source"], "recurring");
    EXPECT_EQ(second.json()["attribution"]["credits"], OneCreditTo(bob_));
    EXPECT_EQ(second.json()["customer_id"], ref["customer"]["id"]);
    ASSERT_EQ(second.json()["commissions"].size(), 1u);
    EXPECT_EQ(second.json()["commissions"][0]["partner_id"], bob_["id"]);
    EXPECT_EQ(second.json()["commissions"][0]["amount"]["amount"], 500);
}

TEST_F(Conversions, CustomerFoundByEmailToo) {
    Referral(ada_, {{"email", "Mia@Example.com"}});
    auto r = Convert(Sale("order-m", 1000, {{"customer", {{"email", "mia@example.COM"}}}}));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["attribution"]["source"], "customer");
    EXPECT_EQ(r.json()["attribution"]["credits"], OneCreditTo(ada_));
}

// A browser following tracking links: keeps the rt_vid cookie like a cookie jar would.
class Browser {
  public:
    explicit Browser(const Api& api) : api_(api.WithToken("")) {}

    // Follows /r/<code>; returns the click id from the redirect's Location (empty on failure).
    std::string Follow(const std::string& code) {
        std::map<std::string, std::string> headers = {
            {"User-Agent",
             "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 "
             "Safari/537.36"}};
        if (!visitor_.empty()) headers["Cookie"] = "rt_vid=" + visitor_;
        auto r = api_.Send("GET", "/r/" + code, "", headers);
        EXPECT_EQ(r.status, 302) << r.body;
        const std::string location = r.header("location");
        EXPECT_TRUE(location.starts_with("https://shop.example.com/pricing?plan=pro&")) << location;
        std::smatch click;
        if (!std::regex_search(location, click, std::regex("[?&]rt_click=(clk_[0-9a-z]+)"))) {
            ADD_FAILURE() << "no rt_click in " << location;
            return "";
        }
        std::smatch vid;
        const std::string cookie = r.header("set-cookie");
        if (std::regex_search(cookie, vid, std::regex("^rt_vid=([^;]+)"))) {
            EXPECT_TRUE(visitor_.empty() || visitor_ == vid[1].str()) << "the visitor changed: " << cookie;
            visitor_ = vid[1];
        } else {
            ADD_FAILURE() << "no rt_vid cookie: " << cookie;
        }
        return click[1];
    }

  private:
    Api api_;
    std::string visitor_;
};

TEST_F(Conversions, AttributedByAClickIdFromTheRedirect) {
    const Json link = CreateLink(Id(ada_));
    Browser browser(*api_);
    const std::string click_id = browser.Follow(link["code"]);
    ASSERT_FALSE(click_id.empty());

    auto r = Convert(Sale("order-click", 12999, {{"click_id", click_id}}));
    ASSERT_EQ(r.status, 201) << r.body;
    const Json c = r.json();
    EXPECT_EQ(c["click_id"], click_id);
    EXPECT_EQ(c["attribution"]["source"], "click");
    EXPECT_EQ(c["attribution"]["model"], "last_click");
    ASSERT_EQ(c["attribution"]["credits"].size(), 1u) << c;
    EXPECT_EQ(c["attribution"]["credits"][0]["partner_id"], ada_["id"]);
    EXPECT_EQ(c["attribution"]["credits"][0]["weight"], 1.0);
    EXPECT_EQ(c["attribution"]["credits"][0]["click_id"], click_id);
    ASSERT_EQ(c["commissions"].size(), 1u);
    EXPECT_EQ(c["commissions"][0]["amount"]["amount"], 1300);

    // The click id also makes a referral.
    auto referral = api_->Post("/api/v1/referrals", {{"click_id", click_id}, {"customer", {{"external_id", "c-k"}}}});
    ASSERT_EQ(referral.status, 201) << referral.body;
    EXPECT_EQ(referral.json()["source"], "click");
    EXPECT_EQ(referral.json()["click_id"], click_id);
    EXPECT_EQ(referral.json()["partner_id"], ada_["id"]);
}

TEST_F(Conversions, LinearModelSplitsBetweenThePartnersOfOneVisitor) {
    ASSERT_EQ(api_->Patch("/api/v1/programs/" + Id(program_), {{"attribution", {{"model", "linear"}}}}).status, 200);
    const Json ada_link = CreateLink(Id(ada_));
    const Json bob_link = CreateLink(Id(bob_));
    Browser browser(*api_);
    const std::string first = browser.Follow(ada_link["code"]);
    const std::string second = browser.Follow(bob_link["code"]);
    ASSERT_FALSE(first.empty());
    ASSERT_FALSE(second.empty());
    ASSERT_NE(first, second);

    // Naming either click of the visitor attributes over all of them.
    auto r = Convert(Sale("order-linear", 12999, {{"click_id", second}}));
    ASSERT_EQ(r.status, 201) << r.body;
    const Json c = r.json();
    EXPECT_EQ(c["attribution"]["source"], "click");
    EXPECT_EQ(c["attribution"]["model"], "linear");
    const Json& credits = c["attribution"]["credits"];
    ASSERT_EQ(credits.size(), 2u) << c;
    // Ordered by each partner's first click; two clicks within one millisecond may order either way,
    // so each partner's credit is looked up.
    std::map<std::string, Json> by_partner;
    for (const auto& credit : credits) by_partner[credit["partner_id"].get<std::string>()] = credit;
    ASSERT_EQ(by_partner.size(), 2u) << c;
    EXPECT_EQ(by_partner[Id(ada_)]["click_id"], first);
    EXPECT_EQ(by_partner[Id(bob_)]["click_id"], second);
    for (const auto& credit : credits) {
        EXPECT_EQ(credit["weight"], 0.5);
        EXPECT_EQ(credit["weight_ppm"], 500000);
    }
    // 10% of 12999 × 0.5 = 649.95 → 650 each.
    ASSERT_EQ(c["commissions"].size(), 2u);
    std::set<std::string> paid;
    for (const auto& com : c["commissions"]) {
        EXPECT_EQ(com["amount"]["amount"], 650);
        paid.insert(com["partner_id"].get<std::string>());
    }
    EXPECT_EQ(paid, (std::set<std::string>{Id(ada_), Id(bob_)}));

    // Each partner sees the conversion, with only its own commission.
    Api bob_api = api_->WithToken(CreateKey("partner:" + Id(bob_)));
    auto seen = bob_api.Get("/api/v1/conversions/" + Id(c));
    ASSERT_EQ(seen.status, 200) << seen.body;
    ASSERT_EQ(seen.json()["commissions"].size(), 1u);
    EXPECT_EQ(seen.json()["commissions"][0]["partner_id"], bob_["id"]);
}

TEST_F(Conversions, UnattributedSaleIsRecordedAndCounted) {
    auto r = Convert(Sale("order-u", 4200, {{"customer", {{"external_id", "walk-in"}}}}));
    ASSERT_EQ(r.status, 201) << r.body;
    const Json c = r.json();
    EXPECT_EQ(c["attribution"]["source"], "none");
    EXPECT_TRUE(c["attribution"]["credits"].empty());
    EXPECT_TRUE(c["commissions"].empty());
    auto listed = ListConversions(*api_);
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0], c);
}

// Regression: identifiers that point at two different customers answered 409 and lost the sale.
TEST_F(Conversions, ConflictingCustomerIdentifiersStillRecordTheSale) {
    ASSERT_EQ(Convert(Sale("order-id-a", 1000, {{"customer", {{"external_id", "crm-a"}}}})).status, 201);
    ASSERT_EQ(Convert(Sale("order-id-b", 1000, {{"customer", {{"email", "bea@example.com"}}}})).status, 201);
    auto both =
        Convert(Sale("order-id-c", 1000, {{"customer", {{"external_id", "crm-a"}, {"email", "bea@example.com"}}}}));
    ASSERT_EQ(both.status, 201) << both.body;
    const Json first = Convert(Sale("order-id-a", 1000, {{"customer", {{"external_id", "crm-a"}}}})).json();
    EXPECT_EQ(both.json()["customer_id"], first["customer_id"]);  // matched by external_id first
}

TEST_F(Conversions, SameConversionSentFiveTimesConcurrentlyCountsOnce) {
    const Json ref = Referral(ada_, {{"external_id", "crm-race"}});
    const std::string body = Sale("order-race", 12999, {{"referral_id", Id(ref)}}).dump();
    constexpr int kSenders = 5;
    std::vector<Reply> replies(kSenders);
    std::vector<std::string> failures(kSenders);
    std::latch start(kSenders);
    std::vector<std::thread> threads;
    for (int i = 0; i < kSenders; ++i) {
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            try {
                // Api::Send opens a connection of its own for every request.
                replies[i] = api_->Send("POST", "/api/v1/conversions", body, {{"Content-Type", "application/json"}});
            } catch (const std::exception& e) {
                failures[i] = e.what();
            }
        });
    }
    for (auto& t : threads) t.join();

    int created = 0;
    int repeated = 0;
    std::set<std::string> ids;
    for (int i = 0; i < kSenders; ++i) {
        ASSERT_TRUE(failures[i].empty()) << failures[i];
        if (replies[i].status == 201) ++created;
        if (replies[i].status == 200) ++repeated;
        const Json j = replies[i].json();
        ids.insert(j.is_object() && j.contains("id") ? Id(j) : "(no id: " + replies[i].body + ")");
    }
    EXPECT_EQ(created, 1);
    EXPECT_EQ(repeated, kSenders - 1);
    ASSERT_EQ(ids.size(), 1u) << *ids.begin();
    EXPECT_TRUE(ids.begin()->starts_with("cnv_"));

    const Json listed = ListConversions(*api_);
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(Id(listed[0]), *ids.begin());
    ASSERT_EQ(listed[0]["commissions"].size(), 1u);
    EXPECT_EQ(listed[0]["commissions"][0]["amount"]["amount"], 1300);
    const Json events = Events();
    EXPECT_EQ(CountOfType(events, "conversion.recorded"), 1u);
    EXPECT_EQ(CountOfType(events, "commission.created"), 1u);
}

TEST_F(Conversions, RepeatAnswersTheFirstAndAnotherBodyConflicts) {
    const Json body = Sale("order-r", 12999, {{"coupon", "bob-10"}});
    auto first = Convert(body);
    ASSERT_EQ(first.status, 201) << first.body;
    auto repeat = Convert(body);
    ASSERT_EQ(repeat.status, 200) << repeat.body;
    EXPECT_EQ(repeat.json(), first.json());

    auto other = Convert(Sale("order-r", 13999, {{"coupon", "bob-10"}}));
    EXPECT_TRUE(other.IsProblem(409)) << other.body;
    auto listed = ListConversions(*api_);
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0]["amount"], 12999);
    EXPECT_EQ(listed[0]["commissions"].size(), 1u);
}

TEST_F(Conversions, IdempotencyKeyReplaysTheFirstAnswer) {
    const std::map<std::string, std::string> headers = {{"Content-Type", "application/json"},
                                                        {"Idempotency-Key", "checkout-1"}};
    const Json body = Sale("order-i", 2000, {{"coupon", "ada-10"}});
    auto first = api_->Send("POST", "/api/v1/conversions", body.dump(), headers);
    ASSERT_EQ(first.status, 201) << first.body;
    auto replay = api_->Send("POST", "/api/v1/conversions", body.dump(), headers);
    EXPECT_EQ(replay.status, 201);
    EXPECT_EQ(replay.header("idempotent-replayed"), "true");
    EXPECT_EQ(replay.json(), first.json());
    auto misuse = api_->Send("POST", "/api/v1/conversions", Sale("order-j", 2000).dump(), headers);
    EXPECT_TRUE(misuse.IsProblem(422)) << misuse.body;
    EXPECT_EQ(ListConversions(*api_).size(), 1u);
}

TEST_F(Conversions, IdempotencyKeyOfOtherThanVisibleAsciiIsRefusedAndRecordsNothing) {
    for (const std::string& key :
         {std::string("caf\xc3\xa9-1"), std::string("two words"), std::string("bad\xff"), std::string(256, 'k')}) {
        auto r = api_->Send("POST", "/api/v1/conversions", Sale("order-k", 2000).dump(),
                            {{"Content-Type", "application/json"}, {"Idempotency-Key", key}});
        EXPECT_TRUE(r.IsProblem(422)) << r.status << " " << r.body;
        EXPECT_EQ(ErrorFields(r), (std::set<std::string>{"Idempotency-Key"})) << r.body;
    }
    EXPECT_EQ(ListConversions(*api_).size(), 0u);
}

TEST_F(Conversions, PartialRefundsReverseCommissionProportionally) {
    const Json ref = Referral(ada_, {{"external_id", "crm-refund"}});
    auto sale = Convert(Sale("order-rf", 12999, {{"referral_id", Id(ref)}}));
    ASSERT_EQ(sale.status, 201) << sale.body;
    const Json s = sale.json();
    ASSERT_EQ(s["commissions"].size(), 1u);
    const Json original = s["commissions"][0];
    ASSERT_EQ(original["amount"]["amount"], 1300);

    // 5000 of 12999 refunded: 1300 × 5000 / 12999 = 500.04 → −500.
    auto refund = Convert(Sale("refund-1", 5000, {{"type", "refund"}, {"refund_of", "order-rf"}}));
    ASSERT_EQ(refund.status, 201) << refund.body;
    const Json rf = refund.json();
    EXPECT_EQ(rf["type"], "refund");
    EXPECT_EQ(rf["refund_of"], s["id"]);
    EXPECT_EQ(rf["amount"], 5000);
    EXPECT_EQ(rf["attribution"]["credits"], s["attribution"]["credits"]);
    ASSERT_EQ(rf["commissions"].size(), 1u) << rf;
    EXPECT_EQ(rf["commissions"][0]["partner_id"], ada_["id"]);
    EXPECT_EQ(rf["commissions"][0]["amount"], (Json{{"amount", -500}, {"currency", "EUR"}}));
    EXPECT_EQ(rf["commissions"][0]["reverses"], original["id"]);

    // 7999 remain refundable.
    auto too_much = Convert(Sale("refund-2", 8000, {{"type", "refund"}, {"refund_of", "order-rf"}}));
    EXPECT_TRUE(too_much.IsProblem(422)) << too_much.body;
    EXPECT_EQ(ErrorFields(too_much), std::set<std::string>{"amount"});
    auto wrong_currency =
        Convert(Sale("refund-3", 100, {{"type", "refund"}, {"refund_of", "order-rf"}, {"currency", "USD"}}));
    EXPECT_TRUE(wrong_currency.IsProblem(422)) << wrong_currency.body;
    auto unknown_sale = Convert(Sale("refund-4", 100, {{"type", "refund"}, {"refund_of", "no-such-order"}}));
    EXPECT_TRUE(unknown_sale.IsProblem(422)) << unknown_sale.body;
    EXPECT_EQ(ErrorFields(unknown_sale), std::set<std::string>{"refund_of"});
    auto without_sale = Convert(Sale("refund-5", 100, {{"type", "refund"}}));
    EXPECT_TRUE(without_sale.IsProblem(422)) << without_sale.body;
    EXPECT_EQ(ErrorFields(without_sale), std::set<std::string>{"refund_of"});
    EXPECT_EQ(ListConversions(*api_).size(), 2u);

    // The rest, naming the sale by id: the reversals add up to the whole commission.
    auto rest = Convert(Sale("refund-6", 7999, {{"type", "refund"}, {"refund_of", Id(s)}}));
    ASSERT_EQ(rest.status, 201) << rest.body;
    ASSERT_EQ(rest.json()["commissions"].size(), 1u);
    EXPECT_EQ(rest.json()["commissions"][0]["amount"]["amount"], -800);
    auto nothing_left = Convert(Sale("refund-7", 1, {{"type", "refund"}, {"refund_of", Id(s)}}));
    EXPECT_TRUE(nothing_left.IsProblem(422)) << nothing_left.body;

    std::int64_t total = 0;
    for (const auto& c : ListConversions(*api_)) {
        for (const auto& com : c["commissions"]) total += com["amount"]["amount"].get<std::int64_t>();
    }
    EXPECT_EQ(total, 0);
}

TEST_F(Conversions, PartnerKeySeesOnlyConversionsCreditedToIt) {
    Api ada_api = api_->WithToken(CreateKey("partner:" + Id(ada_)));
    const Json for_ada = Convert(Sale("order-a", 10000, {{"coupon", "ada-10"}})).json();
    const Json for_bob = Convert(Sale("order-b", 20000, {{"coupon", "bob-10"}})).json();
    const Json for_nobody = Convert(Sale("order-n", 30000)).json();
    ASSERT_TRUE(for_ada.contains("id") && for_bob.contains("id") && for_nobody.contains("id"));

    auto own = ada_api.Get("/api/v1/conversions/" + Id(for_ada));
    ASSERT_EQ(own.status, 200) << own.body;
    EXPECT_EQ(own.json(), for_ada);
    EXPECT_TRUE(ada_api.Get("/api/v1/conversions/" + Id(for_bob)).IsProblem(404));
    EXPECT_TRUE(ada_api.Get("/api/v1/conversions/" + Id(for_nobody)).IsProblem(404));

    const Json listed = ListConversions(ada_api);
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0]["id"], for_ada["id"]);
    for (const auto& c : listed) {
        for (const auto& com : c["commissions"]) EXPECT_EQ(com["partner_id"], ada_["id"]);
    }
    EXPECT_TRUE(ada_api.Get("/api/v1/conversions?partner_id=" + Id(bob_)).json()["data"].empty());

    // Partners do not record conversions.
    auto record = ada_api.Post("/api/v1/conversions", Sale("order-x", 100, {{"coupon", "ada-10"}}));
    EXPECT_TRUE(record.IsProblem(403)) << record.body;
    EXPECT_EQ(ListConversions(*api_).size(), 3u);
}

TEST_F(Conversions, IngestKeyRecordsOnlyForItsProgram) {
    auto other = CreateProgram("Other");
    Api other_ingest = api_->WithToken(CreateKey("ingest:" + Id(other)));
    auto foreign = other_ingest.Post("/api/v1/conversions", Sale("order-f", 100));
    EXPECT_TRUE(foreign.IsProblem(403)) << foreign.body;

    Api ingest = api_->WithToken(CreateKey("ingest:" + Id(program_)));
    Json body = Sale("order-g", 100, {{"coupon", "ada-10"}});
    body.erase("program_id");  // implied by the key
    auto own = ingest.Post("/api/v1/conversions", body);
    ASSERT_EQ(own.status, 201) << own.body;
    EXPECT_EQ(own.json()["program_id"], program_["id"]);
    EXPECT_EQ(ListConversions(*api_).size(), 1u);
}

TEST_F(Conversions, InvalidInputIs422NamingFieldsAndChangesNothing) {
    const Json events_before = Events();
    struct Case {
        std::string what;
        Json body;
        std::set<std::string> fields;
    };
    const std::vector<Case> cases = {
        {"no external_id or amount", {{"program_id", Id(program_)}, {"currency", "EUR"}}, {"external_id", "amount"}},
        {"amount 0", Sale("order-0", 0), {"amount"}},
        {"negative amount", Sale("order-neg", -100), {"amount"}},
        {"another currency", Sale("order-usd", 100, {{"currency", "USD"}}), {"currency"}},
        {"lower-case currency", Sale("order-lc", 100, {{"currency", "eur"}}), {"currency"}},
        {"occurred_at in the future",
         Sale("order-future", 100, {{"occurred_at", TimeFromNow(std::chrono::hours(24))}}),
         {"occurred_at"}},
        {"occurred_at not a time", Sale("order-when", 100, {{"occurred_at", "yesterday"}}), {"occurred_at"}},
        {"unknown type", Sale("order-type", 100, {{"type", "gift"}}), {"type"}},
        {"bad customer email", Sale("order-mail", 100, {{"customer", {{"email", "nope"}}}}), {"customer.email"}},
    };
    for (const auto& c : cases) {
        auto r = Convert(c.body);
        EXPECT_TRUE(r.IsProblem(422)) << c.what << ": " << r.body;
        const auto fields = ErrorFields(r);
        for (const auto& f : c.fields)
            EXPECT_TRUE(fields.contains(f)) << c.what << " does not name " << f << ": " << r.body;
    }
    auto no_program = api_->Post("/api/v1/conversions", {{"external_id", "x"}, {"amount", 100}, {"currency", "EUR"}});
    EXPECT_TRUE(no_program.IsProblem(422)) << no_program.body;

    EXPECT_TRUE(ListConversions(*api_).empty());
    EXPECT_EQ(Events(), events_before);

    // A sale in the recent past is fine.
    auto past = Convert(Sale("order-past", 100, {{"occurred_at", TimeFromNow(-std::chrono::hours(48))}}));
    EXPECT_EQ(past.status, 201) << past.body;
}

}  // namespace
}  // namespace rt::testing
