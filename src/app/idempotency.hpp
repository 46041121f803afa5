#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/deps.hpp"
#include "ports/store.hpp"

namespace rt::app {

// Remembers the first answer to a request sent with an Idempotency-Key, per API key and route, so a
// retry gets the same answer. The write it guards is itself exactly-once (external ids, customer
// dedup), so a crash between that write and Remember loses nothing: the retry finds the write.
class IdempotencyKeys {
  public:
    static constexpr std::size_t kMaxKeyLength = 255;

    explicit IdempotencyKeys(Deps deps) : deps_(deps) {}

    core::Result<std::optional<ports::IdempotencyRecord>> Find(std::string_view scope, std::string_view key);
    // Keeps the answer; a concurrent request that stored first wins (no error).
    core::Result<void> Remember(ports::IdempotencyRecord record);

  private:
    Deps deps_;
};

}  // namespace rt::app
