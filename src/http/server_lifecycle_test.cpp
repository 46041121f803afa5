#include <gtest/gtest.h>

#include <csignal>
#include <functional>

#include "core/burst.hpp"
#include "http/server.hpp"
#include "http/server_test_fixture.hpp"
#include "support/http_client.hpp"

// Timeouts, graceful stop and the lifetime of Responders.
namespace rt::http::testing {
namespace {

using rt::testing::Fetch;
using rt::testing::HttpClient;
using rt::testing::RawConnection;
using rt::testing::TestResponse;

class ServerLifecycleTest : public ServerTest {
  protected:
    // Holds requests to "/slow" (their Responders go to held_); echoes everything else.
    Handler HoldingHandler() {
        return [this](Request req, Responder respond) {
            if (req.path == "/slow") return held_.Put(std::move(respond));
            respond(TextResponse(200, "quick"));
        };
    }
    // Fetches on a background thread; the response (status -1 on failure) goes to fetched_.
    void FetchInBackground(std::string target) {
        background_.Run([this, target] {
            try {
                fetched_.Put(Fetch(port(), "GET", target));
            } catch (const std::exception&) {
                fetched_.Put(TestResponse{.status = -1});
            }
        });
    }

    // Two requests held when the server stops with a 200 ms grace: the first connection is force-closed.
    // `answer(server_reset)` then answers the first after Run returned and the second after the server is
    // destroyed (it calls server_reset between them); neither connection gets a byte.
    void ExpectLateAnswersIgnored(
        const std::function<void(Responder&, Responder&, const std::function<void()>&)>& answer) {
        ServerOptions options;
        options.shutdown_grace = 200ms;
        StartServer(HoldingHandler(), options);
        RawConnection first(port());
        first.Write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        Responder answer_after_run = held_.Take();
        RawConnection second(port());
        second.Write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        Responder answer_after_destruction = held_.Take();

        server_->Stop();
        thread_.join();
        EXPECT_EQ(first.ReadUntilClose(10s), "");
        EXPECT_TRUE(first.closed());
        answer(answer_after_run, answer_after_destruction, [this] { server_.reset(); });
        EXPECT_EQ(second.ReadUntilClose(10s), "");
    }

