#pragma once
// Signing keys in a directory of PEM files. Every key there is published in
// the JWKS and accepted for verification; one private key signs: the one
// named by `auth.activeKey`, else the newest file that has been there for
// `activationDelay` (published first on every instance, then signing).
// Rotation = add a newer key; retirement = remove an old one once every
// token it signed expired. Running servers read the directory again
// (KeyRing), so neither needs a restart.

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rsa_key.h"

namespace agape::auth {

struct KeyFile {
  std::filesystem::path path;
  std::filesystem::file_time_type modified;
  RsaKey key;
};

// An immutable snapshot of the keys: shared by the request threads without locks.
class KeySet {
 public:
  KeySet(std::vector<KeyFile> files, std::size_t activeIndex);
  const RsaKey& active() const { return files_[active_].key; }
  const std::filesystem::path& activePath() const { return files_[active_].path; }
  const RsaKey* find(std::string_view kid) const;
  const std::vector<KeyFile>& files() const { return files_; }
  // {"keys":[public JWK...]}, the active key first; and as text.
  const nlohmann::json& jwks() const { return jwks_; }
  const std::string& jwksText() const { return jwksText_; }
  // The kids published, and which one signs: equal for equal key sets.
  std::string fingerprint() const;

 private:
  std::vector<KeyFile> files_;
  std::size_t active_;
  nlohmann::json jwks_;
  std::string jwksText_;
};

struct KeyStoreOptions {
  std::filesystem::path dir;
  std::string activeKey;     // file name without ".pem", or a kid; empty = newest private key
  bool generateIfMissing = false;  // development only: create a first key pair
  int generatedBits = 2048;
  // A newer key signs once its file is this old (unless no older key can).
  std::chrono::seconds activationDelay{0};
};

// Loads `*.pem` from the directory (public-only "*.pub.pem" files are
// verification-only). Throws std::runtime_error with an operator-facing
// message when there is no usable signing key.
std::shared_ptr<const KeySet> loadKeySet(const KeyStoreOptions& options);

// The current key set of a running server, swapped whole when the
// directory changes or a new key's activation time comes; readers take a
// snapshot (shared_ptr) without locks.
class KeyRing {
 public:
  KeyRing(KeyStoreOptions options, std::shared_ptr<const KeySet> initial)
      : options_(std::move(options)), current_(std::move(initial)) {}
  std::shared_ptr<const KeySet> current() const { return current_.load(); }
  // Reads the directory again; true when the keys published or the signing
  // key changed. Throws (keeping the current set) when it is unusable.
  bool reload();

 private:
  KeyStoreOptions options_;
  std::atomic<std::shared_ptr<const KeySet>> current_;
};

// Rotation step: writes a new private key "<UTC time>.pem" (mode 0600) into
// `dir`; with newest-file-wins it signs from the next load on. Returns its path.
std::filesystem::path writeNewSigningKey(const std::filesystem::path& dir, int bits = 2048);

// Retirement step (newest-file-wins only): removes private key files that
// stopped signing more than `keepFor` ago (a key stops signing when a newer
// key file appears), never the newest. Returns the removed paths.
std::vector<std::filesystem::path> pruneRetiredKeys(const std::filesystem::path& dir,
                                                    std::chrono::seconds keepFor);

}  // namespace agape::auth
