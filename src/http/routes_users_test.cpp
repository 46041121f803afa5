// The user and session routes through the router, against services on an in-memory store: login and its
// cookie, the rate limit, the session cookie on other /api/v1 routes with CSRF, logout, users and invites.
#include "http/routes_users.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/key_service.hpp"
#include "app/link_service.hpp"
#include "app/partner_service.hpp"
#include "app/program_service.hpp"
#include "http/access_log.hpp"
#include "http/api_routes.hpp"
#include "http/router.hpp"
#include "http/router_test_support.hpp"
#include "http/worker_pool.hpp"
#include "ports/fakes.hpp"
#include "ports/system.hpp"
#include "storage/open_store.hpp"

namespace rt::http {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kPassword = "correct horse battery";

std::string HeaderOf(const Response& res, std::string_view name) {
    for (const auto& h : res.headers) {
        std::string lower = h.name;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower == name) return h.value;
    }
    return "";
}

// The cookie's value from a Set-Cookie header ("rt_session=abc; HttpOnly; …" → "abc").
std::string CookieOf(const Response& res) {
    const std::string set = HeaderOf(res, "set-cookie");
    const auto eq = set.find('=');
    const auto semi = set.find(';');
    return eq == std::string::npos ? "" : set.substr(eq + 1, semi - eq - 1);
}

class UserRoutesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto store = storage::OpenStore("memory://");
        ASSERT_TRUE(store) << store.error().message();
        store_ = std::move(*store);
        ASSERT_TRUE(store_->Migrate());
        programs_ = std::make_unique<app::ProgramService>(deps());
        partners_ = std::make_unique<app::PartnerService>(deps());
        links_ = std::make_unique<app::LinkService>(deps());
        keys_ = std::make_unique<app::KeyService>(deps(), hasher_);
        users_ = std::make_unique<app::UserService>(deps(), hasher_);
        sessions_ = std::make_unique<app::SessionService>(deps(), hasher_);
        pool_ = std::make_unique<WorkerPool>(1, 16);
        router_ = std::make_unique<Router>(*pool_);
        const Authenticator auth(*keys_, *sessions_, SessionCookieName(false));
        api_ = std::make_unique<ApiContext>(ApiContext{*programs_, *partners_, *links_, auth, "http://go.example"});
        AddLinkRoutes(*router_, *api_);
        ctx_ = std::make_unique<UsersContext>(UsersContext{*users_, *sessions_, auth, "http://go.example", false});
        AddUserRoutes(*router_, *ctx_);
        Populate();
    }
    void TearDown() override { pool_.reset(); }

    app::Deps deps() { return {*store_, clock_, random_, digest_}; }

    // Program Acme with partners Ada (a link, a user with a password) and Bob (a link); an admin user.
    void Populate() {
        auto program = programs_->Create(
            admin_,
            {.name = "Acme", .currency = "EUR", .destination_domains = std::vector<std::string>{"shop.example.com"}});
        ASSERT_TRUE(program) << program.error().message();
        auto partner = [&](const std::string& name, const std::string& email) {
            auto p = partners_->Create(admin_, {.program_id = program->id.str(), .name = name, .email = email});
            EXPECT_TRUE(p) << p.error().message();
            auto l = links_->Create(admin_, {.partner_id = p->id.str(), .destination = "https://shop.example.com/"});
            EXPECT_TRUE(l) << l.error().message();
            return std::pair{p->id.str(), l->id.str()};
        };
        std::tie(ada_, ada_link_) = partner("Ada", "ada@partners.example");
        std::tie(bob_, bob_link_) = partner("Bob", "bob@partners.example");
        ASSERT_TRUE(users_->Create(admin_, {.email = "ada@example.com", .role = "partner", .partner_id = ada_},
                                   std::string(kPassword)));
        ASSERT_TRUE(users_->Create(admin_, {.email = "boss@example.com", .role = "admin"}, std::string(kPassword)));
        auto key = keys_->Create(core::Scope::Admin(), "admin");
        ASSERT_TRUE(key);
        admin_key_ = key->token;
    }

    Response Call(Method method, const std::string& target, const std::string& body = "",
                  std::vector<Header> headers = {}, const std::string& remote_ip = "10.0.0.1") {
        Request req;
        req.method = method;
        req.target = target;
        const auto q = target.find('?');
        req.path = target.substr(0, q);
        req.query = q == std::string::npos ? "" : target.substr(q + 1);
        if (!body.empty()) req.headers.push_back({"content-type", "application/json"});
        for (auto& h : headers) req.headers.push_back(std::move(h));
        req.body = body;
        req.remote_ip = remote_ip;
        return testing::DispatchAndWait(*router_, std::move(req));
    }

    Response LogIn(const std::string& email, std::string_view password = kPassword,
                   const std::string& remote_ip = "10.0.0.1") {
        return Call(Method::kPost, "/api/v1/session", Json{{"email", email}, {"password", password}}.dump(), {},
                    remote_ip);
    }

    // The cookie and CSRF token of a fresh login; fails the test unless it succeeds.
    struct Login {
        std::string cookie;
        std::string csrf;
        Header cookie_header() const { return {"cookie", "theme=dark; rt_session=" + cookie}; }
        Header csrf_header() const { return {"x-csrf-token", csrf}; }
    };
    Login LogInAs(const std::string& email) {
        const Response res = LogIn(email);
        EXPECT_EQ(res.status, 200) << res.body;
        return {CookieOf(res), Json::parse(res.body, nullptr, false).value("csrf_token", "")};
    }

    ports::FakeClock clock_;
    ports::SeededRandom random_{11};
    ports::Sha256Digest digest_;
    ports::PlainHasher hasher_;
    std::unique_ptr<ports::Store> store_;
    std::unique_ptr<app::ProgramService> programs_;
    std::unique_ptr<app::PartnerService> partners_;
    std::unique_ptr<app::LinkService> links_;
    std::unique_ptr<app::KeyService> keys_;
    std::unique_ptr<app::UserService> users_;
    std::unique_ptr<app::SessionService> sessions_;
    std::unique_ptr<WorkerPool> pool_;
    std::unique_ptr<Router> router_;
    std::unique_ptr<ApiContext> api_;
    std::unique_ptr<UsersContext> ctx_;
    app::Principal admin_{core::Scope::Admin(), {}};
    std::string ada_, ada_link_, bob_, bob_link_, admin_key_;
};

