// Durability under a crash: the server is SIGKILLed while 8 clients follow a tracking link over keep-alive
// connections; afterwards every click id a client received in a 302 must be in the database. A 302 is sent
// only after its click's batch committed, so no acknowledged click may be lost.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <regex>
#include <thread>

#include "click_rows.hpp"
#include "e2e_fixture.hpp"
#include "support/http_client.hpp"

namespace rt::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kClients = 8;
constexpr auto kLoadBeforeKill = 2s;
constexpr int kMaxRequestsPerClient = 50'000;  // bounds the test on a fast machine
const TestHeaders kBrowser = {
    {"User-Agent",
     "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"}};

class Crash : public E2eTest {};

// One client: follows /r/{code} on one keep-alive connection until told to stop or the server dies, and
// keeps the click id of every 302 it received; of answers that were not such a 302, the first is described in
// `first_failure`, for the test's message.
void FollowUntilStopped(int port, const std::string& code, const std::atomic<bool>& stop,
                        std::vector<std::string>& acknowledged, int& failures, std::string& first_failure) {
    const std::regex click_id(R"(rt_click=(clk_[0-9a-z]{26}))");
    try {
        HttpClient client(static_cast<std::uint16_t>(port), 5s);
        for (int i = 0; i < kMaxRequestsPerClient && !stop; ++i) {
            const auto reply = client.Send("GET", "/r/" + code, kBrowser);
            std::smatch m;
            const std::string location = reply.Header("location");
            if (reply.status != 302 || !std::regex_search(location, m, click_id)) {
                if (failures++ == 0) {
                    first_failure = "status " + std::to_string(reply.status) + ", location \"" + location +
                                    "\", body \"" + reply.body.substr(0, 200) + "\"";
                }
                continue;
            }
            acknowledged.push_back(m[1]);
        }
    } catch (const std::exception&) {
        // The server was killed mid-request: that request was never acknowledged.
    }
}

TEST_F(Crash, EveryAcknowledgedClickSurvivesSigkillUnderLoad) {
    const auto program = CreateProgram();
    const auto partner = CreatePartner(program["id"], "ada@example.com");
    const std::string code = CreateLink(partner["id"], {{"code", "crash-test"}})["code"];

    std::atomic<bool> stop{false};
    std::vector<std::vector<std::string>> acknowledged(kClients);
    std::vector<int> failures(kClients, 0);
    std::vector<std::string> first_failures(kClients);
    std::vector<std::thread> clients;
    for (int i = 0; i < kClients; ++i) {
        clients.emplace_back(FollowUntilStopped, server_->port(), code, std::cref(stop), std::ref(acknowledged[i]),
                             std::ref(failures[i]), std::ref(first_failures[i]));
    }
    std::this_thread::sleep_for(kLoadBeforeKill);
    const pid_t pid = server_->pid();
    EXPECT_EQ(server_->StopWith(SIGKILL), -1) << "the server died of the signal, not an exit";
    stop = true;
    for (auto& t : clients) t.join();

    std::vector<std::string> all;
    int failed = 0;
    std::string first_failure;
    for (int i = 0; i < kClients; ++i) {
        all.insert(all.end(), acknowledged[i].begin(), acknowledged[i].end());
        failed += failures[i];
        if (first_failure.empty()) first_failure = first_failures[i];
    }
    EXPECT_EQ(failed, 0) << "every answer before the kill was a 302 with a click id; the first other: "
                         << first_failure;
    ASSERT_GT(all.size(), 100u) << "the load ran: enough redirects were answered before the kill";

    const ClickRows rows(db_url());
    const std::size_t found = rows.CountPresent(all);
    const std::size_t stored = rows.All().size();
    std::cout << "[ crash    ] pid " << pid << " SIGKILLed after " << kLoadBeforeKill.count() << " s of load from "
              << kClients << " clients: " << all.size() << " clicks acknowledged with 302, " << found
              << " of them in the database (" << stored << " rows in all)" << std::endl;
    RecordProperty("acknowledged", static_cast<int>(all.size()));
    RecordProperty("found", static_cast<int>(found));
    EXPECT_EQ(found, all.size()) << "an acknowledged click was lost";
    EXPECT_GE(stored, all.size());
}

}  // namespace
}  // namespace rt::testing
