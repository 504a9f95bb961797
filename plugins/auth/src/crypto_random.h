#pragma once
// Randomness and digests from OpenSSL's CSPRNG and SHA-256.

#include <cstddef>
#include <string>
#include <string_view>

namespace agape::auth {

// `count` bytes from RAND_bytes; throws std::runtime_error when the CSPRNG fails.
std::string randomBytes(std::size_t count);
// An opaque bearer secret: 256 random bits, base64url (43 characters).
std::string newOpaqueToken();
std::string sha256(std::string_view data);     // raw 32 bytes
std::string sha256Hex(std::string_view data);  // what the database stores for a token
std::string hmacSha256(std::string_view key, std::string_view data);  // raw 32 bytes
// A time-ordered UUIDv7 (RFC 9562) for ids.
std::string uuidV7(long long unixMillis);
// Equal contents, in time independent of where they differ.
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace agape::auth
