#include "request_fields.h"

#include <algorithm>
#include <cctype>

namespace agape::auth {
namespace {

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace

std::optional<std::string> RequestFields::optional(const std::string& name, std::size_t maxLength) {
  auto it = body_.find(name);
  if (it == body_.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) {
    error(name, "must be a string");
    return std::nullopt;
  }
  std::string value = trim(it->get_ref<const std::string&>());
  if (value.size() > maxLength) {
    error(name, "must be at most " + std::to_string(maxLength) + " characters long");
    return std::nullopt;
  }
  return value;
}

std::string RequestFields::required(const std::string& name, std::size_t maxLength) {
  bool present = body_.contains(name) && !body_[name].is_null();
  auto value = optional(name, maxLength);
  if (!present || (value && value->empty())) error(name, "is required");
  return value.value_or("");
}

std::optional<std::vector<std::string>> RequestFields::stringList(const std::string& name) {
  auto it = body_.find(name);
  if (it == body_.end() || !it->is_array()) {
    error(name, "must be a list of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string()) {
      error(name + "[" + std::to_string(i) + "]", "must be a string");
      continue;
    }
    out.push_back((*it)[i].get<std::string>());
  }
  return out;
}

void RequestFields::finish() const {
  if (!errors_.empty()) throw Problem::validation(errors_);
}

Json parseOptionalJsonObject(const Request& request, std::initializer_list<std::string_view> allowed) {
  bool blank = std::all_of(request.body.begin(), request.body.end(), [](unsigned char c) { return std::isspace(c); });
  if (blank) return Json::object();
  return parseJsonObject(request, allowed);
}

std::string normalizeEmail(std::string_view email) {
  std::string e = trim(email);
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
  auto at = e.find('@');
  if (e.size() > 254 || at == std::string::npos || at == 0 || at != e.rfind('@')) return {};
  std::string domain = e.substr(at + 1);
  if (domain.size() < 3 || domain.find('.') == std::string::npos || domain.front() == '.' || domain.back() == '.')
    return {};
  for (unsigned char c : e)
    if (c <= ' ' || c == 0x7F || c == ',' || c == ';' || c == '<' || c == '>' || c == '"' || c == '\\') return {};
  return e;
}

bool plausiblePhone(std::string_view phone) {
  if (phone.size() < 7 || phone.size() > 20) return false;
  int digits = 0;
  for (std::size_t i = 0; i < phone.size(); ++i) {
    char c = phone[i];
    if (std::isdigit(static_cast<unsigned char>(c))) ++digits;
    else if (!(c == ' ' || c == '-' || c == '(' || c == ')' || (c == '+' && i == 0))) return false;
  }
  return digits >= 7;
}

}  // namespace agape::auth
