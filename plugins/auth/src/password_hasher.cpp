#include "password_hasher.h"

#include <crypt.h>
#include <memory>
#include <stdexcept>

#include "crypto_random.h"

namespace agape::auth {
namespace {

// struct crypt_data is ~32 KiB: on the heap, not on a worker's stack.
std::string cryptWith(std::string_view password, const char* setting) {
  auto data = std::make_unique<crypt_data>();
  std::string pw(password);
  const char* out = crypt_r(pw.c_str(), setting, data.get());
  // libxcrypt returns a string starting with '*' on failure instead of NULL.
  if (!out || out[0] == '*') return {};
  return out;
}

}  // namespace

PasswordHasher::PasswordHasher(int cost) : cost_(cost) {
  if (cost < 4 || cost > 31) throw std::invalid_argument("bcrypt cost must be between 4 and 31");
  // A real hash of a random password: verifying against it costs what a real check costs.
  dummyHash_ = hash(newOpaqueToken());
}

std::string PasswordHasher::hash(std::string_view password) const {
  if (password.find('\0') != std::string_view::npos) throw std::invalid_argument("password contains NUL");
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  std::string salt = randomBytes(16);
  if (!crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost_), salt.data(), static_cast<int>(salt.size()),
                        setting, sizeof setting))
    throw std::runtime_error("bcrypt salt generation failed");
  std::string out = cryptWith(password, setting);
  if (out.empty()) throw std::runtime_error("bcrypt hashing failed");
  return out;
}

bool PasswordHasher::verify(std::string_view password, const std::string& storedHash) const {
  if (password.find('\0') != std::string_view::npos || storedHash.rfind("$2", 0) != 0) return false;
  std::string out = cryptWith(password, storedHash.c_str());
  return !out.empty() && constantTimeEquals(out, storedHash);
}

void PasswordHasher::verifyDummy(std::string_view password) const { (void)verify(password, dummyHash_); }

}  // namespace agape::auth
