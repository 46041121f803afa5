#include "jobs/periodic_task.hpp"

#include <spdlog/spdlog.h>

#include <exception>

namespace rt::jobs {

PeriodicTask::PeriodicTask(Settings settings, std::function<void()> fn)
    : settings_(std::move(settings)), fn_(std::move(fn)) {}

PeriodicTask::~PeriodicTask() { Stop(); }

void PeriodicTask::Start() {
    std::lock_guard lock(mu_);
    if (thread_.joinable() || stopping_) return;
    thread_ = std::thread([this] { Loop(); });
}

void PeriodicTask::Stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void PeriodicTask::Loop() {
    for (;;) {
        try {
            fn_();
        } catch (const std::exception& e) {
            spdlog::error("event=task_failed task={} error=\"{}\"", settings_.name, e.what());
        }
        std::unique_lock lock(mu_);
        if (cv_.wait_for(lock, settings_.period, [this] { return stopping_; })) return;
    }
}

}  // namespace rt::jobs
