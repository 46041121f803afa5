#include "http/router.hpp"

#include <gtest/gtest.h>

#include <future>
#include <thread>
#include <vector>

namespace rt::http {
namespace {

// Dispatches and waits for the answer.
Response Call(const Router& router, Method method, std::string path) {
    std::promise<Response> answer;
    Request req;
    req.method = method;
    req.path = std::move(path);
    router.Dispatch(std::move(req), [&answer](Response r) { answer.set_value(std::move(r)); });
    return answer.get_future().get();
}

class RouterTest : public ::testing::Test {
  protected:
    RouterTest() {
        router_.Add(Method::kGet, "/api/v1/links/{id}", [](const Request&, const PathParams& p) {
            Response r;
            r.body = "link " + p.Get("id");
            return r;
        });
        router_.Add(Method::kPatch, "/api/v1/links/{id}", [](const Request&, const PathParams&) { return Response{}; });
        router_.Add(Method::kGet, "/api/v1/links", [](const Request&, const PathParams&) {
            Response r;
            r.body = "list";
            return r;
        });
    }
    WorkerPool pool_{2, 16};
    Router router_{pool_};
};

TEST_F(RouterTest, MatchesPatternsAndDecodesParameters) {
    auto r = Call(router_, Method::kGet, "/api/v1/links/lnk%5F1");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "link lnk_1");
    EXPECT_EQ(r.route, "/api/v1/links/{id}");
    EXPECT_EQ(Call(router_, Method::kGet, "/api/v1/links").body, "list");
}

TEST_F(RouterTest, HeadIsServedByGet) { EXPECT_EQ(Call(router_, Method::kHead, "/api/v1/links/x").body, "link x"); }

TEST_F(RouterTest, UnknownPathIs404AndOtherMethodIs405WithAllow) {
    const struct {
        Method method;
        const char* path;
        int status;
    } cases[] = {
        {Method::kGet, "/api/v1/linkz", 404},      {Method::kGet, "/api/v1/links/a/b", 404},
        {Method::kGet, "/api/v1/links/", 404},     {Method::kGet, "/api/v1/links/%zz", 404},
        {Method::kDelete, "/api/v1/links/x", 405}, {Method::kPost, "/api/v1/links/x", 405},
    };
    for (const auto& c : cases) {
        auto r = Call(router_, c.method, c.path);
        EXPECT_EQ(r.status, c.status) << c.path;
        if (c.status == 405) {
            bool has_allow = false;
            for (const auto& h : r.headers) has_allow |= h.name == "Allow" && h.value == "GET, HEAD, PATCH";
            EXPECT_TRUE(has_allow) << c.path;
        }
    }
}

TEST_F(RouterTest, FullQueueAnswers503) {
    WorkerPool tiny(1, 1);
    Router router(tiny);
    std::promise<void> release;
    auto gate = release.get_future().share();
    router.Add(Method::kGet, "/slow", [gate](const Request&, const PathParams&) {
        gate.wait();
        return Response{};
    });
    std::vector<std::future<Response>> answers;
    std::vector<std::shared_ptr<std::promise<Response>>> promises;
    for (int i = 0; i < 3; ++i) {  // one running, one queued, one refused
        auto p = std::make_shared<std::promise<Response>>();
        answers.push_back(p->get_future());
        Request req;
        req.path = "/slow";
        router.Dispatch(std::move(req), [p](Response r) { p->set_value(std::move(r)); });
        promises.push_back(p);
        if (i == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the first start
    }
    EXPECT_EQ(answers[2].get().status, 503);
    release.set_value();
    EXPECT_EQ(answers[0].get().status, 200);
    EXPECT_EQ(answers[1].get().status, 200);
}

// An async route runs on the dispatching thread, never takes a worker, and may answer later from
// another thread; HEAD reaches it like a GET route.
TEST(RouterAsync, RunsOnTheCallingThreadAndAnswersFromAnyThread) {
    WorkerPool busy(1, 0);  // no room at all: a blocking route would answer 503
    Router router(busy);
    std::thread::id ran_on;
    std::vector<std::thread> later;
    router.AddAsync(Method::kGet, "/r/{code}", [&](const Request& req, const PathParams& p, Responder respond) {
        ran_on = std::this_thread::get_id();
        Response r;
        r.status = 302;
        r.body = p.Get("code") + (req.method == Method::kHead ? " head" : "");
        later.emplace_back([respond, r]() mutable { respond(std::move(r)); });
    });
    for (Method m : {Method::kGet, Method::kHead}) {
        std::promise<Response> answer;
        Request req;
        req.method = m;
        req.path = "/r/Spring%2DSale";
        router.Dispatch(std::move(req), [&answer](Response r) { answer.set_value(std::move(r)); });
        EXPECT_EQ(ran_on, std::this_thread::get_id());
        auto r = answer.get_future().get();
        EXPECT_EQ(r.status, 302);
        EXPECT_EQ(r.body, m == Method::kHead ? "Spring-Sale head" : "Spring-Sale");
        EXPECT_EQ(r.route, "/r/{code}");
    }
    for (auto& t : later) t.join();
    EXPECT_EQ(Call(router, Method::kPost, "/r/x").status, 405);
}

// A blocking route's fast path runs first, on the dispatching thread; what it declines goes to the pool.
TEST(RouterFastPath, TakesWhatItCanAnswerAndLeavesTheRestToTheBlockingHandler) {
    WorkerPool pool(1, 4);
    Router router(pool);
    std::thread::id fast_ran_on;
    std::thread::id blocking_ran_on;
    router.Add(
        Method::kPost, "/api/v1/things/{id}",
        [&](const Request&, const PathParams& p) {
            blocking_ran_on = std::this_thread::get_id();
            Response r;
            r.body = "pool " + p.Get("id");
            return r;
        },
        [&](const Request&, const PathParams& p, const Responder& respond) {
            fast_ran_on = std::this_thread::get_id();
            if (p.Get("id") != "quick") return false;
            Response r;
            r.status = 201;
            r.body = "fast";
            respond(std::move(r));
            return true;
        });
    const auto quick = Call(router, Method::kPost, "/api/v1/things/quick");
    EXPECT_EQ(quick.status, 201);
    EXPECT_EQ(quick.body, "fast");
    EXPECT_EQ(quick.route, "/api/v1/things/{id}");
    EXPECT_EQ(fast_ran_on, std::this_thread::get_id());
    EXPECT_EQ(blocking_ran_on, std::thread::id());  // never ran

    const auto slow = Call(router, Method::kPost, "/api/v1/things/slow");
    EXPECT_EQ(slow.status, 200);
    EXPECT_EQ(slow.body, "pool slow");
    EXPECT_EQ(slow.route, "/api/v1/things/{id}");
    EXPECT_NE(blocking_ran_on, std::thread::id());
    EXPECT_NE(blocking_ran_on, std::this_thread::get_id());
}

TEST(ParseQuery, DecodesPairsInOrder) {
    auto q = ParseQuery("limit=10&starting_after=prt_1&name=a+b%21&empty=&=skip&bad=%zz");
    ASSERT_EQ(q.size(), 4u);
    EXPECT_EQ(q[0], (std::pair<std::string, std::string>{"limit", "10"}));
    EXPECT_EQ(q[2], (std::pair<std::string, std::string>{"name", "a b!"}));
    EXPECT_EQ(q[3], (std::pair<std::string, std::string>{"empty", ""}));
}

}  // namespace
}  // namespace rt::http
