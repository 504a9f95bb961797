#include "staff_alerts.h"

#include <algorithm>
#include <map>

#include <agape/crypto.h>

#include "suppressions.h"

namespace agape::notifications {
namespace {

constexpr std::size_t kMaxRoleHolders = 50;
constexpr long long kDigestLines = 100;

std::string options(const catalog::VariantSummary& v) {
  std::string out;
  if (v.size) out = "size " + *v.size;
  if (v.color) out += (out.empty() ? "" : ", ") + std::string("color ") + *v.color;
  return out;
}

}  // namespace

std::vector<std::string> StaffAlerts::recipients(Tx& tx) const {
  std::vector<std::string> out;
  const auto add = [&](const std::string& address) {
    const std::string a = normalizeAddress(address);
    if (!a.empty() && std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  };
  for (const auto& a : config_.addresses) add(a);
  if (users_ && !config_.roles.empty())
    for (const auto& u : users_->withRoles(tx, config_.roles, kMaxRoleHolders)) add(u.email);
  return out;
}

void StaffAlerts::toStaff(Tx& tx, const std::string& key, const Message& m) {
  const auto to = recipients(tx);
  if (to.empty()) {
    log_.info("staff alert not sent: no recipients (notifications.staffAlerts)", {{"kind", m.kind}});
    return;
  }
  for (const auto& address : to) {
    Message copy = m;
    copy.to = address;
    book_.record(tx, key, copy);
  }
}

std::vector<LowStockLine> StaffAlerts::describe(Tx& tx, std::vector<LowStockLine> lines) const {
  if (!variants_ || lines.empty()) return lines;
  std::vector<std::string> ids;
  for (const auto& l : lines) ids.push_back(l.variantId);
  std::map<std::string, catalog::VariantSummary> known;
  for (auto& v : variants_->lookup(tx, ids)) known.emplace(v.id, std::move(v));
  for (auto& l : lines)
    if (const auto it = known.find(l.variantId); it != known.end()) {
      l.sku = it->second.sku;
      l.product = it->second.productName;
      l.options = options(it->second);
    }
  return lines;
}

void StaffAlerts::lowStock(Tx& tx, const std::string& eventId, const inventory::InventoryLowStock& low) {
  const LowStockLine line{
      .variantId = low.variantId, .available = low.available, .threshold = low.threshold, .lowAtMs = nowMs()};
  if (config_.lowStockDigest) {
    tx.exec(
        "INSERT INTO notifications_low_stock (variant_id, available, threshold, low_at, in_next_digest) "
        "VALUES (:v, :a, :t, :at, 1) ON CONFLICT (variant_id) DO UPDATE SET available = excluded.available, "
        "threshold = excluded.threshold, low_at = excluded.low_at, in_next_digest = 1",
        {{"v", line.variantId}, {"a", line.available}, {"t", line.threshold}, {"at", line.lowAtMs}});
    return;
  }
  // Claimed in one statement: the row is written or moved on only when the
  // last alert is older than lowStockEvery. A concurrent event for the same
  // variant waits for this row and then finds it recent.
  const long long cutoff = line.lowAtMs - static_cast<long long>(config_.lowStockEvery.count());
  if (tx.exec("INSERT INTO notifications_low_stock (variant_id, available, threshold, low_at, last_alert_at) "
              "VALUES (:v, :a, :t, :at, :at) ON CONFLICT (variant_id) DO UPDATE SET "
              "available = excluded.available, threshold = excluded.threshold, low_at = excluded.low_at, "
              "last_alert_at = excluded.last_alert_at "
              "WHERE notifications_low_stock.last_alert_at IS NULL OR notifications_low_stock.last_alert_at "
              "<= :cutoff",
              {{"v", line.variantId}, {"a", line.available}, {"t", line.threshold}, {"at", line.lowAtMs},
               {"cutoff", cutoff}}) == 0) {
    log_.info("low stock: staff were alerted about this variant recently", {{"variant", line.variantId}});
    return;
  }
  toStaff(tx, eventId, lowStockMessage(describe(tx, {line}).front(), store_));
}

std::size_t StaffAlerts::digest(Tx& tx) {
  std::vector<LowStockLine> lines;
  for (const auto& r :
       tx.query("SELECT variant_id, available, threshold, low_at FROM notifications_low_stock "
                "WHERE in_next_digest = 1 ORDER BY low_at, variant_id LIMIT :n",
                {{"n", kDigestLines + 1}}))
    lines.push_back({.variantId = r.text("variant_id"),
                     .available = r.integer("available"),
                     .threshold = r.integer("threshold"),
                     .lowAtMs = r.integer("low_at")});
  if (lines.empty()) return 0;
  const long long more =
      static_cast<long long>(lines.size()) > kDigestLines
          ? tx.one("SELECT COUNT(*) AS n FROM notifications_low_stock WHERE in_next_digest = 1")
                    ->integer("n") -
                kDigestLines
          : 0;
  if (more > 0) lines.resize(kDigestLines);
  // Only the listed variants leave the list, each as it was read: one that
  // went low again since is listed next time.
  std::string key, where;
  Params params{{"now", nowMs()}};
  for (const auto& l : lines) {
    key += l.variantId + "@" + std::to_string(l.lowAtMs) + ";";
    const std::string n = std::to_string(params.size());
    where += std::string(where.empty() ? "" : " OR ") + "(variant_id = :v" + n + " AND low_at = :at" + n +
             ")";
    params.emplace_back("v" + n, l.variantId);
    params.emplace_back("at" + n, l.lowAtMs);
  }
  tx.exec("UPDATE notifications_low_stock SET in_next_digest = 0, last_alert_at = :now WHERE " + where,
          params);
  toStaff(tx, "low-stock-digest:" + sha256Hex(key).substr(0, 32),
          lowStockDigestMessage(describe(tx, lines), more, store_));
  return lines.size();
}

void StaffAlerts::paymentsAttention(Tx& tx, const std::string& key,
                                    const payments::PaymentsAttentionNeeded& report) {
  toStaff(tx, key, paymentsAttentionMessage(report, store_));
}

}  // namespace agape::notifications
