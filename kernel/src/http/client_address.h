#pragma once
// Who a request comes from: IP addresses and networks (CIDR), the walk that
// peels X-Forwarded-For hops added by trusted proxies, and the key the rate
// limiter counts a client under. Addresses are parsed by inet_pton(3), never
// by hand, and nothing here allocates unless it returns a string.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agape::kernel {

// An IPv4 or IPv6 address as 16 bytes. IPv4 is held in its IPv4-mapped form
// (::ffff:a.b.c.d), so 192.0.2.1 and ::ffff:192.0.2.1 are one address.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};

  // "192.0.2.1", "2001:db8::1", "[2001:db8::1]", "::ffff:192.0.2.1"; nullopt
  // for anything else (ports, zone ids, names, blanks, garbage).
  static std::optional<IpAddress> parse(std::string_view text);
  bool v4() const;
  // Canonical text: dotted quad for IPv4 (mapped ones included), RFC 5952
  // for IPv6 (inet_ntop: lower case, longest zero run as ::).
  std::string text() const;
  bool operator==(const IpAddress&) const = default;
};

// A network: an address and a prefix length. IPv4 networks are held over the
// mapped form (a /8 is a /104 of the 128 bits).
class Cidr {
 public:
  // "10.0.0.0/8", "::1/128", or a bare address (one host: /32 or /128).
  // nullopt with `why` set when the text is not a network, or has bits set
  // beyond its prefix ("10.0.0.1/8": a typo for a host or for 10.0.0.0/8).
  static std::optional<Cidr> parse(std::string_view text, std::string* why = nullptr);
  bool contains(const IpAddress& a) const;
  std::string text() const;

 private:
  IpAddress network_;
  int bits_ = 0;  // over the 128-bit form
};

class CidrSet {
 public:
  CidrSet() = default;
  // Every entry must parse (the configuration was checked): throws
  // std::invalid_argument naming the first that does not.
  explicit CidrSet(const std::vector<std::string>& cidrs);
  bool contains(const IpAddress& a) const;
  bool empty() const { return cidrs_.empty(); }

 private:
  std::vector<Cidr> cidrs_;
};

// The client a request is counted as.
struct ClientAddress {
  std::string ip;  // canonical text; the peer as given when it is not an IP address
  // X-Forwarded-For named addresses left of `ip` that no trusted proxy
  // vouched for: the request may have come from further away than `ip`.
  bool unverified = false;
};

// At most this many trusted hops are peeled; a longer chain of trusted
// addresses stops there, as at a malformed entry.
constexpr int kMaxForwardedHops = 32;

// Starting at the socket peer and going right to left through the
// X-Forwarded-For entries (`forwardedFor`: the header's values, in arrival
// order, each a comma-separated list): while the address reached is in
// `trusted`, the entry to its left is believed. The client is the first
// address not trusted, or the left-most entry when every one is. A
// malformed entry (or the hop limit) ends the walk at the trusted hop that
// passed it on: that hop is the client, since nothing it claimed beyond can
// be checked. With `trusted` empty the header is ignored.
ClientAddress resolveClient(std::string_view peer, const std::vector<std::string_view>& forwardedFor,
                            const CidrSet& trusted);

// The key the rate limiter counts `ip` under: an IPv4 address itself, an
// IPv6 address its /64 ("2001:db8:1:2::/64"; one subscriber's LAN is a /64,
// and an address per request within it is free), anything else as given.
// Writes into `buffer` only for IPv6.
std::string_view rateLimitKey(std::string_view ip, std::string& buffer);

}  // namespace agape::kernel
