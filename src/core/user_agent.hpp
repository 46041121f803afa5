#pragma once

#include <string_view>

#include "core/click.hpp"

namespace rt::core {

// What a User-Agent header says about the client.
struct UserAgentClass {
    DeviceClass device = DeviceClass::kUnknown;  // kBot whenever `bot`
    bool bot = false;

    bool operator==(const UserAgentClass&) const = default;
};

// Classifies a User-Agent header. Bots: an empty header; crawlers, spiders and monitors (…bot, crawler,
// spider, "+http" contact URLs); link-preview fetchers (facebookexternalhit, Slackbot-LinkExpanding,
// WhatsApp, TelegramBot, Discordbot, SkypeUriPreview, Embedly, …); scripted clients (curl, Wget,
// python-requests, Go-http-client, HeadlessChrome, …). Otherwise the device: tablet (iPad, Android
// without "Mobile", Kindle), mobile (iPhone, Android Mobile, Windows Phone, …), desktop (Windows,
// macOS, Linux, ChromeOS), else unknown. iPadOS sends a macOS header by default and counts as desktop.
// Pure and thread-safe; case-insensitive.
UserAgentClass ClassifyUserAgent(std::string_view user_agent);

}  // namespace rt::core
