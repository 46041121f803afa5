// Coupons and referrals over HTTP against the real binary: who may create and see what, the customer
// found again instead of referred twice, the pipeline's stage moves, Idempotency-Key replays, and the
// customer's email never stored in plain text.
#include <regex>
#include <set>

#include "direct_db.hpp"
#include "e2e_fixture.hpp"

namespace rt::testing {
namespace {

using Json = nlohmann::json;

std::string Id(const Json& j) { return j.at("id").get<std::string>(); }

// The `field` of every entry of a validation problem's `errors`.
std::set<std::string> ErrorFields(const Reply& r) {
    std::set<std::string> out;
    const Json j = r.json();
    if (j.is_object() && j.contains("errors")) {
        for (const auto& e : j["errors"]) out.insert(e.value("field", ""));
    }
    return out;
}

bool IsRfc3339Ms(const Json& j) {
    return j.is_string() &&
           std::regex_match(j.get<std::string>(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)"));
}

// A program with two partners, Ada and Bob, and a partner key for each.
class FunnelBase : public E2eTest {
  protected:
    void SetUp() override {
        E2eTest::SetUp();
        program_ = CreateProgram();
        ada_ = CreatePartner(Id(program_), "ada@partners.example.org");
        bob_ = CreatePartner(Id(program_), "bob@partners.example.org");
        ada_api_ = std::make_unique<Api>(api_->WithToken(CreateKey("partner:" + Id(ada_))));
        bob_api_ = std::make_unique<Api>(api_->WithToken(CreateKey("partner:" + Id(bob_))));
    }

    // Lists `resource` as admin, filtered by this test's program.
    Json ListAll(const std::string& resource) {
        auto r = api_->Get("/api/v1/" + resource + "?limit=500&program_id=" + Id(program_));
        EXPECT_EQ(r.status, 200) << r.body;
        return r.json()["data"];
    }

    Json program_, ada_, bob_;
    std::unique_ptr<Api> ada_api_, bob_api_;
};

// ---------------------------------------------------------------------------------------------------
// Coupons

class Coupons : public FunnelBase {};

TEST_F(Coupons, AdminCreatesForAPartnerAndPartnerKeyForItself) {
    auto by_admin = api_->Post("/api/v1/coupons", {{"partner_id", Id(ada_)}, {"code", "Spring10"}});
    ASSERT_EQ(by_admin.status, 201) << by_admin.body;
    const Json c = by_admin.json();
    EXPECT_TRUE(Id(c).starts_with("cpn_")) << c;
    EXPECT_EQ(c["object"], "coupon");
    EXPECT_EQ(c["code"], "spring10");
    EXPECT_EQ(c["partner_id"], ada_["id"]);
    EXPECT_EQ(c["program_id"], program_["id"]);
    EXPECT_EQ(c["active"], true);
    EXPECT_TRUE(IsRfc3339Ms(c["created_at"])) << c;

    auto by_partner = bob_api_->Post("/api/v1/coupons", {{"code", "BOB-5"}});
    ASSERT_EQ(by_partner.status, 201) << by_partner.body;
    EXPECT_EQ(by_partner.json()["partner_id"], bob_["id"]);
    EXPECT_EQ(by_partner.json()["code"], "bob-5");

    // A partner key naming another partner is refused as if that partner did not exist.
    auto for_other = bob_api_->Post("/api/v1/coupons", {{"partner_id", Id(ada_)}, {"code", "sneaky"}});
    EXPECT_TRUE(for_other.IsProblem(404)) << for_other.body;

    EXPECT_EQ(api_->Get("/api/v1/coupons/" + Id(c)).json(), c);
    EXPECT_EQ(ListAll("coupons").size(), 2u);
}

TEST_F(Coupons, CodeIsCaseInsensitiveAndUniquePerProgram) {
    ASSERT_EQ(api_->Post("/api/v1/coupons", {{"partner_id", Id(ada_)}, {"code", "Spring10"}}).status, 201);

    auto clash = api_->Post("/api/v1/coupons", {{"partner_id", Id(bob_)}, {"code", "SPRING10"}});
    EXPECT_TRUE(clash.IsProblem(409)) << clash.body;
    auto clash_by_partner = bob_api_->Post("/api/v1/coupons", {{"code", "spring10"}});
    EXPECT_TRUE(clash_by_partner.IsProblem(409)) << clash_by_partner.body;
    EXPECT_EQ(ListAll("coupons").size(), 1u);

    // Another program may use the same code.
    auto other_program = CreateProgram("Other");
    auto carl = CreatePartner(Id(other_program), "carl@partners.example.org");
    auto elsewhere = api_->Post("/api/v1/coupons", {{"partner_id", Id(carl)}, {"code", "SPRING10"}});
    EXPECT_EQ(elsewhere.status, 201) << elsewhere.body;
}

TEST_F(Coupons, InvalidCodeIs422) {
    auto r = api_->Post("/api/v1/coupons", {{"partner_id", Id(ada_)}, {"code", "a b"}});
    EXPECT_TRUE(r.IsProblem(422)) << r.body;
    EXPECT_EQ(ErrorFields(r), std::set<std::string>{"code"}) << r.body;
    auto missing = api_->Post("/api/v1/coupons", {{"partner_id", Id(ada_)}});
    EXPECT_TRUE(missing.IsProblem(422)) << missing.body;
    EXPECT_TRUE(ListAll("coupons").empty());
}

TEST_F(Coupons, PartnerKeySeesOnlyItsOwnCoupons) {
    auto ada_coupon = api_->Post("/api/v1/coupons", {{"partner_id", Id(ada_)}, {"code", "ada-10"}}).json();
    auto bob_coupon = api_->Post("/api/v1/coupons", {{"partner_id", Id(bob_)}, {"code", "bob-10"}}).json();
    ASSERT_TRUE(ada_coupon.contains("id") && bob_coupon.contains("id"));

    EXPECT_TRUE(ada_api_->Get("/api/v1/coupons/" + Id(bob_coupon)).IsProblem(404));
    EXPECT_EQ(ada_api_->Get("/api/v1/coupons/" + Id(ada_coupon)).status, 200);
    auto listed = ada_api_->Get("/api/v1/coupons").json()["data"];
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0]["id"], ada_coupon["id"]);
}

// ---------------------------------------------------------------------------------------------------
// Referrals

class Referrals : public FunnelBase {
  protected:
    Reply Refer(const Api& as, Json body) {
        if (!body.contains("customer")) body["customer"] = {{"email", "someone@example.com"}};
        return as.Post("/api/v1/referrals", body);
    }
    std::string Path(const Json& referral) { return "/api/v1/referrals/" + Id(referral); }
};

TEST_F(Referrals, FromACoupon) {
    ASSERT_EQ(api_->Post("/api/v1/coupons", {{"partner_id", Id(ada_)}, {"code", "Spring10"}}).status, 201);
    auto r = api_->Post("/api/v1/referrals",
                        {{"program_id", Id(program_)},
                         {"coupon", "SPRING10"},
                         {"customer", {{"external_id", "cust-1"}, {"email", "Alice@Example.com"}, {"name", "Alice"}}}});
    ASSERT_EQ(r.status, 201) << r.body;
    const Json ref = r.json();
    EXPECT_TRUE(Id(ref).starts_with("ref_")) << ref;
    EXPECT_EQ(ref["object"], "referral");
    EXPECT_EQ(ref["program_id"], program_["id"]);
    EXPECT_EQ(ref["partner_id"], ada_["id"]);
    EXPECT_EQ(ref["source"], "coupon");
    EXPECT_EQ(ref["coupon"], "spring10");
    EXPECT_TRUE(ref["click_id"].is_null());
    EXPECT_EQ(ref["stage"], "new");
    EXPECT_EQ(ref["customer"]["external_id"], "cust-1");
    EXPECT_EQ(ref["customer"]["email"], "alice@example.com");
    EXPECT_EQ(ref["customer"]["name"], "Alice");
    ASSERT_EQ(ref["stage_history"].size(), 1u);
    EXPECT_TRUE(ref["stage_history"][0]["from"].is_null());
    EXPECT_EQ(ref["stage_history"][0]["to"], "new");
    EXPECT_TRUE(IsRfc3339Ms(ref["stage_history"][0]["at"]));
    EXPECT_EQ(api_->Get(Path(ref)).json(), ref);

    auto unknown = api_->Post(
        "/api/v1/referrals",
        {{"program_id", Id(program_)}, {"coupon", "nope-nope"}, {"customer", {{"email", "zed@example.com"}}}});
    EXPECT_TRUE(unknown.IsProblem(422)) << unknown.body;
    EXPECT_EQ(ErrorFields(unknown), std::set<std::string>{"coupon"}) << unknown.body;
    EXPECT_EQ(ListAll("referrals").size(), 1u);
}

TEST_F(Referrals, PartnerKeyRegistersADealForItself) {
    auto r =
        ada_api_->Post("/api/v1/referrals", {{"customer", {{"email", "Alice@Example.com"}, {"name", "Alice Liddell"}}},
                                             {"value", {{"amount", 500000}, {"currency", "EUR"}}}});
    ASSERT_EQ(r.status, 201) << r.body;
    const Json ref = r.json();
    EXPECT_EQ(ref["partner_id"], ada_["id"]);
    EXPECT_EQ(ref["source"], "partner");
    EXPECT_EQ(ref["value"], (Json{{"amount", 500000}, {"currency", "EUR"}}));
    // The partner sees the customer's email masked, and no name.
    EXPECT_EQ(ref["customer"]["email"], "a***@example.com");
    EXPECT_FALSE(ref["customer"].contains("name")) << ref;
    auto again = ada_api_->Get(Path(ref)).json();
    EXPECT_EQ(again["customer"]["email"], "a***@example.com");
    EXPECT_FALSE(again["customer"].contains("name"));
    auto listed = ada_api_->Get("/api/v1/referrals").json()["data"];
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0]["customer"]["email"], "a***@example.com");
    EXPECT_FALSE(listed[0]["customer"].contains("name"));

    // The admin sees everything.
    auto admin_view = api_->Get(Path(ref)).json();
    EXPECT_EQ(admin_view["customer"]["email"], "alice@example.com");
    EXPECT_EQ(admin_view["customer"]["name"], "Alice Liddell");

    // Bob neither sees Ada's referral nor registers deals in Ada's name.
    EXPECT_TRUE(bob_api_->Get(Path(ref)).IsProblem(404));
    EXPECT_TRUE(bob_api_->Get("/api/v1/referrals").json()["data"].empty());
    auto in_ada_name = Refer(*bob_api_, {{"partner_id", Id(ada_)}, {"customer", {{"email", "x@example.com"}}}});
    EXPECT_TRUE(in_ada_name.IsProblem(404)) << in_ada_name.body;
    EXPECT_EQ(ListAll("referrals").size(), 1u);
}

