#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ids.hpp"
#include "core/time.hpp"

namespace rt::core {

// The SHA-256 port (OpenSSL's libcrypto in production, ports::Sha256Digest). Thread-safe.
class Digest {
  public:
    virtual ~Digest() = default;
    virtual std::array<std::uint8_t, 32> Sha256(std::string_view data) = 0;
    // The SHA-256 of `first` followed by `second`: a Merkle leaf and its prefix, without joining them first. This
    // default joins them; an implementation that can feed a digest in parts does so.
    virtual std::array<std::uint8_t, 32> Sha256Joined(std::string_view first, std::string_view second) {
        std::string joined;
        joined.reserve(first.size() + second.size());
        joined.append(first).append(second);
        return Sha256(joined);
    }
};

// One entry of a program's ledger. Entries of a program form a chain: `seq` counts from 1 without gaps
// and each `hash` covers the previous entry's hash and this entry's canonical form, so editing,
// deleting, inserting or reordering any entry breaks every later hash.
struct Event {
    EventId id;
    ProgramId program_id;
    std::int64_t seq = 0;
    std::string type;        // "link.created", "click.batch", …
    std::string subject_id;  // the object the event is about
    TimePoint at;
    std::vector<std::pair<std::string, std::string>> payload;  // what changed; kept sorted by key
    std::string prev_hash;                                     // 64 hex characters; the genesis value for seq 1
    std::string hash;                                          // 64 hex characters

    bool operator==(const Event&) const = default;
};

// The prev_hash of a program's first event.
inline constexpr std::string_view kGenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

// A byte-exact, unambiguous serialization of every field but `hash` (each one length-prefixed), with
// the payload sorted by key. Version-tagged so the form can evolve without breaking old chains.
std::string CanonicalForm(const Event& event);

// Fills seq, prev_hash and hash of `event` so that it follows `previous` (nullptr: the first event).
void Chain(Event& event, const Event* previous, Digest& digest);

// Why a chain is broken, naming the first bad event.
struct ChainBreak {
    std::int64_t seq = 0;  // of the first event that does not verify (or the expected seq when one is missing)
    std::string event_id;
    std::string reason;
};

// Verifies one program's events given in seq order. nullopt when intact. `previous`: the verified event
// just before `events` when checking a chain page by page; nullptr when `events` starts at seq 1.
std::optional<ChainBreak> VerifyChain(std::span<const Event> events, Digest& digest, const Event* previous = nullptr);

std::string ToHex(std::span<const std::uint8_t> bytes);

}  // namespace rt::core
