#pragma once

#include "core/random.hpp"
#include "core/time.hpp"
#include "ports/store.hpp"

namespace rt::app {

// The ports every use case needs, owned by the composition root and outliving the services.
struct Deps {
    ports::Store& store;
    core::Clock& clock;
    core::Random& random;
};

}  // namespace rt::app
