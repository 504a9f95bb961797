#include "payments_api.h"

#include <cctype>
#include <exception>

#include <agape/crypto.h>
#include <agape/db.h>
#include <agape/idempotency.h>
#include <agape/jobs.h>
#include <agape/json.h>
#include <agape/json_text.h>
#include <agape/problem.h>
#include <agape/roles.h>

namespace agape::payments {
namespace {

constexpr const char* kTag = "payments";
constexpr const char* kIdempotencyTable = "payments_idempotency";
const std::vector<std::string> kStaff = {std::string(roles::admin), std::string(roles::finance)};
// initialize claims its key, calls the provider and stores the answer in
// three steps; a claim without an answer this old belongs to a request that
// died between them (the provider call lasts at most payments.timeout, 60 s).
constexpr std::chrono::minutes kAbandonedClaim{2};

bool isStaff(const Principal& caller) {
  for (const auto& r : kStaff)
    if (caller.hasRole(r)) return true;
  return false;
}

bool isReference(std::string_view r) {
  if (r.empty() || r.size() > 100) return false;
  for (unsigned char c : r)
    if (!std::isalnum(c) && c != '-' && c != '.' && c != '=') return false;
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::string> idempotencyKey(const Request& req) {
  const auto key = req.header("Idempotency-Key");
  return key ? std::optional<std::string>(*key) : std::nullopt;
}

// --- the wire ---------------------------------------------------------------

struct Checkout {
  std::string paymentId;
  std::string reference;
  std::string authorizationUrl;
  std::string accessCode;
};
struct WebhookReceipt {
  bool received = true;
  bool duplicate = false;
};
struct SandboxPaid {
  std::string status;
  std::string reference;
};
struct PaymentQuery {
  int page = 1;
  int limit = 20;
  std::optional<std::string> orderId;
  std::optional<PaymentStatus> status;
};
struct RefundQuery {
  int page = 1;
  int limit = 20;
  std::optional<RefundStatus> status;
};

const Schema<PaymentsApi::InitializeBody>& initializeSchema() {
  using Body = PaymentsApi::InitializeBody;
  static const auto schema =
      Schema<Body>()
          .field("orderId", &Body::orderId, {.minLength = 1})
          .field("email", &Body::email,
                 {.optional = true, .format = "email", .description = "default: the account's (auth plugin)"});
  return schema;
}

const Schema<PaymentsApi::RefundBody>& refundBodySchema() {
  using Body = PaymentsApi::RefundBody;
  static const auto schema =
      Schema<Body>()
          .field("amount", &Body::amount,
                 {.optional = true, .min = 1, .description = "kobo; default: all that is not refunded yet"})
          .field("reason", &Body::reason, {.minLength = 1, .maxLength = 500});
  return schema;
}

const Schema<Checkout>& checkoutSchema() {
  static const auto schema = Schema<Checkout>()
                                 .field("paymentId", &Checkout::paymentId)
                                 .field("reference", &Checkout::reference)
                                 .field("authorizationUrl", &Checkout::authorizationUrl,
                                        {.description = "where to send the customer to pay"})
                                 .field("accessCode", &Checkout::accessCode);
  return schema;
}

const Schema<SandboxPaid>& sandboxPaidSchema() {
  static const auto schema =
      Schema<SandboxPaid>().field("status", &SandboxPaid::status).field("reference", &SandboxPaid::reference);
  return schema;
}

Response refundAnswer(const Refund& refund) { return Response::json(refundSchema().encode(refund), 202); }

struct Reconciled : ReconcileResult {
  SettleResult refunds;
};

const Schema<Reconciled>& reconciledSchema() {
  static const auto refunds =
      Schema<SettleResult>()
          .field("checked", &SettleResult::checked, {.description = "pending refunds asked about"})
          .field("found", &SettleResult::found, {.description = "the provider had them"})
          .field("resent", &SettleResult::resent, {.description = "it did not: sent again"})
          .field("failed", &SettleResult::failed, {.description = "given up: failed, for finance"});
  static const auto schema =
      Schema<Reconciled>()
          .field("checked", &ReconcileResult::checked, {.description = "successful transactions the provider listed"})
          .field("applied", &ReconcileResult::applied, {.description = "of them, applied now (paid or refund due)"})
          .field("unknown", &ReconcileResult::unknown,
                 {.description = "not ours (another system on the same account)"})
          .field("refunds", &Reconciled::refunds, refunds);
  return schema;
}

}  // namespace

void PaymentsApi::registerRoutes(Routes& routes) {
  routes.post("/v1/payments/initialize", Contract().body(initializeSchema()).returns(checkoutSchema()),
              {.access = Access::Authenticated,
               .summary = "Starts paying a pending order with the provider",
               .description = "The order's total, a fresh reference per attempt. `email` defaults to the account's "
                              "(auth plugin). 404 for an order not the caller's, 409 `invalid_transition` unless "
                              "pending, 503 `unavailable` when the provider cannot be reached (nothing kept). "
                              "Idempotency-Key: the same key and body get the first answer.",
               .tag = kTag,
               .successStatus = 201},
              [this](Call<InitializeBody>& call) { return initialize(call); });
  routes.get("/v1/payments/verify/:reference", Contract().returns(paymentSchema()),
             {.access = Access::Owner, .roles = kStaff,
              .summary = "Asks the provider about a payment and applies its answer once",
              .description = "For the storefront's return page: never trust the redirect's query, verify. The "
                             "payment's owner or admin, finance.",
              .tag = kTag},
             [this](Call<>& call) { return verify(call); });
  // No body in the contract: the signature is over the raw bytes and is
  // checked before anything reads them, while a contract would decode (and
  // refuse) an unsigned body first, and refuse a field Paystack adds one day.
  routes.post("/v1/payments/webhook",
              Contract().returns(Schema<WebhookReceipt>()
                                     .field("received", &WebhookReceipt::received)
                                     .field("duplicate", &WebhookReceipt::duplicate,
                                            {.description = "this event was applied before"})),
              {.rateLimitClass = "none", .consumes = {},
               .summary = "The provider's webhook (Paystack)",
               .description = "The body is Paystack's `{\"event\": ..., \"data\": {...}}` (else 400). "
                              "`x-paystack-signature` must be the HMAC-SHA512 of the raw body with the secret key "
                              "(else 401, nothing applied). Each event is applied once (key: event and reference); "
                              "charge.success marks the payment and its order paid in one transaction. 200 at once.",
               .tag = kTag},
              [this](Call<>& call) {
                return WebhookReceipt{true, !webhook(call.request.body, call.request.header("x-paystack-signature"))};
              });
  routes.post("/v1/payments/:id/refund", Contract().body(refundBodySchema()).returns(refundSchema()),
              {.access = Access::Roles, .roles = kStaff,
               .summary = "Refunds a payment in full or in part",
               .description = "`amount` in kobo (default: all that is not refunded yet), `reason` required. Written "
                              "pending (pending refunds count against what is left), then the provider is asked; 202 "
                              "with the refund (`processed` at once in the sandbox; Paystack reports later by webhook). "
                              "No answer from the provider (timeout, 5xx): 202, still `pending`, and a job asks the "
                              "provider what became of it, never sending it twice. A refusal: 422 `refund_failed`, the "
                              "refund `failed` and the key free again. When the payment that paid an order is refunded "
                              "in full the order becomes `refunded`; a duplicate payment's refund leaves the order "
                              "alone. 409 `invalid_state` unless the payment succeeded, 409 `already_refunded`, 400 "
                              "for an amount above what is left. Idempotency-Key: the same key answers with the same "
                              "refund from the moment it is written. Audited.",
               .tag = kTag,
               .successStatus = 202},
              [this](Call<RefundBody>& call) { return refund(call); });
  Schema<RefundQuery> refundQuery;
  withPages(refundQuery).field("status", &RefundQuery::status, refundStatuses(), {.description = "one status"});
  routes.get("/v1/admin/payments/refunds", Contract().query(refundQuery).returns(pageSchema(refundSchema())),
             {.access = Access::Roles, .roles = kStaff,
              .summary = "Refunds, newest first: `status=failed` is what finance must ask again",
              .description = "`pending` ones wait for the provider (or for the job that asks it about a lost answer); "
                             "`failed` ones were refused and no longer count against the payment.",
              .tag = kTag},
             [this](Call<None, RefundQuery>& call) {
               const RefundQuery& q = call.query;
               return ctx_.db().read([&](Tx& tx) { return book_.listRefunds(tx, q.status, q.page, q.limit); });
             });
  routes.get("/v1/payments/:id", Contract().returns(paymentSchema()),
             {.access = Access::Owner, .roles = kStaff, .summary = "One payment (its owner, or admin, finance)",
              .tag = kTag},
             [this](Call<>& call) {
               const std::string id(call.param("id"));
               const auto payment = ctx_.db().read([&](Tx& tx) { return book_.get(tx, id); });
               if (!payment) throw Problem::notFound("No payment with this id.");
               call.authorizeOwner(payment->userId, "No payment with this id.");
               return *payment;
             });
  Schema<PaymentQuery> paymentQuery;
  withPages(paymentQuery)
      .field("orderId", &PaymentQuery::orderId, {.maxLength = 100, .description = "one order's payments"})
      .field("status", &PaymentQuery::status, paymentStatuses(), {.description = "one status"});
  routes.get("/v1/payments", Contract().query(paymentQuery).returns(pageSchema(paymentSchema())),
             {.access = Access::Authenticated,
              .summary = "Payments, newest first: one's own; every one for admin, finance",
              .tag = kTag},
             [this](Call<None, PaymentQuery>& call) {
               const PaymentQuery& q = call.query;
               PaymentFilter f{.orderId = q.orderId, .status = q.status, .page = q.page, .limit = q.limit};
               if (!isStaff(call.principal())) f.userId = call.principal().id;
               return ctx_.db().read([&](Tx& tx) { return book_.list(tx, f); });
             });
  routes.post("/v1/admin/payments/reconcile", Contract().returns(reconciledSchema()),
              {.access = Access::Roles,
               .roles = {std::string(roles::admin), std::string(roles::finance)},
               .consumes = {},
               .summary = "Applies provider results the webhooks did not deliver, and settles refunds",
               .description = "Asks the provider for its successful transactions of payments.reconcileLookback and "
                              "applies each one not applied yet (as a webhook would: once). Also runs every hour. "
                              "Then asks about pending refunds whose answer was lost (sent over "
                              "payments.refundSettleAfter ago: found → recorded, not there → sent again) or not "
                              "reported for payments.refundCheckEvery (also every 5 minutes).",
               .tag = kTag},
              [this](Call<>&) {
                try {
                  Reconciled out{reconciler_.run()};
                  out.refunds = refunds_.settle();
                  return out;
                } catch (const ProviderError&) {
                  throw Problem::unavailable("The payment provider cannot be reached; try again shortly.");
                }
              });
  if (sandbox_) {
    routes.get("/v1/sandbox/checkout/:reference", Contract(),
               {.summary = "The sandbox provider's checkout page (HTML)", .tag = kTag,
                .successContentType = "text/html"},
               [this](Call<>& call) { return sandboxPage(std::string(call.param("reference"))); });
    routes.post("/v1/sandbox/checkout/:reference/pay",
                Contract().returns(sandboxPaidSchema()),
                {.consumes = {},
                 .summary = "Pays a sandbox charge: delivers a signed charge.success webhook",
                 .description = "303 to payments.callbackUrl when one is set, as Paystack's checkout does.",
                 .tag = kTag},
                [this](Call<>& call) { return sandboxPay(std::string(call.param("reference"))); });
  }
}

Response PaymentsApi::initialize(Call<InitializeBody>& call) {
  const std::string& orderId = call.body.orderId;
  const Principal& caller = call.principal();
  std::string email = call.body.email;
  if (email.empty() && users_)
    if (const auto u = ctx_.db().read([&](Tx& tx) { return users_->findById(tx, caller.id); })) email = u->email;
  if (email.empty()) throw Problem::validation({{"email", "is required: no account email is known for you"}});

  Payment payment;
  InitResult init;
  try {
    return runIdempotent(
        ctx_.db(),
        {.table = kIdempotencyTable, .owner = caller.id, .key = idempotencyKey(call.request),
         .requestHash = sha256Hex(initializeSchema().encode(call.body)), .nowMs = book_.nowMs(),
         .takeOverAfter = kAbandonedClaim},
        // The attempt is written first, so a provider that answers after we
        // crash still finds its reference here.
        {.begin = [&](Tx& tx) -> std::optional<Response> {
           const auto order = orders_->find(tx, orderId);
           if (!order || (order->userId != caller.id && !isStaff(caller)))
             throw Problem::notFound("No order with this id.");
           if (order->status != orders::OrderStatus::Pending)
             throw Problem(409, "invalid_transition",
                           "The order is " + std::string(orders::orderStatusName(order->status)) +
                               "; only a pending order can be paid.");
           payment = book_.create(tx, *order, order->userId, provider_.name());
           return std::nullopt;
         },
         .call = [&] {
           init = provider_.initialize({email, payment.amount.amount, payment.amount.currency, payment.reference,
                                        config_.callbackUrl, Json{{"orderId", orderId}, {"paymentId", payment.id}}});
         },
         .finish = [&](Tx& tx) {
           book_.attach(tx, payment.id, init);
           return Response::json(
               checkoutSchema().encode({payment.id, payment.reference, init.authorizationUrl, init.accessCode}), 201);
         },
         .failed = [&](Tx& tx, std::string_view why) { book_.fail(tx, payment.id, std::string(why)); }});
  } catch (const ProviderError& e) {
    ctx_.logger().warn("payment provider refused or failed", {{"reference", payment.reference}, {"error", e.what()}});
    if (e.unavailable()) throw Problem::unavailable("The payment provider cannot be reached; try again shortly.");
    throw Problem(422, "payment_failed", "The payment provider refused to start this payment.");
  }
}

Payment PaymentsApi::verify(Call<>& call) {
  const std::string reference(call.param("reference"));
  if (!isReference(reference)) throw Problem::notFound("No payment with this reference.");
  const auto payment = ctx_.db().read([&](Tx& tx) { return book_.byReference(tx, reference); });
  if (!payment) throw Problem::notFound("No payment with this id.");
  call.authorizeOwner(payment->userId, "No payment with this id.");
  std::optional<Charge> charge;
  try {
    charge = provider_.verify(reference);
  } catch (const ProviderError& e) {
    ctx_.logger().warn("payment provider verify failed", {{"reference", reference}, {"error", e.what()}});
    throw Problem::unavailable("The payment provider cannot be reached; try again shortly.");
  }
  return ctx_.db().run([&](Tx& tx) {
    if (charge && charge->reference == reference) book_.apply(tx, *charge);
    return *book_.byReference(tx, reference);
  });
}

bool PaymentsApi::webhook(const std::string& rawBody, std::optional<std::string_view> signature) {
  const std::string expected = hexEncode(hmacSha512(provider_.webhookSecret(), rawBody));
  if (!signature || !constantTimeEquals(lower(*signature), expected))
    throw Problem::unauthorized("The webhook signature does not match.", "invalid_signature");
  const Json body = Json::parse(rawBody, nullptr, false);
  if (!body.is_object() || !body.contains("event") || !body["event"].is_string() || !body.contains("data") ||
      !body["data"].is_object())
    throw Problem::badRequest("A webhook is {\"event\": ..., \"data\": {...}}.");
  const std::string event = body["event"];
  const Json& data = body["data"];
  // No event id from Paystack: the event name and the transaction make the
  // key (refunds add their own reference, else their amount).
  const auto text = [&](const char* k) {
    return data.contains(k) && (data[k].is_string() || data[k].is_number())
               ? (data[k].is_string() ? data[k].get<std::string>() : data[k].dump())
               : std::string();
  };
  const bool refundEvent = event == "refund.processed" || event == "refund.failed";
  std::string key = event;
  key += ':';
  key += refundEvent ? text("transaction_reference") : text("reference");
  if (refundEvent) {
    // refund_reference names one refund when present; without it the body
    // itself is the key (a redelivery is the same body).
    key += ':';
    key += text("refund_reference").empty() ? sha256Hex(rawBody).substr(0, 32) : text("refund_reference");
  } else if (text("reference").empty()) {
    key += text("id");
  }
  const bool fresh = ctx_.db().run([&](Tx& tx) {
    if (!book_.recordWebhook(tx, key, event, rawBody)) return false;
    if (event == "charge.success") {
      if (const auto charge = chargeFromJson(data)) book_.apply(tx, *charge);
    } else if (refundEvent) {
      std::int64_t amount = -1;
      try {
        amount = std::stoll(text("amount"));
      } catch (const std::exception&) {
      }
      // Two equal pending refunds of one transaction cannot be told apart
      // by the webhook: the provider is asked which is which.
      if (book_.settleRefund(tx, text("transaction_reference"), amount, event == "refund.processed") ==
          PaymentBook::Settled::Ambiguous)
        ctx_.jobs().enqueue(kSettleRefundsQueue, Json{{"reference", text("transaction_reference")}}.dump(), JobOptions{},
                            tx);
    }
    return true;
  });
  return fresh;
}

Response PaymentsApi::refund(Call<RefundBody>& call) {
  const std::string paymentId(call.param("id"));
  const std::string actor = call.principal().id;
  const RefundAsk ask{.paymentId = paymentId,
                      .amount = call.body.amount > 0 ? std::optional<std::int64_t>(call.body.amount) : std::nullopt,
                      .reason = call.body.reason,
                      .actor = actor};
  Refund pending;
  Refunds::Sent sent;
  // send() failing otherwise (its answer not recorded) may still have
  // refunded: the key keeps the pending refund, the settle job finds out.
  std::exception_ptr unrecorded;
  Response answer = runIdempotent(
      ctx_.db(),
      {.table = kIdempotencyTable, .owner = actor, .key = idempotencyKey(call.request),
       .requestHash = sha256Hex(paymentId + refundBodySchema().encode(call.body)), .nowMs = book_.nowMs()},
      {.begin = [&](Tx& tx) -> std::optional<Response> {
         pending = *book_.createRefund(tx, ask);
         // From now on the key answers with this refund, whatever happens to
         // the call below: one key never asks for two refunds.
         return refundAnswer(pending);
       },
       .call = [&] {
         try {
           sent = refunds_.send(pending);
         } catch (...) {
           unrecorded = std::current_exception();
           return;
         }
         // Definitely not refunded: the key is free for another try.
         if (sent.outcome == Refunds::Outcome::Refused)
           throw Problem(422, "refund_failed", "The payment provider refused the refund.");
       },
       .finish = [&](Tx&) { return refundAnswer(unrecorded ? pending : sent.refund); }});
  if (unrecorded) std::rethrow_exception(unrecorded);
  return answer;
}

Response PaymentsApi::sandboxPage(const std::string& reference) {
  const auto charge = isReference(reference) ? sandbox_->verify(reference) : std::nullopt;
  if (!charge) throw Problem::notFound("No sandbox charge with this reference.");
  std::string html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Agape sandbox checkout</title></head><body>"
                     "<h1>Sandbox checkout</h1><p>No money moves: this is the built-in test provider.</p><p>Reference ";
  appendJsonEscaped(html, reference);  // [A-Za-z0-9.=-] only: nothing to escape for HTML either
  html += "<br>Amount " + std::to_string(charge->amount / 100) + "." + (charge->amount % 100 < 10 ? "0" : "") +
          std::to_string(charge->amount % 100) + " " + charge->currency + "<br>Status " + charge->status + "</p>";
  if (charge->status != "success")
    html += "<form method=\"post\" action=\"/v1/sandbox/checkout/" + reference + "/pay\"><button>Pay</button></form>";
  html += "</body></html>";
  return Response::text(std::move(html), "text/html; charset=utf-8");
}

Response PaymentsApi::sandboxPay(const std::string& reference) {
  const auto webhookBody = isReference(reference) ? sandbox_->pay(reference, rfc3339(book_.nowMs())) : std::nullopt;
  if (!webhookBody) throw Problem::notFound("No sandbox charge with this reference.");
  // Signed like Paystack's and applied through the same route.
  webhook(*webhookBody, hexEncode(hmacSha512(sandbox_->webhookSecret(), *webhookBody)));
  if (!config_.callbackUrl.empty()) {
    Response r = Response::withStatus(303);
    r.headers.set("Location", config_.callbackUrl + (config_.callbackUrl.find('?') == std::string::npos ? "?" : "&") +
                                  "trxref=" + reference + "&reference=" + reference);
    return r;
  }
  return Response::json(sandboxPaidSchema().encode({"success", reference}));
}

}  // namespace agape::payments
