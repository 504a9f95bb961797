#include "agape/testing/test_request.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "http/router.h"

namespace agape::testing {

std::string TestResponse::header(std::string_view name) const {
  if (auto value = headers.get(name)) return std::string(*value);
  // The content type travels beside the headers, as the server writes it.
  const std::string_view kContentType = "content-type";
  const bool isContentType = name.size() == kContentType.size() &&
                             std::equal(name.begin(), name.end(), kContentType.begin(), [](char a, char b) {
                               return std::tolower(static_cast<unsigned char>(a)) == b;
                             });
  return isContentType ? contentType : "";
}

std::string TestResponse::problemCode() const {
  if (contentType != "application/problem+json") return "";
  const auto j = nlohmann::json::parse(body, nullptr, false);
  return j.is_object() && j.contains("code") && j["code"].is_string() ? j["code"].get<std::string>() : "";
}

std::vector<std::string> TestResponse::problemFields() const {
  std::vector<std::string> out;
  if (contentType != "application/problem+json") return out;
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("errors") && j["errors"].is_array())
    for (const auto& e : j["errors"])
      if (e.is_object() && e.contains("field") && e["field"].is_string()) out.push_back(e["field"].get<std::string>());
  return out;
}

TestRequest::TestRequest(Sender sender, Method method, std::string_view target) : sender_(std::move(sender)) {
  request_.method = method;
  const auto q = target.find('?');
  request_.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) {
    request_.rawQuery = std::string(target.substr(q + 1));
    kernel::splitQuery(request_.rawQuery, request_.queryParams);
  }
  request_.clientIp = "127.0.0.1";
}

TestRequest& TestRequest::as(Principal principal) {
  request_.principal = std::move(principal);
  return *this;
}

TestRequest& TestRequest::as(std::string userId, std::vector<std::string> roles) {
  return as(Principal{std::move(userId), "test-session", std::move(roles)});
}

TestRequest& TestRequest::header(std::string name, std::string value) {
  request_.headers.set(std::move(name), std::move(value));
  return *this;
}

TestRequest& TestRequest::json(std::string text) { return body(std::move(text), "application/json"); }

TestRequest& TestRequest::body(std::string bytes, std::string contentType) {
  request_.body = std::move(bytes);
  request_.headers.set("Content-Type", std::move(contentType));
  return *this;
}

TestRequest& TestRequest::from(std::string clientIp) {
  request_.clientIp = std::move(clientIp);
  return *this;
}

TestResponse TestRequest::send() { return sender_(request_); }

}  // namespace agape::testing
