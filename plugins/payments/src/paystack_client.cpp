#include "paystack_client.h"

#include <agape/clock.h>
#include <agape/outbound_http.h>

namespace agape::payments {
namespace {

std::int64_t amountOf(const Json& v) {
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_string()) {
    try {
      return std::stoll(v.get<std::string>());
    } catch (const std::exception&) {
    }
  }
  return -1;
}

std::string textOf(const Json& o, const char* key) {
  if (!o.contains(key)) return {};
  const Json& v = o[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<std::uint64_t>());
  return {};
}

std::string messageOf(const Json& body) {
  return body.is_object() && body.contains("message") && body["message"].is_string() ? body["message"].get<std::string>()
                                                                                     : "no message";
}

}  // namespace

std::optional<Charge> chargeFromJson(const Json& data) {
  if (!data.is_object() || !data.contains("reference") || !data["reference"].is_string()) return std::nullopt;
  Charge c;
  c.reference = data["reference"].get<std::string>();
  c.status = textOf(data, "status");
  c.amount = data.contains("amount") ? amountOf(data["amount"]) : -1;
  c.currency = textOf(data, "currency");
  c.providerId = textOf(data, "id");
  c.channel = textOf(data, "channel");
  c.paidAt = textOf(data, "paid_at");
  return c;
}

PaystackClient::PaystackClient(std::string baseUrl, std::string secretKey, std::chrono::milliseconds timeout)
    : baseUrl_(std::move(baseUrl)), secretKey_(std::move(secretKey)), timeout_(timeout) {}

PaystackClient::Reply PaystackClient::call(const char* method, const std::string& path, const std::string& body) const {
  std::vector<std::string> headers = {"Authorization: Bearer " + secretKey_, "Accept: application/json"};
  if (!body.empty()) headers.emplace_back("Content-Type: application/json");
  HttpReply http;
  try {
    http = httpRequest(method, baseUrl_ + path, headers, body, timeout_);
  } catch (const std::runtime_error& e) {
    throw ProviderError(true, std::string("paystack ") + e.what());
  }
  Reply r;
  r.status = http.status;
  r.body = Json::parse(http.body, nullptr, false);
  if (r.status >= 500 || r.status == 429)
    throw ProviderError(true, "paystack " + path + " answered " + std::to_string(r.status) + ": " + messageOf(r.body));
  if (r.body.is_discarded() || !r.body.is_object() || !r.body.contains("status"))
    throw ProviderError(true, "paystack " + path + " answered " + std::to_string(r.status) + " without its JSON envelope");
  return r;
}

InitResult PaystackClient::initialize(const InitRequest& in) {
  Json body = {{"email", in.email}, {"amount", in.amount}, {"currency", in.currency}, {"reference", in.reference}};
  if (!in.callbackUrl.empty()) body["callback_url"] = in.callbackUrl;
  if (!in.metadata.is_null()) body["metadata"] = in.metadata;
  const Reply r = call("POST", "/transaction/initialize", body.dump());
  if (r.status >= 400 || r.body["status"] != true)
    throw ProviderError(false, "paystack refused to start the payment: " + messageOf(r.body));
  const Json& d = r.body.contains("data") ? r.body["data"] : Json();
  if (!d.is_object() || !d.contains("authorization_url") || !d["authorization_url"].is_string())
    throw ProviderError(true, "paystack's initialize answer has no authorization_url");
  return {d["authorization_url"].get<std::string>(), textOf(d, "access_code"),
          d.contains("reference") ? textOf(d, "reference") : in.reference};
}

std::optional<Charge> PaystackClient::verify(const std::string& reference) {
  // References are [A-Za-z0-9.=-] (ours are generated): nothing to escape.
  const Reply r = call("GET", "/transaction/verify/" + reference, "");
  if (r.body["status"] != true) {
    if (r.status == 401) throw ProviderError(false, "paystack refused the secret key: " + messageOf(r.body));
    return std::nullopt;  // 400/404 "Transaction reference not found"
  }
  return chargeFromJson(r.body.contains("data") ? r.body["data"] : Json());
}

RefundResult PaystackClient::refund(const RefundRequest& in) {
  const Json body = {{"transaction", in.reference}, {"amount", in.amount}, {"merchant_note", in.merchantNote}};
  const Reply r = call("POST", "/refund", body.dump());
  if (r.status >= 400 || r.body["status"] != true)
    throw ProviderError(false, "paystack refused the refund: " + messageOf(r.body));
  const Json& d = r.body.contains("data") ? r.body["data"] : Json();
  return {textOf(d, "id"), d.is_object() && d.contains("status") ? textOf(d, "status") : "pending"};
}

std::vector<ProviderRefund> PaystackClient::refunds(const std::string& reference, const std::string& transactionId) {
  // Filtered by the transaction's id when known (its reference otherwise);
  // a refund that names another transaction is left out all the same.
  const std::string transaction = transactionId.empty() ? reference : transactionId;
  std::vector<ProviderRefund> out;
  for (int page = 1; page <= 100; ++page) {
    const Reply r = call("GET", "/refund?transaction=" + transaction + "&perPage=100&page=" + std::to_string(page), "");
    if (r.status >= 400 || r.body["status"] != true)
      throw ProviderError(r.status != 401, "paystack refused the refund list: " + messageOf(r.body));
    const Json& data = r.body.contains("data") ? r.body["data"] : Json();
    if (!data.is_array() || data.empty()) break;
    for (const auto& d : data) {
      if (!d.is_object()) continue;
      if (d.contains("transaction")) {
        const Json& t = d["transaction"];
        const std::string named = t.is_object() ? (t.contains("reference") ? textOf(t, "reference") : textOf(t, "id"))
                                                : textOf(d, "transaction");
        if (!named.empty() && named != reference && named != transactionId) continue;
      }
      ProviderRefund refund{textOf(d, "id"), d.contains("amount") ? amountOf(d["amount"]) : -1, textOf(d, "status")};
      if (!refund.id.empty() && refund.amount > 0) out.push_back(std::move(refund));
    }
    if (static_cast<int>(data.size()) < 100) break;
  }
  return out;
}

std::vector<Charge> PaystackClient::successful(long long fromMs, long long toMs) {
  std::vector<Charge> out;
  // Paystack's list: page until a page comes back empty (its meta changed
  // shape over time; the empty page is the documented end).
  for (int page = 1; page <= 1000; ++page) {
    const Reply r = call("GET", "/transaction?status=success&perPage=100&page=" + std::to_string(page) +
                                    "&from=" + rfc3339(fromMs) + "&to=" + rfc3339(toMs),
                         "");
    if (r.status >= 400 || r.body["status"] != true)
      throw ProviderError(r.status != 401, "paystack refused the transaction list: " + messageOf(r.body));
    const Json& data = r.body.contains("data") ? r.body["data"] : Json();
    if (!data.is_array() || data.empty()) break;
    for (const auto& d : data)
      if (auto c = chargeFromJson(d)) out.push_back(std::move(*c));
  }
  return out;
}

}  // namespace agape::payments
