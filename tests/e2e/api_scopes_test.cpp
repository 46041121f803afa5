// Partner and ingest keys see and do only what their scope allows.
#include "e2e_fixture.hpp"

namespace rt::testing {
namespace {

using Json = nlohmann::json;

class ApiScopes : public E2eTest {
  protected:
    void SetUp() override {
        E2eTest::SetUp();
        program_ = CreateProgram();
        ada_ = CreatePartner(program_["id"], "ada@example.com");
        bob_ = CreatePartner(program_["id"], "bob@example.com");
        ada_link_ = CreateLink(ada_["id"]);
        bob_link_ = CreateLink(bob_["id"]);
        ada_api_ = std::make_unique<Api>(api_->WithToken(CreateKey("partner:" + ada_["id"].get<std::string>())));
    }
    static std::string Id(const Json& j) { return j["id"]; }

    Json program_, ada_, bob_, ada_link_, bob_link_;
    std::unique_ptr<Api> ada_api_;
};

TEST_F(ApiScopes, PartnerKeyReadingAnotherPartnersObjectsGets404) {
    EXPECT_TRUE(ada_api_->Get("/api/v1/partners/" + Id(bob_)).IsProblem(404));
    EXPECT_TRUE(ada_api_->Get("/api/v1/links/" + Id(bob_link_)).IsProblem(404));
    EXPECT_TRUE(ada_api_->Patch("/api/v1/links/" + Id(bob_link_), {{"campaign", "mine now"}}).IsProblem(404));
    EXPECT_EQ(api_->Get("/api/v1/links/" + Id(bob_link_)).json()["campaign"], bob_link_["campaign"]);

    EXPECT_EQ(ada_api_->Get("/api/v1/partners/" + Id(ada_)).status, 200);
    EXPECT_EQ(ada_api_->Get("/api/v1/links/" + Id(ada_link_)).status, 200);
    EXPECT_EQ(ada_api_->Get("/api/v1/programs/" + Id(program_)).status, 200);
}

TEST_F(ApiScopes, PartnerKeyListsOnlyItsOwnObjects) {
    auto links = ada_api_->Get("/api/v1/links").json()["data"];
    ASSERT_EQ(links.size(), 1u);
    EXPECT_EQ(links[0]["id"], ada_link_["id"]);
    EXPECT_TRUE(ada_api_->Get("/api/v1/links?partner_id=" + Id(bob_)).json()["data"].empty());
    auto partners = ada_api_->Get("/api/v1/partners").json()["data"];
    ASSERT_EQ(partners.size(), 1u);
    EXPECT_EQ(partners[0]["id"], ada_["id"]);
    EXPECT_EQ(ada_api_->Get("/api/v1/programs").json()["data"].size(), 1u);
}

TEST_F(ApiScopes, PartnerKeyCreatesLinksOnlyForItself) {
    auto own = ada_api_->Post("/api/v1/links", {{"destination", "https://shop.example.com/"}, {"campaign", "mine"}});
    ASSERT_EQ(own.status, 201) << own.body;
    EXPECT_EQ(own.json()["partner_id"], ada_["id"]);

    auto other =
        ada_api_->Post("/api/v1/links", {{"partner_id", Id(bob_)}, {"destination", "https://shop.example.com/"}});
    EXPECT_TRUE(other.IsProblem(404)) << other.body;
    EXPECT_EQ(api_->Get("/api/v1/links?partner_id=" + Id(bob_)).json()["data"].size(), 1u);
}

TEST_F(ApiScopes, PartnerKeyCannotManageProgramsOrItsOwnStatus) {
    auto create = ada_api_->Post("/api/v1/programs",
                                 {{"name", "x"}, {"currency", "EUR"}, {"destination_domains", {"shop.example.com"}}});
    EXPECT_TRUE(create.IsProblem(403)) << create.body;
    EXPECT_TRUE(ada_api_->Patch("/api/v1/programs/" + Id(program_), {{"name", "mine"}}).IsProblem(403));
    EXPECT_TRUE(
        ada_api_->Patch("/api/v1/partners/" + Id(ada_), {{"status", "active"}, {"group", "gold"}}).IsProblem(403));
    EXPECT_TRUE(
        ada_api_->Post("/api/v1/partners", {{"program_id", Id(program_)}, {"name", "x"}, {"email", "x@example.com"}})
            .IsProblem(403));
    EXPECT_EQ(api_->Get("/api/v1/programs").json()["data"].size(), 1u);
    EXPECT_EQ(api_->Get("/api/v1/programs/" + Id(program_)).json()["name"], program_["name"]);

    auto rename = ada_api_->Patch("/api/v1/partners/" + Id(ada_), {{"name", "Ada L."}});
    EXPECT_EQ(rename.status, 200) << rename.body;
}

TEST_F(ApiScopes, IngestKeyIsForbiddenHere) {
    Api ingest = api_->WithToken(CreateKey("ingest:" + Id(program_)));
    EXPECT_TRUE(ingest.Get("/api/v1/links").IsProblem(403));
    EXPECT_TRUE(ingest.Get("/api/v1/programs/" + Id(program_)).IsProblem(403));
    EXPECT_TRUE(ingest.Post("/api/v1/links", {{"partner_id", Id(ada_)}, {"destination", "https://shop.example.com/"}})
                    .IsProblem(403));
    EXPECT_EQ(api_->Get("/api/v1/links").json()["data"].size(), 2u);
}

TEST_F(ApiScopes, SuspendedPartnerGetsNoNewLinksAndCannotEditItsOwn) {
    ASSERT_EQ(api_->Patch("/api/v1/partners/" + Id(bob_), {{"status", "suspended"}}).status, 200);
    auto r = api_->Post("/api/v1/links", {{"partner_id", Id(bob_)}, {"destination", "https://shop.example.com/"}});
    EXPECT_TRUE(r.IsProblem(409)) << r.body;

    ASSERT_EQ(api_->Patch("/api/v1/partners/" + Id(ada_), {{"status", "suspended"}}).status, 200);
    auto edit = ada_api_->Patch("/api/v1/links/" + Id(ada_link_), {{"campaign", "sneaky"}});
    EXPECT_TRUE(edit.IsProblem(409)) << edit.body;
    EXPECT_EQ(api_->Get("/api/v1/links/" + Id(ada_link_)).json()["campaign"], ada_link_["campaign"]);
}

// Regression: a partner key could re-enable a link an admin had disabled.
TEST_F(ApiScopes, PartnerKeyCannotChangeALinksStatus) {
    ASSERT_EQ(api_->Patch("/api/v1/links/" + Id(ada_link_), {{"status", "disabled"}}).status, 200);
    auto r = ada_api_->Patch("/api/v1/links/" + Id(ada_link_), {{"status", "active"}});
    EXPECT_TRUE(r.IsProblem(403)) << r.body;
    EXPECT_EQ(api_->Get("/api/v1/links/" + Id(ada_link_)).json()["status"], "disabled");
    EXPECT_EQ(ada_api_->Patch("/api/v1/links/" + Id(ada_link_), {{"campaign", "fine"}}).status, 200);
}

}  // namespace
}  // namespace rt::testing
