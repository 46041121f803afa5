#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>

#include "http/router.hpp"

// For the route tests: a request through a Router, without the transport.
namespace rt::http::testing {

// The router's answer to `req`, as the transport would receive it. Fails the test, and returns a default
// Response, when no answer comes within 10 s.
inline Response DispatchAndWait(const Router& router, Request req) {
    const std::string name = std::string(ToString(req.method)) + " " + req.target;
    auto answer = std::make_shared<std::promise<Response>>();
    auto future = answer->get_future();
    router.Dispatch(std::move(req), [answer](Response res) { answer->set_value(std::move(res)); });
    if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
        ADD_FAILURE() << "no answer to " << name;
        return {};
    }
    return future.get();
}

}  // namespace rt::http::testing
