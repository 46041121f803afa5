#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rt::ports {

// Keyed cryptography over the installation's secret key: hashes that are stable across restarts but
// worthless without the key (IP addresses, customer emails for matching), and authenticated
// encryption for personal data that must be shown again (customer emails).
// Thread safety: every method may be called from several threads.
class Vault {
  public:
    virtual ~Vault() = default;

    // 64 hex characters. `purpose` separates uses ("ip", "email") so one hash cannot stand for another.
    virtual std::string KeyedHash(std::string_view purpose, std::string_view data) = 0;
    // Base64 of nonce + ciphertext; a fresh nonce each call.
    virtual std::string Encrypt(std::string_view plaintext) = 0;
    // nullopt when the text was not produced by this key or was altered.
    virtual std::optional<std::string> Decrypt(std::string_view sealed) = 0;
};

}  // namespace rt::ports
