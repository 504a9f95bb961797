#include "agape/crypto.h"

#include <cstdio>
#include <mutex>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>


namespace agape {
namespace {

std::string opensslError(const std::string& what) {
  unsigned long code = ERR_get_error();
  char buf[256] = {0};
  if (code != 0) ERR_error_string_n(code, buf, sizeof buf);
  ERR_clear_error();
  return what + (code != 0 ? std::string(": ") + buf : std::string());
}

}  // namespace


std::string randomBytes(std::size_t count) {
  std::string out(count, '\0');
  if (count > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1)
    throw std::runtime_error(opensslError("RAND_bytes failed"));
  return out;
}

std::string newOpaqueToken() { return base64UrlEncode(randomBytes(32)); }

std::string sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error(opensslError("SHA-256 failed"));
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string sha256Hex(std::string_view data) { return hexEncode(sha256(data)); }

namespace {
std::string hmac(const EVP_MD* md, const char* name, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(md, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
            data.size(), out, &len))
    throw std::runtime_error(opensslError(std::string(name) + " failed"));
  return std::string(reinterpret_cast<char*>(out), len);
}
}  // namespace

std::string hmacSha256(std::string_view key, std::string_view data) {
  return hmac(EVP_sha256(), "HMAC-SHA256", key, data);
}
std::string hmacSha512(std::string_view key, std::string_view data) {
  return hmac(EVP_sha512(), "HMAC-SHA512", key, data);
}

std::string uuidV7(long long unixMillis) {
  std::string b = randomBytes(16);
  auto* u = reinterpret_cast<unsigned char*>(b.data());
  for (int i = 0; i < 6; ++i) u[i] = static_cast<unsigned char>((unixMillis >> (8 * (5 - i))) & 0xFF);
  // Ids made in one millisecond by this process sort in the order made
  // (RFC 9562, method 3): rand_a is a counter that starts at a random value
  // below 2048 in each millisecond and counts up.
  static std::mutex mutex;
  static long long lastMillis = -1;
  static unsigned counter = 0;
  {
    std::lock_guard lock(mutex);
    if (unixMillis != lastMillis || counter >= 0xFFF) {
      lastMillis = unixMillis;
      counter = ((static_cast<unsigned>(u[6]) << 8) | u[7]) & 0x7FF;
    } else {
      ++counter;
    }
    u[6] = static_cast<unsigned char>((counter >> 8) & 0x0F);
    u[7] = static_cast<unsigned char>(counter & 0xFF);
  }
  u[6] = static_cast<unsigned char>(0x70 | (u[6] & 0x0F));
  u[8] = static_cast<unsigned char>(0x80 | (u[8] & 0x3F));
  std::string hex = hexEncode(b);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20);
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace agape
