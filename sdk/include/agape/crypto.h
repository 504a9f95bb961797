#pragma once
// Randomness, digests and the byte encodings tokens use, from OpenSSL's
// CSPRNG and SHA-256 (the SDK library links OpenSSL; this header does not
// include it). For plugins that issue secrets (session and cart tokens,
// API keys) or check signatures.
//
//   std::string token = agape::newOpaqueToken();   // give to the client
//   tx.exec("INSERT ... (token_hash) VALUES (:h)",
//           {{"h", agape::sha256Hex(token)}});        // keep only the digest

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace agape {

// `count` bytes from RAND_bytes; throws std::runtime_error when the CSPRNG fails.
std::string randomBytes(std::size_t count);
// An opaque bearer secret: 256 random bits, base64url (43 characters).
std::string newOpaqueToken();
std::string sha256(std::string_view data);     // raw 32 bytes
std::string sha256Hex(std::string_view data);  // lower-case hex, 64 characters
std::string hmacSha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string hmacSha512(std::string_view key, std::string_view data);  // raw 64 bytes (Paystack's webhook signature)
// A time-ordered UUIDv7 (RFC 9562) with random bits from the CSPRNG, for ids.
std::string uuidV7(long long unixMillis);
// Equal contents, in time independent of where they differ.
bool constantTimeEquals(std::string_view a, std::string_view b);

// base64url without padding (JOSE).
std::string base64UrlEncode(std::string_view bytes);
// Strict: only the base64url alphabet, no padding, no trailing bits set;
// nullopt otherwise.
std::optional<std::string> base64UrlDecode(std::string_view text);
// Standard base64 (RFC 4648 section 4) with padding, as webhook signatures
// and secrets use (Svix / Standard Webhooks: Resend's).
std::string base64Encode(std::string_view bytes);
// Strict: only the standard alphabet, padded to a multiple of four, no
// trailing bits set; nullopt otherwise.
std::optional<std::string> base64Decode(std::string_view text);
std::string hexEncode(std::string_view bytes);  // lower-case

}  // namespace agape
