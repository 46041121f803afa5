#include "server/services.hpp"

#include "storage/open_store.hpp"

namespace rt::server {

Services::Services(std::unique_ptr<ports::Store> store)
    : store_(std::move(store)), programs_(deps()), partners_(deps()), links_(deps()), keys_(deps(), hasher_) {}

core::Result<std::unique_ptr<Services>> Services::Open(const std::string& db_url) {
    if (!ports::InitSodium()) return core::Fail(core::Error::Unavailable("libsodium could not be initialised"));
    auto store = storage::OpenStore(db_url);
    if (!store) return core::Fail(store.error());
    if (auto migrated = (*store)->Migrate(); !migrated) return core::Fail(migrated.error());
    return std::unique_ptr<Services>(new Services(std::move(*store)));
}

}  // namespace rt::server
