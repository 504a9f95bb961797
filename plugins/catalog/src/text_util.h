#pragma once
// Small text helpers: ids, times, slugs, SKUs and hashes.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <agape/clock.h>

namespace agape::catalog {

// A UUIDv7: 48-bit Unix milliseconds then random bits, so ids sort by time.
std::string newId(long long epochMs);
// Deterministic UUIDv7-shaped id (for the demo data): `n` in the random bits.
std::string fixedId(long long epochMs, std::uint64_t n);
// "2026-11-24T10:15:00Z" (milliseconds dropped when zero): the SDK's.
using agape::rfc3339;
// "Ankara Wrap Dress!" -> "ankara-wrap-dress".
std::string slugify(std::string_view text);
bool isValidSlug(std::string_view slug);
bool isValidSku(std::string_view sku);  // ^[A-Z0-9][A-Z0-9-]{2,63}$
// Lower-case alphanumeric words of free text, for search queries.
std::vector<std::string> searchTerms(std::string_view text);
// The pieces of `text` between separators, empty ones included:
// "a,,b" -> {"a", "", "b"}.
std::vector<std::string> splitOn(std::string_view text, char separator);
// How many words searchTerms finds, before its cap.
std::size_t searchWordCount(std::string_view text);
// Words shorter than this match whole only, not as prefixes ("a" would
// match most of the catalogue).
inline constexpr std::size_t kMinPrefixLength = 2;
// Strong ETag value (quoted) over a body.
std::string etagOf(std::string_view body);

}  // namespace agape::catalog