TEST_F(Referrals, AdminNamesThePartner) {
    auto r = Refer(*api_, {{"partner_id", Id(bob_)}, {"customer", {{"external_id", "crm-77"}}}});
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["partner_id"], bob_["id"]);
    EXPECT_EQ(r.json()["program_id"], program_["id"]);
    EXPECT_EQ(r.json()["customer"]["external_id"], "crm-77");
    EXPECT_TRUE(r.json()["customer"]["email"].is_null());

    auto unknown = Refer(*api_, {{"partner_id", "prt_01jd0000000000000000000000"}});
    EXPECT_TRUE(unknown.IsProblem(422)) << unknown.body;
    EXPECT_EQ(ErrorFields(unknown), std::set<std::string>{"partner_id"}) << unknown.body;
    auto nothing = Refer(*api_, Json::object());
    EXPECT_TRUE(nothing.IsProblem(422)) << nothing.body;
    EXPECT_EQ(ListAll("referrals").size(), 1u);
}

TEST_F(Referrals, CustomerReferredWithinTheWindowIsNotReferredTwice) {
    auto first = Refer(*ada_api_, {{"customer", {{"email", "Dana@Example.com"}}}});
    ASSERT_EQ(first.status, 201) << first.body;

    // The same customer again (same email, other case): the existing referral comes back, not a new one.
    auto again = Refer(*ada_api_, {{"customer", {{"email", "dana@example.com"}}}});
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.json()["id"], first.json()["id"]);
    EXPECT_EQ(again.json()["stage_history"].size(), 1u);

    auto by_admin = Refer(*api_, {{"partner_id", Id(bob_)}, {"customer", {{"email", "DANA@example.com"}}}});
    ASSERT_EQ(by_admin.status, 200) << by_admin.body;
    EXPECT_EQ(by_admin.json()["id"], first.json()["id"]);
    EXPECT_EQ(by_admin.json()["partner_id"], ada_["id"]);
    EXPECT_EQ(by_admin.json()["customer"]["email"], "dana@example.com");

    // Another partner registering the customer is refused without being shown Ada's referral.
    auto by_bob = Refer(*bob_api_, {{"customer", {{"email", "dana@example.com"}}}});
    EXPECT_TRUE(by_bob.IsProblem(409)) << by_bob.body;
    EXPECT_EQ(by_bob.body.find(Id(first.json())), std::string::npos) << by_bob.body;
    EXPECT_EQ(by_bob.body.find(Id(ada_)), std::string::npos) << by_bob.body;

    auto referrals = ListAll("referrals");
    ASSERT_EQ(referrals.size(), 1u);
    EXPECT_EQ(referrals[0]["partner_id"], ada_["id"]);
    EXPECT_TRUE(bob_api_->Get("/api/v1/referrals").json()["data"].empty());
}

