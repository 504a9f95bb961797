#include "suppressions.h"

#include <algorithm>
#include <cctype>

#include <agape/clock.h>

namespace agape::notifications {
namespace {

Suppression entry(const Row& r) {
  return {r.text("address"), r.text("reason"), r.text("detail"), r.optText("delivery_id"),
          Timestamp{r.integer("created_at")}};
}

constexpr const char* kColumns = "address, reason, detail, delivery_id, created_at";

}  // namespace

bool isEssential(const std::string& kind) {
  return kind == "email_verification" || kind == "password_reset" || kind == "password_changed";
}

std::string normalizeAddress(const std::string& address) {
  const auto first = address.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  std::string out = address.substr(first, address.find_last_not_of(" \t") - first + 1);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::optional<std::string> suppressedBecause(Tx& tx, const std::string& address) {
  const auto row =
      tx.one("SELECT reason, detail, created_at FROM notifications_suppressions WHERE address = :a",
             {{"a", normalizeAddress(address)}});
  if (!row) return std::nullopt;
  return "suppressed: the address " + row->text("reason") + " on " + rfc3339(row->integer("created_at")) +
         " (" + row->text("detail") + ")";
}

void suppress(Tx& tx, const std::string& address, const std::string& reason, const std::string& detail,
              const std::string& deliveryId, long long nowMs) {
  tx.exec(
      "INSERT INTO notifications_suppressions (address, reason, detail, delivery_id, created_at) "
      "VALUES (:a, :reason, :detail, :delivery, :now) ON CONFLICT (address) DO NOTHING",
      {{"a", normalizeAddress(address)}, {"reason", reason}, {"detail", detail}, {"delivery", deliveryId},
       {"now", nowMs}});
}

Page<Suppression> listSuppressions(Tx& tx, int page, int limit) {
  const long long total = tx.one("SELECT COUNT(*) AS n FROM notifications_suppressions")->integer("n");
  std::vector<Suppression> data;
  for (const auto& r : tx.query(std::string("SELECT ") + kColumns +
                                    " FROM notifications_suppressions ORDER BY created_at DESC, address "
                                    "LIMIT :limit OFFSET :offset",
                                {{"limit", static_cast<long long>(limit)},
                                 {"offset", static_cast<long long>(page - 1) * limit}}))
    data.push_back(entry(r));
  return {std::move(data), page, limit, total};
}

std::optional<Suppression> liftSuppression(Tx& tx, const std::string& address) {
  // One of two concurrent lifts gets the row: the other finds nothing.
  const auto rows =
      tx.query(std::string("DELETE FROM notifications_suppressions WHERE address = :a RETURNING ") + kColumns,
               {{"a", normalizeAddress(address)}});
  if (rows.empty()) return std::nullopt;
  return entry(rows.front());
}

}  // namespace agape::notifications
