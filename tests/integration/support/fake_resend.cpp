#include "support/fake_resend.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

#include <agape/crypto.h>

namespace agape::test {
namespace {

using Json = nlohmann::json;

Json error(int status, const std::string& name, const std::string& message) {
  return {{"statusCode", status}, {"message", message}, {"name", name}};
}

// "2023-10-06T23:47:56.678Z", as Resend writes times.
std::string isoNow() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const long long ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];  // room for any int the compiler imagines
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

}  // namespace

FakeResend::FakeResend(std::string apiKey)
    : key_(std::move(apiKey)), server_(std::make_unique<testing::LoopbackHttpServer>([this](const testing::LoopbackRequest& r) {
        return handle(r.method, r.uri, r.header("Authorization"), r.header("Idempotency-Key"), r.body);
      })) {}

FakeResend::~FakeResend() = default;

std::string FakeResend::url() const { return server_->url(); }

void FakeResend::failNext(int n) {
  std::lock_guard<std::mutex> lock(mutex_);
  failNext_ = n;
}

void FakeResend::reject(const std::string& address) {
  std::lock_guard<std::mutex> lock(mutex_);
  rejected_.push_back(address);
}

std::vector<FakeResend::Email> FakeResend::sent() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sent_;
}

int FakeResend::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

void FakeResend::webhooksTo(std::string url, std::string secret) {
  std::lock_guard<std::mutex> lock(mutex_);
  webhookUrl_ = std::move(url);
  webhookSecret_ = std::move(secret);
}

FakeResend::Webhook FakeResend::webhook(const std::string& type, const std::string& emailId, const Json& extra) const {
  Json data = {{"email_id", emailId}, {"created_at", isoNow()}};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& e : sent_)
      if (e.id == emailId) {
        data["from"] = e.body["from"];
        data["to"] = e.body["to"].is_array() ? e.body["to"] : Json::array({e.body["to"]});
        data["subject"] = e.body["subject"];
        Json tags = Json::object();  // an array when sending, an object in webhooks
        if (e.body.contains("tags"))
          for (const auto& t : e.body["tags"]) tags[t["name"].get<std::string>()] = t["value"];
        data["tags"] = tags;
      }
  }
  for (const auto& [k, v] : extra.items()) data[k] = v;
  const Json body = {{"type", type}, {"created_at", isoNow()}, {"data", data}};
  const long long now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::string id;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    id = "msg_2f" + std::to_string(nextWebhook_++) + "KXc9Qw" + std::to_string(now % 100000);
  }
  return sign(id, std::to_string(now), body.dump());
}

FakeResend::Webhook FakeResend::sign(std::string id, std::string timestamp, std::string body) const {
  std::string secret;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    secret = webhookSecret_;
  }
  const std::string prefix = "whsec_";
  const auto key = agape::base64Decode(secret.rfind(prefix, 0) == 0 ? secret.substr(prefix.size()) : secret);
  const std::string signature =
      "v1," + agape::base64Encode(agape::hmacSha256(key.value_or(""), id + "." + timestamp + "." + body));
  return {std::move(id), std::move(timestamp), signature, std::move(body)};
}

HttpResult FakeResend::deliver(const Webhook& w) const {
  std::string url;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    url = webhookUrl_;
  }
  const auto path = url.find('/', url.find("://") + 3);
  HttpClient client(url.substr(0, path));
  return client
      .request("POST", url.substr(path), w.body,
               {"Content-Type: application/json", "svix-id: " + w.id, "svix-timestamp: " + w.timestamp,
                "svix-signature: " + w.signature, "User-Agent: Svix-Webhooks/1.21.0"});
}

FakeResend::Reply FakeResend::handle(const std::string& method, const std::string& path, const std::string& authorization,
                                     const std::string& idempotencyKey, const std::string& body) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_;
  if (method != "POST" || path != "/emails") return {404, error(404, "not_found", "The requested endpoint does not exist.")};
  if (authorization.empty()) return {401, error(401, "missing_api_key", "Missing API key in the authorization header.")};
  if (authorization != "Bearer " + key_) return {403, error(403, "invalid_api_key", "API key is invalid.")};
  if (failNext_ > 0) {
    --failNext_;
    return {500, error(500, "internal_server_error", "An unexpected error occurred.")};
  }
  const Json in = Json::parse(body, nullptr, false);
  if (!in.is_object() || !in.contains("from") || !in.contains("to") || !in.contains("subject"))
    return {422, error(422, "missing_required_field", "Missing `from`, `to` or `subject` field.")};
  if (!idempotencyKey.empty()) {
    const auto it = keys_.find(idempotencyKey);
    if (it != keys_.end()) {
      if (it->second.first != body)
        return {409, error(409, "invalid_idempotent_request", "Same idempotency key used with a different request payload.")};
      return {200, {{"id", it->second.second}}};
    }
  }
  const Json to = in["to"].is_array() ? in["to"] : Json::array({in["to"]});
  for (const auto& address : to)
    if (std::find(rejected_.begin(), rejected_.end(), address.get<std::string>()) != rejected_.end())
      return {422, error(422, "validation_error", "Invalid `to` field.")};
  char id[40];
  std::snprintf(id, sizeof id, "49a3999c-0ce1-4ea6-ab68-%012d", next_++);
  sent_.push_back({id, idempotencyKey, in});
  if (!idempotencyKey.empty()) keys_[idempotencyKey] = {body, id};
  return {200, {{"id", id}}};
}

}  // namespace agape::test
