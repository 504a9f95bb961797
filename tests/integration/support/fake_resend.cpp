#include "support/fake_resend.h"

#include <algorithm>
#include <cstdio>

namespace agape::test {
namespace {

using Json = nlohmann::json;

Json error(int status, const std::string& name, const std::string& message) {
  return {{"statusCode", status}, {"message", message}, {"name", name}};
}

}  // namespace

FakeResend::FakeResend(std::string apiKey)
    : key_(std::move(apiKey)), server_(std::make_unique<LoopbackHttpServer>([this](const LoopbackRequest& r) {
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
