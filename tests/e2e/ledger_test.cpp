// The event ledger against the real binary: every write appends a hash-chained event, GET /api/v1/events
// lists the chain in order, and `reftrack verify` finds an edited or deleted event in the database.
#include <regex>
#include <set>

#include "direct_db.hpp"
#include "e2e_fixture.hpp"
#include "support/http_client.hpp"

namespace rt::testing {
namespace {

using Json = nlohmann::json;

std::string Id(const Json& j) { return j.at("id").get<std::string>(); }

const std::string kGenesis(64, '0');

class Ledger : public E2eTest {
  protected:
    void SetUp() override {
        E2eTest::SetUp();
        program_ = CreateProgram();
        // A run of writes of every kind, each appending to the program's chain.
        ASSERT_EQ(api_->Patch("/api/v1/programs/" + Id(program_),
                              {{"commission", {{"default_rule", {{"kind", "percent"}, {"percent_bps", 1000}}}}}})
                      .status,
                  200);
        ada_ = CreatePartner(Id(program_), "ada@partners.example.org");
        link_ = CreateLink(Id(ada_));
        ASSERT_EQ(api_->Post("/api/v1/coupons", {{"partner_id", Id(ada_)}, {"code", "ada-10"}}).status, 201);
        auto referral =
            api_->Post("/api/v1/referrals", {{"partner_id", Id(ada_)}, {"customer", {{"external_id", "crm-1"}}}});
        ASSERT_EQ(referral.status, 201) << referral.body;
        ASSERT_EQ(api_->Patch("/api/v1/referrals/" + Id(referral.json()), {{"stage", "qualified"}}).status, 200);
        const Json sale = {{"program_id", Id(program_)},
                           {"external_id", "order-1"},
                           {"amount", 12999},
                           {"currency", "EUR"},
                           {"referral_id", Id(referral.json())}};
        ASSERT_EQ(api_->Post("/api/v1/conversions", sale).status, 201);
        ASSERT_EQ(api_->Post("/api/v1/conversions", {{"program_id", Id(program_)},
                                                     {"external_id", "refund-1"},
                                                     {"type", "refund"},
                                                     {"refund_of", "order-1"},
                                                     {"amount", 2000},
                                                     {"currency", "EUR"}})
                      .status,
                  201);
    }

    Json AllEvents(const std::string& program_id) {
        auto r = api_->Get("/api/v1/events?limit=500&program_id=" + program_id);
        EXPECT_EQ(r.status, 200) << r.body;
        EXPECT_EQ(r.json()["has_more"], false);
        return r.json()["data"];
    }

    CommandResult Verify() { return Reftrack({"verify", "--db", db_url()}); }

    // Runs `sql`, which must change one row, on the database behind the server's back; the server must be
    // stopped.
    void Tamper(const std::string& sql) { EXPECT_EQ(DirectDb(db_url()).Execute(sql), 1) << sql; }

    static bool IsOneLine(const std::string& text) { return !text.empty() && text.find('\n') == text.size() - 1; }

    Json program_, ada_, link_;
};

TEST_F(Ledger, EventsChainInSeqOrderAndVerifyFindsThemIntact) {
    const Json events = AllEvents(Id(program_));
    // program, its update, partner, link, coupon, referral, stage move, sale and its commission, refund
    // and its reversal.
    ASSERT_GE(events.size(), 11u) << events.dump(1);
    std::set<std::string> types;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const Json& e = events[i];
        types.insert(e["type"].get<std::string>());
        EXPECT_EQ(e["seq"], i + 1);
        EXPECT_EQ(e["object"], "event");
        EXPECT_TRUE(Id(e).starts_with("evt_"));
        EXPECT_EQ(e["program_id"], program_["id"]);
        EXPECT_TRUE(std::regex_match(e["hash"].get<std::string>(), std::regex("[0-9a-f]{64}"))) << e;
        EXPECT_EQ(e["prev_hash"], i == 0 ? Json(kGenesis) : events[i - 1]["hash"]) << "seq " << i + 1;
    }
    for (const char* type :
         {"program.created", "partner.created", "link.created", "coupon.created", "referral.created",
          "referral.stage_changed", "conversion.recorded", "commission.created", "commission.reversed"}) {
        EXPECT_TRUE(types.contains(type)) << type;
    }
    EXPECT_EQ(events[0]["type"], "program.created");
    EXPECT_EQ(events[0]["subject_id"], program_["id"]);

    // Another program has a chain of its own.
    const Json other = CreateProgram("Other");
    CreatePartner(Id(other), "bob@partners.example.org");
    const Json other_events = AllEvents(Id(other));
    ASSERT_EQ(other_events.size(), 2u);
    EXPECT_EQ(other_events[0]["seq"], 1);
    EXPECT_EQ(other_events[0]["prev_hash"], kGenesis);
    EXPECT_EQ(other_events[1]["prev_hash"], other_events[0]["hash"]);

