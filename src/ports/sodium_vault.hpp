#pragma once

#include <array>
#include <filesystem>
#include <memory>

#include "core/error.hpp"
#include "ports/vault.hpp"

namespace rt::ports {

// The Vault on libsodium: keyed BLAKE2b hashes and XChaCha20-Poly1305 encryption, each with its own
// sub-key derived (crypto_kdf) from one 32-byte master key kept in a file.
class SodiumVault final : public Vault {
  public:
    // Reads the key file, or creates it (mode 0600, parent directories too) when it does not exist.
    // kUnavailable when it cannot be read or written; kInvalid when it exists with the wrong size or
    // is readable by group or others. Precondition: InitSodium() succeeded.
    static core::Result<std::unique_ptr<SodiumVault>> OpenOrCreate(const std::filesystem::path& key_file);

    std::string KeyedHash(std::string_view purpose, std::string_view data) override;
    std::string Encrypt(std::string_view plaintext) override;
    std::optional<std::string> Decrypt(std::string_view sealed) override;

  private:
    explicit SodiumVault(const std::array<unsigned char, 32>& master);

    std::array<unsigned char, 32> hash_key_{};
    std::array<unsigned char, 32> box_key_{};
};

}  // namespace rt::ports