TEST_F(UserRoutesTest, LoginAnswersTheUserAndCsrfTokenAndSetsAnHttpOnlyLaxCookie) {
    const Response res = LogIn(" ADA@example.com");
    ASSERT_EQ(res.status, 200) << res.body;
    const Json body = Json::parse(res.body);
    EXPECT_EQ(body["user"]["email"], "ada@example.com");
    EXPECT_EQ(body["user"]["role"], "partner");
    EXPECT_EQ(body["user"]["partner_id"], ada_);
    EXPECT_TRUE(body["user"]["id"].get<std::string>().starts_with("usr_"));
    EXPECT_FALSE(body["user"].contains("password_hash"));
    EXPECT_EQ(body["csrf_token"].get<std::string>().size(), 43U);
    EXPECT_TRUE(core::ParseRfc3339(body["expires_at"].get<std::string>()));
    EXPECT_EQ(HeaderOf(res, "cache-control"), "no-store");

    const std::string cookie = HeaderOf(res, "set-cookie");
    EXPECT_TRUE(cookie.starts_with("rt_session=")) << cookie;
    EXPECT_THAT(cookie, HasSubstr("; HttpOnly"));
    EXPECT_THAT(cookie, HasSubstr("; SameSite=Lax"));
    EXPECT_THAT(cookie, HasSubstr("; Path=/"));
    EXPECT_THAT(cookie, Not(HasSubstr("Secure")));
    EXPECT_EQ(CookieOf(res).size(), 43U);
    EXPECT_NE(CookieOf(res), body["csrf_token"]);

    const Response current = Call(Method::kGet, "/api/v1/session", "", {{"cookie", "rt_session=" + CookieOf(res)}});
    ASSERT_EQ(current.status, 200) << current.body;
    const Json again = Json::parse(current.body);
    EXPECT_EQ(again["user"], body["user"]);
    EXPECT_EQ(again["csrf_token"], body["csrf_token"]);
    EXPECT_TRUE(HeaderOf(current, "set-cookie").empty());
}

