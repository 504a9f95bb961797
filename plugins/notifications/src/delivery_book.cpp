#include "delivery_book.h"

#include <agape/crypto.h>
#include <agape/json.h>

#include "suppressions.h"

namespace agape::notifications {
namespace {

// One-time links (verification, reset) are kept sealed until sent and not
// at all afterwards: the email was the only place they were needed.
bool holdsSecret(const std::string& kind) { return kind == "email_verification" || kind == "password_reset"; }
constexpr const char* kDropped = "[not kept after sending: it held a one-time link]";
constexpr const char* kSealed = "[sealed: it holds a one-time link]";
std::string bodyPurpose(const std::string& deliveryId) { return "notifications.body:" + deliveryId; }

}  // namespace

bool DeliveryBook::record(Tx& tx, const std::string& eventId, const Message& m) {
  const long long now = nowMs();
  const std::string id = uuidV7(now);
  // Written, not sent, when the address is on the suppression list and the
  // email is not one the account's security needs.
  const auto suppressed = isEssential(m.kind) ? std::nullopt : suppressedBecause(tx, m.to);
  const bool seal = holdsSecret(m.kind);
  const std::string text = seal ? secrets_.seal(m.text, bodyPurpose(id)) : m.text;
  const std::string html = seal ? secrets_.seal(m.html, bodyPurpose(id)) : m.html;
  if (tx.exec("INSERT INTO notifications_deliveries (id, event_id, kind, recipient, subject, text_body, html_body, status, "
              "provider, last_error, created_at, updated_at) VALUES (:id, :event, :kind, :to, :subject, :text, :html, "
              ":status, :provider, :error, :now, :now) ON CONFLICT DO NOTHING",
              {{"id", id}, {"event", eventId}, {"kind", m.kind}, {"to", m.to}, {"subject", m.subject},
               {"text", text}, {"html", html}, {"status", suppressed ? "suppressed" : "queued"},
               {"provider", mailer_.name()}, {"error", suppressed}, {"now", now}}) == 0)
    return false;
  if (suppressed) {
    log_.info("email not sent: its address is on the suppression list", {{"delivery", id}, {"kind", m.kind}});
    return true;
  }
  jobs_.enqueue(kSendQueue, Json{{"deliveryId", id}}.dump(), {.maxAttempts = 8, .idempotencyKey = id}, tx);
  return true;
}

void DeliveryBook::send(const std::string& deliveryId) {
  const auto row = db_.read([&](Tx& tx) {
    return tx.one("SELECT kind, recipient, subject, text_body, html_body, status FROM notifications_deliveries "
                  "WHERE id = :id",
                  {{"id", deliveryId}});
  });
  if (!row || row->text("status") != "queued") return;  // sent or failed before (a retried job)
  Message m{row->text("kind"), row->text("recipient"), row->text("subject"), row->text("text_body"),
            row->text("html_body")};
  const bool sealed = holdsSecret(m.kind);
  if (sealed) {
    auto text = secrets_.open(m.text, bodyPurpose(deliveryId)), html = secrets_.open(m.html, bodyPurpose(deliveryId));
    // Retried: another instance, or this one after a restart, may hold the key.
    if (!text || !html) throw std::runtime_error("the email's sealed body does not open with this server's keys");
    m.text = std::move(*text);
    m.html = std::move(*html);
  }
  try {
    const std::string messageId = mailer_.send(m, deliveryId);
    const bool drop = sealed;
    db_.run([&](Tx& tx) {
      tx.exec("UPDATE notifications_deliveries SET status = 'sent', provider_message_id = :mid, attempts = attempts + 1, "
              "last_error = NULL, text_body = CASE WHEN :drop = 1 THEN :dropped ELSE text_body END, "
              "html_body = CASE WHEN :drop = 1 THEN :dropped ELSE html_body END, updated_at = :now WHERE id = :id",
              {{"mid", messageId}, {"drop", drop}, {"dropped", kDropped}, {"now", nowMs()},
               {"id", deliveryId}});
    });
  } catch (const PermanentFailure& e) {
    log_.warn("email not sent: the provider refused it", {{"delivery", deliveryId}, {"kind", m.kind}, {"error", e.what()}});
    db_.run([&](Tx& tx) {
      tx.exec("UPDATE notifications_deliveries SET status = 'failed', attempts = attempts + 1, last_error = :e, "
              "updated_at = :now WHERE id = :id",
              {{"e", std::string(e.what())}, {"now", nowMs()}, {"id", deliveryId}});
    });
  } catch (const std::exception& e) {
    db_.run([&](Tx& tx) {
      tx.exec("UPDATE notifications_deliveries SET attempts = attempts + 1, last_error = :e, updated_at = :now "
              "WHERE id = :id",
              {{"e", std::string(e.what())}, {"now", nowMs()}, {"id", deliveryId}});
    });
    throw;  // the job runner retries with backoff
  }
}

Page<Delivery> DeliveryBook::list(Tx& tx, const std::optional<std::string>& status,
                                  const std::optional<std::string>& kind, int page, int limit) const {
  std::string where = "WHERE 1 = 1";
  Params params;
  if (status) {
    where += " AND status = :status";
    params.emplace_back("status", *status);
  }
  if (kind) {
    where += " AND kind = :kind";
    params.emplace_back("kind", *kind);
  }
  const long long total = tx.one("SELECT COUNT(*) AS n FROM notifications_deliveries " + where, params)->integer("n");
  params.emplace_back("limit", static_cast<long long>(limit));
  params.emplace_back("offset", static_cast<long long>(page - 1) * limit);
  std::vector<Delivery> data;
  for (const auto& r : tx.query("SELECT id, event_id, kind, recipient, subject, text_body, status, provider, "
                                "provider_message_id, attempts, last_error, last_event, last_event_at, created_at, updated_at "
                                "FROM notifications_deliveries " + where +
                                    " ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset",
                                params))
    data.push_back({r.text("id"), r.text("event_id"), r.text("kind"), r.text("recipient"), r.text("subject"),
                    holdsSecret(r.text("kind")) && r.text("text_body") != kDropped ? kSealed : r.text("text_body"),
                    r.text("status"), r.text("provider"), r.optText("provider_message_id"), r.integer("attempts"),
                    r.optText("last_error"), r.optText("last_event"),
                    r.isNull("last_event_at") ? std::nullopt : std::optional<Timestamp>(Timestamp{r.integer("last_event_at")}),
                    Timestamp{r.integer("created_at")}, Timestamp{r.integer("updated_at")}});
  return {std::move(data), page, limit, total};
}

}  // namespace agape::notifications
