#include "delivery_tracker.h"

#include "suppressions.h"

namespace agape::notifications {
namespace {

std::string str(const Json& j, const char* k) {
  return j.is_object() && j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : "";
}
const Json& object(const Json& j, const char* k) {
  static const Json empty = Json::object();
  return j.is_object() && j.contains(k) && j[k].is_object() ? j[k] : empty;
}

}  // namespace

DeliveryChange deliveryChange(const std::string& type, const Json& data) {
  if (type == "email.delivered") return {"delivered", "'sent'", "", nullptr};
  if (type == "email.bounced") {
    const Json& b = object(data, "bounce");
    const std::string kind = str(b, "type");
    std::string detail = kind.empty() ? "bounced" : kind;
    if (!str(b, "subType").empty()) detail += "/" + str(b, "subType");
    if (!str(b, "message").empty()) detail += ": " + str(b, "message");
    // Only a permanent bounce says the address will never take mail.
    return {"bounced", "'sent', 'delivered'", detail, kind == "Permanent" ? "bounced" : nullptr};
  }
  if (type == "email.complained")
    return {"complained", "'sent', 'delivered'", "marked as spam by the recipient", "complained"};
  if (type == "email.failed") {
    const std::string reason = str(object(data, "failed"), "reason");
    return {"failed", "'sent'", "Resend could not send it" + (reason.empty() ? "" : ": " + reason), nullptr};
  }
  if (type == "email.suppressed") {
    const Json& s = object(data, "suppressed");
    const std::string why = str(s, "reason").empty() ? str(s, "message") : str(s, "reason");
    return {"suppressed", "'sent'", "Resend suppressed it" + (why.empty() ? "" : ": " + why), "provider"};
  }
  return {};
}

TrackedEvent DeliveryTracker::apply(Tx& tx, const std::string& svixId, const Json& event) {
  const long long now = epochMs(clock_.now());
  const std::string type = str(event, "type");
  const Json& data = object(event, "data");
  const std::string emailId = str(data, "email_id");
  // The svix-id first: of concurrent deliveries of one message, the others
  // wait on this row and then find it (PostgreSQL's unique index; SQLite's
  // writers are serial).
  if (tx.exec("INSERT INTO notifications_webhook_events (svix_id, type, email_id, received_at) "
              "VALUES (:id, :type, :email, :now) ON CONFLICT (svix_id) DO NOTHING",
              {{"id", svixId}, {"type", type}, {"email", emailId}, {"now", now}}) == 0)
    return {.duplicate = true};
  if (type.rfind("email.", 0) != 0 || emailId.empty()) return {};
  const auto row =
      tx.one("SELECT id, recipient FROM notifications_deliveries WHERE provider_message_id = :m",
             {{"m", emailId}});
  if (!row) {
    log_.info("resend webhook for an email this server did not send; ignored",
              {{"type", type}, {"emailId", emailId}});
    return {};
  }
  const std::string id = row->text("id");
  const long long at = parseTime(str(event, "created_at")).value_or(now);
  const DeliveryChange c = deliveryChange(type, data);
  if (c.status) {
    // The condition is the guard, evaluated on the row as it is when the
    // update takes it (after any concurrent change commits).
    const std::string where = std::string(" WHERE id = :id AND status IN (") + c.from + ")";
    if (c.detail.empty())
      tx.exec("UPDATE notifications_deliveries SET status = :s, updated_at = :now" + where,
              {{"s", c.status}, {"now", now}, {"id", id}});
    else
      tx.exec("UPDATE notifications_deliveries SET status = :s, last_error = :e, updated_at = :now" + where,
              {{"s", c.status}, {"e", c.detail}, {"now", now}, {"id", id}});
  }
  tx.exec(
      "UPDATE notifications_deliveries SET last_event = :type, last_event_at = :at "
      "WHERE id = :id AND (last_event_at IS NULL OR last_event_at <= :at)",
      {{"type", type}, {"at", at}, {"id", id}});
  if (c.suppress) suppress(tx, row->text("recipient"), c.suppress, c.detail, id, now);
  return {.known = true};
}

long long DeliveryTracker::purge(Tx& tx, long long beforeMs) const {
  return tx.exec("DELETE FROM notifications_webhook_events WHERE received_at < :before",
                 {{"before", beforeMs}});
}

}  // namespace agape::notifications
