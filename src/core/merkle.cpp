#include "core/merkle.hpp"

#include <array>
#include <charconv>
#include <cstring>
#include <iterator>
#include <vector>

namespace rt::core {

namespace {

void Field(std::string& out, std::string_view value) {
    char digits[20];
    const auto end = std::to_chars(std::begin(digits), std::end(digits), value.size()).ptr;
    out.append(digits, end);
    out += ':';
    out += value;
    out += '\n';
}

}  // namespace

std::string MerkleRoot(std::span<const std::string> leaves, Digest& digest) {
    if (leaves.empty()) return ToHex(digest.Sha256(""));
    // The nodes of one level, each level written over the one below it (node i of a level is made from nodes 2i
    // and 2i + 1 below): no string per node, and an inner node's input is put together on the stack.
    std::vector<std::array<std::uint8_t, 32>> level;
    level.reserve(leaves.size());
    for (const auto& leaf : leaves) level.push_back(digest.Sha256Joined(std::string_view("\x00", 1), leaf));
    std::array<char, 65> inner{};
    inner[0] = '\x01';
    while (level.size() > 1) {
        std::size_t made = 0;
        for (std::size_t i = 0; i + 1 < level.size(); i += 2) {
            std::memcpy(inner.data() + 1, level[i].data(), 32);
            std::memcpy(inner.data() + 33, level[i + 1].data(), 32);
            level[made++] = digest.Sha256(std::string_view(inner.data(), inner.size()));
        }
        if (level.size() % 2 == 1) level[made++] = level.back();
        level.resize(made);
    }
    return ToHex(level.front());
}

std::string CanonicalForm(const Click& c) {
    std::string out;
    out.reserve(512);  // a click's form is ~300 bytes with UTM values: one allocation, not a few
    out += "reftrack-click-v1\n";
    for (const std::string_view v :
         {std::string_view(c.id.str()), std::string_view(c.program_id.str()), std::string_view(c.partner_id.str()),
          std::string_view(c.link_id.str()), std::string_view(c.visitor_id.str())}) {
        Field(out, v);
    }
    Field(out, std::to_string(c.at.unix_ms));
    Field(out, c.referrer_host);
    Field(out, ToString(c.device));
    for (const std::string* v : {&c.utm.source, &c.utm.medium, &c.utm.campaign, &c.utm.term, &c.utm.content}) {
        Field(out, *v);
    }
    Field(out, c.ip_prefix);
    Field(out, c.ip_hash);
    Field(out, c.bot ? "1" : "0");
    Field(out, c.unique ? "1" : "0");
    return out;
}

}  // namespace rt::core
