// The redirect GET /r/{code} and POST /api/v1/track/click, as a browser, a bot and an integrator see them;
// every click checked in the database itself.
#include <regex>

#include "click_rows.hpp"
#include "e2e_fixture.hpp"

namespace rt::testing {
namespace {

using Json = nlohmann::json;

constexpr const char* kPhone =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 "
    "Mobile/15E148 Safari/604.1";
const std::regex kVisitorCookie(R"(^rt_vid=(vis_[0-9a-z]{26}); Max-Age=(\d+); Path=/; HttpOnly; SameSite=Lax$)");

class Redirect : public E2eTest {
  protected:
    void SetUp() override {
        E2eTest::SetUp();
        program_ = CreateProgram();
        ada_ = CreatePartner(program_["id"], "ada@example.com");
        bob_ = CreatePartner(program_["id"], "bob@example.com");
        ada_link_ = CreateLink(ada_["id"], {{"code", "ada-spring"}});
        bob_link_ = CreateLink(bob_["id"], {{"code", "bob-spring"}});
    }

    // A browser following `target`, with the visitor cookie when given.
    Reply Follow(const std::string& target, const std::string& visitor = "", const std::string& method = "GET",
                 const std::string& user_agent = kPhone) const {
        std::map<std::string, std::string> headers{{"Referer", "https://News.Example.org/story?id=7"}};
        if (!user_agent.empty()) headers["User-Agent"] = user_agent;
        if (!visitor.empty()) headers["Cookie"] = "theme=dark; rt_vid=" + visitor + "; other=1";
        return api_->WithToken("").Send(method, target, "", headers);
    }
    // The click id a redirect's Location carries.
    static std::string ClickIdOf(const Reply& reply) {
        std::smatch m;
        const std::string location = reply.header("location");
        if (!std::regex_search(location, m, std::regex(R"(rt_click=(clk_[0-9a-z]{26}))"))) return "";
        return m[1];
    }
    // The visitor id of a redirect's cookie; fails the test when the cookie is not exactly as specified.
    static std::string VisitorOf(const Reply& reply, int max_age = 90 * 86400) {
        std::smatch m;
        const std::string cookie = reply.header("set-cookie");
        EXPECT_TRUE(std::regex_match(cookie, m, kVisitorCookie)) << cookie;
        if (m.empty()) return "";
        EXPECT_EQ(std::stoi(m[2]), max_age) << cookie;
        return m[1];
    }
    ClickRows Clicks() const { return ClickRows(db_url()); }

