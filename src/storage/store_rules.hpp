#pragma once

#include <algorithm>
#include <string_view>

#include "core/page.hpp"

// What every backend does and says alike, word for word, so that callers and the conformance suite see the
// same behaviour whichever store is configured.
namespace rt::storage {

inline constexpr std::string_view kProgramIdTaken = "a program with this id already exists";
inline constexpr std::string_view kPartnerIdTaken = "a partner with this id already exists";
inline constexpr std::string_view kPartnerEmailTaken = "a partner with this email already exists in the program";
inline constexpr std::string_view kLinkIdTaken = "a link with this id already exists";
inline constexpr std::string_view kLinkCodeTaken = "a link with this code already exists";
inline constexpr std::string_view kApiKeyIdTaken = "an API key with this id already exists";

// A foreign key that names nothing: a partner of an unknown program, a link whose partner is not in its program.
inline constexpr std::string_view kPartnerProgramMissing = "the partner's program does not exist";
inline constexpr std::string_view kLinkPartnerMissing = "the link's partner does not exist in the link's program";

inline constexpr std::string_view kProgramNotFound = "program not found";
inline constexpr std::string_view kPartnerNotFound = "partner not found";
inline constexpr std::string_view kLinkNotFound = "link not found";
inline constexpr std::string_view kApiKeyNotFound = "API key not found";

inline constexpr std::string_view kReadOnlyTransaction = "a read transaction cannot write";

// The page size a backend uses: the requested limit clamped to 1..PageRequest::kMaxLimit (the caller
// validates it; the clamp only keeps a bad caller from asking for everything).
inline int EffectivePageLimit(const core::PageRequest& page) {
    return std::clamp(page.limit, 1, core::PageRequest::kMaxLimit);
}

}  // namespace rt::storage
