#include "secrets/sealing_keys.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>

#include <agape/config.h>
#include <agape/crypto.h>

namespace agape::kernel {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kPrefix = "sb1.";
constexpr std::size_t kKeyBytes = 32, kNonceBytes = 12, kTagBytes = 16;

struct CipherCtx {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  ~CipherCtx() { EVP_CIPHER_CTX_free(ctx); }
};

long long steadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string readKeyFile(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  auto key = base64Decode(s);
  if (!key || key->size() != kKeyBytes)
    throw ConfigError("sealing key " + file.string() + ": must hold 32 bytes in base64 (agape secrets rotate writes one)");
  return *key;
}

// "sb1.<id>.<payload>" → {id, payload}; empty id when malformed.
std::pair<std::string_view, std::string_view> splitSealed(std::string_view sealed) {
  if (sealed.substr(0, kPrefix.size()) != kPrefix) return {};
  sealed.remove_prefix(kPrefix.size());
  const auto dot = sealed.find('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  return {sealed.substr(0, dot), sealed.substr(dot + 1)};
}

}  // namespace

std::shared_ptr<SealingKeys> SealingKeys::load(const fs::path& dir, bool createIfMissing) {
  std::shared_ptr<SealingKeys> keys(new SealingKeys(dir));
  std::lock_guard lock(keys->mutex_);
  keys->read();
  if (keys->keys_.empty()) {
    if (!createIfMissing)
      throw ConfigError("no sealing key in " + dir.string() +
                        ": create one with `agape secrets rotate` and give every instance a copy");
    addKey(dir);
    keys->read();
  }
  keys->current_ = keys->keys_.rbegin()->first;
  return keys;
}

fs::path SealingKeys::addKey(const fs::path& dir) {
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
  const std::time_t now = std::time(nullptr);
  char name[32];
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(name, sizeof name, "%Y%m%dT%H%M%SZ", &utc);
  // Written whole under a temporary name, then linked in place: a server
  // starting beside this one never reads half a key, and link(2) never
  // replaces a key another process wrote the same second.
  std::string tmpName(1, '.');  // appended, not "." + ...: GCC 12's false -Wrestrict
  tmpName += hexEncode(randomBytes(8));
  tmpName += ".partial";
  const fs::path tmp = dir / tmpName;
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create a sealing key in " + dir.string());
  const std::string text = base64Encode(randomBytes(kKeyBytes)) + "\n";
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  fs::path file = dir / (std::string(name) + ".key");
  for (int n = 2; written && ::link(tmp.c_str(), file.c_str()) != 0; ++n) {
    if (errno != EEXIST) break;
    file = dir / (std::string(name) + "-" + std::to_string(n) + ".key");
  }
  const bool linked = written && fs::exists(file) && fs::equivalent(tmp, file);
  fs::remove(tmp);
  if (!linked) throw std::runtime_error("cannot write a sealing key in " + dir.string());
  return file;
}

void SealingKeys::read() const {
  lastRead_ = steadyMs();
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) return;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    if (entry.path().extension() != ".key" || !entry.is_regular_file()) continue;
    const std::string id = entry.path().stem().string();
    if (!keys_.count(id)) keys_.emplace(id, readKeyFile(entry.path()));
  }
}

std::string SealingKeys::seal(std::string_view plaintext, std::string_view purpose) const {
  std::string key;
  {
    std::lock_guard lock(mutex_);
    key = keys_.at(current_);
  }
  const std::string nonce = randomBytes(kNonceBytes);
  std::string out = nonce;
  out.resize(kNonceBytes + plaintext.size() + kTagBytes);
  auto* ct = reinterpret_cast<unsigned char*>(out.data() + kNonceBytes);
  CipherCtx c;
  int len = 0, total = 0;
  bool ok = c.ctx && EVP_EncryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
            EVP_EncryptInit_ex(c.ctx, nullptr, nullptr, reinterpret_cast<const unsigned char*>(key.data()),
                               reinterpret_cast<const unsigned char*>(nonce.data())) == 1 &&
            EVP_EncryptUpdate(c.ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(purpose.data()),
                              static_cast<int>(purpose.size())) == 1 &&
            EVP_EncryptUpdate(c.ctx, ct, &len, reinterpret_cast<const unsigned char*>(plaintext.data()),
                              static_cast<int>(plaintext.size())) == 1;
  total = len;
  ok = ok && EVP_EncryptFinal_ex(c.ctx, ct + total, &len) == 1;
  total += len;
  ok = ok && EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_GET_TAG, kTagBytes, ct + total) == 1;
  if (!ok) throw std::runtime_error("sealing failed (OpenSSL AES-256-GCM)");
  return std::string(kPrefix) + current_ + "." + base64UrlEncode(out);
}

std::optional<std::string> SealingKeys::open(std::string_view sealed, std::string_view purpose) const {
  const auto [id, payload] = splitSealed(sealed);
  if (id.empty()) return std::nullopt;
  const auto bytes = base64UrlDecode(payload);
  if (!bytes || bytes->size() < kNonceBytes + kTagBytes) return std::nullopt;
  std::string key;
  {
    std::lock_guard lock(mutex_);
    auto it = keys_.find(id);
    // A key another instance has started sealing with: look again, at most once a second.
    if (it == keys_.end() && steadyMs() - lastRead_ >= 1000) {
      read();
      it = keys_.find(id);
    }
    if (it == keys_.end()) return std::nullopt;
    key = it->second;
  }
  const std::size_t textBytes = bytes->size() - kNonceBytes - kTagBytes;
  const auto* in = reinterpret_cast<const unsigned char*>(bytes->data());
  std::string plain(textBytes, '\0');
  CipherCtx c;
  int len = 0;
  std::string tag = bytes->substr(kNonceBytes + textBytes);
  bool ok = c.ctx && EVP_DecryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
            EVP_DecryptInit_ex(c.ctx, nullptr, nullptr, reinterpret_cast<const unsigned char*>(key.data()), in) == 1 &&
            EVP_DecryptUpdate(c.ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(purpose.data()),
                              static_cast<int>(purpose.size())) == 1 &&
            EVP_DecryptUpdate(c.ctx, reinterpret_cast<unsigned char*>(plain.data()), &len, in + kNonceBytes,
                              static_cast<int>(textBytes)) == 1 &&
            EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1;
  // The tag is checked here: a value altered in any byte, or opened for another purpose, fails.
  ok = ok && EVP_DecryptFinal_ex(c.ctx, reinterpret_cast<unsigned char*>(plain.data()) + len, &len) == 1;
  if (!ok) return std::nullopt;
  return plain;
}

bool SealingKeys::isCurrent(std::string_view sealed) const { return splitSealed(sealed).first == current_; }

}  // namespace agape::kernel