TEST_F(Referrals, PartnerKeyCannotUseAnotherPartnersCoupon) {
    ASSERT_EQ(api_->Post("/api/v1/coupons", {{"partner_id", Id(ada_)}, {"code", "ada-only"}}).status, 201);
    auto r = Refer(*bob_api_, {{"program_id", Id(program_)}, {"coupon", "ADA-ONLY"}});
    EXPECT_TRUE(r.IsProblem(422)) << r.body;
    EXPECT_EQ(ErrorFields(r), std::set<std::string>{"coupon"}) << r.body;
    EXPECT_TRUE(ListAll("referrals").empty());
}

TEST_F(Referrals, StageMovesAlongTheDefaultPipelineWithHistory) {
    auto created = Refer(*api_, {{"partner_id", Id(ada_)}});
    ASSERT_EQ(created.status, 201) << created.body;
    const Json ref = created.json();

    std::vector<std::string> stages{"new"};
    for (const std::string stage : {"qualified", "proposal", "won"}) {
        auto moved = api_->Patch(Path(ref), {{"stage", stage}});
        ASSERT_EQ(moved.status, 200) << moved.body;
        EXPECT_EQ(moved.json()["stage"], stage);
        stages.push_back(stage);
    }
    const Json won = api_->Get(Path(ref)).json();
    EXPECT_EQ(won["stage"], "won");
    const Json& history = won["stage_history"];
    ASSERT_EQ(history.size(), 4u) << won;
    for (std::size_t i = 0; i < history.size(); ++i) {
        EXPECT_EQ(history[i]["to"], stages[i]);
        EXPECT_EQ(history[i]["from"], i == 0 ? Json(nullptr) : Json(stages[i - 1]));
        ASSERT_TRUE(IsRfc3339Ms(history[i]["at"])) << history[i];
        // Fixed-width RFC 3339 UTC strings order as the times they name.
        if (i > 0) {
            EXPECT_LE(history[i - 1]["at"].get<std::string>(), history[i]["at"].get<std::string>());
        }
    }
    EXPECT_EQ(won["updated_at"], history[3]["at"]);

    // Moving to the current stage is a no-op: no new history entry.
    auto noop = api_->Patch(Path(ref), {{"stage", "won"}});
    ASSERT_EQ(noop.status, 200) << noop.body;
    EXPECT_EQ(noop.json()["stage_history"].size(), 4u);

    // A won referral is never reopened.
    auto leave = api_->Patch(Path(ref), {{"stage", "proposal"}});
    EXPECT_TRUE(leave.IsProblem(409)) << leave.body;
    auto to_lost = api_->Patch(Path(ref), {{"stage", "lost"}});
    EXPECT_TRUE(to_lost.IsProblem(409)) << to_lost.body;
    EXPECT_EQ(api_->Get(Path(ref)).json(), won);
}

