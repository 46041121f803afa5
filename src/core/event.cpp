#include "core/event.hpp"

#include <algorithm>

namespace rt::core {

namespace {

void Field(std::string& out, std::string_view value) {
    out += std::to_string(value.size());
    out += ':';
    out += value;
    out += '\n';
}

std::string HashOf(const Event& event, Digest& digest) {
    const auto bytes = digest.Sha256(CanonicalForm(event));
    return ToHex(bytes);
}

}  // namespace

std::string ToHex(std::span<const std::uint8_t> bytes) {
    constexpr std::string_view kHex = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const auto b : bytes) {
        out += kHex[b >> 4];
        out += kHex[b & 0x0f];
    }
    return out;
}

std::string CanonicalForm(const Event& event) {
    auto payload = event.payload;
    std::sort(payload.begin(), payload.end());
    std::string out = "reftrack-event-v1\n";
    Field(out, event.prev_hash);
    Field(out, std::to_string(event.seq));
    Field(out, event.id.str());
    Field(out, event.program_id.str());
    Field(out, event.type);
    Field(out, event.subject_id);
    Field(out, std::to_string(event.at.unix_ms));
    Field(out, std::to_string(payload.size()));
    for (const auto& [key, value] : payload) {
        Field(out, key);
        Field(out, value);
    }
    return out;
}

void Chain(Event& event, const Event* previous, Digest& digest) {
    std::sort(event.payload.begin(), event.payload.end());
    event.seq = previous == nullptr ? 1 : previous->seq + 1;
    event.prev_hash = previous == nullptr ? std::string(kGenesisHash) : previous->hash;
    event.hash = HashOf(event, digest);
}

std::optional<ChainBreak> VerifyChain(std::span<const Event> events, Digest& digest, const Event* previous) {
    std::string expected_prev = previous == nullptr ? std::string(kGenesisHash) : previous->hash;
    std::int64_t expected_seq = previous == nullptr ? 1 : previous->seq + 1;
    for (const auto& e : events) {
        if (e.seq != expected_seq) {
            return ChainBreak{expected_seq, e.id.str(),
                              "expected seq " + std::to_string(expected_seq) + ", found " + std::to_string(e.seq)};
        }
        if (e.prev_hash != expected_prev) {
            return ChainBreak{e.seq, e.id.str(), "prev_hash does not match the previous event's hash"};
        }
        if (HashOf(e, digest) != e.hash) {
            return ChainBreak{e.seq, e.id.str(), "hash does not match the event's contents"};
        }
        expected_prev = e.hash;
        ++expected_seq;
    }
    return std::nullopt;
}

}  // namespace rt::core
