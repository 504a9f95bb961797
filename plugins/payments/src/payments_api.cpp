#include "payments_api.h"

#include <cctype>

#include <agape/crypto.h>
#include <agape/db.h>
#include <agape/idempotency.h>
#include <agape/jobs.h>
#include <agape/json.h>
#include <agape/json_text.h>
#include <agape/problem.h>
#include <agape/query.h>

namespace agape::payments {
namespace {

constexpr const char* kTag = "payments";
constexpr const char* kIdempotencyTable = "payments_idempotency";
const std::vector<std::string> kStaff = {"admin", "finance"};
// initialize claims its key, calls the provider and stores the answer in
// three steps; a claim without an answer this old belongs to a request that
// died between them (the provider call lasts at most payments.timeout, 60 s).
constexpr std::chrono::minutes kAbandonedClaim{2};

bool isStaff(const Request& req) {
  for (const auto& r : kStaff)
    if (req.principal->hasRole(r)) return true;
  return false;
}

// The payment, when the caller may see it (owner or staff); 404 otherwise.
Json visible(const std::optional<Json>& p, const Request& req) {
  if (!p || (!isStaff(req) && (*p)["userId"] != req.principal->id)) throw Problem::notFound("No payment with this id.");
  return *p;
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

constexpr const char* kPaymentSchema =
    R"({"type":"object","properties":{"id":{"type":"string"},"orderId":{"type":"string"},"userId":{"type":"string"},)"
    R"("reference":{"type":"string"},"provider":{"type":"string"},)"
    R"("status":{"type":"string","enum":["initialized","success","failed","abandoned","refund_due","amount_mismatch"]},)"
    R"("amount":{"type":"object","properties":{"amount":{"type":"integer"},"currency":{"type":"string"}}},)"
    R"("authorizationUrl":{"type":"string","nullable":true},"accessCode":{"type":"string","nullable":true},)"
    R"("providerTransactionId":{"type":"string","nullable":true},"channel":{"type":"string","nullable":true},)"
    R"("paidAt":{"type":"string","nullable":true},"failure":{"type":"string","nullable":true},)"
    R"("createdAt":{"type":"string","format":"date-time"},"updatedAt":{"type":"string","format":"date-time"}}})";

constexpr const char* kRefundSchema =
    R"({"type":"object","properties":{"id":{"type":"string"},"paymentId":{"type":"string"},)"
    R"("reference":{"type":"string","description":"the payment's"},"amount":{"type":"integer"},"reason":{"type":"string"},)"
    R"("status":{"type":"string","enum":["pending","processed","failed"]},)"
    R"("providerRefundId":{"type":"string","nullable":true},)"
    R"("failure":{"type":"string","nullable":true,"description":"the last problem: a refusal, or a lost answer being checked"},)"
    R"("attempts":{"type":"integer"},"origin":{"type":"string","nullable":true},)"
    R"("requestedBy":{"type":"string"},"createdAt":{"type":"string","format":"date-time"},)"
    R"("updatedAt":{"type":"string","format":"date-time"}}})";

}  // namespace

void PaymentsApi::registerRoutes(Routes& routes) {
  routes.post("/v1/payments/initialize", [this](Request& req) { return initialize(req); },
              {.access = Access::Authenticated,
               .summary = "Starts paying a pending order with the provider",
               .description = "The order's total, a fresh reference per attempt. `email` defaults to the account's "
                              "(auth plugin). 404 for an order not the caller's, 409 `invalid_transition` unless "
                              "pending, 503 `unavailable` when the provider cannot be reached (nothing kept). "
                              "Idempotency-Key: the same key and body get the first answer.",
               .tag = kTag,
               .requestSchema = R"({"type":"object","required":["orderId"],"additionalProperties":false,"properties":{)"
                                R"("orderId":{"type":"string"},"email":{"type":"string","format":"email"}}})",
               .responseSchema = R"({"type":"object","required":["paymentId","reference","authorizationUrl","accessCode"],)"
                                 R"("properties":{"paymentId":{"type":"string"},"reference":{"type":"string"},)"
                                 R"("authorizationUrl":{"type":"string"},"accessCode":{"type":"string"}}})",
               .successStatus = 201});
  routes.get("/v1/payments/verify/:reference", [this](Request& req) { return verify(req); },
             {.access = Access::Authenticated,
              .summary = "Asks the provider about a payment and applies its answer once",
              .description = "For the storefront's return page: never trust the redirect's query, verify. The "
                             "payment's owner or admin, finance.",
              .tag = kTag, .responseSchema = kPaymentSchema});
  routes.post("/v1/payments/webhook",
              [this](Request& req) { return webhook(req.body, req.header("x-paystack-signature")); },
              {.rateLimitClass = "none", .consumes = {},
               .summary = "The provider's webhook (Paystack)",
               .description = "`x-paystack-signature` must be the HMAC-SHA512 of the raw body with the secret key "
                              "(else 401, nothing applied). Each event is applied once (key: event and reference); "
                              "charge.success marks the payment and its order paid in one transaction. 200 at once.",
               .tag = kTag,
               .responseSchema = R"({"type":"object","properties":{"received":{"type":"boolean"},"duplicate":{"type":"boolean"}}})"});
  routes.post("/v1/payments/:id/refund", [this](Request& req) { return refund(req); },
              {.access = Access::Roles, .roles = {"admin", "finance"},
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
               .requestSchema = R"({"type":"object","required":["reason"],"additionalProperties":false,"properties":{)"
                                R"("amount":{"type":"integer","minimum":1},"reason":{"type":"string","minLength":1,"maxLength":500}}})",
               .responseSchema = kRefundSchema,
               .successStatus = 202});
  routes.get("/v1/admin/payments/refunds", [this](Request& req) { return listRefunds(req); },
             {.access = Access::Roles, .roles = {"admin", "finance"},
              .summary = "Refunds, newest first: `status=failed` is what finance must ask again",
              .description = "`pending` ones wait for the provider (or for the job that asks it about a lost answer); "
                             "`failed` ones were refused and no longer count against the payment.",
              .tag = kTag,
              .responseSchema = std::string(R"({"type":"object","properties":{"data":{"type":"array","items":)") +
                                kRefundSchema + R"(},"meta":{"type":"object"}}})",
              .query = withPages({{.name = "status", .description = "one status",
                                   .allowed = {"pending", "processed", "failed"}}})});
  routes.get("/v1/payments/:id", [this](Request& req) { return get(req); },
             {.access = Access::Authenticated, .summary = "One payment (its owner, or admin, finance)", .tag = kTag,
              .responseSchema = kPaymentSchema});
  routes.get("/v1/payments", [this](Request& req) { return list(req); },
             {.access = Access::Authenticated, .summary = "Payments, newest first: one's own; every one for admin, finance",
              .tag = kTag,
              .responseSchema = std::string(R"({"type":"object","properties":{"data":{"type":"array","items":)") +
                                kPaymentSchema + R"(},"meta":{"type":"object"}}})",
              .query = withPages({{.name = "orderId", .description = "one order's payments"},
                        {.name = "status", .description = "one status",
                         .allowed = {"initialized", "success", "failed", "abandoned", "refund_due", "amount_mismatch"}}})});
  if (sandbox_) {
    routes.get("/v1/sandbox/checkout/:reference", [this](Request& req) { return sandboxPage(req); },
               {.summary = "The sandbox provider's checkout page (HTML)", .tag = kTag,
                .successContentType = "text/html"});
    routes.post("/v1/sandbox/checkout/:reference/pay", [this](Request& req) { return sandboxPay(req); },
                {.consumes = {}, .summary = "Pays a sandbox charge: delivers a signed charge.success webhook",
                 .tag = kTag});
  }
}

Response PaymentsApi::initialize(const Request& req) {
  QueryReader(req, {}).finish();
  const Json body = parseJsonObject(req, {"orderId", "email"});
  std::vector<FieldError> errors;
  if (!body.contains("orderId") || !body["orderId"].is_string() || body["orderId"].get_ref<const std::string&>().empty())
    errors.push_back({"orderId", "is required"});
  std::string email;
  if (body.contains("email")) {
    email = body["email"].is_string() ? body["email"].get<std::string>() : "";
    const auto at = email.find('@');
    if (email.size() > 254 || at == std::string::npos || at == 0 || email.find('.', at) == std::string::npos)
      errors.push_back({"email", "must be an email address"});
  }
  const auto key = req.header("Idempotency-Key");
  if (key) checkIdempotencyKey(*key);
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  const std::string orderId = body["orderId"];
  const std::string user = req.principal->id;
  if (email.empty() && users_)
    if (const auto u = ctx_.db().read([&](Tx& tx) { return users_->findById(tx, user); })) email = u->email;
  if (email.empty()) throw Problem::validation({{"email", "is required: no account email is known for you"}});

  // 1. The attempt is written first (and the key claimed), so a provider that
  // answers after we crash still finds its reference here.
  std::optional<Response> replay;
  const Json payment = ctx_.db().run([&](Tx& tx) -> Json {
    replay.reset();
    if (key)
      if ((replay = claimIdempotencyKey(tx, kIdempotencyTable, user, std::string(*key), sha256Hex(body.dump()),
                                        book_.nowMs(), kAbandonedClaim)))
        return Json();
    const auto order = orders_->find(tx, orderId);
    if (!order || (order->userId != user && !isStaff(req))) throw Problem::notFound("No order with this id.");
    if (order->status != "pending")
      throw Problem(409, "invalid_transition", "The order is " + order->status + "; only a pending order can be paid.");
    return book_.create(tx, *order, order->userId, provider_.name());
  });
  if (replay) return *replay;
  const std::string paymentId = payment["id"], reference = payment["reference"];

  // 2. The provider, outside any transaction.
  InitResult init;
  try {
    init = provider_.initialize({email, payment["amount"]["amount"].get<std::int64_t>(),
                                 payment["amount"]["currency"].get<std::string>(), reference, config_.callbackUrl,
                                 Json{{"orderId", orderId}, {"paymentId", paymentId}}});
  } catch (const ProviderError& e) {
    ctx_.logger().warn("payment provider refused or failed", {{"reference", reference}, {"error", e.what()}});
    ctx_.db().run([&](Tx& tx) {
      book_.fail(tx, paymentId, e.what());
      // The client may try again with the same key.
      if (key) releaseIdempotencyKey(tx, kIdempotencyTable, user, std::string(*key));
    });
    if (e.unavailable()) throw Problem::unavailable("The payment provider cannot be reached; try again shortly.");
    throw Problem(422, "payment_failed", "The payment provider refused to start this payment.");
  }

  // 3. The answer, kept for the key.
  return ctx_.db().run([&](Tx& tx) {
    book_.attach(tx, paymentId, init);
    Response r = jsonResponse({{"paymentId", paymentId}, {"reference", reference},
                               {"authorizationUrl", init.authorizationUrl}, {"accessCode", init.accessCode}},
                              201);
    if (key) storeIdempotentResponse(tx, kIdempotencyTable, user, std::string(*key), r);
    return r;
  });
}

Response PaymentsApi::verify(const Request& req) {
  QueryReader(req, {}).finish();
  const std::string reference(req.requireParam("reference"));
  if (!isReference(reference)) throw Problem::notFound("No payment with this reference.");
  visible(ctx_.db().read([&](Tx& tx) { return book_.byReference(tx, reference); }), req);
  std::optional<Charge> charge;
  try {
    charge = provider_.verify(reference);
  } catch (const ProviderError& e) {
    ctx_.logger().warn("payment provider verify failed", {{"reference", reference}, {"error", e.what()}});
    throw Problem::unavailable("The payment provider cannot be reached; try again shortly.");
  }
  return jsonResponse(ctx_.db().run([&](Tx& tx) {
    if (charge && charge->reference == reference) book_.apply(tx, *charge);
    return *book_.byReference(tx, reference);
  }));
}

Response PaymentsApi::webhook(const std::string& rawBody, std::optional<std::string_view> signature) {
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
  return jsonResponse({{"received", true}, {"duplicate", !fresh}});
}

Response PaymentsApi::refund(const Request& req) {
  QueryReader(req, {}).finish();
  const Json body = parseJsonObject(req, {"amount", "reason"});
  std::vector<FieldError> errors;
  std::optional<std::int64_t> amount;
  if (body.contains("amount")) {
    if (!body["amount"].is_number_integer() || body["amount"].get<std::int64_t>() < 1)
      errors.push_back({"amount", "must be a positive integer (kobo)"});
    else amount = body["amount"].get<std::int64_t>();
  }
  if (!body.contains("reason") || !body["reason"].is_string() || body["reason"].get_ref<const std::string&>().empty() ||
      body["reason"].get_ref<const std::string&>().size() > 500)
    errors.push_back({"reason", "is required: 1 to 500 characters"});
  const auto key = req.header("Idempotency-Key");
  if (key) checkIdempotencyKey(*key);
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  const std::string paymentId(req.requireParam("id"));
  const std::string actor = req.principal->id;
  const std::string reason = body["reason"];

  std::optional<Response> replay;
  const Json pending = ctx_.db().run([&](Tx& tx) -> Json {
    replay.reset();
    if (key)
      if ((replay = claimIdempotencyKey(tx, kIdempotencyTable, actor, std::string(*key), sha256Hex(paymentId + body.dump()),
                                        book_.nowMs())))
        return Json();
    Json p = *book_.createRefund(tx, RefundAsk{.paymentId = paymentId, .amount = amount, .reason = reason, .actor = actor});
    // From now on the key answers with this refund, whatever happens to the
    // call below: one key never asks for two refunds.
    if (key) storeIdempotentResponse(tx, kIdempotencyTable, actor, std::string(*key), jsonResponse(p, 202));
    return p;
  });
  if (replay) return *replay;
  const Refunds::Sent sent = refunds_.send(pending);
  if (sent.outcome == Refunds::Outcome::Refused) {
    // Definitely not refunded: the key is free for another try.
    if (key) ctx_.db().run([&](Tx& tx) { releaseIdempotencyKey(tx, kIdempotencyTable, actor, std::string(*key)); });
    throw Problem(422, "refund_failed", "The payment provider refused the refund.");
  }
  Response r = jsonResponse(sent.refund, 202);
  if (key) ctx_.db().run([&](Tx& tx) { storeIdempotentResponse(tx, kIdempotencyTable, actor, std::string(*key), r); });
  return r;
}

Response PaymentsApi::listRefunds(const Request& req) {
  QueryReader q(req, {"status", "page", "limit"});
  const auto status = q.choice("status", {"pending", "processed", "failed"});
  const PageRequest page = q.page();
  q.finish();
  return jsonResponse(ctx_.db().read([&](Tx& tx) { return book_.listRefunds(tx, status, page.page, page.limit); }));
}

Response PaymentsApi::get(const Request& req) {
  QueryReader(req, {}).finish();
  const std::string id(req.requireParam("id"));
  return jsonResponse(visible(ctx_.db().read([&](Tx& tx) { return book_.get(tx, id); }), req));
}

Response PaymentsApi::list(const Request& req) {
  QueryReader q(req, {"orderId", "status", "page", "limit"});
  PaymentFilter f;
  f.orderId = q.text("orderId", 100);
  f.status = q.choice("status", {"initialized", "success", "failed", "abandoned", "refund_due", "amount_mismatch"});
  const PageRequest page = q.page();
  f.page = page.page;
  f.limit = page.limit;
  q.finish();
  if (!isStaff(req)) f.userId = req.principal->id;
  return jsonResponse(ctx_.db().read([&](Tx& tx) { return book_.list(tx, f); }));
}

Response PaymentsApi::sandboxPage(const Request& req) {
  QueryReader(req, {}).finish();
  const std::string reference(req.requireParam("reference"));
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

Response PaymentsApi::sandboxPay(const Request& req) {
  QueryReader(req, {}).finish();
  const std::string reference(req.requireParam("reference"));
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
  return jsonResponse({{"status", "success"}, {"reference", reference}});
}

}  // namespace agape::payments