TEST_F(Referrals, NoOpMoveInAnOpenStageAddsNoHistory) {
    const Json ref = Refer(*api_, {{"partner_id", Id(ada_)}}).json();
    ASSERT_TRUE(ref.contains("id")) << ref;
    auto noop = api_->Patch(Path(ref), {{"stage", "new"}});
    ASSERT_EQ(noop.status, 200) << noop.body;
    EXPECT_EQ(noop.json()["stage_history"].size(), 1u);
    EXPECT_EQ(noop.json()["updated_at"], ref["updated_at"]);
}

TEST_F(Referrals, BadMovesAreRefusedAndChangeNothing) {
    const Json ref = Refer(*ada_api_, {{"customer", {{"email", "erin@example.com"}}}}).json();
    ASSERT_TRUE(ref.contains("id")) << ref;
    const Json before = api_->Get(Path(ref)).json();

    auto unknown = api_->Patch(Path(ref), {{"stage", "negotiation"}});
    EXPECT_TRUE(unknown.IsProblem(422)) << unknown.body;
    EXPECT_EQ(ErrorFields(unknown), std::set<std::string>{"stage"}) << unknown.body;

    // Partners register deals but do not move them.
    auto by_partner = ada_api_->Patch(Path(ref), {{"stage", "qualified"}});
    EXPECT_TRUE(by_partner.IsProblem(403)) << by_partner.body;
    EXPECT_TRUE(bob_api_->Patch(Path(ref), {{"stage", "qualified"}}).IsProblem(404));

    auto currency = api_->Patch(Path(ref), {{"value", {{"amount", 100}, {"currency", "USD"}}}});
    EXPECT_TRUE(currency.IsProblem(422)) << currency.body;
    EXPECT_EQ(ErrorFields(currency), std::set<std::string>{"value.currency"}) << currency.body;

    EXPECT_EQ(api_->Get(Path(ref)).json(), before);
    EXPECT_TRUE(api_->Patch("/api/v1/referrals/ref_01jd0000000000000000000000", {{"stage", "won"}}).IsProblem(404));
}