TEST_F(UserRoutesTest, BadEmailOrPasswordIsOne401) {
    const Response wrong = LogIn("ada@example.com", "not the password");
    const Response unknown = LogIn("nobody@example.com");
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(unknown.status, 401);
    EXPECT_EQ(Json::parse(wrong.body)["detail"], Json::parse(unknown.body)["detail"]);
    EXPECT_TRUE(HeaderOf(wrong, "set-cookie").empty());
    EXPECT_EQ(Call(Method::kGet, "/api/v1/session").status, 401);
    EXPECT_EQ(Call(Method::kGet, "/api/v1/session", "", {{"cookie", "rt_session=forged"}}).status, 401);
}

TEST_F(UserRoutesTest, LoginBodyIsChecked) {
    EXPECT_EQ(Call(Method::kPost, "/api/v1/session", R"({"email": "ada@example.com"})").status, 422);
    EXPECT_EQ(Call(Method::kPost, "/api/v1/session", R"({"email": 1, "password": "x"})").status, 422);
    const Response extra =
        Call(Method::kPost, "/api/v1/session", R"({"email": "a@example.com", "password": "x", "remember": true})");
    EXPECT_EQ(extra.status, 422) << extra.body;
    EXPECT_THAT(extra.body, HasSubstr("remember"));
    EXPECT_EQ(Call(Method::kPost, "/api/v1/session", "{").status, 400);
}

