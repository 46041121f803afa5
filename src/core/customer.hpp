#pragma once

#include <optional>
#include <string>

#include "core/ids.hpp"
#include "core/time.hpp"

namespace rt::core {

// A person or company a partner referred. Personal data is never stored in the clear: the email as a
// keyed hash (for matching) plus a sealed copy (for display to those entitled), the name sealed.
struct Customer {
    CustomerId id;
    ProgramId program_id;
    std::string external_id;   // the business's own id for the customer; unique per program; may be empty
    std::string email_hash;    // Vault::KeyedHash("email", normalized email); unique per program; may be empty
    std::string email_sealed;  // Vault::Encrypt(email); empty when no email
    std::string name_sealed;   // Vault::Encrypt(name); empty when no name
    std::optional<PartnerId> credited_partner;  // the partner its first attributed conversion went to
    TimePoint created_at;

    bool operator==(const Customer&) const = default;
};

}  // namespace rt::core
