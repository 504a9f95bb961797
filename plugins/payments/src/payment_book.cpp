#include "payment_book.h"

#include <limits>
#include <stdexcept>

#include <agape/crypto.h>
#include <agape/json.h>
#include <agape/payments/events.h>
#include <agape/problem.h>

namespace agape::payments {
namespace {

constexpr const char* kColumns =
    "SELECT id, order_id, user_id, reference, provider, status, amount, currency, authorization_url, access_code, "
    "provider_transaction_id, channel, paid_at, failure, created_at, updated_at, "
    "(SELECT COALESCE(SUM(r.amount), 0) FROM payments_refunds r WHERE r.payment_id = payments_payments.id "
    "AND r.status = 'processed') AS refunded FROM payments_payments ";
constexpr const char* kRefundColumns =
    "SELECT id, payment_id, amount, reason, status, provider_refund_id, failure, requested_by, attempts, origin, "
    "created_at, updated_at, (SELECT p.reference FROM payments_payments p WHERE p.id = payments_refunds.payment_id) "
    "AS reference FROM payments_refunds ";

template <class E>
E statusOf(const Names<E>& names, const Row& r) {
  const auto status = names.find(r.text("status"));
  if (!status) throw std::logic_error("payments: a row with an unknown status " + r.text("status"));
  return *status;
}

Payment paymentOf(const Row& r) {
  return {r.text("id"),
          r.text("order_id"),
          r.text("user_id"),
          r.text("reference"),
          r.text("provider"),
          statusOf(paymentStatuses(), r),
          Money{r.integer("amount"), r.text("currency")},
          r.optText("authorization_url"),
          r.optText("access_code"),
          r.optText("provider_transaction_id"),
          r.optText("channel"),
          r.optText("paid_at"),
          r.optText("failure"),
          r.integer("refunded"),
          Timestamp{r.integer("created_at")},
          Timestamp{r.integer("updated_at")}};
}

Refund refundOf(const Row& r) {
  return {r.text("id"),
          r.text("payment_id"),
          r.text("reference"),
          r.integer("amount"),
          r.text("reason"),
          statusOf(refundStatuses(), r),
          r.optText("provider_refund_id"),
          r.optText("failure"),
          r.text("requested_by"),
          r.integer("attempts"),
          r.optText("origin"),
          Timestamp{r.integer("created_at")},
          Timestamp{r.integer("updated_at")}};
}

}  // namespace

const Names<PaymentStatus>& paymentStatuses() {
  static const Names<PaymentStatus> names{{PaymentStatus::Initialized, "initialized"},
                                          {PaymentStatus::Success, "success"},
                                          {PaymentStatus::Failed, "failed"},
                                          {PaymentStatus::Abandoned, "abandoned"},
                                          {PaymentStatus::RefundDue, "refund_due"},
                                          {PaymentStatus::AmountMismatch, "amount_mismatch"}};
  return names;
}

const Names<RefundStatus>& refundStatuses() {
  static const Names<RefundStatus> names{
      {RefundStatus::Pending, "pending"}, {RefundStatus::Processed, "processed"}, {RefundStatus::Failed, "failed"}};
  return names;
}

const Schema<Payment>& paymentSchema() {
  static const auto schema =
      Schema<Payment>("One attempt to pay an order")
          .field("id", &Payment::id)
          .field("orderId", &Payment::orderId)
          .field("userId", &Payment::userId)
          .field("reference", &Payment::reference)
          .field("provider", &Payment::provider)
          .field("status", &Payment::status, paymentStatuses())
          .field("amount", &Payment::amount, moneySchema())
          .field("authorizationUrl", &Payment::authorizationUrl, {.description = "where the customer pays"})
          .field("accessCode", &Payment::accessCode)
          .field("providerTransactionId", &Payment::providerTransactionId)
          .field("channel", &Payment::channel)
          .field("paidAt", &Payment::paidAt, {.description = "as the provider reported it"})
          .field("failure", &Payment::failure)
          .field("refundedAmount", &Payment::refundedAmount, {.description = "kobo, refunds processed"})
          .field("createdAt", &Payment::createdAt)
          .field("updatedAt", &Payment::updatedAt);
  return schema;
}

const Schema<Refund>& refundSchema() {
  static const auto schema =
      Schema<Refund>("A refund of a payment, in full or in part")
          .field("id", &Refund::id)
          .field("paymentId", &Refund::paymentId)
          .field("reference", &Refund::reference, {.description = "the payment's"})
          .field("amount", &Refund::amount, {.description = "kobo"})
          .field("reason", &Refund::reason)
          .field("status", &Refund::status, refundStatuses())
          .field("providerRefundId", &Refund::providerRefundId)
          .field("failure", &Refund::failure,
                 {.description = "the last problem: a refusal, or a lost answer being checked"})
          .field("requestedBy", &Refund::requestedBy)
          .field("attempts", &Refund::attempts)
          .field("origin", &Refund::origin, {.description = "what asked for it besides finance (a cancelled order)"})
          .field("createdAt", &Refund::createdAt)
          .field("updatedAt", &Refund::updatedAt);
  return schema;
}

Payment PaymentBook::create(Tx& tx, const orders::OrderSummary& order, const std::string& userId,
                         const std::string& provider) {
  const long long now = nowMs();
  const std::string id = uuidV7(now);
  // Paystack allows [A-Za-z0-9.=-]; a new reference per attempt.
  const std::string reference = "AGP-" + hexEncode(randomBytes(12));
  tx.exec("INSERT INTO payments_payments (id, order_id, user_id, reference, provider, status, amount, currency, "
          "created_at, updated_at) VALUES (:id, :order, :user, :ref, :provider, 'initialized', :amount, :currency, "
          ":now, :now)",
          {{"id", id}, {"order", order.id}, {"user", userId}, {"ref", reference}, {"provider", provider},
           {"amount", order.total}, {"currency", order.currency}, {"now", now}});
  return *get(tx, id);
}

void PaymentBook::attach(Tx& tx, const std::string& paymentId, const InitResult& init) const {
  tx.exec("UPDATE payments_payments SET authorization_url = :url, access_code = :code, updated_at = :now WHERE id = :id",
          {{"url", init.authorizationUrl}, {"code", init.accessCode}, {"now", nowMs()}, {"id", paymentId}});
}

void PaymentBook::fail(Tx& tx, const std::string& paymentId, const std::string& why) const {
  tx.exec("UPDATE payments_payments SET status = 'failed', failure = :why, updated_at = :now WHERE id = :id",
          {{"why", why}, {"now", nowMs()}, {"id", paymentId}});
}

void PaymentBook::setStatus(Tx& tx, const std::string& id, const std::string& status, const Charge* c) const {
  tx.execLater("UPDATE payments_payments SET status = :status, "
               "provider_transaction_id = COALESCE(:pid, provider_transaction_id), channel = COALESCE(:channel, channel), "
               "paid_at = COALESCE(:paid, paid_at), updated_at = :now WHERE id = :id",
               {{"status", status}, {"pid", c && !c->providerId.empty() ? Value(c->providerId) : Value()},
                {"channel", c && !c->channel.empty() ? Value(c->channel) : Value()},
                {"paid", c && !c->paidAt.empty() ? Value(c->paidAt) : Value()}, {"now", nowMs()}, {"id", id}});
}

Applied PaymentBook::apply(Tx& tx, const Charge& charge) {
  if (!orders_) throw std::logic_error("payments: the OrderService was not set at validate");
  // Locked first: concurrent deliveries of one result queue here.
  const auto row =
      tx.one(std::string(kColumns) + "WHERE reference = :ref" + forUpdate(tx), {{"ref", charge.reference}});
  if (!row) return Applied::Unknown;
  const PaymentStatus status = statusOf(paymentStatuses(), *row);
  if (status == PaymentStatus::Success || status == PaymentStatus::RefundDue || status == PaymentStatus::AmountMismatch)
    return Applied::AlreadyApplied;
  const std::string id = row->text("id");
  if (charge.status != "success") {
    if (charge.status == "failed" || charge.status == "abandoned") setStatus(tx, id, charge.status, &charge);
    return Applied::NotPaid;
  }
  const ChargeOutcome outcome{.paymentId = id,
                              .orderId = row->text("order_id"),
                              .userId = row->text("user_id"),
                              .reference = charge.reference,
                              .amount = row->integer("amount"),
                              .currency = row->text("currency"),
                              .provider = row->text("provider")};
  if (charge.amount != row->integer("amount") || charge.currency != row->text("currency")) {
    setStatus(tx, id, "amount_mismatch", &charge);
    const PaymentAmountMismatch event{{outcome, charge.amount, charge.currency}};
    events_.publish(tx, event);
    audit_.record("system", "payment.amount_mismatch", "payment", id, PaymentAmountMismatch::schema().encode(event),
                  tx);
    return Applied::AmountMismatch;
  }
  const auto paid = orders_->markPaid(tx, row->text("order_id"), charge.reference, "payments");
  // Not payable (cancelled, expired), or already paid by another attempt
  // (two checkout tabs, both paid): this money must go back.
  const bool refundDue = paid != orders::PaidResult::Paid;
  setStatus(tx, id, refundDue ? "refund_due" : "success", &charge);
  if (refundDue) {
    events_.publish(tx, PaymentRefundDue{outcome});
    audit_.record("system", "payment.refund_due", "payment", id, PaymentRefundDue::schema().encode({outcome}), tx);
  } else {
    events_.publish(tx, PaymentSucceeded{outcome});
    audit_.record("system", "payment.succeeded", "payment", id, PaymentSucceeded::schema().encode({outcome}), tx);
  }
  return refundDue ? Applied::RefundDue : Applied::Paid;
}

bool PaymentBook::recordWebhook(Tx& tx, const std::string& key, const std::string& event,
                                const std::string& payload) const {
  return tx.exec("INSERT INTO payments_webhook_events (event_key, event, payload, received_at) "
                 "VALUES (:key, :event, :payload, :now) ON CONFLICT DO NOTHING",
                 {{"key", key}, {"event", event}, {"payload", payload}, {"now", nowMs()}}) > 0;
}

std::optional<Refund> PaymentBook::createRefund(Tx& tx, const RefundAsk& ask) {
  const auto p = tx.one("SELECT id, status, amount, reference, currency FROM payments_payments WHERE id = :id" +
                            forUpdate(tx),
                        {{"id", ask.paymentId}});
  if (!p) throw Problem::notFound("No payment with this id.");
  // Under the payment's lock: of concurrent askers with one origin, one writes.
  if (!ask.origin.empty() && tx.one("SELECT id FROM payments_refunds WHERE origin = :origin",
                                    {{"origin", ask.origin}}))
    return std::nullopt;
  // A payment whose order could not take it (refund_due) is refundable too.
  const PaymentStatus status = statusOf(paymentStatuses(), *p);
  if (status != PaymentStatus::Success && status != PaymentStatus::RefundDue)
    throw Problem(409, "invalid_state", "Only a succeeded payment can be refunded; this one is " + p->text("status") + ".");
  // Pending refunds count: their outcome may still be a refund.
  const std::int64_t taken = tx.one("SELECT COALESCE(SUM(amount), 0) AS n FROM payments_refunds WHERE payment_id = :id "
                                    "AND status <> 'failed'",
                                    {{"id", ask.paymentId}})->integer("n");
  const std::int64_t left = p->integer("amount") - taken;
  const std::int64_t want = ask.amount.value_or(left);
  if (left <= 0) throw Problem(409, "already_refunded", "This payment is refunded (or being refunded) in full.");
  if (want < 1 || want > left)
    throw Problem::validation({{"amount", "must be between 1 and " + std::to_string(left) + " (what is not refunded yet)"}});
  const long long now = nowMs();
  const std::string id = uuidV7(now);
  tx.exec("INSERT INTO payments_refunds (id, payment_id, amount, reason, status, requested_by, created_at, updated_at, "
          "sent_at, attempts, origin) VALUES (:id, :payment, :amount, :reason, 'pending', :actor, :now, :now, "
          ":now, 1, :origin)",
          {{"id", id}, {"payment", ask.paymentId}, {"amount", want}, {"reason", ask.reason},
           {"actor", ask.actor}, {"now", now}, {"origin", ask.origin.empty() ? Value() : Value(ask.origin)}});
  Refund out = *findRefund(tx, id);
  audit_.record(ask.actor, "payment.refund_requested", "payment", ask.paymentId, refundSchema().encode(out), tx);
  showOnOrder(tx, ask.paymentId);
  return out;
}

std::optional<Refund> PaymentBook::findRefund(Tx& tx, const std::string& refundId) const {
  const auto r = tx.one(std::string(kRefundColumns) + "WHERE id = :id", {{"id", refundId}});
  if (!r) return std::nullopt;
  return refundOf(*r);
}

std::optional<std::string> PaymentBook::payingPayment(Tx& tx, const std::string& orderId) const {
  // At most one: a second success for a paid order is refund_due.
  const auto r = tx.one("SELECT id FROM payments_payments WHERE order_id = :order AND status = 'success'",
                        {{"order", orderId}});
  if (!r) return std::nullopt;
  return r->text("id");
}

Refund PaymentBook::refundAnswered(Tx& tx, const std::string& refundId, const RefundResult& result) {
  const long long now = nowMs();
  tx.exec("UPDATE payments_refunds SET provider_refund_id = COALESCE(:pid, provider_refund_id), failure = NULL, "
          "checked_at = :now, updated_at = :now WHERE id = :id",
          {{"pid", result.providerRefundId.empty() ? Value() : Value(result.providerRefundId)}, {"now", now},
           {"id", refundId}});
  if (result.status == "processed") processed(tx, refundId);
  if (result.status == "failed") refundFailed(tx, refundId, "the provider reported the refund failed");
  return *findRefund(tx, refundId);
}

void PaymentBook::refundFailed(Tx& tx, const std::string& refundId, const std::string& why) {
  if (tx.exec("UPDATE payments_refunds SET status = 'failed', failure = :why, updated_at = :now WHERE id = :id "
              "AND status = 'pending'",
              {{"why", why}, {"now", nowMs()}, {"id", refundId}}) == 0)
    return;
  const auto r = tx.one("SELECT payment_id, amount FROM payments_refunds WHERE id = :id", {{"id", refundId}});
  const PaymentRefundFailed event{
      .refundId = refundId, .paymentId = r->text("payment_id"), .amount = r->integer("amount"), .failure = why};
  events_.publish(tx, event);
  audit_.record("system", "payment.refund_failed", "payment", event.paymentId,
                PaymentRefundFailed::schema().encode(event), tx);
  showOnOrder(tx, r->text("payment_id"));
}

void PaymentBook::refundUnknown(Tx& tx, const std::string& refundId, const std::string& why) const {
  tx.exec("UPDATE payments_refunds SET failure = :why, updated_at = :now WHERE id = :id AND status = 'pending'",
          {{"why", "no answer from the provider (" + why + "); its outcome is being checked"},
           {"now", nowMs()}, {"id", refundId}});
}

void PaymentBook::processed(Tx& tx, const std::string& refundId) {
  if (tx.exec("UPDATE payments_refunds SET status = 'processed', failure = NULL, updated_at = :now WHERE id = :id "
              "AND status = 'pending'",
              {{"now", nowMs()}, {"id", refundId}}) == 0)
    return;
  const auto r = tx.one("SELECT p.id, p.order_id, p.user_id, p.reference, p.amount, p.currency, f.amount AS refund "
                        "FROM payments_refunds f JOIN payments_payments p ON p.id = f.payment_id WHERE f.id = :id",
                        {{"id", refundId}});
  const std::int64_t refunded = tx.one("SELECT COALESCE(SUM(amount), 0) AS n FROM payments_refunds WHERE payment_id = :p "
                                       "AND status = 'processed'",
                                       {{"p", r->text("id")}})->integer("n");
  const PaymentRefunded event{.paymentId = r->text("id"),
                              .orderId = r->text("order_id"),
                              .userId = r->text("user_id"),
                              .reference = r->text("reference"),
                              .refundId = refundId,
                              .amount = r->integer("refund"),
                              .refundedAmount = refunded,
                              .currency = r->text("currency")};
  events_.publish(tx, event);
  audit_.record("system", "payment.refunded", "payment", event.paymentId, PaymentRefunded::schema().encode(event), tx);
  showOnOrder(tx, r->text("id"));
}

void PaymentBook::showOnOrder(Tx& tx, const std::string& paymentId) {
  if (!orders_) throw std::logic_error("payments: the OrderService was not set at validate");
  const auto p = tx.one("SELECT order_id, reference, status, amount FROM payments_payments WHERE id = :id",
                        {{"id", paymentId}});
  if (!p || statusOf(paymentStatuses(), *p) != PaymentStatus::Success) return;
  std::int64_t processed = 0;
  bool pending = false;
  std::optional<RefundStatus> latest;  // the newest refund's
  for (const auto& r : tx.query("SELECT status, amount FROM payments_refunds WHERE payment_id = :id "
                                "ORDER BY created_at, id",
                                {{"id", paymentId}})) {
    const RefundStatus status = statusOf(refundStatuses(), r);
    if (status == RefundStatus::Processed) processed += r.integer("amount");
    pending = pending || status == RefundStatus::Pending;
    latest = status;
  }
  if (!latest) return;
  orders::RefundProgress progress{.refunded = processed, .reference = p->text("reference")};
  using orders::RefundState;
  progress.status = processed >= p->integer("amount")  ? RefundState::Refunded
                    : pending                          ? RefundState::Pending
                    : latest == RefundStatus::Failed   ? RefundState::Failed
                                                       : RefundState::Partial;
  orders_->refundChanged(tx, p->text("order_id"), progress, "payments");
}

PaymentBook::Settled PaymentBook::settleRefund(Tx& tx, const std::string& reference, std::int64_t amount, bool ok) {
  const auto rows = tx.query("SELECT f.id FROM payments_refunds f JOIN payments_payments p ON p.id = f.payment_id "
                             "WHERE p.reference = :ref AND f.amount = :amount AND f.status = 'pending' LIMIT 2",
                             {{"ref", reference}, {"amount", amount}});
  if (rows.empty()) return Settled::NoMatch;
  if (rows.size() > 1) return Settled::Ambiguous;
  if (ok) processed(tx, rows[0].text("id"));
  else refundFailed(tx, rows[0].text("id"), "the provider reported the refund failed");
  return Settled::Settled;
}

std::vector<PaymentBook::PendingRefund> PaymentBook::refundsToSettle(Tx& tx, long long sentBefore, long long checkedBefore,
                                                                     const std::string& reference, int limit) const {
  std::string sql =
      "SELECT f.id, f.payment_id, f.amount, f.attempts, f.provider_refund_id, p.reference, p.provider_transaction_id "
      "FROM payments_refunds f JOIN payments_payments p ON p.id = f.payment_id WHERE f.status = 'pending' AND "
      "((f.provider_refund_id IS NULL AND COALESCE(f.sent_at, f.created_at) < :sent) OR "
      "(f.provider_refund_id IS NOT NULL AND COALESCE(f.checked_at, f.created_at) < :checked)) ";
  Params params{{"sent", sentBefore},
                {"checked", reference.empty() ? checkedBefore : std::numeric_limits<long long>::max()},
                {"n", static_cast<long long>(limit)}};
  if (!reference.empty()) {
    sql += "AND p.reference = :ref ";
    params.emplace_back("ref", reference);
  }
  std::vector<PendingRefund> out;
  for (const auto& r : tx.query(sql + "ORDER BY f.created_at, f.id LIMIT :n", params))
    out.push_back({r.text("id"), r.text("payment_id"), r.text("reference"),
                   r.optText("provider_transaction_id").value_or(""), r.optText("provider_refund_id").value_or(""),
                   r.integer("amount"), static_cast<int>(r.integer("attempts"))});
  return out;
}

std::vector<std::string> PaymentBook::providerRefundIds(Tx& tx, const std::string& paymentId) const {
  std::vector<std::string> out;
  for (const auto& r : tx.query("SELECT provider_refund_id FROM payments_refunds WHERE payment_id = :p "
                                "AND provider_refund_id IS NOT NULL",
                                {{"p", paymentId}}))
    out.push_back(r.text("provider_refund_id"));
  return out;
}

void PaymentBook::recordProviderRefund(Tx& tx, const std::string& refundId, const ProviderRefund& found) {
  const long long now = nowMs();
  tx.exec("UPDATE payments_refunds SET provider_refund_id = :pid, failure = NULL, checked_at = :now, "
          "updated_at = :now WHERE id = :id AND status = 'pending'",
          {{"pid", found.id}, {"now", now}, {"id", refundId}});
  if (found.status == "processed") processed(tx, refundId);
  else if (found.status == "failed") refundFailed(tx, refundId, "the provider reported the refund failed");
  else if (found.status == "needs-attention")
    tx.exec("UPDATE payments_refunds SET failure = :why WHERE id = :id",
            {{"why", "the provider needs the customer's account details (retry it from the provider's dashboard)"},
             {"id", refundId}});
}

bool PaymentBook::claimResend(Tx& tx, const std::string& refundId, long long sentBefore) const {
  const long long now = nowMs();
  return tx.exec("UPDATE payments_refunds SET sent_at = :now, attempts = attempts + 1, updated_at = :now "
                 "WHERE id = :id AND status = 'pending' AND provider_refund_id IS NULL "
                 "AND COALESCE(sent_at, created_at) < :before",
                 {{"now", now}, {"id", refundId}, {"before", sentBefore}}) > 0;
}

Page<Refund> PaymentBook::listRefunds(Tx& tx, const std::optional<RefundStatus>& status, int page, int limit) const {
  const std::string where = status ? "WHERE status = :status " : "";
  Params params;
  if (status) params.emplace_back("status", refundStatuses().name(*status));
  const long long total = tx.one("SELECT COUNT(*) AS n FROM payments_refunds " + where, params)->integer("n");
  params.emplace_back("limit", static_cast<long long>(limit));
  params.emplace_back("offset", static_cast<long long>(page - 1) * limit);
  std::vector<Refund> data;
  for (const auto& r : tx.query(std::string(kRefundColumns) + where + "ORDER BY created_at DESC, id DESC "
                                "LIMIT :limit OFFSET :offset",
                                params))
    data.push_back(refundOf(r));
  return {std::move(data), page, limit, total};
}

long long PaymentBook::purge(Tx& tx, long long beforeMs) const {
  return tx.exec("DELETE FROM payments_idempotency WHERE created_at < :before", {{"before", beforeMs}}) +
         tx.exec("DELETE FROM payments_webhook_events WHERE received_at < :before", {{"before", beforeMs}});
}

std::optional<Payment> PaymentBook::get(Tx& tx, const std::string& id) const {
  const auto r = tx.one(std::string(kColumns) + "WHERE id = :id", {{"id", id}});
  if (!r) return std::nullopt;
  return paymentOf(*r);
}

std::optional<Payment> PaymentBook::byReference(Tx& tx, const std::string& reference) const {
  const auto r = tx.one(std::string(kColumns) + "WHERE reference = :ref", {{"ref", reference}});
  if (!r) return std::nullopt;
  return paymentOf(*r);
}

Page<Payment> PaymentBook::list(Tx& tx, const PaymentFilter& f) const {
  std::string where = "WHERE 1 = 1";
  Params params;
  if (f.userId) {
    where += " AND user_id = :user";
    params.emplace_back("user", *f.userId);
  }
  if (f.orderId) {
    where += " AND order_id = :order";
    params.emplace_back("order", *f.orderId);
  }
  if (f.status) {
    where += " AND status = :status";
    params.emplace_back("status", paymentStatuses().name(*f.status));
  }
  const long long total = tx.one("SELECT COUNT(*) AS n FROM payments_payments " + where, params)->integer("n");
  params.emplace_back("limit", static_cast<long long>(f.limit));
  params.emplace_back("offset", static_cast<long long>(f.page - 1) * f.limit);
  std::vector<Payment> data;
  for (const auto& r : tx.query(std::string(kColumns) + where + " ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset",
                                params))
    data.push_back(paymentOf(r));
  return {std::move(data), f.page, f.limit, total};
}

}  // namespace agape::payments
