#pragma once
#include <chrono>
#include <string>
#include <vector>

#include <agape/config.h>

namespace agape::notifications {

// Who hears about the shop's trouble (low stock, payments to look at), and
// how often.
struct StaffAlertsConfig {
  std::vector<std::string> addresses;          // fixed recipients
  std::vector<std::string> roles = {"admin"};  // plus every user holding one of these (auth)
  // At most one low-stock email per variant this often.
  std::chrono::milliseconds lowStockEvery = std::chrono::hours(24);
  // Instead of an email per variant, one daily digest of the variants that
  // went low since the last one (schedule notifications.low_stock_digest).
  bool lowStockDigest = false;
};

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
  // Resend's webhook signing secret (whsec_...); empty: delivery tracking
  // is off and POST /v1/webhooks/resend answers 401.
  std::string webhookSecret;
  StaffAlertsConfig staffAlerts;
};

// Strict decode of the `notifications:` section; throws agape::ConfigError.
NotificationsConfig decodeNotificationsConfig(const ConfigView& section);

}  // namespace agape::notifications
