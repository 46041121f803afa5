#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "http/server.hpp"

// Shared by server_test.cpp and server_lifecycle_test.cpp: a Server on 127.0.0.1:0 running on its own
// thread, parameterised by the number of I/O threads (every test runs with 1 and 2).
namespace rt::http::testing {

using namespace std::chrono_literals;

// Threads that answer requests later, joined on destruction.
class Background {
  public:
    ~Background() { JoinAll(); }
    void Run(std::function<void()> task) {
        std::lock_guard lock(mu_);
        threads_.emplace_back(std::move(task));
    }
    void JoinAll() {
        std::vector<std::thread> threads;
        {
            std::lock_guard lock(mu_);
            threads.swap(threads_);
        }
        for (auto& t : threads) t.join();
    }

  private:
    std::mutex mu_;
    std::vector<std::thread> threads_;
};

// A value one thread hands to another, with a bounded wait so a broken server fails the test.
template <class T>
class Mailbox {
  public:
    void Put(T value) {
        std::lock_guard lock(mu_);
        values_.push_back(std::move(value));
        cv_.notify_all();
    }
    // The oldest value; fails the test when none arrives within 10 s.
    T Take() {
        std::unique_lock lock(mu_);
        const bool arrived = cv_.wait_for(lock, 10s, [&] { return !values_.empty(); });
        EXPECT_TRUE(arrived) << "nothing arrived in the mailbox";
        if (!arrived) return T{};
        T value = std::move(values_.front());
        values_.erase(values_.begin());
        return value;
    }
    std::size_t size() {
        std::lock_guard lock(mu_);
        return values_.size();
    }

  private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<T> values_;
};

struct SeenRequest {
    Method method = Method::kOther;
    std::string path;
    int status = 0;
    std::string route;
    std::size_t body_bytes = 0;
};

class ServerTest : public ::testing::TestWithParam<std::size_t> {
  protected:
    void TearDown() override {
        StopServer();
        background_.JoinAll();
    }

    // Starts `handler` on 127.0.0.1:0 with `options` (host, port, signals and io_threads overridden).
    void StartServer(Handler handler, ServerOptions options = {}) {
        options.host = "127.0.0.1";
        options.port = 0;
        options.handle_signals = false;
        options.io_threads = GetParam();
        server_ = std::make_unique<Server>(options, std::move(handler), [this](const AccessRecord& r) {
            access_.Put({r.method, std::string(r.path), r.status, std::string(r.route), r.body_bytes});
        });
        auto started = server_->Start();
        ASSERT_TRUE(started.has_value()) << started.error().message();
        thread_ = std::thread([this] {
            server_->Run();
            run_returned_ = true;
        });
    }

    // Stops the server and waits for Run() to return.
    void StopServer() {
        if (!server_) return;
        server_->Stop();
        if (thread_.joinable()) thread_.join();
    }

    std::uint16_t port() const { return server_->port(); }

    std::unique_ptr<Server> server_;
    std::thread thread_;
    std::atomic<bool> run_returned_{false};
    Mailbox<SeenRequest> access_;
    Background background_;
};

inline Response TextResponse(int status, std::string body, std::string route = "/test") {
    Response res;
    res.status = status;
    res.SetHeader("Content-Type", "text/plain");
    res.body = std::move(body);
    res.route = std::move(route);
    return res;
}

// Answers on the I/O thread with "<METHOD> <path> <query> <body>".
inline Handler EchoHandler() {
    return [](Request req, Responder respond) {
        respond(
            TextResponse(200, std::string(ToString(req.method)) + " " + req.path + " " + req.query + " " + req.body));
    };
}

}  // namespace rt::http::testing