TEST_F(Referrals, ValueInAnotherCurrencyOrNoCustomerIs422) {
    auto usd = Refer(*api_, {{"partner_id", Id(ada_)}, {"value", {{"amount", 100}, {"currency", "USD"}}}});
    EXPECT_TRUE(usd.IsProblem(422)) << usd.body;
    EXPECT_EQ(ErrorFields(usd), std::set<std::string>{"value.currency"}) << usd.body;

    auto no_customer = api_->Post("/api/v1/referrals", {{"partner_id", Id(ada_)}});
    EXPECT_TRUE(no_customer.IsProblem(422)) << no_customer.body;
    EXPECT_EQ(ErrorFields(no_customer), std::set<std::string>{"customer"}) << no_customer.body;

    auto empty_customer = api_->Post("/api/v1/referrals", {{"partner_id", Id(ada_)}, {"customer", Json::object()}});
    EXPECT_TRUE(empty_customer.IsProblem(422)) << empty_customer.body;

    auto bad_email = Refer(*api_, {{"partner_id", Id(ada_)}, {"customer", {{"email", "not-an-email"}}}});
    EXPECT_TRUE(bad_email.IsProblem(422)) << bad_email.body;
    EXPECT_EQ(ErrorFields(bad_email), std::set<std::string>{"customer.email"}) << bad_email.body;

    EXPECT_TRUE(ListAll("referrals").empty());
}

TEST_F(Referrals, IngestKeyRecordsOnlyForItsProgram) {
    auto other_program = CreateProgram("Other");
    Api other_ingest = api_->WithToken(CreateKey("ingest:" + Id(other_program)));
    auto foreign = Refer(other_ingest, {{"partner_id", Id(ada_)}, {"customer", {{"email", "fay@example.com"}}}});
    EXPECT_TRUE(foreign.IsProblem(403)) << foreign.body;
    EXPECT_TRUE(ListAll("referrals").empty());

    Api ingest = api_->WithToken(CreateKey("ingest:" + Id(program_)));
    auto own = Refer(ingest, {{"partner_id", Id(ada_)}, {"customer", {{"email", "fay@example.com"}}}});
    ASSERT_EQ(own.status, 201) << own.body;
    EXPECT_EQ(own.json()["partner_id"], ada_["id"]);
    EXPECT_EQ(own.json()["customer"]["email"], "fay@example.com");
    EXPECT_TRUE(other_ingest.Get(Path(own.json())).IsProblem(404));
    EXPECT_EQ(ListAll("referrals").size(), 1u);
}

