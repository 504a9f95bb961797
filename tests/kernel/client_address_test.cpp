#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/client_address.h"

using namespace agape::kernel;

namespace {

IpAddress ip(std::string_view text) {
  auto a = IpAddress::parse(text);
  EXPECT_TRUE(a) << text;
  return a.value_or(IpAddress{});
}

bool in(std::string_view cidr, std::string_view address) {
  auto c = Cidr::parse(cidr);
  EXPECT_TRUE(c) << cidr;
  return c && c->contains(ip(address));
}

// The walk with `header` as the only X-Forwarded-For value ("" for none).
ClientAddress walk(std::string_view peer, std::string_view header, const std::vector<std::string>& trusted) {
  std::vector<std::string_view> values;
  if (!header.empty()) values.push_back(header);
  return resolveClient(peer, values, CidrSet(trusted));
}

const std::vector<std::string> kLocalNginx = {"127.0.0.1/32", "::1/128"};

}  // namespace

TEST(IpAddress, ParsesBothFamiliesAndPrintsThemCanonically) {
  EXPECT_EQ(ip("192.0.2.1").text(), "192.0.2.1");
  EXPECT_TRUE(ip("192.0.2.1").v4());
  EXPECT_EQ(ip("2001:DB8:0:0:0::1").text(), "2001:db8::1");
  EXPECT_FALSE(ip("2001:db8::1").v4());
  EXPECT_EQ(ip("[2001:db8::1]").text(), "2001:db8::1");
  // IPv4-mapped IPv6 is the IPv4 address.
  EXPECT_EQ(ip("::ffff:192.0.2.1"), ip("192.0.2.1"));
  EXPECT_EQ(ip("::FFFF:c000:0201").text(), "192.0.2.1");
  EXPECT_EQ(ip("::1").text(), "::1");
  for (const char* bad : {"", " 192.0.2.1", "192.0.2.1 ", "192.0.2", "192.0.2.256", "192.0.2.1:8080",
                          "[192.0.2.1]x", "2001:db8::1::2", "fe80::1%eth0", "[2001:db8::1]:443", "unknown",
                          "localhost", "1.2.3.4/8", "::ffff:1.2.3.4.5", "0x7f.0.0.1"})
    EXPECT_FALSE(IpAddress::parse(bad)) << bad;
  EXPECT_FALSE(IpAddress::parse(std::string(100, '1')));
}

TEST(Cidr, MatchesItsNetworkOnly) {
  EXPECT_TRUE(in("10.0.0.0/8", "10.255.1.2"));
  EXPECT_FALSE(in("10.0.0.0/8", "11.0.0.1"));
  EXPECT_TRUE(in("192.168.0.0/22", "192.168.3.255"));  // not on a byte boundary
  EXPECT_FALSE(in("192.168.0.0/22", "192.168.4.0"));
  EXPECT_TRUE(in("127.0.0.1", "127.0.0.1"));  // a bare address: one host
  EXPECT_FALSE(in("127.0.0.1", "127.0.0.2"));
  EXPECT_TRUE(in("0.0.0.0/0", "203.0.113.9"));
  EXPECT_FALSE(in("0.0.0.0/0", "2001:db8::1")) << "an IPv4 network holds IPv4 addresses only";
  EXPECT_TRUE(in("10.0.0.0/8", "::ffff:10.1.2.3")) << "mapped addresses are IPv4";
  EXPECT_TRUE(in("::1/128", "::1"));
  EXPECT_FALSE(in("::1/128", "::2"));
  EXPECT_TRUE(in("2001:db8::/32", "2001:db8:ffff::1"));
  EXPECT_FALSE(in("2001:db8::/32", "2001:db9::"));
  EXPECT_TRUE(in("2001:db8:0:8::/61", "2001:db8:0:f:1::"));
  EXPECT_FALSE(in("2001:db8:0:8::/61", "2001:db8:0:10::"));
  EXPECT_TRUE(in("::/0", "2001:db8::1"));
  EXPECT_EQ(Cidr::parse("10.0.0.0/8")->text(), "10.0.0.0/8");
  EXPECT_EQ(Cidr::parse("2001:DB8::/32")->text(), "2001:db8::/32");
  EXPECT_EQ(Cidr::parse("::1")->text(), "::1/128");
}

