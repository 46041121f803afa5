#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace rt::jobs {

// Runs a function on its own thread: once at Start, then every `period` until Stop. An exception
// from the function is logged and the schedule goes on. Thread-safe Stop; the destructor stops.
class PeriodicTask {
  public:
    struct Settings {
        std::string name;                        // for the log
        std::chrono::milliseconds period{5000};  // between the end of one run and the next
    };

    PeriodicTask(Settings settings, std::function<void()> fn);
    ~PeriodicTask();
    PeriodicTask(const PeriodicTask&) = delete;
    PeriodicTask& operator=(const PeriodicTask&) = delete;

    void Start();
    // Waits for a run in progress to end; no run starts after Stop returns.
    void Stop();

  private:
    void Loop();

    Settings settings_;
    std::function<void()> fn_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace rt::jobs
