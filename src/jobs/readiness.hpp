#pragma once

#include <atomic>

#include "jobs/periodic_task.hpp"
#include "ports/store.hpp"

namespace rt::jobs {

// Whether this node should get traffic: the database answered its last ping and the node is not
// shutting down. Pings run on a PeriodicTask, so /readyz answers from memory and never blocks.
class Readiness {
  public:
    Readiness(ports::Store& store, std::chrono::milliseconds period);

    // Pings once before returning, so the first answer of /readyz is already informed.
    void Start();
    void Stop() { task_.Stop(); }
    // Marks the node as draining: not ready from now on, whatever the database says.
    void SetDraining() { draining_ = true; }
    bool ready() const { return database_ok_ && !draining_; }
    bool database_ok() const { return database_ok_; }

  private:
    ports::Store& store_;
    std::atomic<bool> database_ok_{false};
    std::atomic<bool> draining_{false};
    PeriodicTask task_;
};

}  // namespace rt::jobs
