#include "core/merkle.hpp"

#include <charconv>
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

std::string Hash(Digest& digest, char prefix, std::string_view data) {
    std::string input(1, prefix);
    input += data;
    const auto bytes = digest.Sha256(input);
    return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace

std::string MerkleRoot(std::span<const std::string> leaves, Digest& digest) {
    if (leaves.empty()) return ToHex(digest.Sha256(""));
    std::vector<std::string> level;
    level.reserve(leaves.size());
    for (const auto& leaf : leaves) level.push_back(Hash(digest, '\x00', leaf));
    while (level.size() > 1) {
        std::vector<std::string> next;
        next.reserve((level.size() + 1) / 2);
        for (std::size_t i = 0; i + 1 < level.size(); i += 2)
            next.push_back(Hash(digest, '\x01', level[i] + level[i + 1]));
        if (level.size() % 2 == 1) next.push_back(level.back());
        level = std::move(next);
    }
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(level.front().data());
    return ToHex(std::span<const std::uint8_t>(bytes, level.front().size()));
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
