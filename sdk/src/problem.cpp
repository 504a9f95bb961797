#include "agape/problem.h"

#include <nlohmann/json.hpp>

namespace agape {

Problem::Problem(int status, std::string code, std::string detail, std::vector<FieldError> errors)
    : status_(status), code_(std::move(code)), detail_(std::move(detail)), errors_(std::move(errors)) {
  what_ = std::to_string(status_) + " " + code_ + (detail_.empty() ? "" : ": " + detail_);
}

const char* Problem::what() const noexcept { return what_.c_str(); }

std::string Problem::type() const {
  std::string slug = code_;
  for (char& c : slug)
    if (c == '_') c = '-';
  return "https://agape.dev/problems/" + slug;
}

std::string Problem::title() const { return title_.empty() ? reasonPhrase(status_) : title_; }

Problem& Problem::withTitle(std::string title) {
  title_ = std::move(title);
  return *this;
}

Problem& Problem::withHeader(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
  return *this;
}

std::string Problem::toJson(const std::string& requestId) const {
  nlohmann::json j = {{"type", type()}, {"title", title()}, {"status", status_}, {"code", code_}};
  if (!detail_.empty()) j["detail"] = detail_;
  if (!requestId.empty()) j["requestId"] = requestId;
  if (!errors_.empty()) {
    auto& arr = j["errors"] = nlohmann::json::array();
    for (const auto& e : errors_) arr.push_back({{"field", e.field}, {"message", e.message}});
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Problem Problem::validation(std::vector<FieldError> errors, std::string detail) {
  return Problem(400, "validation_failed", std::move(detail), std::move(errors));
}
Problem Problem::badRequest(std::string detail) { return Problem(400, "validation_failed", std::move(detail)); }
Problem Problem::unauthorized(std::string detail, std::string code) {
  Problem p(401, std::move(code), std::move(detail));
  p.withHeader("WWW-Authenticate", "Bearer");
  return p;
}
Problem Problem::forbidden(std::string detail) { return Problem(403, "forbidden", std::move(detail)); }
Problem Problem::notFound(std::string detail) { return Problem(404, "not_found", std::move(detail)); }
Problem Problem::conflict(std::string code, std::string detail) {
  return Problem(409, std::move(code), std::move(detail));
}
Problem Problem::unavailable(std::string detail) { return Problem(503, "unavailable", std::move(detail)); }

const char* reasonPhrase(int status) noexcept {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

}  // namespace agape
