// Who a request comes from, against the real `agape serve`: a client that
// writes its own X-Forwarded-For is counted by its socket address unless
// that address is a trusted proxy (server.trustedProxies); behind a trusted
// proxy each forwarded client has its own bucket (IPv6 per /64), and
// entries the client prepended are not believed. /metrics exists only for
// server.metricsAllow.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "raw_client.h"
#include "server_suite.h"

using namespace agape::test;

namespace {

std::string getFrom(const std::string& path, const std::string& forwardedFor) {
  return "GET " + path + " HTTP/1.1\r\nHost: shop\r\nX-Forwarded-For: " + forwardedFor + "\r\n\r\n";
}

// The status of one request on a fresh connection.
int statusOf(int port, const std::string& request) {
  RawClient c(port);
  if (!c.send(request)) return 0;
  auto r = c.read();
  return r ? r->status : 0;
}

// Three requests an hour per client; loopback is not a trusted proxy.
class UntrustedForwarding : public ServerSuite<UntrustedForwarding> {
 public:
  static std::vector<std::string> settings() {
    return {"server.trustedProxies=[10.0.0.0/8]", "server.rateLimits.default.requests=1",
            "server.rateLimits.default.per=1h", "server.rateLimits.default.burst=3"};
  }
};

TEST_F(UntrustedForwarding, AClientsOwnXForwardedForDoesNotGetItMoreRequests) {
  for (int i = 1; i <= 3; ++i)
    EXPECT_EQ(statusOf(port_, getFrom("/v1/hello/ada", "203.0.113." + std::to_string(i))), 200) << i;
  RawClient c(port_);
  ASSERT_TRUE(c.send(getFrom("/v1/hello/ada", "203.0.113.4, 10.0.0.1")));
  auto r = c.read();
  expectProblem(r, 429);
  EXPECT_FALSE(r->header("retry-after").empty());
  EXPECT_EQ(statusOf(port_, get("/v1/hello/ada")), 429) << "the same client without the header";
  // The access log (written in batches) names the socket's address, not the claimed one.
  EXPECT_TRUE(eventually([] { return server_->output().find("\"status\":429") != std::string::npos; }, 5s));
  EXPECT_EQ(server_->output().find("\"ip\":\"203.0.113."), std::string::npos);
}

TEST_F(UntrustedForwarding, MetricsAreHiddenFromARequestThatCameThroughAnUntrustedProxy) {
  EXPECT_EQ(statusOf(port_, get("/metrics")), 200) << "loopback may read /metrics";
  EXPECT_EQ(statusOf(port_, getFrom("/metrics", "203.0.113.9")), 404);
}

// Loopback is the trusted proxy (nginx on the same host); two requests an
// hour per client.
class TrustedLoopbackProxy : public ServerSuite<TrustedLoopbackProxy> {
 public:
  static std::vector<std::string> settings() {
    return {"server.trustedProxies=[127.0.0.1/32]", "server.rateLimits.default.requests=1",
            "server.rateLimits.default.per=1h", "server.rateLimits.default.burst=2"};
  }
};

TEST_F(TrustedLoopbackProxy, EachForwardedClientHasItsOwnBucket) {
  EXPECT_EQ(statusOf(port_, getFrom("/v1/hello/ada", "203.0.113.9")), 200);
  EXPECT_EQ(statusOf(port_, getFrom("/v1/hello/ada", "203.0.113.9")), 200);
  EXPECT_EQ(statusOf(port_, getFrom("/v1/hello/ada", "203.0.113.9")), 429);
  // Entries the client wrote before nginx's are not believed: the right-most
  // untrusted address is the client.
  EXPECT_EQ(statusOf(port_, getFrom("/v1/hello/ada", "198.51.100.99, 203.0.113.9")), 429);
  EXPECT_EQ(statusOf(port_, getFrom("/v1/hello/ada", "203.0.113.10")), 200) << "another client";
  EXPECT_EQ(statusOf(port_, get("/v1/hello/ada")), 200) << "the proxy's own requests: loopback's bucket";
  EXPECT_TRUE(
      eventually([] { return server_->output().find("\"ip\":\"203.0.113.9\"") != std::string::npos; }, 5s))
      << "the access log names the client";
}

TEST_F(TrustedLoopbackProxy, IPv6ClientsShareABucketPerSlash64) {
  EXPECT_EQ(statusOf(port_, getFrom("/v1/hello/ada", "2001:db8:1:2::1")), 200);
  EXPECT_EQ(statusOf(port_, getFrom("/v1/hello/ada", "2001:db8:1:2::2")), 200);
  EXPECT_EQ(statusOf(port_, getFrom("/v1/hello/ada", "2001:db8:1:2:ffff:ffff:ffff:ffff")), 429);
  EXPECT_EQ(statusOf(port_, getFrom("/v1/hello/ada", "2001:db8:1:3::1")), 200) << "the next /64";
  EXPECT_EQ(statusOf(port_, getFrom("/v1/hello/ada", "::ffff:192.0.2.1")), 200);
  EXPECT_EQ(statusOf(port_, getFrom("/v1/hello/ada", "192.0.2.1")), 200)
      << "a mapped address is the IPv4 one";
  EXPECT_EQ(statusOf(port_, getFrom("/v1/hello/ada", "192.0.2.1")), 429);
}

TEST_F(TrustedLoopbackProxy, MetricsAnswerTheAllowedAddressesOnly) {
  EXPECT_EQ(statusOf(port_, get("/metrics")), 200) << "loopback itself";
  EXPECT_EQ(statusOf(port_, getFrom("/metrics", "203.0.113.9")), 404) << "a client nginx forwarded";
  EXPECT_EQ(statusOf(port_, getFrom("/metrics", "127.0.0.1")), 200) << "a forwarded loopback client";
}

// /metrics open to nobody.
class NoMetricsClients : public ServerSuite<NoMetricsClients> {
 public:
  static std::vector<std::string> settings() { return {"server.metricsAllow=[]"}; }
};

TEST_F(NoMetricsClients, MetricsDoNotExistForAnyone) {
  for (const char* method : {"GET", "HEAD", "POST", "OPTIONS"}) {
    RawClient c(port_);
    ASSERT_TRUE(c.send(std::string(method) + " /metrics HTTP/1.1\r\nHost: shop\r\n\r\n"));
    auto r = std::string(method) == "HEAD" ? c.readHead() : c.read();
    ASSERT_TRUE(r) << method;
    EXPECT_EQ(r->status, 404) << method;
    EXPECT_TRUE(r->header("allow").empty()) << method;
  }
  EXPECT_EQ(statusOf(port_, get("/readyz")), 200);
}

}  // namespace
