#pragma once

#include <memory>
#include <thread>

#include "app/click_writer.hpp"
#include "app/link_directory.hpp"
#include "app/redirect_service.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/routes_tracking.hpp"
#include "server/config.hpp"
#include "server/services.hpp"

namespace rt::server {

// The redirect's parts, wired: the link directory (kept current by the link and program services'
// change listeners), the group-commit click writer (started on construction) with its metrics, the
// redirect service and the tracking routes. Lifecycle: construct, AddRoutes, Load before serving;
// after the HTTP server stopped (and the worker pool drained) Stop, then let the store close.
class Tracking {
  public:
    Tracking(Services& services, http::Metrics& metrics, const Config& config);
    ~Tracking();  // Stop(), and unhooks the listeners and the queue gauge
    Tracking(const Tracking&) = delete;
    Tracking& operator=(const Tracking&) = delete;

    void AddRoutes(http::Router& router);
    // Reads every program and link into the directory. Call after anything that wrote links behind the
    // services' backs (the demo seed) and before serving. On a database shared by several nodes it then
    // follows the other nodes' link and program changes on a thread of its own (Store::FollowChanges).
    core::Result<void> Load();
    // Stops following changes, writes every queued click (each waiting request answered) and stops the
    // writer. Idempotent.
    void Stop();

  private:
    Services& services_;
    http::Metrics& metrics_;
    app::LinkDirectory directory_;
    app::ClickWriter writer_;
    app::RedirectService redirect_;
    http::TrackingContext routes_;
    std::jthread follower_;  // follows other nodes' changes; joined by Stop()
};

}  // namespace rt::server
