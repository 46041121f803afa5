#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/ids.hpp"
#include "core/random.hpp"
#include "core/time.hpp"

namespace rt::core {

// What a key may do. admin: everything; partner: that partner's own objects; ingest: record referrals
// and conversions for one program.
struct Scope {
    enum class Kind { kAdmin, kPartner, kIngest };

    Kind kind = Kind::kAdmin;
    std::string target;  // the partner or program id; empty for admin

    static Scope Admin() { return {Kind::kAdmin, {}}; }
    static Scope ForPartner(const PartnerId& id) { return {Kind::kPartner, id.str()}; }
    static Scope ForIngest(const ProgramId& id) { return {Kind::kIngest, id.str()}; }

    bool operator==(const Scope&) const = default;
};

// "admin", "partner:prt_…", "ingest:prg_…"; nullopt for anything else.
std::optional<Scope> ParseScope(std::string_view text);
std::string ToString(const Scope& scope);

// A stored key. The secret itself is never stored: only its Argon2id hash.
struct ApiKeyRecord {
    static constexpr std::size_t kMaxNameLength = 100;

    ApiKeyId id;
    std::string name;
    Scope scope;
    std::string secret_hash;  // libsodium crypto_pwhash_str output
    TimePoint created_at;
};

// The key a client presents: "rtk_" + the 26-character body of its id + "_" + 32 secret characters.
// The id part finds the stored record; the whole token is what is hashed.
struct ApiKeyToken {
    ApiKeyId id;
    std::string token;
};

ApiKeyToken NewApiKeyToken(TimePoint now, Random& random);

// The id named by a presented token; nullopt when the token is not of our form.
std::optional<ApiKeyId> ApiKeyIdOfToken(std::string_view token);

}  // namespace rt::core