TEST(Cidr, RefusesWhatIsNotANetwork) {
  std::string why;
  for (const char* bad : {"10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/8x", "10.0.0.0/ 8", "::/129",
                          "10.0.0/8", "host.example/32", "", "/8"}) {
    EXPECT_FALSE(Cidr::parse(bad, &why)) << bad;
    EXPECT_FALSE(why.empty());
  }
  EXPECT_FALSE(Cidr::parse("10.0.0.1/8", &why));
  EXPECT_NE(why.find("bits set beyond its prefix"), std::string::npos) << why;
  EXPECT_FALSE(Cidr::parse("2001:db8::1/64", &why));
  EXPECT_THROW(CidrSet({"10.0.0.0/8", "nonsense"}), std::invalid_argument);
}

TEST(ResolveClient, WithoutTrustedProxiesTheHeaderIsIgnored) {
  auto c = walk("198.51.100.7", "203.0.113.9", {});
  EXPECT_EQ(c.ip, "198.51.100.7");
  EXPECT_TRUE(c.unverified);
  c = walk("198.51.100.7", "", {});
  EXPECT_EQ(c.ip, "198.51.100.7");
  EXPECT_FALSE(c.unverified);
  EXPECT_EQ(walk("::ffff:198.51.100.7", "", {}).ip, "198.51.100.7");
  EXPECT_EQ(walk("2001:DB8::7", "", {}).ip, "2001:db8::7");
}

TEST(ResolveClient, ATrustedProxysEntryNamesTheClient) {
  auto c = walk("127.0.0.1", "203.0.113.9", kLocalNginx);
  EXPECT_EQ(c.ip, "203.0.113.9");
  EXPECT_FALSE(c.unverified);
  EXPECT_EQ(walk("::1", "2001:db8::7", kLocalNginx).ip, "2001:db8::7");
  EXPECT_EQ(walk("127.0.0.1", "[2001:db8::7]", kLocalNginx).ip, "2001:db8::7");
  // A proxy listening on IPv6 sees IPv4 peers mapped; entries may be mapped too.
  EXPECT_EQ(walk("::ffff:127.0.0.1", "::ffff:203.0.113.9", kLocalNginx).ip, "203.0.113.9");
  // No header: the proxy itself.
  EXPECT_EQ(walk("127.0.0.1", "", kLocalNginx).ip, "127.0.0.1");
}

TEST(ResolveClient, AnUntrustedPeerIsTheClientWhateverItClaims) {
  auto c = walk("198.51.100.7", "203.0.113.9", kLocalNginx);
  EXPECT_EQ(c.ip, "198.51.100.7");
  EXPECT_TRUE(c.unverified);
  // Claiming to be a trusted proxy does not help either.
  EXPECT_EQ(walk("198.51.100.7", "203.0.113.9, 127.0.0.1", kLocalNginx).ip, "198.51.100.7");
}

TEST(ResolveClient, SpoofedEntriesLeftOfTheRealClientAreNotBelieved) {
  // The client sent "X-Forwarded-For: 1.1.1.1, 10.9.9.9"; nginx (10.0.0.2)
  // appended its peer, 203.0.113.9; a load balancer (10.0.0.1) appended nginx.
  const std::vector<std::string> trusted = {"10.0.0.0/24"};
  auto c = walk("10.0.0.1", "1.1.1.1, 10.9.9.9, 203.0.113.9, 10.0.0.2", trusted);
  EXPECT_EQ(c.ip, "203.0.113.9");
  EXPECT_TRUE(c.unverified);
  // Every hop trusted: the left-most entry.
  c = walk("10.0.0.1", "10.0.0.7, 10.0.0.2", trusted);
  EXPECT_EQ(c.ip, "10.0.0.7");
  EXPECT_FALSE(c.unverified);
}

