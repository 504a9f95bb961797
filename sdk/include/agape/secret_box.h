#pragma once
// Secrets a plugin must keep or pass on but nobody may read from the
// database or the event log (2FA secrets, one-time links until they are
// mailed): sealed with AES-256-GCM under the server's sealing keys, which
// live in files outside the database. A kernel service:
//
//   auto& box = ctx.services().get<SecretBox>();
//   std::string stored = box.seal(secret, "auth.totp:" + userId);
//   std::optional<std::string> secret = box.open(stored, "auth.totp:" + userId);
//
// `purpose` is authenticated with the text (not stored in it): a sealed
// value copied to another row or use does not open there.

#include <optional>
#include <string>
#include <string_view>

namespace agape {

class SecretBox {
 public:
  static constexpr std::string_view kServiceId = "agape.secret_box";
  virtual ~SecretBox() = default;

  // "sb1.<key id>.<base64url(nonce, ciphertext, tag)>", sealed with the
  // newest key; a fresh random nonce each time.
  virtual std::string seal(std::string_view plaintext, std::string_view purpose) const = 0;
  // nullopt when the text was not sealed by these keys for this purpose, or
  // was altered.
  virtual std::optional<std::string> open(std::string_view sealed, std::string_view purpose) const = 0;
  // Whether `sealed` is under the newest key (false: open and seal it again
  // to move it off an older key).
  virtual bool isCurrent(std::string_view sealed) const = 0;
};

}  // namespace agape
