#include "text_util.h"

#include <cctype>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>

namespace agape::catalog {
namespace {

std::string formatUuid(long long epochMs, std::uint64_t hi, std::uint64_t lo) {
  unsigned char b[16];
  const auto ms = static_cast<std::uint64_t>(epochMs);
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (40 - 8 * i));
  b[6] = static_cast<unsigned char>(0x70 | ((hi >> 8) & 0x0f));
  b[7] = static_cast<unsigned char>(hi);
  b[8] = static_cast<unsigned char>(0x80 | ((lo >> 56) & 0x3f));
  for (int i = 9; i < 16; ++i) b[i] = static_cast<unsigned char>(lo >> (8 * (15 - i)));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 15];
  }
  return out;
}

}  // namespace

std::string newId(long long epochMs) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return formatUuid(epochMs, rng(), rng());
}

std::string fixedId(long long epochMs, std::uint64_t n) { return formatUuid(epochMs, 0, n); }

std::string slugify(std::string_view text) {
  std::string out;
  bool dash = false;
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      if (dash && !out.empty()) out += '-';
      out += static_cast<char>(std::tolower(c));
      dash = false;
    } else {
      dash = true;
    }
  }
  return out.substr(0, 120);
}

bool isValidSlug(std::string_view slug) {
  if (slug.empty() || slug.size() > 120 || slug.front() == '-' || slug.back() == '-') return false;
  for (unsigned char c : slug)
    if (!(std::islower(c) || std::isdigit(c) || c == '-')) return false;
  return true;
}

bool isValidSku(std::string_view sku) {
  if (sku.size() < 3 || sku.size() > 64) return false;
  for (std::size_t i = 0; i < sku.size(); ++i) {
    const unsigned char c = sku[i];
    const bool ok = std::isupper(c) || std::isdigit(c) || (i > 0 && c == '-');
    if (!ok || c > 127) return false;
  }
  return true;
}

std::size_t searchWordCount(std::string_view text) {
  std::size_t n = 0;
  bool inWord = false;
  for (unsigned char c : text) {
    const bool word = std::isalnum(c);
    if (word && !inWord) ++n;
    inWord = word;
  }
  return n;
}

std::vector<std::string> searchTerms(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      cur += static_cast<char>(std::tolower(c));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  if (out.size() > 16) out.resize(16);  // bounds the query the database plans
  return out;
}

std::vector<std::string> splitOn(std::string_view text, char separator) {
  std::vector<std::string> out;
  for (std::size_t start = 0;;) {
    const auto at = text.find(separator, start);
    out.emplace_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

std::string etagOf(std::string_view body) {
  // Two independent multiply-rotate lanes over 8-byte words: a cheap,
  // stable content hash (not a security measure).
  std::uint64_t a = 0x9e3779b97f4a7c15ull ^ body.size(), b = 0xc2b2ae3d27d4eb4full;
  auto mix = [&](std::uint64_t w) {
    a = (a ^ w) * 0x100000001b3ull;
    a ^= a >> 29;
    b = (b + w) * 0xff51afd7ed558ccdull;
    b ^= b >> 32;
  };
  std::size_t i = 0;
  for (; i + 8 <= body.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, body.data() + i, 8);
    mix(w);
  }
  std::uint64_t tail = 0;
  for (std::size_t k = 0; i + k < body.size(); ++k) tail |= std::uint64_t(static_cast<unsigned char>(body[i + k])) << (8 * k);
  mix(tail);
  char buf[64];
  std::snprintf(buf, sizeof buf, "\"%016llx%016llx\"", static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b));
  return buf;
}

}  // namespace agape::catalog
