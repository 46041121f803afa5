// People log in: `reftrack users create`, the session cookie, CSRF on writes, partner isolation through the
// cookie, logout, the login rate limit, invites and the idle expiry, against the real binary.
#include <chrono>
#include <sstream>
#include <thread>

#include "e2e_fixture.hpp"

namespace rt::testing {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kPassword = "correct horse battery";

// The last non-empty line of `text`.
std::string LastLine(const std::string& text) {
    std::istringstream lines(text);
    std::string line;
    std::string last;
    while (std::getline(lines, line)) {
        if (!line.empty()) last = line;
    }
    return last;
}

// A browser: the session cookie it was given and the session's CSRF token.
struct Browser {
    std::string cookie;  // "rt_session=…"
    std::string csrf;

    std::map<std::string, std::string> Headers(bool with_csrf) const {
        std::map<std::string, std::string> h{{"Cookie", cookie}};
        if (with_csrf) h["X-CSRF-Token"] = csrf;
        return h;
    }
};

class Sessions : public E2eTest {
  protected:
    // `reftrack users create` with the password on stdin (as a script would pipe it).
    CommandResult CreateUser(const std::vector<std::string>& args, std::string_view password) {
        std::vector<std::string> argv{"/bin/sh",
                                      "-c",
                                      R"(printf '%s\n' "$RT_PASSWORD" | "$RT_BIN" "$@")",
                                      "sh",
                                      "users",
                                      "create",
                                      "--password-stdin",
                                      "--db",
                                      db_url()};
        argv.insert(argv.end(), args.begin(), args.end());
        return RunCommand(
            argv, WithBackendEnv(
                      {{"RT_PASSWORD", std::string(password)}, {"RT_BIN", RT_BINARY}, {"REFTRACK_LOG_LEVEL", "warn"}}));
    }
    // Creates a user with kPassword; its id, or fails the test.
    std::string CreateUserWithPassword(const std::string& email, const std::string& role,
                                       const std::string& partner = "") {
        std::vector<std::string> args{"--email", email, "--role", role};
        if (!partner.empty()) args.insert(args.end(), {"--partner", partner});
        auto r = CreateUser(args, kPassword);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        const std::string id = LastLine(r.out);
        EXPECT_TRUE(id.starts_with("usr_")) << r.out;
        return id;
    }

    Api Anonymous() const { return api_->WithToken(""); }