TEST_F(UserRoutesTest, TheSixthFailedLoginIsRateLimitedWithRetryAfter) {
    for (int i = 0; i < 5; ++i) EXPECT_EQ(LogIn("ada@example.com", "wrong password").status, 401) << i;
    const Response limited = LogIn("ada@example.com");  // even with the right password
    EXPECT_EQ(limited.status, 429) << limited.body;
    EXPECT_EQ(HeaderOf(limited, "retry-after"), "900");
    EXPECT_EQ(HeaderOf(limited, "content-type"), "application/problem+json");
    // The same address with another email is limited too; another address with another email is not.
    EXPECT_EQ(LogIn("boss@example.com").status, 429);
    EXPECT_EQ(LogIn("boss@example.com", kPassword, "10.0.0.2").status, 200);
    clock_.Advance(15 * 60'000);
    EXPECT_EQ(LogIn("ada@example.com").status, 200);
}

TEST_F(UserRoutesTest, APartnerSessionSeesOnlyItsPartnersObjects) {
    const auto ada = LogInAs("ada@example.com");
    const Response own = Call(Method::kGet, "/api/v1/links/" + ada_link_, "", {ada.cookie_header()});
    EXPECT_EQ(own.status, 200) << own.body;
    EXPECT_EQ(Call(Method::kGet, "/api/v1/links/" + bob_link_, "", {ada.cookie_header()}).status, 404);
    const Json list = Json::parse(Call(Method::kGet, "/api/v1/links", "", {ada.cookie_header()}).body);
    ASSERT_EQ(list["data"].size(), 1U) << list.dump();
    EXPECT_EQ(list["data"][0]["id"], ada_link_);

    const auto boss = LogInAs("boss@example.com");
    EXPECT_EQ(Call(Method::kGet, "/api/v1/links/" + bob_link_, "", {boss.cookie_header()}).status, 200);
}

TEST_F(UserRoutesTest, WritesWithTheCookieNeedTheCsrfToken) {
    const auto ada = LogInAs("ada@example.com");
    const std::string link = R"({"destination": "https://shop.example.com/x"})";
    const Response without = Call(Method::kPost, "/api/v1/links", link, {ada.cookie_header()});
    EXPECT_EQ(without.status, 403) << without.body;
    EXPECT_THAT(without.body, HasSubstr("X-CSRF-Token"));
    const Response wrong = Call(Method::kPost, "/api/v1/links", link, {ada.cookie_header(), {"x-csrf-token", "x"}});
    EXPECT_EQ(wrong.status, 403);
    const Response with = Call(Method::kPost, "/api/v1/links", link, {ada.cookie_header(), ada.csrf_header()});
    EXPECT_EQ(with.status, 201) << with.body;
    EXPECT_EQ(Json::parse(with.body)["partner_id"], ada_);
    // A bearer key needs no CSRF token.
    const Response bearer = Call(Method::kPatch, "/api/v1/links/" + bob_link_, R"({"campaign": "x"})",
                                 {{"authorization", "Bearer " + admin_key_}});
    EXPECT_EQ(bearer.status, 200) << bearer.body;
}

TEST_F(UserRoutesTest, TheBearerKeyWinsOverTheCookie) {
    const auto ada = LogInAs("ada@example.com");
    const Response admin = Call(Method::kGet, "/api/v1/links/" + bob_link_, "",
                                {ada.cookie_header(), {"authorization", "Bearer " + admin_key_}});
    EXPECT_EQ(admin.status, 200) << admin.body;
    const Response bad = Call(Method::kGet, "/api/v1/links/" + ada_link_, "",
                              {ada.cookie_header(), {"authorization", "Bearer rtk_nope"}});
    EXPECT_EQ(bad.status, 401);
}

TEST_F(UserRoutesTest, LogoutNeedsTheCsrfTokenClearsTheCookieAndEndsTheSession) {
    const auto ada = LogInAs("ada@example.com");
    EXPECT_EQ(Call(Method::kDelete, "/api/v1/session", "", {ada.cookie_header()}).status, 403);
    const Response out = Call(Method::kDelete, "/api/v1/session", "", {ada.cookie_header(), ada.csrf_header()});
    EXPECT_EQ(out.status, 204) << out.body;
    EXPECT_TRUE(out.body.empty());
    EXPECT_EQ(HeaderOf(out, "set-cookie"), "rt_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0");
    EXPECT_EQ(Call(Method::kGet, "/api/v1/session", "", {ada.cookie_header()}).status, 401);
    EXPECT_EQ(Call(Method::kGet, "/api/v1/links", "", {ada.cookie_header()}).status, 401);
    const Response again = Call(Method::kDelete, "/api/v1/session", "", {ada.cookie_header(), ada.csrf_header()});
    EXPECT_EQ(again.status, 401);
    EXPECT_THAT(HeaderOf(again, "set-cookie"), HasSubstr("Max-Age=0"));
}

TEST_F(UserRoutesTest, AnIdleSessionExpires) {
    const auto ada = LogInAs("ada@example.com");
    clock_.Advance(sessions_->idle_ms());
    EXPECT_EQ(Call(Method::kGet, "/api/v1/session", "", {ada.cookie_header()}).status, 401);
}

TEST_F(UserRoutesTest, AdminsCreateAndListUsersAndTheInviteLogsThePersonIn) {
    const auto boss = LogInAs("boss@example.com");
    clock_.Advance(1);  // ids sort by time: Bob's user is the newest
    const Response created = Call(Method::kPost, "/api/v1/users",
                                  Json{{"email", "bob@example.com"}, {"role", "partner"}, {"partner_id", bob_}}.dump(),
                                  {boss.cookie_header(), boss.csrf_header()});
    ASSERT_EQ(created.status, 201) << created.body;
    const Json body = Json::parse(created.body);
    EXPECT_EQ(body["user"]["email"], "bob@example.com");
    EXPECT_EQ(body["user"]["password_set"], false);
    const std::string url = body["invite_url"];
    ASSERT_TRUE(url.starts_with("http://go.example/invite/")) << url;
    const std::string token = url.substr(url.rfind('/') + 1);

    const Json list = Json::parse(Call(Method::kGet, "/api/v1/users?limit=2", "", {boss.cookie_header()}).body);
    EXPECT_EQ(list["object"], "list");
    ASSERT_EQ(list["data"].size(), 2U) << list.dump();
    EXPECT_EQ(list["data"][0]["email"], "bob@example.com");
    EXPECT_TRUE(list["has_more"].get<bool>());
    EXPECT_THAT(list.dump(), Not(HasSubstr("plain$")));  // never a hash

    const std::string accept = "/api/v1/invites/" + token + "/accept";
    EXPECT_EQ(Call(Method::kPost, accept, R"({"password": "short"})").status, 422);
    const Response in = Call(Method::kPost, accept, Json{{"password", kPassword}}.dump());
    ASSERT_EQ(in.status, 200) << in.body;
    EXPECT_EQ(Json::parse(in.body)["user"]["partner_id"], bob_);
    EXPECT_EQ(Json::parse(in.body)["user"]["password_set"], true);
    const Response seen =
        Call(Method::kGet, "/api/v1/links/" + bob_link_, "", {{"cookie", "rt_session=" + CookieOf(in)}});
    EXPECT_EQ(seen.status, 200) << seen.body;
    EXPECT_EQ(Call(Method::kPost, accept, Json{{"password", kPassword}}.dump()).status, 404);
    EXPECT_EQ(LogIn("bob@example.com").status, 200);
}

TEST_F(UserRoutesTest, PartnerUsersAndNobodyMayNotManageUsers) {
    const auto ada = LogInAs("ada@example.com");
    const std::string body = R"({"email": "eve@example.com", "role": "admin"})";
    EXPECT_EQ(Call(Method::kPost, "/api/v1/users", body, {ada.cookie_header(), ada.csrf_header()}).status, 403);
    EXPECT_EQ(Call(Method::kGet, "/api/v1/users", "", {ada.cookie_header()}).status, 403);
    EXPECT_EQ(Call(Method::kGet, "/api/v1/users").status, 401);
    const Response bearer = Call(Method::kPost, "/api/v1/users", body, {{"authorization", "Bearer " + admin_key_}});
    EXPECT_EQ(bearer.status, 201) << bearer.body;
    const Response taken = Call(Method::kPost, "/api/v1/users", body, {{"authorization", "Bearer " + admin_key_}});
    EXPECT_EQ(taken.status, 409) << taken.body;
}

TEST_F(UserRoutesTest, UnknownUsedOrMalformedInviteTokensAre404) {
    for (const std::string& token : {std::string("x"), core::NewSecretToken(random_)}) {
        const Response res =
            Call(Method::kPost, "/api/v1/invites/" + token + "/accept", Json{{"password", kPassword}}.dump());
        EXPECT_EQ(res.status, 404) << token << ": " << res.body;
    }
}

TEST_F(UserRoutesTest, OverHttpsTheCookieIsHostPrefixedAndSecure) {
    const Authenticator secure_auth(*keys_, *sessions_, SessionCookieName(true));
    UsersContext secure{*users_, *sessions_, secure_auth, "https://go.example", true};
    router_ = std::make_unique<Router>(*pool_);
    AddUserRoutes(*router_, secure);
    const Response res = LogIn("ada@example.com");
    ASSERT_EQ(res.status, 200) << res.body;
    const std::string cookie = HeaderOf(res, "set-cookie");
    EXPECT_TRUE(cookie.starts_with("__Host-rt_session=")) << cookie;
    EXPECT_THAT(cookie, HasSubstr("; Secure"));
    EXPECT_THAT(cookie, HasSubstr("; Path=/"));
    EXPECT_EQ(Call(Method::kGet, "/api/v1/session", "", {{"cookie", "rt_session=" + CookieOf(res)}}).status, 401);
    EXPECT_EQ(Call(Method::kGet, "/api/v1/session", "", {{"cookie", "__Host-rt_session=" + CookieOf(res)}}).status,
              200);
    pool_.reset();  // the routes refer to `secure`
}

TEST(FindCookie, FindsTheNamedCookieAmongOthers) {
    Request req;
    req.headers = {{"cookie", "a=1; rt_session=abc;  b=\"2\""}, {"cookie", "c=3"}};
    EXPECT_EQ(FindCookie(req, "rt_session"), "abc");
    EXPECT_EQ(FindCookie(req, "b"), "2");
    EXPECT_EQ(FindCookie(req, "c"), "3");
    EXPECT_EQ(FindCookie(req, "rt"), std::nullopt);
    EXPECT_EQ(FindCookie(req, "session"), std::nullopt);
}

TEST(AccessLog, NeverWritesAnInviteToken) {
    AccessRecord accept{.method = Method::kPost,
                        .path = "/api/v1/invites/s3cr3tTOKEN/accept",
                        .route = "/api/v1/invites/{token}/accept",
                        .status = 200};
    EXPECT_THAT(FormatAccessLine(accept), Not(HasSubstr("s3cr3tTOKEN")));
    EXPECT_THAT(FormatAccessLine(accept), HasSubstr("path=/api/v1/invites/{token}/accept"));
    AccessRecord page{.method = Method::kGet, .path = "/invite/s3cr3tTOKEN", .route = "", .status = 404};
    EXPECT_THAT(FormatAccessLine(page), Not(HasSubstr("s3cr3tTOKEN")));
    AccessRecord link{.method = Method::kGet, .path = "/api/v1/links/lnk_1", .route = "/api/v1/links/{id}"};
    EXPECT_THAT(FormatAccessLine(link), HasSubstr("path=/api/v1/links/lnk_1"));
}

}  // namespace
}  // namespace rt::http
