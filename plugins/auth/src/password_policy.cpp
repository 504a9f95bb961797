#include "password_policy.h"

#include <algorithm>
#include <cctype>

namespace agape::auth {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::size_t codePoints(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](unsigned char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

PasswordPolicy::PasswordPolicy(std::string_view list) {
  std::size_t pos = 0;
  while (pos < list.size()) {
    std::size_t end = list.find('\n', pos);
    if (end == std::string_view::npos) end = list.size();
    std::string_view line = list.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && !line.starts_with("#!")) common_.insert(lower(line));
    pos = end + 1;
  }
}

std::vector<FieldError> PasswordPolicy::check(std::string_view password, std::string_view email,
                                              const std::string& field) const {
  std::vector<FieldError> errors;
  if (codePoints(password) < kMinLength)
    errors.push_back({field, "must be at least " + std::to_string(kMinLength) + " characters long"});
  if (password.size() > kMaxBytes)
    errors.push_back({field, "must be at most " + std::to_string(kMaxBytes) + " bytes long"});
  if (password.find('\0') != std::string_view::npos) errors.push_back({field, "must not contain NUL characters"});
  std::string l = lower(password);
  if (common_.contains(l)) errors.push_back({field, "is too common; choose a less predictable password"});
  std::string e = lower(email);
  std::string local = e.substr(0, e.find('@'));
  if (!e.empty() && (l == e || l == local)) errors.push_back({field, "must not be your email address"});
  return errors;
}

}  // namespace agape::auth