TEST_F(Referrals, IdempotencyKeyReplaysTheFirstAnswer) {
    const Json body = {{"partner_id", Id(ada_)}, {"customer", {{"email", "gil@example.com"}, {"name", "Gil"}}}};
    const std::map<std::string, std::string> headers = {{"Content-Type", "application/json"},
                                                        {"Idempotency-Key", "signup-4711"}};
    auto first = api_->Send("POST", "/api/v1/referrals", body.dump(), headers);
    ASSERT_EQ(first.status, 201) << first.body;
    EXPECT_EQ(first.header("idempotent-replayed"), "");

    auto replay = api_->Send("POST", "/api/v1/referrals", body.dump(), headers);
    EXPECT_EQ(replay.status, 201) << replay.body;
    EXPECT_EQ(replay.header("idempotent-replayed"), "true");
    EXPECT_EQ(replay.json(), first.json());

    Json other = body;
    other["customer"]["email"] = "hal@example.com";
    auto misuse = api_->Send("POST", "/api/v1/referrals", other.dump(), headers);
    EXPECT_TRUE(misuse.IsProblem(422)) << misuse.body;
    EXPECT_EQ(ErrorFields(misuse), std::set<std::string>{"Idempotency-Key"}) << misuse.body;

    auto referrals = ListAll("referrals");
    ASSERT_EQ(referrals.size(), 1u);
    EXPECT_EQ(referrals[0]["id"], first.json()["id"]);
}

// ---------------------------------------------------------------------------------------------------
// Privacy: customers' emails (and names) are kept sealed and hashed, never in plain text.

class ReferralPrivacy : public FunnelBase {};

TEST_F(ReferralPrivacy, NoPlainCustomerEmailInTheDatabaseFiles) {
    const std::vector<std::string> emails = {"ivy.privacy-probe@example.com", "jon.privacy-probe@example.com",
                                             "kim.privacy-probe@example.com"};
    ASSERT_EQ(api_->Post("/api/v1/coupons", {{"partner_id", Id(ada_)}, {"code", "privacy"}}).status, 201);
    ASSERT_EQ(ada_api_
                  ->Post("/api/v1/referrals",
                         {{"customer", {{"email", "Ivy.Privacy-Probe@Example.com"}, {"name", "Ivy Probename"}}}})
                  .status,
              201);
    ASSERT_EQ(api_->Post("/api/v1/referrals", {{"program_id", Id(program_)},
                                               {"coupon", "privacy"},
                                               {"customer", {{"email", emails[1]}, {"external_id", "c-2"}}}})
                  .status,
              201);
    ASSERT_EQ(api_->Post("/api/v1/referrals", {{"partner_id", Id(bob_)}, {"customer", {{"email", emails[2]}}}}).status,
              201);
    // A conversion naming a customer by email keeps it the same way.
    auto conversion = api_->Post("/api/v1/conversions", {{"program_id", Id(program_)},
                                                         {"external_id", "privacy-order"},
                                                         {"amount", 1000},
                                                         {"currency", "EUR"},
                                                         {"customer", {{"email", emails[2]}}}});
    EXPECT_EQ(conversion.status, 201) << conversion.body;
    ASSERT_EQ(ListAll("referrals").size(), 3u);

    // On SQLite the files' bytes, on PostgreSQL every stored value.
    const std::string bytes = DirectDb(db_url()).AllStoredBytes();
    ASSERT_FALSE(bytes.empty());
    for (const auto& email : emails) {
        EXPECT_EQ(bytes.find(email), std::string::npos) << email << " is stored in plain text";
        EXPECT_EQ(bytes.find(email.substr(0, email.find('@'))), std::string::npos)
            << "the local part of " << email << " is stored in plain text";
    }
    EXPECT_EQ(bytes.find("Ivy.Privacy-Probe"), std::string::npos);
    EXPECT_EQ(bytes.find("Probename"), std::string::npos) << "the customer's name is stored in plain text";
    // The partners' own emails are not customer data: stored as given, which shows the scan reads the data.
    EXPECT_NE(bytes.find("ada@partners.example.org"), std::string::npos);
}

}  // namespace
}  // namespace rt::testing
