#include "paystack_client.h"

#include <curl/curl.h>

#include <memory>

namespace agape::payments {
namespace {

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

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
    : baseUrl_(std::move(baseUrl)), secretKey_(std::move(secretKey)), timeout_(timeout) {
  // Once, before any worker thread makes a request (curl_easy_init would do
  // it lazily, and not thread-safely). Reference counted by libcurl.
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

PaystackClient::~PaystackClient() { curl_global_cleanup(); }

PaystackClient::Reply PaystackClient::call(const char* method, const std::string& path, const std::string& body) const {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw ProviderError(true, "libcurl could not start a request");
  curl_slist* headers = nullptr;
  const std::string auth = "Authorization: Bearer " + secretKey_;
  headers = curl_slist_append(headers, auth.c_str());
  headers = curl_slist_append(headers, "Accept: application/json");
  if (!body.empty()) headers = curl_slist_append(headers, "Content-Type: application/json");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headerList(headers, curl_slist_free_all);
  std::string response;
  const std::string url = baseUrl_ + path;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headerList.get());
  if (!body.empty()) {
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  const CURLcode rc = curl_easy_perform(curl.get());
  // Never the URL's secret or the key in messages: the path and the error only.
  if (rc != CURLE_OK) throw ProviderError(true, std::string("paystack ") + method + " " + path + ": " + curl_easy_strerror(rc));
  Reply r;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &r.status);
  r.body = Json::parse(response, nullptr, false);
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

}  // namespace agape::payments
