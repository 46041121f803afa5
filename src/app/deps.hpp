#pragma once

#include "core/event.hpp"
#include "core/random.hpp"
#include "core/time.hpp"
#include "ports/store.hpp"

namespace rt::app {

// The ports every use case needs, owned by the composition root and outliving the services.
struct Deps {
    ports::Store& store;
    core::Clock& clock;
    core::Random& random;
    core::Digest& digest;  // SHA-256 for the event ledger
};

}  // namespace rt::app
