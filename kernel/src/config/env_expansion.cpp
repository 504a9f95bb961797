#include "config/env_expansion.h"

#include <cctype>
#include <cstdlib>

namespace agape::kernel {

EnvLookup processEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

namespace {

bool validName(std::string_view name) {
  if (name.empty()) return false;
  if (!(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

}  // namespace

EnvExpansion expandEnv(std::string_view text, const EnvLookup& env) {
  EnvExpansion out;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c != '$' || i + 1 >= text.size()) {
      out.value += c;
      ++i;
      continue;
    }
    char next = text[i + 1];
    if (next == '$') {
      out.value += '$';
      i += 2;
      continue;
    }
    if (next != '{') {
      out.value += c;
      ++i;
      continue;
    }
    std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      out.error = "unterminated ${ (write $$ for a literal dollar)";
      return out;
    }
    std::string_view body = text.substr(i + 2, close - i - 2);
    std::string_view name = body;
    std::optional<std::string_view> fallback;
    if (auto sep = body.find(":-"); sep != std::string_view::npos) {
      name = body.substr(0, sep);
      fallback = body.substr(sep + 2);
    }
    if (!validName(name)) {
      out.error = "invalid environment variable name in ${" + std::string(body) + "}";
      return out;
    }
    std::optional<std::string> found = env ? env(std::string(name)) : std::nullopt;
    if (fallback && (!found || found->empty())) {
      out.value += *fallback;
    } else if (found) {
      out.value += *found;
      out.usedVariables.emplace_back(name);
    } else {
      out.error = "environment variable " + std::string(name) + " is not set";
      return out;
    }
    i = close + 1;
  }
  return out;
}

std::string valueFromNote(const std::vector<std::string>& variables) {
  if (variables.empty()) return "";
  std::string list;
  for (const auto& v : variables) list += (list.empty() ? "" : ", ") + ("${" + v + "}");
  return "(value from " + list + ")";
}

}  // namespace agape::kernel
