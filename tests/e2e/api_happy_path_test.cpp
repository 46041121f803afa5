// The README's walk-through: a program, a partner and a link, created and read back over HTTP.
#include <algorithm>
#include <regex>

#include "e2e_fixture.hpp"

namespace rt::testing {
namespace {

using Json = nlohmann::json;

class ApiHappyPath : public E2eTest {};

TEST_F(ApiHappyPath, ProgramPartnerLinkRoundTrip) {
    auto program = api_->Post("/api/v1/programs", {{"name", "Acme Cloud"},
                                                   {"currency", "EUR"},
                                                   {"destination_domains", {"Shop.Example.com", "*.acme.example.com"}},
                                                   {"attribution", {{"model", "first_click"}, {"window_days", 30}}}});
    ASSERT_EQ(program.status, 201) << program.body;
    const Json p = program.json();
    EXPECT_TRUE(p["id"].get<std::string>().starts_with("prg_"));
    EXPECT_EQ(p["destination_domains"], Json({"shop.example.com", "*.acme.example.com"}));
    EXPECT_EQ(p["attribution"]["model"], "first_click");
    EXPECT_EQ(p["stages"].size(), 5u);
    EXPECT_EQ(p["stages"][3]["kind"], "won");
    EXPECT_TRUE(
        std::regex_match(p["created_at"].get<std::string>(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));

    auto partner = api_->Post(
        "/api/v1/partners",
        {{"program_id", p["id"]}, {"name", "Ada Lovelace"}, {"email", "Ada@Example.com"}, {"group", "gold"}});
    ASSERT_EQ(partner.status, 201) << partner.body;
    const Json pt = partner.json();
    EXPECT_EQ(pt["email"], "ada@example.com");
    EXPECT_EQ(pt["status"], "active");

    auto link = api_->Post("/api/v1/links", {{"partner_id", pt["id"]},
                                             {"destination", "https://shop.example.com/pricing?plan=pro"},
                                             {"campaign", "spring"},
                                             {"channel", "newsletter"}});
    ASSERT_EQ(link.status, 201) << link.body;
    const Json l = link.json();
    const std::string code = l["code"];
    EXPECT_TRUE(std::regex_match(code, std::regex("[23456789abcdefghjkmnpqrstuvwxyz]{8}"))) << code;
    EXPECT_EQ(l["url"], "http://127.0.0.1:" + std::to_string(api_->port()) + "/r/" + code);
    EXPECT_EQ(l["program_id"], p["id"]);
    EXPECT_EQ(l["status"], "active");

    auto fetched = api_->Get("/api/v1/links/" + l["id"].get<std::string>());
    ASSERT_EQ(fetched.status, 200);
    EXPECT_EQ(fetched.json(), l);
    EXPECT_EQ(api_->Get("/api/v1/programs/" + p["id"].get<std::string>()).json(), p);
    EXPECT_EQ(api_->Get("/api/v1/partners/" + pt["id"].get<std::string>()).json(), pt);
}

TEST_F(ApiHappyPath, PatchChangesOnlyTheFieldsSent) {
    auto program = CreateProgram();
    auto partner = CreatePartner(program["id"], "a@example.com");
    auto link = CreateLink(partner["id"], {{"campaign", "spring"}, {"channel", "social"}});
    const std::string path = "/api/v1/links/" + link["id"].get<std::string>();

    auto patched = api_->Patch(path, {{"campaign", nullptr}, {"status", "disabled"}});
    ASSERT_EQ(patched.status, 200) << patched.body;
    const Json l = patched.json();
    EXPECT_TRUE(l["campaign"].is_null());
    EXPECT_EQ(l["channel"], "social");
    EXPECT_EQ(l["status"], "disabled");
    EXPECT_EQ(l["destination"], link["destination"]);
    EXPECT_EQ(l["created_at"], link["created_at"]);
    EXPECT_EQ(api_->Get(path).json(), l);

    const std::string program_path = "/api/v1/programs/" + program["id"].get<std::string>();
    auto renamed = api_->Patch(program_path, {{"name", "Acme 2"}, {"attribution", {{"window_days", 30}}}});
    ASSERT_EQ(renamed.status, 200);
    EXPECT_EQ(renamed.json()["name"], "Acme 2");
    EXPECT_EQ(renamed.json()["destination_domains"], program["destination_domains"]);

    // Regression: patching one attribution member reset the other to its default.
    auto model_only = api_->Patch(program_path, {{"attribution", {{"model", "linear"}}}});
    ASSERT_EQ(model_only.status, 200) << model_only.body;
    EXPECT_EQ(model_only.json()["attribution"], (Json{{"model", "linear"}, {"window_days", 30}}));
}

TEST_F(ApiHappyPath, VanityCodesAreCaseInsensitiveAndUnique) {
    auto program = CreateProgram();
    auto partner = CreatePartner(program["id"], "a@example.com");
    auto link = CreateLink(partner["id"], {{"code", "Spring-Sale"}});
    EXPECT_EQ(link["code"], "spring-sale");

    auto clash = api_->Post(
        "/api/v1/links",
        {{"partner_id", partner["id"]}, {"destination", "https://shop.example.com/"}, {"code", "SPRING-SALE"}});
    EXPECT_TRUE(clash.IsProblem(409)) << clash.body;
    EXPECT_EQ(api_->Get("/api/v1/links").json()["data"].size(), 1u);
}

TEST_F(ApiHappyPath, ListsPageNewestFirstWithCursor) {
    auto program = CreateProgram();
    std::vector<std::string> ids;
    for (int i = 0; i < 7; ++i)
        ids.push_back(CreatePartner(program["id"], "p" + std::to_string(i) + "@example.com")["id"]);

    std::vector<std::string> seen;
    std::string cursor;
    int pages = 0;
    for (;;) {
        auto r = api_->Get("/api/v1/partners?limit=3" + (cursor.empty() ? "" : "&starting_after=" + cursor));
        ASSERT_EQ(r.status, 200) << r.body;
        const Json page = r.json();
        for (const auto& item : page["data"]) seen.push_back(item["id"]);
        ++pages;
        if (!page["has_more"].get<bool>()) break;
        cursor = seen.back();
        ASSERT_LT(pages, 10);
    }
    EXPECT_EQ(pages, 3);
    // Newest first by id: ids order by creation time to the millisecond (objects made within the same
    // millisecond order by their random part), and every object appears exactly once across pages.
    std::vector<std::string> by_id_desc = ids;
    std::sort(by_id_desc.rbegin(), by_id_desc.rend());
    EXPECT_EQ(seen, by_id_desc);

    auto filtered = api_->Get("/api/v1/partners?program_id=" + program["id"].get<std::string>() + "&limit=500");
    EXPECT_EQ(filtered.json()["data"].size(), 7u);
}

TEST_F(ApiHappyPath, DataSurvivesARestart) {
    auto program = CreateProgram();
    auto partner = CreatePartner(program["id"], "a@example.com");
    auto link = CreateLink(partner["id"]);
    StartServer();
    auto again = api_->Get("/api/v1/links/" + link["id"].get<std::string>());
    ASSERT_EQ(again.status, 200);
    EXPECT_EQ(again.json()["code"], link["code"]);
}

}  // namespace
}  // namespace rt::testing
