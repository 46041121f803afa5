#include "http/server.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "core/burst.hpp"
#include "http/access_log.hpp"
#include "http/server_test_fixture.hpp"
#include "support/http_client.hpp"

namespace rt::http::testing {
namespace {

using rt::testing::Fetch;
using rt::testing::HttpClient;
using rt::testing::RawConnection;

class ServerProtocolTest : public ServerTest {};

void ExpectProblem(const rt::testing::TestResponse& res, int status) {
    EXPECT_EQ(res.status, status);
    EXPECT_EQ(res.Header("content-type"), "application/problem+json");
    const auto body = nlohmann::json::parse(res.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << res.body;
    EXPECT_EQ(body.value("status", 0), status);
}

// The status code of the first response in raw bytes ("HTTP/1.1 413 ..."), 0 when there is none.
int RawStatus(const std::string& bytes) {
    if (bytes.rfind("HTTP/1.1 ", 0) != 0 || bytes.size() < 12) return 0;
    return std::stoi(bytes.substr(9, 3));
}

TEST_P(ServerProtocolTest, GetIsAnswered) {
    StartServer(EchoHandler());
    const auto res = Fetch(port(), "GET", "/hello?x=1");
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.body, "GET /hello x=1 ");
    EXPECT_EQ(res.Header("content-type"), "text/plain");
    EXPECT_EQ(res.Header("content-length"), std::to_string(res.body.size()));
}

TEST_P(ServerProtocolTest, PostBodyAndHeadersReachTheHandler) {
    Mailbox<Request> seen;
    StartServer([&](Request req, Responder respond) {
        seen.Put(req);
        respond(TextResponse(201, "created"));
    });
    const auto res = Fetch(port(), "POST", "/items", {{"X-Custom-Thing", "Value"}}, R"({"a":1})");
    EXPECT_EQ(res.status, 201);
    const Request req = seen.Take();
    EXPECT_EQ(req.method, Method::kPost);
    EXPECT_EQ(req.target, "/items");
    EXPECT_EQ(req.body, R"({"a":1})");
    EXPECT_EQ(req.HeaderValue("x-custom-thing").value_or(""), "Value");
    EXPECT_EQ(req.remote_ip, "127.0.0.1");
    for (const auto& h : req.headers) EXPECT_TRUE(std::none_of(h.name.begin(), h.name.end(), ::isupper)) << h.name;
}

TEST_P(ServerProtocolTest, KeepAliveServesThreeRequestsOnOneConnection) {
    StartServer(EchoHandler());
    HttpClient client(port());
    for (int i = 0; i < 3; ++i) {
        const auto res = client.Send("GET", "/n/" + std::to_string(i));
        EXPECT_EQ(res.status, 200);
        EXPECT_EQ(res.body, "GET /n/" + std::to_string(i) + "  ");
        EXPECT_NE(res.Header("connection"), "close");
    }
}

TEST_P(ServerProtocolTest, ConnectionCloseIsHonoured) {
    StartServer(EchoHandler());
    HttpClient client(port());
    const auto res = client.Send("GET", "/", {{"Connection", "close"}});
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.Header("connection"), "close");
    EXPECT_TRUE(client.WaitForClose(10s));
}

TEST_P(ServerProtocolTest, HandlerMayAnswerFromAnotherThreadLater) {
    StartServer([this](Request req, Responder respond) {
        background_.Run([respond, path = req.path] {
            std::this_thread::sleep_for(100ms);
            respond(TextResponse(202, "late " + path));
        });
    });
    HttpClient client(port());
    EXPECT_EQ(client.Send("GET", "/a").body, "late /a");
    const auto second = client.Send("GET", "/b");
    EXPECT_EQ(second.status, 202);
    EXPECT_EQ(second.body, "late /b");
}

TEST_P(ServerProtocolTest, ManyClientsWithAnswersFromOtherThreads) {
    StartServer([this](Request req, Responder respond) {
        background_.Run([respond, path = req.path] { respond(TextResponse(200, path)); });
    });
    std::vector<std::thread> clients;
    std::atomic<int> ok{0};
    for (int c = 0; c < 4; ++c) {
        clients.emplace_back([&, c] {
            HttpClient client(port());
            for (int i = 0; i < 25; ++i) {
                const std::string path = "/c" + std::to_string(c) + "/" + std::to_string(i);
                if (client.Send("GET", path).body == path) ++ok;
            }
        });
    }
    for (auto& t : clients) t.join();
    EXPECT_EQ(ok, 100);
}

// A writer answers a commit's requests inside a core::Burst: none leaves before the burst ends, then all do.
TEST_P(ServerProtocolTest, AnswersGivenInABurstLeaveTogetherWhenItEnds) {
    Mailbox<Responder> responders;
    StartServer([&](Request, Responder respond) { responders.Put(std::move(respond)); });
    std::vector<std::unique_ptr<RawConnection>> connections;
    for (int i = 0; i < 3; ++i) {
        connections.push_back(std::make_unique<RawConnection>(port()));
        connections.back()->Write("GET /" + std::to_string(i) + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    }
    std::vector<Responder> held;
    for (int i = 0; i < 3; ++i) held.push_back(responders.Take());
    {
        core::Burst burst;
        for (std::size_t i = 0; i < held.size(); ++i) held[i](TextResponse(200, "answer " + std::to_string(i)));
        for (auto& c : connections) EXPECT_EQ(c->ReadUntilClose(150ms), "") << "an answer left before the burst ended";
    }
    for (auto& c : connections) {
        const auto bytes = c->ReadUntilClose();
        EXPECT_EQ(RawStatus(bytes), 200) << bytes;
        EXPECT_NE(bytes.find("answer "), std::string::npos) << bytes;
    }
}

TEST_P(ServerProtocolTest, HeadHasTheGetHeadersAndNoBody) {
    StartServer(EchoHandler());
    HttpClient client(port());
    const auto get = client.Send("GET", "/doc");
    const auto head = client.Send("HEAD", "/doc");
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.body, "");
    EXPECT_EQ(head.Header("content-length"), std::to_string(get.body.size() + 1));  // "HEAD" is one letter longer
    EXPECT_EQ(head.Header("content-type"), "text/plain");
    // No stray body bytes: the next response on the connection parses.
    EXPECT_EQ(client.Send("GET", "/after").body, "GET /after  ");
}

TEST_P(ServerProtocolTest, HeadBodyIsNotSentOnTheWire) {
    StartServer(EchoHandler());
    RawConnection raw(port());
    raw.Write("HEAD /doc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const std::string bytes = raw.ReadUntilClose();
    EXPECT_EQ(RawStatus(bytes), 200);
    EXPECT_NE(bytes.find("Content-Length: 11\r\n"), std::string::npos) << bytes;  // "HEAD /doc  "
    EXPECT_EQ(bytes.substr(bytes.size() - 4), "\r\n\r\n") << bytes;
}

// The bytes of a response: the status line with its reason phrase, the handler's headers, the transport's.
TEST_P(ServerProtocolTest, ResponseHeadOnTheWire) {
    StartServer([](Request, Responder respond) {
        Response res = TextResponse(302, "");
        res.SetHeader("Location", "https://shop.example.com/p?x=1");
        res.SetHeader("Set-Cookie", "rt_vid=v; Max-Age=60; Path=/; HttpOnly; SameSite=Lax");
        respond(std::move(res));
    });
    RawConnection raw(port());
    raw.Write("GET /r/abc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const std::string bytes = raw.ReadUntilClose();
    EXPECT_EQ(bytes.rfind("HTTP/1.1 302 Found\r\n", 0), 0u) << bytes;
    EXPECT_NE(bytes.find("\r\nLocation: https://shop.example.com/p?x=1\r\n"), std::string::npos) << bytes;
    EXPECT_NE(bytes.find("\r\nSet-Cookie: rt_vid=v; Max-Age=60; Path=/; HttpOnly; SameSite=Lax\r\n"),
              std::string::npos);
    EXPECT_NE(bytes.find("\r\nConnection: close\r\n"), std::string::npos) << bytes;
    EXPECT_NE(bytes.find("\r\nContent-Length: 0\r\n"), std::string::npos) << bytes;
    EXPECT_EQ(bytes.substr(bytes.size() - 4), "\r\n\r\n") << bytes;
    EXPECT_TRUE(raw.closed());
}

// 204 and 304 carry neither a body nor a Content-Length (RFC 9110 8.6), even when the handler gave a body.
TEST_P(ServerProtocolTest, NoContentHasNoLengthAndNoBody) {
    StartServer(
        [](Request req, Responder respond) { respond(TextResponse(req.path == "/304" ? 304 : 204, "ignored")); });
    for (const std::string path : {"/204", "/304"}) {
        RawConnection raw(port());
        raw.Write("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        const std::string bytes = raw.ReadUntilClose();
        EXPECT_EQ(RawStatus(bytes), path == "/304" ? 304 : 204) << bytes;
        EXPECT_EQ(bytes.find("Content-Length"), std::string::npos) << bytes;
        EXPECT_EQ(bytes.find("ignored"), std::string::npos) << bytes;
        EXPECT_EQ(bytes.substr(bytes.size() - 4), "\r\n\r\n") << bytes;
    }
}

// An HTTP/1.0 client is answered in HTTP/1.0: the connection stays open only when it asks for keep-alive.
TEST_P(ServerProtocolTest, Http10KeepsTheConnectionOnlyWhenAsked) {
    StartServer(EchoHandler());
    RawConnection raw(port());
    raw.Write("GET /one HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /two HTTP/1.0\r\n\r\n");
    const std::string bytes = raw.ReadUntilClose();
    ASSERT_EQ(bytes.rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << bytes;
    const std::size_t second = bytes.find("HTTP/1.0 200 OK\r\n", 1);
    ASSERT_NE(second, std::string::npos) << bytes;
    const std::string first_response = bytes.substr(0, second);
    const std::string second_response = bytes.substr(second);
    EXPECT_NE(first_response.find("\r\nConnection: keep-alive\r\n"), std::string::npos) << bytes;
    EXPECT_NE(first_response.find("GET /one"), std::string::npos) << bytes;
    EXPECT_EQ(second_response.find("Connection:"), std::string::npos) << bytes;  // 1.0 closes by default
    EXPECT_NE(second_response.find("GET /two"), std::string::npos) << bytes;
    EXPECT_TRUE(raw.closed());
}

TEST_P(ServerProtocolTest, TransportSetsContentLengthAndConnection) {
    StartServer([](Request, Responder respond) {
        Response res = TextResponse(200, "abc");
        res.SetHeader("Content-Length", "999");
        res.SetHeader("Connection", "upgrade");
        res.SetHeader("X-Split", "a\r\nInjected: yes");
        res.SetHeader("TRANSFER-ENCODING", "chunked");
        res.SetHeader("Keep-Alive", "timeout=999");
        res.SetHeader("X-Lf", "a\nInjected-Lf: yes");
        res.SetHeader("X-Nul", std::string("a\0b", 3));
        res.SetHeader("X-Colon:Injected-Name", "yes");
        res.SetHeader("X-Kept", "a value, with: punctuation");
        res.SetHeader("X-Padded", " \tpadded value\t ");
        respond(std::move(res));
    });
    const auto res = Fetch(port(), "GET", "/");
    EXPECT_EQ(res.body, "abc");
    EXPECT_EQ(res.Header("content-length"), "3");
    EXPECT_EQ(res.headers.count("content-length"), 1u);
    EXPECT_NE(res.Header("connection"), "upgrade");
    EXPECT_FALSE(res.HasHeader("injected"));
    EXPECT_FALSE(res.HasHeader("x-split"));
    EXPECT_FALSE(res.HasHeader("transfer-encoding"));
    EXPECT_NE(res.Header("keep-alive"), "timeout=999");
    EXPECT_FALSE(res.HasHeader("x-lf"));
    EXPECT_FALSE(res.HasHeader("injected-lf"));
    EXPECT_FALSE(res.HasHeader("x-nul"));
    EXPECT_FALSE(res.HasHeader("x-colon"));
    EXPECT_EQ(res.Header("x-kept"), "a value, with: punctuation");
    EXPECT_EQ(res.Header("x-padded"), "padded value");
}

TEST_P(ServerProtocolTest, BodyOverLimitIs413AndCloses) {
    std::atomic<int> calls{0};
    ServerOptions options;
    options.body_limit_bytes = 1024;
    StartServer(
        [&](Request req, Responder respond) {
            ++calls;
            respond(TextResponse(200, std::to_string(req.body.size())));
        },
        options);
    EXPECT_EQ(Fetch(port(), "POST", "/upload", {}, std::string(1024, 'a')).body, "1024");

    HttpClient client(port());
    const auto res = client.Send("POST", "/upload", {}, std::string(4096, 'a'));
    ExpectProblem(res, 413);
    EXPECT_EQ(res.Header("connection"), "close");
    EXPECT_TRUE(client.WaitForClose(10s));
    EXPECT_EQ(calls, 1);
}

TEST_P(ServerProtocolTest, ChunkedBodyOverLimitIs413) {
    ServerOptions options;
    options.body_limit_bytes = 1024;
    StartServer(EchoHandler(), options);
    RawConnection raw(port());
    raw.Write("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" + std::string(2048, 'b') +
              "\r\n0\r\n\r\n");
    const std::string bytes = raw.ReadUntilClose();
    EXPECT_EQ(RawStatus(bytes), 413) << bytes;
    EXPECT_TRUE(raw.closed());
}

TEST_P(ServerProtocolTest, MalformedRequestIs400AndCloses) {
    StartServer(EchoHandler());
    RawConnection raw(port());
    raw.Write("THIS IS NOT HTTP\r\n\r\n");
    const std::string bytes = raw.ReadUntilClose();
    EXPECT_EQ(RawStatus(bytes), 400) << bytes;
    EXPECT_NE(bytes.find("application/problem+json"), std::string::npos);
    EXPECT_NE(bytes.find("Connection: close"), std::string::npos);
    EXPECT_TRUE(raw.closed());
}

TEST_P(ServerProtocolTest, HeaderOverLimitIs431) {
    ServerOptions options;
    options.header_limit_bytes = 1024;
    StartServer(EchoHandler(), options);
    HttpClient client(port());
    const auto res = client.Send("GET", "/", {{"X-Big", std::string(4000, 'h')}});
    ExpectProblem(res, 431);
    EXPECT_TRUE(client.WaitForClose(10s));
}

TEST_P(ServerProtocolTest, PipelinedRequestsAreAnsweredInOrder) {
    StartServer(EchoHandler());
    RawConnection raw(port());
    raw.Write("GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const std::string bytes = raw.ReadUntilClose();
    const auto one = bytes.find("GET /one");
    const auto two = bytes.find("GET /two");
    ASSERT_NE(one, std::string::npos) << bytes;
    ASSERT_NE(two, std::string::npos) << bytes;
    EXPECT_LT(one, two);
    EXPECT_TRUE(raw.closed());
}

TEST_P(ServerProtocolTest, ExpectContinueGetsInterimResponse) {
    StartServer(EchoHandler());
    RawConnection raw(port());
    raw.Write("POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(raw.ReadUntilClose(1s).rfind("HTTP/1.1 100 Continue\r\n\r\n", 0), 0u);
    raw.Write("hello");
    const std::string bytes = raw.ReadUntilClose();
    EXPECT_EQ(RawStatus(bytes), 200) << bytes;
    EXPECT_NE(bytes.find("POST /e  hello"), std::string::npos) << bytes;
}

TEST_P(ServerProtocolTest, HandlerThatThrowsGets500) {
    StartServer([](Request, Responder) { throw std::runtime_error("boom"); });
    ExpectProblem(Fetch(port(), "GET", "/"), 500);
}

TEST_P(ServerProtocolTest, ResponderDroppedUnansweredGets500) {
    StartServer([](Request, Responder) {});
    ExpectProblem(Fetch(port(), "GET", "/"), 500);
}

TEST_P(ServerProtocolTest, SecondAnswerIsIgnored) {
    StartServer([](Request, Responder respond) {
        respond(TextResponse(200, "first"));
        respond(TextResponse(500, "second"));
    });
    HttpClient client(port());
    EXPECT_EQ(client.Send("GET", "/").body, "first");
    EXPECT_EQ(client.Send("GET", "/").body, "first");
    EXPECT_FALSE(client.WaitForClose(200ms));
}

TEST_P(ServerProtocolTest, ObserverSeesEachRequestWithoutQuery) {
    StartServer(EchoHandler());
    Fetch(port(), "GET", "/obs/path?secret=1");
    const SeenRequest seen = access_.Take();
    EXPECT_EQ(seen.method, Method::kGet);
    EXPECT_EQ(seen.path, "/obs/path");
    EXPECT_EQ(seen.route, "/test");
    EXPECT_EQ(seen.status, 200);
    EXPECT_EQ(seen.body_bytes, std::string("GET /obs/path secret=1 ").size());

    RawConnection raw(port());
    raw.Write("NOT HTTP\r\n\r\n");
    raw.ReadUntilClose();
    const SeenRequest bad = access_.Take();
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.route, "");
}

TEST(AccessLogTest, LineHasKeyValuesAndNoQuery) {
    const AccessRecord record{
        Method::kPost, "/api/v1/links", "/api/v1/links", 201, 57, std::chrono::microseconds(1500)};
    EXPECT_EQ(
        FormatAccessLine(record),
        "event=http_request method=POST path=/api/v1/links route=/api/v1/links status=201 bytes=57 latency_ms=1.500");
    const AccessRecord bad{Method::kOther, "", "", 400, 10, {}};
    EXPECT_EQ(FormatAccessLine(bad),
              "event=http_request method=OTHER path=- route=- status=400 bytes=10 latency_ms=0.000");
}

TEST(AccessLogTest, LatencyIsInMillisecondsRoundedToTheMicrosecond) {
    auto latency_of = [](std::chrono::nanoseconds latency) {
        const auto line = FormatAccessLine({Method::kGet, "/r/x", "/r/{code}", 302, 0, latency});
        return line.substr(line.find("latency_ms=") + 11);
    };
    EXPECT_EQ(latency_of(std::chrono::nanoseconds(1'234'567)), "1.235");
    EXPECT_EQ(latency_of(std::chrono::nanoseconds(1'234'499)), "1.234");
    EXPECT_EQ(latency_of(std::chrono::nanoseconds(999)), "0.001");
    EXPECT_EQ(latency_of(std::chrono::nanoseconds(499)), "0.000");
    EXPECT_EQ(latency_of(std::chrono::nanoseconds(42'000'000)), "42.000");
    EXPECT_EQ(latency_of(std::chrono::nanoseconds(1'999'999'600)), "2000.000");
    EXPECT_EQ(latency_of(std::chrono::nanoseconds(-5)), "0.000") << "a clock that stepped back";
}

INSTANTIATE_TEST_SUITE_P(IoThreads, ServerProtocolTest, ::testing::Values(1, 2),
                         [](const auto& info) { return "threads" + std::to_string(info.param); });

}  // namespace
}  // namespace rt::http::testing
