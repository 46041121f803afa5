#include "app/key_service.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "ports/fakes.hpp"
#include "ports/system.hpp"
#include "storage/open_store.hpp"

namespace rt::app {
namespace {

using namespace std::chrono_literals;

// PlainHasher whose Verify counts its calls and, when held, blocks until released (as Argon2id takes tens of ms).
class SlowHasher final : public ports::SecretHasher {
  public:
    std::string Hash(std::string_view secret) override { return plain_.Hash(secret); }
    std::string Fingerprint(std::string_view secret) override { return plain_.Fingerprint(secret); }
    bool Verify(std::string_view encoded_hash, std::string_view secret) override {
        ++verifications_;
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return !held_; });
        return plain_.Verify(encoded_hash, secret);
    }
    void Hold() { held_ = true; }
    void Release() {
        std::lock_guard lock(mu_);
        held_ = false;
        cv_.notify_all();
    }
    int verifications() const { return verifications_.load(); }

  private:
    ports::PlainHasher plain_;
    std::atomic<int> verifications_{0};
    std::mutex mu_;
    std::condition_variable cv_;
    bool held_ = false;
};

class KeyServiceTest : public ::testing::Test {
  protected:
    KeyServiceTest() {
        auto store = storage::OpenStore("memory://");
        EXPECT_TRUE(store);
        store_ = std::move(*store);
        EXPECT_TRUE(store_->Migrate());
    }
    Deps deps() { return {*store_, clock_, random_, digest_}; }

    std::unique_ptr<ports::Store> store_;
    ports::FakeClock clock_;
    ports::SeededRandom random_{1};
    ports::Sha256Digest digest_;
    SlowHasher hasher_;
};

TEST_F(KeyServiceTest, ConcurrentRequestsWithAnUncachedKeyShareOneVerification) {
    KeyService keys(deps(), hasher_);
    auto created = keys.Create(core::Scope::Admin(), "admin");
    ASSERT_TRUE(created) << created.error().message();
    hasher_.Hold();
    constexpr int kRequests = 16;
    std::vector<core::Result<Principal>> results(kRequests, core::Fail(core::Error::Internal("not run")));
    std::vector<std::thread> threads;
    for (int i = 0; i < kRequests; ++i) {
        threads.emplace_back([&, i] { results[i] = keys.Authenticate(created->token); });
    }
    for (int i = 0; i < 10'000 && hasher_.verifications() == 0; ++i) std::this_thread::sleep_for(1ms);
    std::this_thread::sleep_for(50ms);  // let the others arrive; they must not start verifications of their own
    hasher_.Release();
    for (auto& t : threads) t.join();
    EXPECT_EQ(hasher_.verifications(), 1);
    for (const auto& r : results) {
        ASSERT_TRUE(r) << r.error().message();
        EXPECT_EQ(r->key_id, created->record.id);
    }
}

TEST_F(KeyServiceTest, AnExpiredEntryIsVerifiedAgainOnceAndAWrongTokenStaysRefused) {
    KeyService keys(deps(), hasher_, std::chrono::seconds(60));
    auto created = keys.Create(core::Scope::Admin(), "admin");
    ASSERT_TRUE(created);
    ASSERT_TRUE(keys.Authenticate(created->token));
    ASSERT_TRUE(keys.Authenticate(created->token));
    EXPECT_EQ(hasher_.verifications(), 1);
    clock_.Advance(61'000);
    ASSERT_TRUE(keys.Authenticate(created->token));
    EXPECT_EQ(hasher_.verifications(), 2);

    auto wrong = created->token;
    wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
    auto refused = keys.Authenticate(wrong);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code(), core::ErrorCode::kUnauthenticated);
}

TEST_F(KeyServiceTest, ADeletedKeyIsRefusedAtOnce) {
    KeyService keys(deps(), hasher_);
    auto created = keys.Create(core::Scope::Admin(), "rotating");
    ASSERT_TRUE(created);
    ASSERT_TRUE(keys.Authenticate(created->token));
    ASSERT_TRUE(keys.DeleteByName("rotating"));
    EXPECT_FALSE(keys.Authenticate(created->token));
}

TEST_F(KeyServiceTest, CachedAnswersOnlyForATokenVerifiedWithinItsLifetime) {
    KeyService keys(deps(), hasher_, std::chrono::seconds(60));
    auto created = keys.Create(core::Scope::Admin(), "admin");
    ASSERT_TRUE(created);
    EXPECT_FALSE(keys.Cached(created->token));  // never verified
    ASSERT_TRUE(keys.Authenticate(created->token));
    const auto cached = keys.Cached(created->token);
    ASSERT_TRUE(cached);
    EXPECT_EQ(cached->key_id, created->record.id);
    EXPECT_EQ(hasher_.verifications(), 1);  // Cached verified nothing
    auto wrong = created->token;
    wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
    EXPECT_FALSE(keys.Cached(wrong));
    EXPECT_FALSE(keys.Cached("not a key"));
    clock_.Advance(61'000);
    EXPECT_FALSE(keys.Cached(created->token));  // expired: Authenticate verifies it again
}

TEST_F(KeyServiceTest, ADeletedKeyIsNoLongerCached) {
    KeyService keys(deps(), hasher_);
    auto created = keys.Create(core::Scope::Admin(), "rotating");
    ASSERT_TRUE(created);
    ASSERT_TRUE(keys.Authenticate(created->token));
    ASSERT_TRUE(keys.Cached(created->token));
    ASSERT_TRUE(keys.DeleteByName("rotating"));
    EXPECT_FALSE(keys.Cached(created->token));
}

}  // namespace
}  // namespace rt::app
