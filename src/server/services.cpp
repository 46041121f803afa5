#include "server/services.hpp"

#include <algorithm>

#include "storage/open_store.hpp"

namespace rt::server {

Services::Services(std::unique_ptr<ports::Store> store, std::unique_ptr<ports::SodiumVault> vault, const Config& config)
    : store_(std::move(store)),
      vault_(std::move(vault)),
      programs_(deps()),
      partners_(deps()),
      links_(deps()),
      keys_(deps(), hasher_),
      coupons_(deps()),
      referrals_(deps(), *vault_),
      conversions_(deps(), *vault_),
      idempotency_(deps()),
      reports_(deps()),
      users_(deps(), hasher_),
      sessions_(deps(), hasher_,
                {.idle_ms = std::chrono::duration_cast<std::chrono::milliseconds>(config.session_idle).count()}),
      secure_cookies_(config.public_url.starts_with("https://")) {}

core::Result<std::unique_ptr<Services>> Services::Open(const Config& config) {
    if (!ports::InitSodium()) return core::Fail(core::Error::Unavailable("libsodium could not be initialised"));
    // PostgreSQL: a connection for each worker thread up to 12 (the conversions waiting in a group commit hold
    // none; one writes for them all), and 4 for the click writer, the readiness probe and the other commands.
    auto store = storage::OpenStore(config.db, {.max_connections = std::min(config.workers, 12) + 4});
    if (!store) return core::Fail(store.error());
    if (auto migrated = (*store)->Migrate(); !migrated) return core::Fail(migrated.error());
    auto vault = ports::SodiumVault::OpenOrCreate(config.key_file);
    if (!vault) return core::Fail(vault.error());
    return std::unique_ptr<Services>(new Services(std::move(*store), std::move(*vault), config));
}

}  // namespace rt::server
