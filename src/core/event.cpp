#include "core/event.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <utility>
#include <vector>

namespace rt::core {

namespace {

void Field(std::string& out, std::string_view value) {
    char size[24];
    out.append(size, std::to_chars(size, size + sizeof size, value.size()).ptr);
    out += ':';
    out += value;
    out += '\n';
}

void Field(std::string& out, std::int64_t number) {
    char digits[24];
    Field(out, std::string_view(digits, std::to_chars(digits, digits + sizeof digits, number).ptr));
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
    // The payload in key order. Chain leaves it so: then it is read in place, not copied and sorted.
    const auto* payload = &event.payload;
    std::vector<std::pair<std::string, std::string>> sorted;
    if (!std::is_sorted(payload->begin(), payload->end())) {
        sorted = event.payload;
        std::sort(sorted.begin(), sorted.end());
        payload = &sorted;
    }
    std::size_t size = 128 + event.prev_hash.size() + event.type.size() + event.subject_id.size();
    for (const auto& [key, value] : *payload) size += key.size() + value.size() + 16;
    std::string out;
    out.reserve(size);
    out = "reftrack-event-v1\n";
    Field(out, event.prev_hash);
    Field(out, event.seq);
    Field(out, event.id.str());
    Field(out, event.program_id.str());
    Field(out, event.type);
    Field(out, event.subject_id);
    Field(out, event.at.unix_ms);
    Field(out, static_cast<std::int64_t>(payload->size()));
    for (const auto& [key, value] : *payload) {
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