TEST(ResolveClient, AMalformedEntryStopsTheWalkAtTheHopThatPassedItOn) {
  for (const char* garbage : {"unknown", "203.0.113.9:4711", "evil.example", "fe80::1%eth0",
                              "1.2.3.4 5.6.7.8", "\"203.0.113.9\"", "_hidden"}) {
    auto c = walk("127.0.0.1", std::string("198.51.100.1, ") + garbage, kLocalNginx);
    EXPECT_EQ(c.ip, "127.0.0.1") << garbage;
    EXPECT_TRUE(c.unverified) << garbage;
  }
  // Beyond an untrusted client, garbage is never read.
  auto c = walk("127.0.0.1", "unknown, 203.0.113.9", kLocalNginx);
  EXPECT_EQ(c.ip, "203.0.113.9");
  EXPECT_TRUE(c.unverified);
}

TEST(ResolveClient, EmptyElementsAndRepeatedHeadersAreOneList) {
  EXPECT_EQ(walk("127.0.0.1", " , 203.0.113.9 ,, ", kLocalNginx).ip, "203.0.113.9");
  EXPECT_EQ(walk("127.0.0.1", "\t203.0.113.9\t", kLocalNginx).ip, "203.0.113.9");
  // Two header lines: the last line's last entry is the right-most.
  std::vector<std::string_view> lines = {"198.51.100.1, 10.0.0.9", "203.0.113.9"};
  auto c = resolveClient("127.0.0.1", lines, CidrSet(kLocalNginx));
  EXPECT_EQ(c.ip, "203.0.113.9");
  EXPECT_TRUE(c.unverified);
  c = resolveClient("127.0.0.1", lines, CidrSet({"127.0.0.1/32", "203.0.113.0/24", "10.0.0.0/8"}));
  EXPECT_EQ(c.ip, "198.51.100.1");
}

TEST(ResolveClient, AtMostAFixedNumberOfHopsArePeeled) {
  std::string header;
  for (int i = 1; i <= kMaxForwardedHops + 8; ++i)
    header = "10.0.0." + std::to_string(i) + (header.empty() ? "" : ", ") + header;
  // header: "10.0.0.40, ..., 10.0.0.2, 10.0.0.1" (right-most first hop)
  auto c = walk("10.0.0.250", header, {"10.0.0.0/8"});
  EXPECT_EQ(c.ip, "10.0.0." + std::to_string(kMaxForwardedHops));
  EXPECT_TRUE(c.unverified);
}

TEST(ResolveClient, APeerThatIsNotAnAddressIsKeptAsGiven) {
  EXPECT_EQ(walk("", "203.0.113.9", kLocalNginx).ip, "");
  EXPECT_EQ(walk("unix", "", kLocalNginx).ip, "unix");
}

TEST(RateLimitKey, IPv4PerAddressIPv6PerSlash64) {
  std::string buffer;
  EXPECT_EQ(rateLimitKey("203.0.113.9", buffer), "203.0.113.9");
  EXPECT_EQ(rateLimitKey("2001:db8:1:2:3:4:5:6", buffer), "2001:db8:1:2::/64");
  std::string other;
  EXPECT_EQ(rateLimitKey("2001:db8:1:2::9", buffer), rateLimitKey("2001:db8:1:2:ffff::a", other));
  EXPECT_NE(rateLimitKey("2001:db8:1:2::9", buffer), rateLimitKey("2001:db8:1:3::9", other));
  EXPECT_EQ(rateLimitKey("::1", buffer), "::/64");
  EXPECT_EQ(rateLimitKey("::ffff:203.0.113.9", buffer), "203.0.113.9");
  EXPECT_EQ(rateLimitKey("not an address", buffer), "not an address");
}
