#include "agape/http.h"

#include <algorithm>
#include <stdexcept>
#include <strings.h>

#include "agape/problem.h"

namespace agape {
namespace {
bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}
std::optional<std::string_view> lookup(const std::vector<std::pair<std::string, std::string>>& v,
                                       std::string_view name) {
  for (const auto& [k, val] : v)
    if (k == name) return std::string_view(val);
  return std::nullopt;
}
}  // namespace

const char* methodName(Method m) noexcept {
  switch (m) {
    case Method::Get: return "GET";
    case Method::Head: return "HEAD";
    case Method::Post: return "POST";
    case Method::Put: return "PUT";
    case Method::Patch: return "PATCH";
    case Method::Delete: return "DELETE";
    case Method::Options: return "OPTIONS";
  }
  return "GET";
}

std::optional<Method> parseMethod(std::string_view n) noexcept {
  for (Method m : {Method::Get, Method::Head, Method::Post, Method::Put, Method::Patch,
                   Method::Delete, Method::Options})
    if (n == methodName(m)) return m;
  return std::nullopt;
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& [k, v] : items_)
    if (iequals(k, name)) return std::string_view(v);
  return std::nullopt;
}

void Headers::set(std::string name, std::string value) {
  remove(name);
  items_.emplace_back(std::move(name), std::move(value));
}

void Headers::add(std::string name, std::string value) {
  items_.emplace_back(std::move(name), std::move(value));
}

void Headers::remove(std::string_view name) {
  items_.erase(std::remove_if(items_.begin(), items_.end(),
                              [&](const auto& kv) { return iequals(kv.first, name); }),
               items_.end());
}

bool Principal::hasRole(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::optional<std::string_view> Request::param(std::string_view name) const {
  return lookup(pathParams, name);
}

std::optional<std::string_view> Request::query(std::string_view name) const {
  return lookup(queryParams, name);
}

std::string_view Request::requireParam(std::string_view name) const {
  auto v = param(name);
  if (!v) throw std::logic_error("route has no path parameter '" + std::string(name) + "'");
  return *v;
}

Response Response::json(std::string body, int status) {
  Response r;
  r.status = status;
  r.contentType = "application/json; charset=utf-8";
  r.body = std::move(body);
  return r;
}

Response Response::text(std::string body, std::string contentType, int status) {
  Response r;
  r.status = status;
  r.contentType = std::move(contentType);
  r.body = std::move(body);
  return r;
}

Response Response::stream(std::string contentType, BodyProducer producer, int status) {
  Response r;
  r.status = status;
  r.contentType = std::move(contentType);
  r.producer = std::move(producer);
  return r;
}

Response Response::noContent() { return withStatus(204); }

Response Response::withStatus(int code) {
  Response r;
  r.status = code;
  return r;
}

}  // namespace agape
