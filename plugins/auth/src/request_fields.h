#pragma once
// Reads and checks the fields of a JSON request body, collecting every
// problem so that one 400 names them all.

#include <optional>
#include <string>
#include <vector>

#include <agape/json.h>

namespace agape::auth {

class RequestFields {
 public:
  explicit RequestFields(const Json& body) : body_(body) {}
  // A non-empty string (after trimming spaces); "" and an error when absent.
  std::string required(const std::string& name, std::size_t maxLength = 256);
  std::optional<std::string> optional(const std::string& name, std::size_t maxLength = 256);
  std::optional<std::vector<std::string>> stringList(const std::string& name);
  void error(std::string field, std::string message) { errors_.push_back({std::move(field), std::move(message)}); }
  void add(const std::vector<FieldError>& more) { errors_.insert(errors_.end(), more.begin(), more.end()); }
  bool ok() const { return errors_.empty(); }
  // Throws 400 validation_failed when any error was recorded.
  void finish() const;

 private:
  const Json& body_;
  std::vector<FieldError> errors_;
};

// A JSON body that may also be absent (empty), read as {}.
Json parseOptionalJsonObject(const Request& request, std::initializer_list<std::string_view> allowed);

// Trimmed and lower-cased; empty when it is not a plausible address.
std::string normalizeEmail(std::string_view email);
bool plausiblePhone(std::string_view phone);

}  // namespace agape::auth
