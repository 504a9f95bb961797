#pragma once
// Alerts for the shop's staff: a variant low on stock (at most one email
// per variant per notifications.staffAlerts.lowStockEvery, or a daily
// digest), and the payments that need someone. The recipients are the
// configured addresses and every user holding one of the configured roles
// (auth's UserDirectory), each with a delivery of their own, recorded once
// per event like every email.
#include <cstddef>
#include <string>
#include <vector>

#include <agape/auth/user_directory.h>
#include <agape/catalog/variant_directory.h>
#include <agape/clock.h>
#include <agape/db.h>
#include <agape/inventory/events.h>
#include <agape/logger.h>

#include "delivery_book.h"
#include "notifications_config.h"
#include "staff_messages.h"

namespace agape::notifications {

class StaffAlerts {
 public:
  StaffAlerts(StaffAlertsConfig config, DeliveryBook& book, const Clock& clock, Logger& log,
              std::string store)
      : config_(std::move(config)), book_(book), clock_(clock), log_(log), store_(std::move(store)) {}
  // Validate: both optional (no users by role without auth; variants named
  // by id without the catalogue).
  void use(const auth::UserDirectory* users, const catalog::VariantDirectory* variants) {
    users_ = users;
    variants_ = variants;
  }
  bool digestMode() const { return config_.lowStockDigest; }

  // inventory.low_stock, in the event's transaction: the staff emailed unless this variant was within
  // lowStockEvery (checked and stamped in one statement, so concurrent
  // events email once); in digest mode, the variant noted for the digest.
  void lowStock(Tx& tx, const std::string& eventId, const inventory::InventoryLowStock& low);
  // The digest job: the variants noted since the last digest (the first
  // 100; the rest the next time), one email per recipient, and the variants
  // taken off the list, in one transaction. The email's key is made from
  // what it lists, so a job run again sends nothing twice. How many listed.
  std::size_t digest(Tx& tx);
  // payments.attention_needed: one email per recipient, once per `key`.
  void paymentsAttention(Tx& tx, const std::string& key, const payments::PaymentsAttentionNeeded& report);

  // The configured addresses, then the role holders; lower-case, each once.
  std::vector<std::string> recipients(Tx& tx) const;

 private:
  void toStaff(Tx& tx, const std::string& key, const Message& m);
  std::vector<LowStockLine> describe(Tx& tx, std::vector<LowStockLine> lines) const;
  long long nowMs() const { return epochMs(clock_.now()); }

  StaffAlertsConfig config_;
  DeliveryBook& book_;
  const Clock& clock_;
  Logger& log_;
  std::string store_;
  const auth::UserDirectory* users_ = nullptr;
  const catalog::VariantDirectory* variants_ = nullptr;
};

}  // namespace agape::notifications
