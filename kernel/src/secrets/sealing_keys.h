#pragma once
// The kernel's SecretBox: AES-256-GCM (OpenSSL EVP) under keys kept as files
// `<UTC time>.key` (32 random bytes, base64, mode 0600) in the secrets
// directory. The newest file seals; every file opens. Rotation adds a newer
// file (`agape secrets rotate`); an instance meeting a key id it has not
// loaded re-reads the directory, so instances sharing a copied or mounted
// directory open each other's values.

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <agape/secret_box.h>

namespace agape::kernel {

class SealingKeys final : public SecretBox {
 public:
  // Loads the keys in `dir`. With `createIfMissing` (development) an empty
  // or absent directory gets a first key; without it (production) an empty
  // one is a ConfigError naming the command that makes a key.
  static std::shared_ptr<SealingKeys> load(const std::filesystem::path& dir, bool createIfMissing);
  // Writes a new key file, which seals from the next start; returns its path.
  static std::filesystem::path addKey(const std::filesystem::path& dir);

  std::string seal(std::string_view plaintext, std::string_view purpose) const override;
  std::optional<std::string> open(std::string_view sealed, std::string_view purpose) const override;
  bool isCurrent(std::string_view sealed) const override;
  const std::string& currentKeyId() const { return current_; }

 private:
  explicit SealingKeys(std::filesystem::path dir) : dir_(std::move(dir)) {}
  void read() const;  // with mutex_ held

  std::filesystem::path dir_;
  mutable std::mutex mutex_;
  mutable std::map<std::string, std::string, std::less<>> keys_;  // id -> 32 raw bytes
  std::string current_;
  mutable long long lastRead_ = 0;  // steady ms of the last re-read for an unknown id
};

}  // namespace agape::kernel
