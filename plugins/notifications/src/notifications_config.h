#pragma once
#include <chrono>
#include <string>

#include <agape/config.h>

namespace agape::notifications {

struct NotificationsConfig {
  // "outbox": kept in the database only (GET /v1/admin/notifications shows
  // them; development); "resend": sent through Resend's API.
  std::string provider = "outbox";
  std::string apiKey;  // Resend: re_...
  std::string baseUrl = "https://api.resend.com";
  std::string from = "Agape Store <orders@example.ng>";
  std::string replyTo;
  // Storefront links in order emails ("<storefrontUrl>/orders/<id>").
  std::string storefrontUrl = "http://localhost:3000";
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
};

// Strict decode of the `notifications:` section; throws agape::ConfigError.
NotificationsConfig decodeNotificationsConfig(const ConfigView& section);

}  // namespace agape::notifications
