#include "http/routes_web.hpp"

#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

namespace rt::http {
namespace {

std::string HeaderOf(const Response& res, std::string_view name) {
    for (const auto& h : res.headers) {
        if (h.name == name) return h.value;
    }
    return "";
}

// The first embedded file under assets/ (the app's script or style), or nullptr without the UI.
const WebAsset* AnyHashedAsset() {
    for (const auto& asset : WebAssets()) {
        if (asset.path.starts_with("assets/")) return &asset;
    }
    return nullptr;
}

class WebRoutesTest : public ::testing::Test {
  protected:
    WebRoutesTest() {
        AddWebRoutes(router_);
        // Stand-ins for the routes the app must never shadow.
        for (const char* pattern : {"/api/v1/links/{id}", "/r/{code}", "/healthz"}) {
            router_.Add(Method::kGet, pattern, [](const Request&, const PathParams&) {
                Response r;
                r.body = "route";
                return r;
            });
        }
    }

    Response Call(Method method, std::string path, std::vector<Header> headers = {}) {
        std::promise<Response> answer;
        Request req;
        req.method = method;
        req.target = path;
        req.path = std::move(path);
        req.headers = std::move(headers);
        handler_(std::move(req), [&answer](Response r) { answer.set_value(std::move(r)); });
        return answer.get_future().get();
    }

    WorkerPool pool_{1, 16};
    Router router_{pool_};
    Handler handler_ = WithWebApp(router_);
};

TEST_F(WebRoutesTest, TheTableIsSortedAndHoldsIndexHtml) {
    const auto assets = WebAssets();
    ASSERT_FALSE(assets.empty());
    for (std::size_t i = 1; i < assets.size(); ++i) EXPECT_LT(assets[i - 1].path, assets[i].path);
    const WebAsset* index = FindWebAsset("index.html");
    ASSERT_NE(index, nullptr);
    EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
    EXPECT_TRUE(index->etag.starts_with('"') && index->etag.ends_with('"'));
    EXPECT_EQ(FindWebAsset("nope.html"), nullptr);
    EXPECT_EQ(FindWebAsset("/index.html"), nullptr);
}

TEST_F(WebRoutesTest, RootIsIndexHtmlRevalidatedWithSecurityHeaders) {
    const Response res = Call(Method::kGet, "/");
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.route, "/");
    EXPECT_EQ(res.body, FindWebAsset("index.html")->body);
    EXPECT_EQ(HeaderOf(res, "Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(HeaderOf(res, "Cache-Control"), "no-cache");
    EXPECT_EQ(HeaderOf(res, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(HeaderOf(res, "Referrer-Policy"), "same-origin");
    const std::string csp = HeaderOf(res, "Content-Security-Policy");
    EXPECT_TRUE(csp.starts_with("default-src 'self'; script-src 'self'; style-src 'self';")) << csp;
    EXPECT_EQ(csp.find("unsafe"), std::string::npos) << csp;
}

TEST_F(WebRoutesTest, HashedAssetsAreCachedForAYearAndUnknownOnesAre404) {
    const WebAsset* asset = AnyHashedAsset();
    if (asset == nullptr) GTEST_SKIP() << "built without the web UI (RT_WEB_UI=OFF)";
    const Response res = Call(Method::kGet, "/" + std::string(asset->path));
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.route, "/assets/{file}");
    EXPECT_EQ(res.body, asset->body);
    EXPECT_EQ(HeaderOf(res, "Content-Type"), asset->content_type);
    EXPECT_EQ(HeaderOf(res, "Cache-Control"), "public, max-age=31536000, immutable");
    EXPECT_EQ(HeaderOf(res, "ETag"), asset->etag);

    for (const char* path : {"/assets/nope.js", "/assets/sub/nope.js"}) {
        const Response missing = Call(Method::kGet, path);
        EXPECT_EQ(missing.status, 404) << path;
        EXPECT_EQ(HeaderOf(missing, "Content-Type"), "application/problem+json") << path;
    }
}

TEST_F(WebRoutesTest, TheAppsOwnPathsLoadIndexHtml) {
    for (const char* path : {"/login", "/invite/tok_123", "/dashboard", "/dashboard/partners/prt_1", "/portal/links",
                             "/somewhere/else", "/index.html", "/apix", "/rx", "/metrics2"}) {
        const Response res = Call(Method::kGet, path);
        EXPECT_EQ(res.status, 200) << path;
        EXPECT_EQ(res.body, FindWebAsset("index.html")->body) << path;
        EXPECT_EQ(HeaderOf(res, "Cache-Control"), "no-cache") << path;
        EXPECT_FALSE(HeaderOf(res, "Content-Security-Policy").empty()) << path;
        EXPECT_EQ(res.route, "(web app)") << path;
    }
    EXPECT_EQ(Call(Method::kHead, "/dashboard").status, 200);
}

TEST_F(WebRoutesTest, TopLevelFilesAreServedByName) {
    for (const auto& asset : WebAssets()) {
        if (asset.path.find('/') != std::string_view::npos || asset.path == "index.html") continue;
        const Response res = Call(Method::kGet, "/" + std::string(asset.path));
        EXPECT_EQ(res.status, 200) << asset.path;
        EXPECT_EQ(res.body, asset.body) << asset.path;
        EXPECT_EQ(HeaderOf(res, "Content-Type"), asset.content_type) << asset.path;
    }
}

TEST_F(WebRoutesTest, NeverShadowsTheApiTheRedirectOrTheOperationalEndpoints) {
    for (const char* path : {"/api/v1/nope", "/api/v1/links/a/b", "/api", "/api/", "/r/", "/r", "/r/a/b", "/healthz/",
                             "/readyz/x", "/readyz", "/metrics"}) {
        const Response res = Call(Method::kGet, path);
        EXPECT_EQ(res.status, 404) << path;
        EXPECT_EQ(HeaderOf(res, "Content-Type"), "application/problem+json") << path;
        EXPECT_TRUE(res.route.empty()) << path;
    }
    EXPECT_EQ(Call(Method::kGet, "/api/v1/links/lnk_1").body, "route");
    EXPECT_EQ(Call(Method::kGet, "/r/ada").body, "route");
    EXPECT_EQ(Call(Method::kGet, "/healthz").body, "route");
}

TEST_F(WebRoutesTest, OtherMethodsPassThrough) {
    EXPECT_EQ(Call(Method::kPost, "/dashboard").status, 404);
    EXPECT_EQ(Call(Method::kDelete, "/login").status, 404);
    const Response wrong_method = Call(Method::kPost, "/");
    EXPECT_EQ(wrong_method.status, 405);
    EXPECT_EQ(HeaderOf(wrong_method, "Allow"), "GET, HEAD");
}

TEST_F(WebRoutesTest, ACurrentETagAnswers304WithoutABody) {
    const std::string etag(FindWebAsset("index.html")->etag);
    for (const std::string& wanted : {etag, "\"other\", " + etag, "W/" + etag, std::string("*")}) {
        for (const char* path : {"/", "/dashboard"}) {
            const Response res = Call(Method::kGet, path, {{"if-none-match", wanted}});
            EXPECT_EQ(res.status, 304) << path << " " << wanted;
            EXPECT_TRUE(res.body.empty());
            EXPECT_EQ(HeaderOf(res, "ETag"), etag);
        }
    }
    EXPECT_EQ(Call(Method::kGet, "/", {{"if-none-match", "\"stale\""}}).status, 200);
}

}  // namespace
}  // namespace rt::http
