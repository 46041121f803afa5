#include "ports/system.hpp"

#include <openssl/evp.h>
#include <sodium.h>

#include <array>
#include <chrono>
#include <cstring>
#include <initializer_list>
#include <stdexcept>
#include <string>

namespace rt::ports {

core::TimePoint SystemClock::Now() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return core::TimePoint{std::chrono::duration_cast<std::chrono::milliseconds>(now).count()};
}

void SodiumRandom::Fill(std::span<std::uint8_t> out) {
    if (out.size() > kMaxBuffered) {
        randombytes_buf(out.data(), out.size());
        return;
    }
    std::lock_guard lock(mu_);
    if (kBlock - used_ < out.size()) {
        randombytes_buf(block_.data(), block_.size());
        used_ = 0;
    }
    std::memcpy(out.data(), block_.data() + used_, out.size());
    sodium_memzero(block_.data() + used_, out.size());
    used_ += out.size();
}

Argon2idHasher::Argon2idHasher() { randombytes_buf(fingerprint_key_.data(), fingerprint_key_.size()); }

std::string Argon2idHasher::Fingerprint(std::string_view secret) {
    std::string out(crypto_generichash_BYTES, '\0');
    crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                       reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), fingerprint_key_.data(),
                       fingerprint_key_.size());
    return out;
}

std::string Argon2idHasher::Hash(std::string_view secret) {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, secret.data(), secret.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        // Only fails when the memory limit cannot be allocated: the process cannot go on safely.
        throw std::runtime_error("argon2id: out of memory");
    }
    return out;
}

bool Argon2idHasher::Verify(std::string_view encoded_hash, std::string_view secret) {
    const std::string hash(encoded_hash);  // crypto_pwhash_str_verify wants a NUL-terminated string
    return crypto_pwhash_str_verify(hash.c_str(), secret.data(), secret.size()) == 0;
}

namespace {

// Fetched once: an EVP_MD is immutable and safe to share between threads. Never freed (process lifetime).
const EVP_MD* Sha256Md() {
    static const EVP_MD* const md = [] {
        EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
        if (fetched == nullptr) throw std::runtime_error("openssl: SHA-256 is not available");
        return fetched;
    }();
    return md;
}

// The SHA-256 of `parts`, one after the other. One context per thread, initialized again for each digest:
// EVP_Digest allocates and frees a context on every call, a quarter of the cost of a short input (a Merkle tree's
// inner nodes are 65 bytes). Scratch space, like an allocator's per-thread cache: no state survives from one
// digest to the next.
std::array<std::uint8_t, 32> Sha256Of(std::initializer_list<std::string_view> parts) {
    struct Context {
        EVP_MD_CTX* ctx = nullptr;
        ~Context() { EVP_MD_CTX_free(ctx); }
    };
    thread_local Context context;
    if (context.ctx == nullptr) context.ctx = EVP_MD_CTX_new();  // tried again after a failed allocation
    if (context.ctx == nullptr) throw std::runtime_error("openssl: no memory for a SHA-256 context");
    bool ok = EVP_DigestInit_ex2(context.ctx, Sha256Md(), nullptr) == 1;
    for (const auto part : parts) ok = ok && EVP_DigestUpdate(context.ctx, part.data(), part.size()) == 1;
    std::array<std::uint8_t, 32> out{};
    unsigned int size = 0;
    if (!ok || EVP_DigestFinal_ex(context.ctx, out.data(), &size) != 1 || size != out.size()) {
        throw std::runtime_error("openssl: SHA-256 failed");
    }
    return out;
}

}  // namespace

std::array<std::uint8_t, 32> Sha256Digest::Sha256(std::string_view data) { return Sha256Of({data}); }

std::array<std::uint8_t, 32> Sha256Digest::Sha256Joined(std::string_view first, std::string_view second) {
    return Sha256Of({first, second});
}

bool InitSodium() { return sodium_init() >= 0; }

}  // namespace rt::ports