    // While the server runs.
    auto verify = Verify();
    EXPECT_EQ(verify.exit_code, 0) << verify.err;
    EXPECT_EQ(verify.out,
              "ledger intact: " + std::to_string(events.size() + other_events.size()) + " events in 2 programs\n");
    EXPECT_TRUE(verify.err.empty()) << verify.err;
}

TEST_F(Ledger, AfterSeqPagesThroughTheChain) {
    const Json all = AllEvents(Id(program_));
    ASSERT_GE(all.size(), 7u);

    auto page = api_->Get("/api/v1/events?program_id=" + Id(program_) + "&after_seq=2&limit=2");
    ASSERT_EQ(page.status, 200) << page.body;
    ASSERT_EQ(page.json()["data"].size(), 2u);
    EXPECT_EQ(page.json()["data"][0], all[2]);
    EXPECT_EQ(page.json()["data"][1], all[3]);
    EXPECT_EQ(page.json()["has_more"], true);

    Json walked = Json::array();
    std::int64_t after = 0;
    for (int pages = 0;; ++pages) {
        ASSERT_LT(pages, 50);
        auto r = api_->Get("/api/v1/events?program_id=" + Id(program_) + "&limit=3&after_seq=" + std::to_string(after));
        ASSERT_EQ(r.status, 200) << r.body;
        const Json page = r.json();
        for (const auto& e : page["data"]) walked.push_back(e);
        if (!page["has_more"].get<bool>()) break;
        ASSERT_FALSE(page["data"].empty());
        after = walked.back()["seq"].get<std::int64_t>();
    }
    EXPECT_EQ(walked, all);

    auto past_end = api_->Get("/api/v1/events?program_id=" + Id(program_) + "&after_seq=" + std::to_string(all.size()));
    ASSERT_EQ(past_end.status, 200);
    EXPECT_TRUE(past_end.json()["data"].empty());
    EXPECT_EQ(past_end.json()["has_more"], false);
}

TEST_F(Ledger, OnlyAdminKeysReadTheLedger) {
    Api partner = api_->WithToken(CreateKey("partner:" + Id(ada_)));
    EXPECT_TRUE(partner.Get("/api/v1/events?program_id=" + Id(program_)).IsProblem(403));
    Api ingest = api_->WithToken(CreateKey("ingest:" + Id(program_)));
    EXPECT_TRUE(ingest.Get("/api/v1/events?program_id=" + Id(program_)).IsProblem(403));
    EXPECT_TRUE(api_->WithToken("").Get("/api/v1/events?program_id=" + Id(program_)).IsProblem(401));

    EXPECT_TRUE(api_->Get("/api/v1/events").IsProblem(422));
    EXPECT_TRUE(api_->Get("/api/v1/events?program_id=" + Id(program_) + "&after_seq=-1").IsProblem(422));
    EXPECT_TRUE(api_->Get("/api/v1/events?program_id=" + Id(program_) + "&after_seq=two").IsProblem(422));
}

TEST_F(Ledger, VerifyNamesAnEditedEvent) {
    const Json events = AllEvents(Id(program_));
    ASSERT_GE(events.size(), 4u);
    const Json& third = events[2];
    server_.reset();

    Tamper("UPDATE events SET payload = '[[\"tampered\",\"yes\"]]' WHERE program_id = '" + Id(program_) +
           "' AND seq = 3");
    auto r = Verify();
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_TRUE(IsOneLine(r.err)) << r.err;
    EXPECT_NE(r.err.find(Id(program_)), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(Id(third)), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("seq 3"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("intact"), std::string::npos) << r.out;
}

TEST_F(Ledger, VerifyNamesAGapWhereAnEventWasDeleted) {
    const Json events = AllEvents(Id(program_));
    ASSERT_GE(events.size(), 5u);
    server_.reset();

    Tamper("DELETE FROM events WHERE program_id = '" + Id(program_) + "' AND seq = 3");
    auto r = Verify();
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_TRUE(IsOneLine(r.err)) << r.err;
    EXPECT_NE(r.err.find(Id(program_)), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("seq 3"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("intact"), std::string::npos) << r.out;
}

TEST_F(Ledger, VerifyNamesAnEventWhoseHashWasRewritten) {
    // A stored hash overwritten: that event no longer matches its own contents.
    const Json events = AllEvents(Id(program_));
    ASSERT_GE(events.size(), 5u);
    server_.reset();

    Tamper("UPDATE events SET hash = '" + std::string(64, 'a') + "' WHERE program_id = '" + Id(program_) +
           "' AND seq = 4");
    auto r = Verify();
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_TRUE(IsOneLine(r.err)) << r.err;
    EXPECT_NE(r.err.find("seq 4"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace rt::testing

namespace rt::testing {
namespace {

// Clicks are chained per batch: each committed batch adds one click.batch event per program whose
// counts add up to the clicks recorded, and the chain still verifies.
TEST_F(Ledger, ClickBatchesAreChainedWithTheirMerkleRoot) {
    const std::string path = "/r/" + link_["code"].get<std::string>();
    for (int i = 0; i < 5; ++i) {
        auto r = Fetch(static_cast<std::uint16_t>(api_->port()), "GET", path, {{"User-Agent", "Mozilla/5.0 (X11)"}});
        ASSERT_EQ(r.status, 302);
    }
    std::int64_t counted = 0;
    for (const auto& e : AllEvents(Id(program_))) {
        if (e["type"] != "click.batch") continue;
        counted += std::stoll(e["payload"]["count"].get<std::string>());
        EXPECT_EQ(e["payload"]["merkle_root"].get<std::string>().size(), 64u);
    }
    EXPECT_EQ(counted, 5);
    auto verified = Verify();
    EXPECT_EQ(verified.exit_code, 0) << verified.err;
}

}  // namespace
}  // namespace rt::testing