    Json program_, ada_, bob_, ada_link_, bob_link_;
};

TEST_F(Redirect, AnswersFoundWithTheClickIdAndAVisitorCookieAfterRecordingTheClick) {
    const auto link = CreateLink(ada_["id"], {{"destination", "https://shop.example.com/p?a=1&b=two#reviews"}});
    const auto reply = Follow("/r/" + link["code"].get<std::string>() + "?utm_source=news&utm_campaign=spring");
    ASSERT_EQ(reply.status, 302) << reply.body;
    const std::string click_id = ClickIdOf(reply);
    EXPECT_EQ(reply.header("location"), "https://shop.example.com/p?a=1&b=two&rt_click=" + click_id + "#reviews");
    EXPECT_EQ(reply.header("cache-control"), "no-store");
    const std::string visitor = VisitorOf(reply);
    EXPECT_EQ(reply.header("set-cookie").find("Secure"), std::string::npos) << "plain HTTP, no https public URL";

    const auto row = Clicks().Get(click_id);
    ASSERT_TRUE(row) << "the click is in the database once the 302 is sent";
    EXPECT_EQ(row->at("program_id"), program_["id"]);
    EXPECT_EQ(row->at("partner_id"), ada_["id"]);
    EXPECT_EQ(row->at("link_id"), link["id"]);
    EXPECT_EQ(row->at("visitor_id"), visitor);
    EXPECT_EQ(row->at("device"), "mobile");
    EXPECT_EQ(row->at("referrer_host"), "news.example.org");
    EXPECT_EQ(row->at("utm_source"), "news");
    EXPECT_EQ(row->at("utm_campaign"), "spring");
    EXPECT_EQ(row->at("bot"), "0");
    EXPECT_EQ(row->at("is_unique"), "1");
    EXPECT_EQ(row->at("ip_prefix"), "127.0.0.0/24");
    EXPECT_TRUE(std::regex_match(row->at("ip_hash"), std::regex("[0-9a-f]{64}"))) << row->at("ip_hash");
    for (const auto& [column, value] : *row) {
        EXPECT_EQ(value.find("127.0.0.1"), std::string::npos) << "the raw IP is never stored: " << column;
    }
}

TEST_F(Redirect, CodesAreCaseInsensitiveAndTheCookieLivesForTheProgramsWindow) {
    ASSERT_EQ(
        api_->Patch("/api/v1/programs/" + program_["id"].get<std::string>(), {{"attribution", {{"window_days", 30}}}})
            .status,
        200);
    const auto reply = Follow("/r/ADA-Spring");
    ASSERT_EQ(reply.status, 302) << reply.body;
    EXPECT_TRUE(reply.header("location").starts_with("https://shop.example.com/pricing?plan=pro&rt_click=clk_"));
    VisitorOf(reply, 30 * 86400);
}

TEST_F(Redirect, TheCookieIsSecureWhenThePublicUrlIsHttps) {
    StartServer({{"REFTRACK_PUBLIC_URL", "https://go.example.com"}});
    const auto reply = Follow("/r/ada-spring");
    ASSERT_EQ(reply.status, 302);
    EXPECT_TRUE(reply.header("set-cookie").ends_with("; HttpOnly; SameSite=Lax; Secure")) << reply.header("set-cookie");
}

TEST_F(Redirect, HeadRequestsAndBotsAreRedirectedButRecordedAsBots) {
    const auto head = Follow("/r/ada-spring", "", "HEAD");
    ASSERT_EQ(head.status, 302);
    const auto preview =
        Follow("/r/ada-spring", "", "GET", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)");
    ASSERT_EQ(preview.status, 302);
    const auto no_agent = Follow("/r/ada-spring", "", "GET", "");
    ASSERT_EQ(no_agent.status, 302);
    const auto curl = Follow("/r/ada-spring", "", "GET", "curl/8.5.0");
    ASSERT_EQ(curl.status, 302);

    const auto rows = Clicks();
    for (const auto* reply : {&head, &preview, &no_agent, &curl}) {
        const auto row = rows.Get(ClickIdOf(*reply));
        ASSERT_TRUE(row) << reply->header("location");
        EXPECT_EQ(row->at("bot"), "1") << reply->header("location");
        EXPECT_EQ(row->at("is_unique"), "0") << "bots are never counted";
    }
    EXPECT_EQ(rows.Get(ClickIdOf(head))->at("device"), "mobile") << "HEAD from a phone: a bot, on a phone";
    EXPECT_EQ(rows.Get(ClickIdOf(preview))->at("device"), "bot");
}

TEST_F(Redirect, TheSameVisitorOnTheSameLinkWithinTheHourIsNotUniqueButOnAnotherLinkIs) {
    const auto first = Follow("/r/ada-spring");
    const std::string visitor = VisitorOf(first);
    const auto again = Follow("/r/ada-spring", visitor);
    const auto other_link = CreateLink(ada_["id"], {{"code", "ada-autumn"}});
    const auto elsewhere = Follow("/r/ada-autumn", visitor);
    ASSERT_EQ(again.status, 302);
    ASSERT_EQ(elsewhere.status, 302);
    EXPECT_EQ(VisitorOf(again), visitor);

    const auto rows = Clicks();
    EXPECT_EQ(rows.Get(ClickIdOf(first))->at("is_unique"), "1");
    EXPECT_EQ(rows.Get(ClickIdOf(again))->at("is_unique"), "0");
    EXPECT_EQ(rows.Get(ClickIdOf(elsewhere))->at("is_unique"), "1");
    EXPECT_EQ(rows.Get(ClickIdOf(elsewhere))->at("link_id"), other_link["id"]);
}

TEST_F(Redirect, AVisitorReturningThroughAnotherPartnersLinkKeepsItsVisitorId) {
    const auto via_ada = Follow("/r/ada-spring");
    const std::string visitor = VisitorOf(via_ada);
    const auto via_bob = Follow("/r/bob-spring", visitor);
    ASSERT_EQ(via_bob.status, 302);
    EXPECT_EQ(VisitorOf(via_bob), visitor);

    const auto rows = Clicks();
    const auto ada_row = rows.Get(ClickIdOf(via_ada));
    const auto bob_row = rows.Get(ClickIdOf(via_bob));
    ASSERT_TRUE(ada_row && bob_row);
    EXPECT_EQ(ada_row->at("partner_id"), ada_["id"]);
    EXPECT_EQ(bob_row->at("partner_id"), bob_["id"]);
    EXPECT_EQ(ada_row->at("visitor_id"), visitor);
    EXPECT_EQ(bob_row->at("visitor_id"), visitor);
    EXPECT_EQ(bob_row->at("is_unique"), "1") << "another link";
}

TEST_F(Redirect, UnknownAndDisabledCodesGetAnHtml404AndNoClick) {
    const auto unknown = Follow("/r/no-such-code");
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(unknown.header("content-type"), "text/html; charset=utf-8");
    EXPECT_NE(unknown.body.find("<html"), std::string::npos);
    EXPECT_TRUE(unknown.header("location").empty());
    EXPECT_TRUE(unknown.header("set-cookie").empty());

    ASSERT_EQ(api_->Patch("/api/v1/links/" + ada_link_["id"].get<std::string>(), {{"status", "disabled"}}).status, 200);
    const auto disabled = Follow("/r/ada-spring");
    EXPECT_EQ(disabled.status, 404);
    EXPECT_EQ(disabled.header("content-type"), "text/html; charset=utf-8");
    EXPECT_TRUE(disabled.header("location").empty());

    ASSERT_EQ(api_->Patch("/api/v1/links/" + ada_link_["id"].get<std::string>(), {{"status", "active"}}).status, 200);
    EXPECT_EQ(Follow("/r/ada-spring").status, 302) << "enabled again";
    EXPECT_EQ(Clicks().All().size(), 1u) << "only the redirect recorded a click";
}

TEST_F(Redirect, ALinkWhoseDomainTheProgramDroppedIsNotFollowed) {
    ASSERT_EQ(api_->Patch("/api/v1/programs/" + program_["id"].get<std::string>(),
                          {{"destination_domains", {"www.example.com"}}})
                  .status,
              200);
    const auto reply = Follow("/r/ada-spring");
    EXPECT_EQ(reply.status, 404);
    EXPECT_TRUE(reply.header("location").empty());
    EXPECT_TRUE(Clicks().All().empty());
}

TEST_F(Redirect, OpenRedirectFormsCanNeitherBeSavedNorFollowed) {
    for (const std::string_view destination :
         {"//evil.com/", "https://shop.example.com@evil.com/", "https://shop.example.com.evil.com/",
          "https://shop.example.com%2eevil.com/", "https://evil.com%2f@shop.example.com/", "https:\\\\evil.com",
          "https://evil.com\\@shop.example.com/", "javascript:alert(1)", "https://shop.example.com:443@evil.com/",
          "https://SHOP.EXAMPLE.COM.evil.com/", "https://[::1]/", "https://3627734016/"}) {
        const auto refused = api_->Post("/api/v1/links", {{"partner_id", ada_["id"]}, {"destination", destination}});
        EXPECT_TRUE(refused.IsProblem(422)) << destination << ": " << refused.body;
    }
    for (const std::string_view target : {"/r/%2F%2Fevil.com", "/r/https:%2F%2Fevil.com", "/r/..%2Fada-spring",
                                          "/r/ada-spring%2F..", "/r/%68ttps://evil.com", "/r//evil.com"}) {
        const auto reply = Follow(std::string(target));
        EXPECT_EQ(reply.status, 404) << target;
        EXPECT_TRUE(reply.header("location").empty()) << target;
    }
    EXPECT_TRUE(Clicks().All().empty());
}

TEST_F(Redirect, ServerSideClicksAreRecordedForAdminAndIngestKeys) {
    const auto admin = api_->Post("/api/v1/track/click", {{"code", "ada-spring"},
                                                          {"user_agent", kPhone},
                                                          {"ip", "203.0.113.9"},
                                                          {"referrer", "https://news.example.org/x"},
                                                          {"utm_medium", "app"}});
    ASSERT_EQ(admin.status, 201) << admin.body;
    const auto click = admin.json();
    EXPECT_EQ(click["object"], "click");
    EXPECT_EQ(click["link_id"], ada_link_["id"]);
    EXPECT_EQ(click["bot"], false);
    EXPECT_EQ(click["unique"], true);
    const auto row = Clicks().Get(click["id"]);
    ASSERT_TRUE(row) << "durable before the 201";
    EXPECT_EQ(row->at("ip_prefix"), "203.0.113.0/24");
    EXPECT_EQ(row->at("utm_medium"), "app");
    EXPECT_EQ(row->at("visitor_id"), click["visitor_id"]);

    const Api ingest = api_->WithToken(CreateKey("ingest:" + program_["id"].get<std::string>()));
    const auto again = ingest.Post("/api/v1/track/click", {{"link_id", ada_link_["id"]},
                                                           {"visitor_id", click["visitor_id"]},
                                                           {"ip", "203.0.113.9"},
                                                           {"user_agent", kPhone}});
    ASSERT_EQ(again.status, 201) << again.body;
    EXPECT_EQ(again.json()["visitor_id"], click["visitor_id"]);
    EXPECT_EQ(again.json()["unique"], false) << "the same visitor on the same link within the hour";
    EXPECT_TRUE(Clicks().Get(again.json()["id"]));
}

TEST_F(Redirect, ServerSideClicksAreRefusedWithoutTheRightKeyOrWithBadValues) {
    const Json body = {{"code", "ada-spring"}};
    EXPECT_TRUE(api_->WithToken("").Post("/api/v1/track/click", body).IsProblem(401));
    EXPECT_TRUE(api_->WithToken("rtk_not_a_key").Post("/api/v1/track/click", body).IsProblem(401));
    const Api partner = api_->WithToken(CreateKey("partner:" + ada_["id"].get<std::string>()));
    EXPECT_TRUE(partner.Post("/api/v1/track/click", body).IsProblem(403));
    const auto other_program = CreateProgram("Other");
    const Api foreign = api_->WithToken(CreateKey("ingest:" + other_program["id"].get<std::string>()));
    EXPECT_TRUE(foreign.Post("/api/v1/track/click", body).IsProblem(422)) << "another program's link is unknown";

    for (const Json& bad : {Json::object(), Json{{"code", "nope"}}, Json{{"code", 7}},
                            Json{{"code", "ada-spring"}, {"ip", "203.0.113.999"}},
                            Json{{"code", "ada-spring"}, {"visitor_id", "vis_nope"}},
                            Json{{"code", "ada-spring"}, {"occurred_at", "2099-01-01T00:00:00Z"}},
                            Json{{"code", "ada-spring"}, {"colour", "red"}}}) {
        EXPECT_TRUE(api_->Post("/api/v1/track/click", bad).IsProblem(422)) << bad.dump();
    }
    EXPECT_TRUE(api_->Send("POST", "/api/v1/track/click", "code=ada-spring",
                           {{"Content-Type", "application/x-www-form-urlencoded"}})
                    .IsProblem(415));
    ASSERT_EQ(api_->Patch("/api/v1/links/" + ada_link_["id"].get<std::string>(), {{"status", "disabled"}}).status, 200);
    EXPECT_TRUE(api_->Post("/api/v1/track/click", body).IsProblem(409));
    EXPECT_TRUE(Clicks().All().empty()) << "a refused request records nothing";
}

}  // namespace
}  // namespace rt::testing