    Mailbox<Responder> held_;
    Mailbox<TestResponse> fetched_;
};

TEST_P(ServerLifecycleTest, SlowClientIsCutAfterHeaderTimeout) {
    ServerOptions options;
    options.header_timeout = 300ms;
    StartServer(HoldingHandler(), options);
    RawConnection raw(port());
    raw.Write("GET /quick HTTP/1.1\r\nHo");
    EXPECT_EQ(raw.ReadUntilClose(10s), "");
    EXPECT_TRUE(raw.closed());
}

// A kept-alive connection waits under the (long) idle timeout; the next request's head, once begun, must
// still arrive within the (short) header timeout: a deadline that moves earlier is kept.
TEST_P(ServerLifecycleTest, StalledSecondRequestIsCutAfterHeaderTimeoutNotIdleTimeout) {
    ServerOptions options;
    options.header_timeout = 300ms;
    options.idle_timeout = 60s;
    StartServer(HoldingHandler(), options);
    RawConnection raw(port());
    raw.Write("GET /quick HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(raw.ReadUntilClose(800ms).rfind("HTTP/1.1 200 ", 0), 0u);  // past the first header deadline, still open
    ASSERT_FALSE(raw.closed());
    raw.Write("GET /quick HTTP/1.1\r\nHo");
    EXPECT_EQ(raw.ReadUntilClose(10s), "");
    EXPECT_TRUE(raw.closed());
}

TEST_P(ServerLifecycleTest, SilentNewConnectionIsCutAfterHeaderTimeout) {
    ServerOptions options;
    options.header_timeout = 300ms;
    StartServer(HoldingHandler(), options);
    RawConnection raw(port());
    EXPECT_EQ(raw.ReadUntilClose(10s), "");
    EXPECT_TRUE(raw.closed());
}

TEST_P(ServerLifecycleTest, SlowBodyIsCutAfterBodyTimeout) {
    ServerOptions options;
    options.body_timeout = 300ms;
    StartServer(HoldingHandler(), options);
    RawConnection raw(port());
    raw.Write("POST /quick HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b");
    EXPECT_EQ(raw.ReadUntilClose(10s), "");
    EXPECT_TRUE(raw.closed());
}

TEST_P(ServerLifecycleTest, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
    ServerOptions options;
    options.idle_timeout = 300ms;
    StartServer(HoldingHandler(), options);
    HttpClient client(port());
    EXPECT_EQ(client.Send("GET", "/quick").status, 200);
    EXPECT_TRUE(client.WaitForClose(10s));
}

TEST_P(ServerLifecycleTest, KeepAliveConnectionStaysOpenWithinIdleTimeout) {
    StartServer(HoldingHandler());
    HttpClient client(port());
    EXPECT_EQ(client.Send("GET", "/quick").status, 200);
    EXPECT_FALSE(client.WaitForClose(500ms));
    EXPECT_EQ(client.Send("GET", "/quick").status, 200);
}

TEST_P(ServerLifecycleTest, StopAnswersInFlightRequestClosesIdleOnesThenRunReturns) {
    StartServer(HoldingHandler());
    HttpClient idle(port());
    EXPECT_EQ(idle.Send("GET", "/quick").status, 200);
    FetchInBackground("/slow");
    Responder respond = held_.Take();

    server_->Stop();
    EXPECT_TRUE(idle.WaitForClose(10s));
    EXPECT_FALSE(run_returned_) << "Run() returned with a request in flight";

    respond(TextResponse(200, "finished"));
    const TestResponse res = fetched_.Take();
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.body, "finished");
    EXPECT_EQ(res.Header("connection"), "close");
    thread_.join();
    EXPECT_TRUE(run_returned_);
}

TEST_P(ServerLifecycleTest, StopForceClosesAfterGraceAndLateAnswersAreIgnored) {
    ExpectLateAnswersIgnored([](Responder& after_run, Responder& after_destruction, const auto& destroy) {
        after_run(TextResponse(200, "too late"));
        destroy();
        after_destruction(TextResponse(200, "far too late"));
    });
}

// The same late answers given inside a core::Burst (a writer answering a commit): gathered, then dropped when
// the burst ends, the server being stopped or gone.
TEST_P(ServerLifecycleTest, LateAnswersGivenInABurstAreIgnoredToo) {
    ExpectLateAnswersIgnored([](Responder& after_run, Responder& after_destruction, const auto& destroy) {
        core::Burst burst;
        after_run(TextResponse(200, "too late"));
        destroy();
        after_destruction(TextResponse(200, "far too late"));
    });
}

TEST_P(ServerLifecycleTest, AnswerAfterClientDisconnectedIsHarmless) {
    StartServer(HoldingHandler());
    Responder respond;
    {
        RawConnection raw(port());
        raw.Write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        respond = held_.Take();
    }
    respond(TextResponse(200, "nobody listens"));
    EXPECT_EQ(Fetch(port(), "GET", "/quick").body, "quick");
}

TEST_P(ServerLifecycleTest, UnansweredResponderDroppedAfterStopDoesNotBlockShutdown) {
    StartServer(HoldingHandler());
    FetchInBackground("/slow");
    {
        Responder dropped = held_.Take();
        server_->Stop();
    }
    EXPECT_EQ(fetched_.Take().status, 500);
    thread_.join();
}

TEST_P(ServerLifecycleTest, ConnectionOverMaxConnectionsIsClosed) {
    ServerOptions options;
    options.max_connections = 1;
    StartServer(HoldingHandler(), options);
    HttpClient first(port());
    EXPECT_EQ(first.Send("GET", "/quick").status, 200);
    RawConnection second(port());
    EXPECT_EQ(second.ReadUntilClose(10s), "");
    EXPECT_TRUE(second.closed());
    first.Close();
    // The slot is free again once the first connection has gone.
    for (int attempt = 0; attempt < 100; ++attempt) {
        try {
            if (Fetch(port(), "GET", "/quick").status == 200) return;
        } catch (const std::exception&) {
            std::this_thread::sleep_for(20ms);
        }
    }
    ADD_FAILURE() << "a new connection was never served after the first one closed";
}

TEST_P(ServerLifecycleTest, StartFailsWhenTheAddressIsInUse) {
    StartServer(HoldingHandler());
    ServerOptions options;
    options.port = port();
    options.handle_signals = false;
    Server second(options, HoldingHandler());
    const auto started = second.Start();
    ASSERT_FALSE(started.has_value());
    EXPECT_EQ(started.error().code(), core::ErrorCode::kUnavailable);
    EXPECT_NE(started.error().message().find("in use"), std::string::npos) << started.error().message();
    EXPECT_EQ(started.error().message().find('\n'), std::string::npos);
}

TEST_P(ServerLifecycleTest, StopBeforeRunMakesRunReturn) {
    ServerOptions options;
    options.port = 0;
    options.handle_signals = false;
    options.io_threads = GetParam();
    Server server(options, HoldingHandler());
    ASSERT_TRUE(server.Start().has_value());
    EXPECT_NE(server.port(), 0);
    server.Stop();
    server.Run();
}

TEST_P(ServerLifecycleTest, SigtermStopsGracefully) {
    ServerOptions options;
    options.port = 0;
    options.handle_signals = true;
    options.io_threads = GetParam();
    Server server(options, HoldingHandler());
    ASSERT_TRUE(server.Start().has_value());
    std::thread runner([&] { server.Run(); });
    EXPECT_EQ(Fetch(server.port(), "GET", "/quick").status, 200);
    std::raise(SIGTERM);
    runner.join();
}

INSTANTIATE_TEST_SUITE_P(IoThreads, ServerLifecycleTest, ::testing::Values(1, 2),
                         [](const auto& info) { return "threads" + std::to_string(info.param); });

}  // namespace
}  // namespace rt::http::testing
