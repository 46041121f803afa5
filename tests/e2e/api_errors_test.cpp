// Bad input: each gets a problem+json answer and changes nothing.
#include "e2e_fixture.hpp"

namespace rt::testing {
namespace {

using Json = nlohmann::json;

class ApiErrors : public E2eTest {
  protected:
    // How many programs, partners and links exist: must not move after a rejected request.
    std::array<std::size_t, 3> Counts() const {
        return {api_->Get("/api/v1/programs?limit=500").json()["data"].size(),
                api_->Get("/api/v1/partners?limit=500").json()["data"].size(),
                api_->Get("/api/v1/links?limit=500").json()["data"].size()};
    }
    static std::vector<std::string> FieldsOf(const Reply& r) {
        std::vector<std::string> out;
        const nlohmann::json body = r.json();
        for (const auto& e : body["errors"]) out.push_back(e["field"]);
        return out;
    }
};

TEST_F(ApiErrors, MalformedJsonIs400) {
    const auto before = Counts();
    for (const std::string body : {"{\"name\": ", "not json", "[1,2]", "\"a string\"", "{\"name\":\"x\"} trailing"}) {
        auto r = api_->Send("POST", "/api/v1/programs", body, {{"Content-Type", "application/json"}});
        EXPECT_TRUE(r.IsProblem(400)) << body << " -> " << r.status << " " << r.body;
    }
    auto empty = api_->Send("POST", "/api/v1/programs", "", {{"Content-Type", "application/json"}});
    EXPECT_TRUE(empty.IsProblem(400)) << empty.body;
    EXPECT_EQ(Counts(), before);
}

TEST_F(ApiErrors, WrongTypesAndMissingFieldsAre422NamingEachField) {
    const auto before = Counts();
    auto r = api_->Post("/api/v1/programs",
                        {{"name", 42}, {"currency", "EUR"}, {"destination_domains", "shop.example.com"}});
    ASSERT_TRUE(r.IsProblem(422)) << r.body;
    EXPECT_EQ(FieldsOf(r), (std::vector<std::string>{"name", "destination_domains"}));

    auto missing = api_->Post("/api/v1/programs", Json::object());
    ASSERT_TRUE(missing.IsProblem(422)) << missing.body;
    EXPECT_EQ(FieldsOf(missing), (std::vector<std::string>{"name", "currency", "destination_domains"}));

    // Values of the right types but unacceptable: every field is named at once.
    auto values = api_->Post("/api/v1/programs", {{"name", "x"},
                                                  {"currency", "EURO"},
                                                  {"destination_domains", {"shop.example.com", "not a host"}},
                                                  {"attribution", {{"model", "last_click"}, {"window_days", 0}}}});
    ASSERT_TRUE(values.IsProblem(422)) << values.body;
    EXPECT_EQ(FieldsOf(values),
              (std::vector<std::string>{"currency", "destination_domains[1]", "attribution.window_days"}));

    // Unknown fields and unknown enum values are reported before any value is looked at.
    auto unknown = api_->Post("/api/v1/programs", {{"name", "x"},
                                                   {"currency", "EUR"},
                                                   {"destination_domains", {"shop.example.com"}},
                                                   {"attribution", {{"model", "random"}}},
                                                   {"colour", "blue"}});
    ASSERT_TRUE(unknown.IsProblem(422)) << unknown.body;
    EXPECT_EQ(FieldsOf(unknown), (std::vector<std::string>{"colour", "attribution.model"}));
    EXPECT_EQ(Counts(), before);
}

TEST_F(ApiErrors, LinkDestinationOutsideTheProgramIsRefused) {
    auto program = CreateProgram();
    auto partner = CreatePartner(program["id"], "a@example.com");
    const auto before = Counts();
    for (const std::string dest :
         {"https://evil.com/", "//evil.com", "https://shop.example.com@evil.com/", "https://shop.example.com.evil.com/",
          "javascript:alert(1)", "https://shop.example.com%2F@evil.com", "https:\\\\evil.com"}) {
        auto r = api_->Post("/api/v1/links", {{"partner_id", partner["id"]}, {"destination", dest}});
        EXPECT_TRUE(r.IsProblem(422)) << dest << " -> " << r.body;
    }
    EXPECT_EQ(Counts(), before);
}

TEST_F(ApiErrors, BodyOverTheLimitIs413) {
    StartServer({{"REFTRACK_BODY_LIMIT_BYTES", "2048"}});
    const auto before = Counts();
    const std::string big =
        Json{{"name", std::string(4096, 'a')}, {"currency", "EUR"}, {"destination_domains", {"shop.example.com"}}}
            .dump();
    auto r = api_->Send("POST", "/api/v1/programs", big, {{"Content-Type", "application/json"}});
    EXPECT_TRUE(r.IsProblem(413)) << r.status << " " << r.body;
    EXPECT_EQ(Counts(), before);
}

TEST_F(ApiErrors, WrongContentTypeIs415) {
    const auto before = Counts();
    const std::string body = R"({"name":"x","currency":"EUR","destination_domains":["shop.example.com"]})";
    for (const std::string type : {"text/plain", "application/x-www-form-urlencoded", ""}) {
        std::map<std::string, std::string> headers;
        if (!type.empty()) headers["Content-Type"] = type;
        auto r = api_->Send("POST", "/api/v1/programs", body, headers);
        EXPECT_TRUE(r.IsProblem(415)) << type << " -> " << r.body;
    }
    auto with_charset =
        api_->Send("POST", "/api/v1/programs", body, {{"Content-Type", "application/json; charset=utf-8"}});
    EXPECT_EQ(with_charset.status, 201) << with_charset.body;
    EXPECT_EQ(Counts()[0], before[0] + 1);
}

TEST_F(ApiErrors, UnknownIdsAre404) {
    for (const std::string path : {"/api/v1/programs/prg_01jd0000000000000000000000", "/api/v1/programs/nope",
                                   "/api/v1/partners/prt_01jd0000000000000000000000", "/api/v1/links/lnk_x",
                                   "/api/v1/links/prt_01jd0000000000000000000000", "/api/v1/nothing-here"}) {
        auto r = api_->Get(path);
        EXPECT_TRUE(r.IsProblem(404)) << path << " -> " << r.body;
    }
    const auto before = Counts();
    auto patch = api_->Patch("/api/v1/links/lnk_01jd0000000000000000000000", {{"campaign", "x"}});
    EXPECT_TRUE(patch.IsProblem(404)) << patch.body;
    EXPECT_EQ(Counts(), before);
}

TEST_F(ApiErrors, MissingOrWrongKeyIs401) {
    auto program = CreateProgram();
    const auto before = Counts();
    const std::string valid_looking_wrong = admin_key_.substr(0, admin_key_.size() - 4) + "2222";
    for (const std::string& key : {std::string(), std::string("garbage"), valid_looking_wrong}) {
        Api anon = api_->WithToken(key);
        auto read = anon.Get("/api/v1/programs");
        EXPECT_TRUE(read.IsProblem(401)) << "key '" << key << "' -> " << read.body;
        EXPECT_EQ(read.header("www-authenticate"), "Bearer");
        auto write = anon.Post("/api/v1/programs",
                               {{"name", "x"}, {"currency", "EUR"}, {"destination_domains", {"shop.example.com"}}});
        EXPECT_TRUE(write.IsProblem(401)) << write.body;
    }
    auto basic = api_->WithToken("").Send("GET", "/api/v1/programs", "", {{"Authorization", "Basic YWRtaW46YWRtaW4="}});
    EXPECT_TRUE(basic.IsProblem(401)) << basic.status << " " << basic.body;
    EXPECT_EQ(Counts(), before);
}

TEST_F(ApiErrors, UnsupportedMethodIs405WithAllow) {
    auto r = api_->Send("DELETE", "/api/v1/programs");
    EXPECT_TRUE(r.IsProblem(405)) << r.body;
    EXPECT_NE(r.header("allow").find("POST"), std::string::npos);
}

}  // namespace
}  // namespace rt::testing
