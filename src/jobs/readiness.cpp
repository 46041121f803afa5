#include "jobs/readiness.hpp"

#include <spdlog/spdlog.h>

namespace rt::jobs {

Readiness::Readiness(ports::Store& store, std::chrono::milliseconds period)
    : store_(store), task_({"readiness", period}, [this] {
          const bool ok = static_cast<bool>(store_.Ping());
          if (ok != database_ok_.exchange(ok)) {
              spdlog::log(ok ? spdlog::level::info : spdlog::level::warn, "event=database_{} backend={}",
                          ok ? "reachable" : "unreachable", store_.Backend());
          }
      }) {}

void Readiness::Start() {
    database_ok_ = static_cast<bool>(store_.Ping());
    task_.Start();
}

}  // namespace rt::jobs
