#include "payment_book.h"

#include <stdexcept>

#include <agape/crypto.h>

namespace agape::payments {
namespace {

constexpr const char* kColumns =
    "SELECT id, order_id, user_id, reference, provider, status, amount, currency, authorization_url, access_code, "
    "provider_transaction_id, channel, paid_at, failure, created_at, updated_at FROM payments_payments ";

Json opt(const Row& r, const char* c) { return r.isNull(c) ? Json(nullptr) : Json(r.text(c)); }

Json paymentJson(const Row& r) {
  return {{"id", r.text("id")},
          {"orderId", r.text("order_id")},
          {"userId", r.text("user_id")},
          {"reference", r.text("reference")},
          {"provider", r.text("provider")},
          {"status", r.text("status")},
          {"amount", {{"amount", r.integer("amount")}, {"currency", r.text("currency")}}},
          {"authorizationUrl", opt(r, "authorization_url")},
          {"accessCode", opt(r, "access_code")},
          {"providerTransactionId", opt(r, "provider_transaction_id")},
          {"channel", opt(r, "channel")},
          {"paidAt", opt(r, "paid_at")},
          {"failure", opt(r, "failure")},
          {"createdAt", rfc3339(r.integer("created_at"))},
          {"updatedAt", rfc3339(r.integer("updated_at"))}};
}

}  // namespace

Json PaymentBook::create(Tx& tx, const orders::OrderSummary& order, const std::string& userId,
                         const std::string& provider) {
  const long long now = nowMs();
  const std::string id = uuidV7(now);
  // Paystack allows [A-Za-z0-9.=-]; a new reference per attempt.
  const std::string reference = "AGP-" + hexEncode(randomBytes(12));
  tx.exec("INSERT INTO payments_payments (id, order_id, user_id, reference, provider, status, amount, currency, "
          "created_at, updated_at) VALUES (:id, :order, :user, :ref, :provider, 'initialized', :amount, :currency, "
          ":created, :updated)",
          {id, order.id, userId, reference, provider, order.total, order.currency, now, now});
  return *get(tx, id);
}

void PaymentBook::attach(Tx& tx, const std::string& paymentId, const InitResult& init) const {
  tx.exec("UPDATE payments_payments SET authorization_url = :url, access_code = :code, updated_at = :now WHERE id = :id",
          {init.authorizationUrl, init.accessCode, nowMs(), paymentId});
}

void PaymentBook::fail(Tx& tx, const std::string& paymentId, const std::string& why) const {
  tx.exec("UPDATE payments_payments SET status = 'failed', failure = :why, updated_at = :now WHERE id = :id",
          {why, nowMs(), paymentId});
}

void PaymentBook::setStatus(Tx& tx, const std::string& id, const std::string& status, const Charge* c) const {
  tx.exec("UPDATE payments_payments SET status = :status, provider_transaction_id = COALESCE(:pid, provider_transaction_id), "
          "channel = COALESCE(:channel, channel), paid_at = COALESCE(:paid, paid_at), updated_at = :now WHERE id = :id",
          {status, c && !c->providerId.empty() ? Value(c->providerId) : Value(),
           c && !c->channel.empty() ? Value(c->channel) : Value(), c && !c->paidAt.empty() ? Value(c->paidAt) : Value(),
           nowMs(), id});
}

Applied PaymentBook::apply(Tx& tx, const Charge& charge) {
  if (!orders_) throw std::logic_error("payments: the OrderService was not set at validate");
  // Locked first: concurrent deliveries of one result queue here.
  const std::string lock = tx.dialect() == Dialect::Postgres ? " FOR UPDATE" : "";
  const auto row = tx.one(std::string(kColumns) + "WHERE reference = :ref" + lock, {charge.reference});
  if (!row) return Applied::Unknown;
  const std::string status = row->text("status");
  if (status == "success" || status == "refund_due" || status == "amount_mismatch") return Applied::AlreadyApplied;
  const std::string id = row->text("id");
  if (charge.status != "success") {
    if (charge.status == "failed" || charge.status == "abandoned") setStatus(tx, id, charge.status, &charge);
    return Applied::NotPaid;
  }
  Json event = {{"paymentId", id},          {"orderId", row->text("order_id")}, {"userId", row->text("user_id")},
                {"reference", charge.reference}, {"amount", row->integer("amount")},  {"currency", row->text("currency")},
                {"provider", row->text("provider")}};
  if (charge.amount != row->integer("amount") || charge.currency != row->text("currency")) {
    setStatus(tx, id, "amount_mismatch", &charge);
    event["reportedAmount"] = charge.amount;
    event["reportedCurrency"] = charge.currency;
    events_.publish("payment.amount_mismatch", event.dump(), tx);
    audit_.record("system", "payment.amount_mismatch", "payment", id, event.dump(), tx);
    return Applied::AmountMismatch;
  }
  const auto paid = orders_->markPaid(tx, row->text("order_id"), charge.reference, "payments");
  const bool refundDue = paid == orders::PaidResult::NotPayable;
  setStatus(tx, id, refundDue ? "refund_due" : "success", &charge);
  events_.publish(refundDue ? "payment.refund_due" : "payment.succeeded", event.dump(), tx);
  audit_.record("system", refundDue ? "payment.refund_due" : "payment.succeeded", "payment", id, event.dump(), tx);
  return refundDue ? Applied::RefundDue : Applied::Paid;
}

bool PaymentBook::recordWebhook(Tx& tx, const std::string& key, const std::string& event,
                                const std::string& payload) const {
  return tx.exec("INSERT INTO payments_webhook_events (event_key, event, payload, received_at) "
                 "VALUES (:key, :event, :payload, :now) ON CONFLICT DO NOTHING",
                 {key, event, payload, nowMs()}) > 0;
}

std::optional<Json> PaymentBook::get(Tx& tx, const std::string& id) const {
  const auto r = tx.one(std::string(kColumns) + "WHERE id = :id", {id});
  if (!r) return std::nullopt;
  return paymentJson(*r);
}

std::optional<Json> PaymentBook::byReference(Tx& tx, const std::string& reference) const {
  const auto r = tx.one(std::string(kColumns) + "WHERE reference = :ref", {reference});
  if (!r) return std::nullopt;
  return paymentJson(*r);
}

Json PaymentBook::list(Tx& tx, const PaymentFilter& f) const {
  std::string where = "WHERE 1 = 1";
  Params params;
  if (f.userId) {
    where += " AND user_id = :user";
    params.push_back(*f.userId);
  }
  if (f.orderId) {
    where += " AND order_id = :order";
    params.push_back(*f.orderId);
  }
  if (f.status) {
    where += " AND status = :status";
    params.push_back(*f.status);
  }
  const long long total = tx.one("SELECT COUNT(*) AS n FROM payments_payments " + where, params)->integer("n");
  params.push_back(static_cast<long long>(f.limit));
  params.push_back(static_cast<long long>(f.page - 1) * f.limit);
  Json data = Json::array();
  for (const auto& r : tx.query(std::string(kColumns) + where + " ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset",
                                params))
    data.push_back(paymentJson(r));
  return {{"data", std::move(data)},
          {"meta", {{"page", f.page}, {"limit", f.limit}, {"total", total}, {"totalPages", (total + f.limit - 1) / f.limit}}}};
}

}  // namespace agape::payments