    Reply LogIn(const std::string& email, std::string_view password = kPassword) const {
        return Anonymous().Post("/api/v1/session", {{"email", email}, {"password", password}});
    }
    // Logs in; fails the test unless it succeeds.
    Browser LogInAs(const std::string& email) const {
        const Reply r = LogIn(email);
        EXPECT_EQ(r.status, 200) << r.body;
        return BrowserOf(r);
    }
    static Browser BrowserOf(const Reply& r) {
        const std::string set_cookie = r.header("set-cookie");
        return {set_cookie.substr(0, set_cookie.find(';')), r.json().value("csrf_token", "")};
    }
    Reply Get(const Browser& b, const std::string& target) const {
        return Anonymous().Send("GET", target, "", b.Headers(false));
    }
    Reply Send(const Browser& b, const std::string& method, const std::string& target, const Json& body,
               bool with_csrf) const {
        auto headers = b.Headers(with_csrf);
        headers["Content-Type"] = "application/json";
        return Anonymous().Send(method, target, body.is_null() ? "" : body.dump(), headers);
    }
};

TEST_F(Sessions, AUserCreatedWithAPasswordLogsInWithAnHttpOnlyLaxCookie) {
    const std::string id = CreateUserWithPassword("boss@example.com", "admin");
    const Reply login = LogIn("Boss@Example.com");
    ASSERT_EQ(login.status, 200) << login.body;
    EXPECT_EQ(login.json()["user"]["id"], id);
    EXPECT_EQ(login.json()["user"]["role"], "admin");
    EXPECT_TRUE(login.json()["user"]["partner_id"].is_null());

    const std::string cookie = login.header("set-cookie");
    EXPECT_TRUE(cookie.starts_with("rt_session=")) << cookie;
    for (const char* attribute : {"; HttpOnly", "; SameSite=Lax", "; Path=/"}) {
        EXPECT_NE(cookie.find(attribute), std::string::npos) << attribute << " in " << cookie;
    }
    EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "plain http: " << cookie;

    const Browser browser = BrowserOf(login);
    const Reply current = Get(browser, "/api/v1/session");
    ASSERT_EQ(current.status, 200) << current.body;
    EXPECT_EQ(current.json()["user"], login.json()["user"]);
    EXPECT_EQ(current.json()["csrf_token"], browser.csrf);
    EXPECT_EQ(Get(browser, "/api/v1/programs").status, 200);  // an admin user is an admin
    EXPECT_TRUE(Anonymous().Get("/api/v1/session").IsProblem(401));
}

TEST_F(Sessions, APartnerUsersCookieSeesOnlyItsOwnPartner) {
    const Json program = CreateProgram();
    const Json ada = CreatePartner(program["id"], "ada@partners.example");
    const Json bob = CreatePartner(program["id"], "bob@partners.example");
    const Json ada_link = CreateLink(ada["id"]);
    const Json bob_link = CreateLink(bob["id"]);
    CreateUserWithPassword("ada@example.com", "partner", ada["id"].get<std::string>());
    const Browser browser = LogInAs("ada@example.com");

    EXPECT_TRUE(Get(browser, "/api/v1/links/" + bob_link["id"].get<std::string>()).IsProblem(404));
    EXPECT_TRUE(Get(browser, "/api/v1/partners/" + bob["id"].get<std::string>()).IsProblem(404));
    EXPECT_EQ(Get(browser, "/api/v1/links/" + ada_link["id"].get<std::string>()).status, 200);
    const Json links = Get(browser, "/api/v1/links").json();
    ASSERT_EQ(links["data"].size(), 1U) << links.dump();
    EXPECT_EQ(links["data"][0]["id"], ada_link["id"]);

    // Reports are forced to its partner: grouped by partner, only its own row; another partner's is 404.
    for (const Json* l : {&ada_link, &bob_link}) {
        const std::map<std::string, std::string> browser_agent{
            {"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0"}};
        EXPECT_EQ(Anonymous().Send("GET", "/r/" + (*l)["code"].get<std::string>(), "", browser_agent).status, 302);
    }
    const std::string of_program = "?program_id=" + program["id"].get<std::string>();
    const Reply report = Get(browser, "/api/v1/reports/summary" + of_program + "&group_by=partner");
    ASSERT_EQ(report.status, 200) << report.body;
    const Json rows = report.json()["data"];
    ASSERT_EQ(rows.size(), 1U) << rows.dump();
    EXPECT_EQ(rows[0]["group"]["partner_id"], ada["id"]);
    EXPECT_EQ(rows[0]["clicks"], 1);
    EXPECT_EQ(api_->Get("/api/v1/reports/summary" + of_program + "&group_by=partner").json()["data"].size(), 2U);
    const Reply other =
        Get(browser, "/api/v1/reports/summary" + of_program + "&partner_id=" + bob["id"].get<std::string>());
    EXPECT_TRUE(other.IsProblem(404)) << other.body;
    EXPECT_TRUE(Get(browser, "/api/v1/events" + of_program).IsProblem(403));
}

TEST_F(Sessions, WritesWithTheCookieNeedTheCsrfTokenAndBearerKeysDoNot) {
    const Json program = CreateProgram();
    const Json ada = CreatePartner(program["id"], "ada@partners.example");
    CreateUserWithPassword("ada@example.com", "partner", ada["id"].get<std::string>());
    const Browser browser = LogInAs("ada@example.com");
    const Json link = {{"destination", "https://shop.example.com/spring"}, {"campaign", "spring"}};

    const Reply without = Send(browser, "POST", "/api/v1/links", link, false);
    EXPECT_TRUE(without.IsProblem(403)) << without.body;
    EXPECT_TRUE(api_->Get("/api/v1/links?partner_id=" + ada["id"].get<std::string>()).json()["data"].empty());

    const Reply with = Send(browser, "POST", "/api/v1/links", link, true);
    ASSERT_EQ(with.status, 201) << with.body;
    EXPECT_EQ(with.json()["partner_id"], ada["id"]);
    EXPECT_EQ(api_->Patch("/api/v1/links/" + with.json()["id"].get<std::string>(), {{"campaign", "summer"}}).status,
              200);
}

TEST_F(Sessions, LogoutEndsTheSessionOnTheServer) {
    CreateUserWithPassword("boss@example.com", "admin");
    const Browser browser = LogInAs("boss@example.com");
    EXPECT_TRUE(Send(browser, "DELETE", "/api/v1/session", nullptr, false).IsProblem(403));
    EXPECT_EQ(Get(browser, "/api/v1/session").status, 200);

    const Reply out = Send(browser, "DELETE", "/api/v1/session", nullptr, true);
    EXPECT_EQ(out.status, 204) << out.body;
    EXPECT_NE(out.header("set-cookie").find("Max-Age=0"), std::string::npos) << out.header("set-cookie");
    EXPECT_TRUE(Get(browser, "/api/v1/session").IsProblem(401));
    EXPECT_TRUE(Get(browser, "/api/v1/programs").IsProblem(401));  // the old cookie no longer works
}

TEST_F(Sessions, TheSixthFailedLoginIsRateLimitedWithRetryAfter) {
    CreateUserWithPassword("boss@example.com", "admin");
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(LogIn("boss@example.com", "wrong password").IsProblem(401)) << i;
    const Reply limited = LogIn("boss@example.com", "wrong password");
    EXPECT_TRUE(limited.IsProblem(429)) << limited.status << " " << limited.body;
    const std::string retry = limited.header("retry-after");
    ASSERT_FALSE(retry.empty());
    EXPECT_GT(std::stoi(retry), 0);
    EXPECT_LE(std::stoi(retry), 900);
    EXPECT_TRUE(LogIn("boss@example.com").IsProblem(429));  // even the right password, for now
}

TEST_F(Sessions, AnInviteLinkSetsThePasswordAndLogsThePersonIn) {
    const Json program = CreateProgram();
    const Json ada = CreatePartner(program["id"], "ada@partners.example");
    auto created = Reftrack({"users", "create", "--email", "ada@example.com", "--role", "partner", "--partner",
                             ada["id"].get<std::string>(), "--db", db_url(), "--public-url", "https://go.example.com"});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    const std::string link = LastLine(created.out);
    ASSERT_TRUE(link.starts_with("https://go.example.com/invite/")) << created.out;
    const std::string token = link.substr(link.rfind('/') + 1);
    EXPECT_TRUE(LogIn("ada@example.com", "").IsProblem(401));  // no password yet

    const std::string accept = "/api/v1/invites/" + token + "/accept";
    EXPECT_TRUE(Anonymous().Post(accept, {{"password", "too short"}}).IsProblem(422));
    const Reply accepted = Anonymous().Post(accept, {{"password", kPassword}});
    ASSERT_EQ(accepted.status, 200) << accepted.body;
    EXPECT_EQ(accepted.json()["user"]["partner_id"], ada["id"]);
    const Browser browser = BrowserOf(accepted);
    EXPECT_EQ(Get(browser, "/api/v1/session").json()["user"]["email"], "ada@example.com");
    EXPECT_TRUE(Anonymous().Post(accept, {{"password", kPassword}}).IsProblem(404));  // used once
    EXPECT_EQ(LogIn("ada@example.com").status, 200);

    // The admin lists it, without any hash.
    const Reply users = api_->Get("/api/v1/users");
    ASSERT_EQ(users.status, 200) << users.body;
    EXPECT_EQ(users.json()["data"].size(), 1U);
    EXPECT_EQ(users.body.find("argon2"), std::string::npos);
}

TEST_F(Sessions, AnIdleSessionEndsAfterSessionIdleSeconds) {
    StartServer({}, {"--session-idle-seconds", "2"});
    CreateUserWithPassword("boss@example.com", "admin");
    const Browser browser = LogInAs("boss@example.com");
    EXPECT_EQ(Get(browser, "/api/v1/session").status, 200);
    std::this_thread::sleep_for(std::chrono::seconds(3));
    EXPECT_TRUE(Get(browser, "/api/v1/session").IsProblem(401));
    EXPECT_TRUE(Get(browser, "/api/v1/programs").IsProblem(401));
}

TEST_F(Sessions, TheIdleTimeoutComesFromTheEnvironmentToo) {
    StartServer({{"REFTRACK_SESSION_IDLE_SECONDS", "2"}});
    CreateUserWithPassword("boss@example.com", "admin");
    const Reply login = LogIn("boss@example.com");
    ASSERT_EQ(login.status, 200) << login.body;
    const auto expires = login.json()["expires_at"].get<std::string>();
    std::this_thread::sleep_for(std::chrono::seconds(3));
    EXPECT_TRUE(Get(BrowserOf(login), "/api/v1/session").IsProblem(401)) << "expired at " << expires;
}

TEST_F(Sessions, UsersCreateRefusesBadArgumentsWithOneLine) {
    auto one_line = [](const CommandResult& r) {
        return r.err.starts_with("reftrack: ") && r.err.find('\n') == r.err.size() - 1;
    };
    const auto bad_email = Reftrack({"users", "create", "--email", "nope", "--role", "admin", "--db", db_url()});
    EXPECT_EQ(bad_email.exit_code, 2);
    EXPECT_TRUE(one_line(bad_email)) << bad_email.err;
    EXPECT_NE(bad_email.err.find("--email"), std::string::npos) << bad_email.err;
    EXPECT_EQ(Reftrack({"users", "create", "--email", "a@example.com", "--role", "owner", "--db", db_url()}).exit_code,
              2);
    const auto no_partner =
        Reftrack({"users", "create", "--email", "a@example.com", "--role", "partner", "--db", db_url()});
    EXPECT_EQ(no_partner.exit_code, 2);
    EXPECT_NE(no_partner.err.find("--partner"), std::string::npos) << no_partner.err;
    const auto unknown = Reftrack({"users", "create", "--email", "a@example.com", "--role", "partner", "--partner",
                                   "prt_01jd0000000000000000000000", "--db", db_url()});
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_TRUE(one_line(unknown)) << unknown.err;

    const auto weak = CreateUser({"--email", "a@example.com", "--role", "admin"}, "123456789");
    EXPECT_EQ(weak.exit_code, 2);
    EXPECT_TRUE(one_line(weak)) << weak.err;
    EXPECT_NE(weak.err.find("10 characters"), std::string::npos) << weak.err;
    EXPECT_EQ(CreateUser({"--email", "a@example.com", "--role", "admin"}, kPassword).exit_code, 0);
    const auto taken = CreateUser({"--email", "A@example.com", "--role", "admin"}, kPassword);
    EXPECT_EQ(taken.exit_code, 1);
    EXPECT_TRUE(one_line(taken)) << taken.err;
    EXPECT_EQ(taken.err.find(kPassword), std::string::npos);
}

}  // namespace
}  // namespace rt::testing
