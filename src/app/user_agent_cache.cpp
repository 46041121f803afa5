#include "app/user_agent_cache.hpp"

#include <functional>

namespace rt::app {

core::UserAgentClass UserAgentCache::Classify(std::string_view user_agent) {
    if (user_agent.size() > kMaxCached) return core::ClassifyUserAgent(user_agent);
    Slot& slot = slots_[std::hash<std::string_view>{}(user_agent) % slots_.size()];
    if (slot.used && slot.user_agent == user_agent) return slot.classified;
    slot.classified = core::ClassifyUserAgent(user_agent);
    slot.user_agent.assign(user_agent);
    slot.used = true;
    return slot.classified;
}

}  // namespace rt::app
