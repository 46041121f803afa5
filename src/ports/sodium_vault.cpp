#include "ports/sodium_vault.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

namespace rt::ports {

namespace {

constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES] = {'r', 'e', 'f', 't', 'r', 'a', 'c', 'k'};

core::Error KeyFileError(const std::filesystem::path& file, const std::string& what) {
    return core::Error::Unavailable("cannot use the secret key file " + file.string() + ": " + what);
}

core::Result<void> CreateKeyFile(const std::filesystem::path& file, std::array<unsigned char, 32>& key) {
    std::error_code ec;
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
    crypto_kdf_keygen(key.data());
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return core::Fail(KeyFileError(file, std::strerror(errno)));
    const bool written = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!written) return core::Fail(KeyFileError(file, "could not write it"));
    return {};
}

core::Result<void> ReadKeyFile(const std::filesystem::path& file, std::array<unsigned char, 32>& key) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return core::Fail(KeyFileError(file, std::strerror(errno)));
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        return core::Fail(core::Error::Invalid(
            "key_file", "the secret key file " + file.string() + " is readable by others; chmod 600 it"));
    }
    if (st.st_size != static_cast<off_t>(key.size())) {
        return core::Fail(
            core::Error::Invalid("key_file", "the secret key file " + file.string() + " is not 32 bytes long"));
    }
    std::ifstream in(file, std::ios::binary);
    if (!in.read(reinterpret_cast<char*>(key.data()), key.size())) {
        return core::Fail(KeyFileError(file, "could not read it"));
    }
    return {};
}

}  // namespace

core::Result<std::unique_ptr<SodiumVault>> SodiumVault::OpenOrCreate(const std::filesystem::path& key_file) {
    std::array<unsigned char, 32> master{};
    std::error_code ec;
    auto ok = std::filesystem::exists(key_file, ec) ? ReadKeyFile(key_file, master) : CreateKeyFile(key_file, master);
    if (!ok) return core::Fail(ok.error());
    auto vault = std::unique_ptr<SodiumVault>(new SodiumVault(master));
    sodium_memzero(master.data(), master.size());
    return vault;
}

SodiumVault::SodiumVault(const std::array<unsigned char, 32>& master) {
    crypto_kdf_derive_from_key(hash_key_.data(), hash_key_.size(), 1, kKdfContext, master.data());
    crypto_kdf_derive_from_key(box_key_.data(), box_key_.size(), 2, kKdfContext, master.data());
}

std::string SodiumVault::KeyedHash(std::string_view purpose, std::string_view data) {
    crypto_generichash_state state;
    crypto_generichash_init(&state, hash_key_.data(), hash_key_.size(), 32);
    const unsigned char length = static_cast<unsigned char>(std::min<std::size_t>(purpose.size(), 255));
    crypto_generichash_update(&state, &length, 1);  // framing: "ip"+"x" never equals "i"+"px"
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(purpose.data()), length);
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    unsigned char digest[32];
    crypto_generichash_final(&state, digest, sizeof digest);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

std::string SodiumVault::Encrypt(std::string_view plaintext) {
    std::string sealed(
        crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES,
        '\0');
    auto* out = reinterpret_cast<unsigned char*>(sealed.data());
    randombytes_buf(out, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    unsigned long long length = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &length,
                                               reinterpret_cast<const unsigned char*>(plaintext.data()),
                                               plaintext.size(), nullptr, 0, nullptr, out, box_key_.data());
    std::string b64(sodium_base64_encoded_len(sealed.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(b64.data(), b64.size(), out, sealed.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    b64.resize(std::strlen(b64.c_str()));
    return b64;
}

std::optional<std::string> SodiumVault::Decrypt(std::string_view sealed) {
    std::string raw(sealed.size(), '\0');
    std::size_t raw_length = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), sealed.data(), sealed.size(),
                          nullptr, &raw_length, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        raw_length < crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES) {
        return std::nullopt;
    }
    const auto* in = reinterpret_cast<const unsigned char*>(raw.data());
    std::string plain(
        raw_length - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
    unsigned long long plain_length = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(plain.data()), &plain_length,
                                                   nullptr, in + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                                                   raw_length - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, nullptr,
                                                   0, in, box_key_.data()) != 0) {
        return std::nullopt;
    }
    plain.resize(plain_length);
    return plain;
}

}  // namespace rt::ports
