#pragma once
// RFC 9457 problem details. Throw a Problem anywhere in a handler (or in code a
// handler calls); the kernel turns it into one application/problem+json
// response at one place, adding the request id.

#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "agape/version.h"

namespace agape {

struct FieldError {
  std::string field;    // e.g. "items[0].quantity"
  std::string message;  // human readable, no internals
};

class AGAPE_API Problem : public std::exception {
 public:
  // `code` is the stable snake_case identifier clients switch on; `type` is
  // derived from it (https://agape.dev/problems/<code with - for _>).
  Problem(int status, std::string code, std::string detail = {},
          std::vector<FieldError> errors = {});

  int status() const noexcept { return status_; }
  const std::string& code() const noexcept { return code_; }
  const std::string& detail() const noexcept { return detail_; }
  const std::vector<FieldError>& errors() const noexcept { return errors_; }
  const std::vector<std::pair<std::string, std::string>>& headers() const noexcept {
    return headers_;
  }
  std::string type() const;
  std::string title() const;  // the explicit title, else the status's reason phrase
  const char* what() const noexcept override;

  // Chainable extras: an explicit title, and headers the response must carry
  // (Retry-After, Allow, WWW-Authenticate ...).
  Problem& withTitle(std::string title);
  Problem& withHeader(std::string name, std::string value);

  // Serialised problem+json body; `requestId` is added when not empty.
  std::string toJson(const std::string& requestId) const;

  static Problem validation(std::vector<FieldError> errors,
                            std::string detail = "The request is not valid.");
  static Problem badRequest(std::string detail);
  static Problem unauthorized(std::string detail = "Authentication is required.",
                              std::string code = "unauthorized");
  static Problem forbidden(std::string detail = "You are not allowed to do this.");
  static Problem notFound(std::string detail = "Not found.");
  static Problem conflict(std::string code, std::string detail);
  static Problem unavailable(std::string detail);

 private:
  int status_;
  std::string code_;
  std::string detail_;
  std::string title_;
  std::vector<FieldError> errors_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::string what_;
};

// Reason phrase for an HTTP status ("Not Found"); "Unknown" when unknown.
const char* reasonPhrase(int status) noexcept;

}  // namespace agape
