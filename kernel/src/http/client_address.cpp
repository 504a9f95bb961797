#include "http/client_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <stdexcept>

namespace agape::kernel {
namespace {

constexpr std::string_view kOws = " \t";

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(kOws);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kOws) - first + 1);
}

bool isIpv4Text(std::string_view text) { return text.find(':') == std::string_view::npos; }

// The X-Forwarded-For entries from right to left, across every value of the
// header (repeated header lines are one list, in order). Empty elements are
// skipped, as RFC 9110 §5.6.1 asks of list recipients.
class EntriesFromRight {
 public:
  explicit EntriesFromRight(const std::vector<std::string_view>& values)
      : values_(values), value_(values.size()) {}

  std::optional<std::string_view> next() {
    for (;;) {
      if (!inValue_) {
        if (value_ == 0) return std::nullopt;
        rest_ = values_[--value_];
        inValue_ = true;
      }
      const auto comma = rest_.rfind(',');
      std::string_view entry = rest_;
      if (comma == std::string_view::npos) {
        inValue_ = false;
      } else {
        entry = rest_.substr(comma + 1);
        rest_ = rest_.substr(0, comma);
      }
      entry = trim(entry);
      if (!entry.empty()) return entry;
    }
  }

 private:
  const std::vector<std::string_view>& values_;
  std::size_t value_;
  std::string_view rest_;  // of values_[value_], while inValue_
  bool inValue_ = false;
};

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  char buf[INET6_ADDRSTRLEN];
  if (text.empty() || text.size() >= sizeof buf) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddress a;
  if (isIpv4Text(text)) {
    in_addr v4{};
    if (inet_pton(AF_INET, buf, &v4) != 1) return std::nullopt;
    a.bytes[10] = a.bytes[11] = 0xff;
    std::memcpy(a.bytes.data() + 12, &v4, 4);
    return a;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, buf, &v6) != 1) return std::nullopt;
  std::memcpy(a.bytes.data(), &v6, 16);
  return a;
}

bool IpAddress::v4() const {
  return std::all_of(bytes.begin(), bytes.begin() + 10, [](std::uint8_t b) { return b == 0; }) &&
         bytes[10] == 0xff && bytes[11] == 0xff;
}

std::string IpAddress::text() const {
  char buf[INET6_ADDRSTRLEN];
  const bool ok = v4() ? inet_ntop(AF_INET, bytes.data() + 12, buf, sizeof buf) != nullptr
                       : inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf) != nullptr;
  return ok ? std::string(buf) : std::string();
}

std::optional<Cidr> Cidr::parse(std::string_view text, std::string* why) {
  auto fail = [&](std::string reason) -> std::optional<Cidr> {
    if (why) *why = std::move(reason);
    return std::nullopt;
  };
  const auto slash = text.find('/');
  const std::string_view address = text.substr(0, slash);
  auto a = IpAddress::parse(address);
  if (!a) return fail("is not an IP network such as 10.0.0.0/8, 192.0.2.7 or \"::1/128\"");
  const bool v4 = isIpv4Text(address);
  const int width = v4 ? 32 : 128;
  int prefix = width;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || prefix < 0 ||
        prefix > width)
      return fail("has a prefix length that is not a number from 0 to " + std::to_string(width));
  }
  Cidr c;
  c.network_ = *a;
  c.bits_ = prefix + (v4 ? 96 : 0);
  for (int bit = c.bits_; bit < 128; ++bit)
    if (a->bytes[bit / 8] & (0x80 >> (bit % 8)))
      return fail(
          "has address bits set beyond its prefix length (a network is written with them zero, such as "
          "10.0.0.0/8; a single address without a prefix)");
  return c;
}

bool Cidr::contains(const IpAddress& a) const {
  const int whole = bits_ / 8;
  if (std::memcmp(a.bytes.data(), network_.bytes.data(), static_cast<std::size_t>(whole)) != 0) return false;
  const int rest = bits_ % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a.bytes[whole] & mask) == (network_.bytes[whole] & mask);
}

std::string Cidr::text() const {
  const bool v4 = network_.v4() && bits_ >= 96;
  return network_.text() + "/" + std::to_string(v4 ? bits_ - 96 : bits_);
}

CidrSet::CidrSet(const std::vector<std::string>& cidrs) {
  for (const auto& s : cidrs) {
    std::string why;
    auto c = Cidr::parse(s, &why);
    if (!c) throw std::invalid_argument("\"" + s + "\" " + why);
    cidrs_.push_back(*c);
  }
}

bool CidrSet::contains(const IpAddress& a) const {
  return std::any_of(cidrs_.begin(), cidrs_.end(), [&](const Cidr& c) { return c.contains(a); });
}

ClientAddress resolveClient(std::string_view peer, const std::vector<std::string_view>& forwardedFor,
                            const CidrSet& trusted) {
  EntriesFromRight entries(forwardedFor);
  if (trusted.empty()) {
    // Nothing is peeled. Pistache prints IPv4 peers canonically already.
    const bool forwarded = entries.next().has_value();
    if (isIpv4Text(peer)) return {std::string(peer), forwarded};
    auto a = IpAddress::parse(peer);
    return {a ? a->text() : std::string(peer), forwarded};
  }
  auto current = IpAddress::parse(peer);
  if (!current) return {std::string(peer), entries.next().has_value()};
  for (int hops = 0;; ++hops) {
    auto entry = entries.next();
    if (!entry) return {current->text(), false};
    if (!trusted.contains(*current) || hops == kMaxForwardedHops) return {current->text(), true};
    auto claimed = IpAddress::parse(*entry);
    if (!claimed) return {current->text(), true};
    current = claimed;
  }
}

std::string_view rateLimitKey(std::string_view ip, std::string& buffer) {
  if (isIpv4Text(ip)) return ip;
  auto a = IpAddress::parse(ip);
  if (!a) return ip;
  if (a->v4()) {
    buffer = a->text();
    return buffer;
  }
  std::fill(a->bytes.begin() + 8, a->bytes.end(), std::uint8_t{0});
  buffer = a->text();
  buffer += "/64";
  return buffer;
}

}  // namespace agape::kernel
