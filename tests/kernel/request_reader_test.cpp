#include "http/request_reader.h"

#include <gtest/gtest.h>

#include <string>

using namespace agape::kernel;
using Result = RequestReader::Result;
using Phase = RequestReader::Phase;

namespace {

RequestReader::Limits limits(std::size_t body = 1024) {
  return {.maxHeaderBytes = 4096, .maxBodyBytes = body};
}

// Feeds `text` in pieces of `step` bytes, calling next() after each.
Result feedInSteps(RequestReader& r, const std::string& text, std::size_t step) {
  Result last = Result::NeedMore;
  for (std::size_t i = 0; i < text.size(); i += step) {
    EXPECT_TRUE(r.feed(text.data() + i, std::min(step, text.size() - i)));
    last = r.next();
    if (last != Result::NeedMore) return last;
  }
  return last;
}

Result readAll(RequestReader& r, const std::string& text) {
  EXPECT_TRUE(r.feed(text.data(), text.size()));
  return r.next();
}

}  // namespace

TEST(RequestReader, ReadsARequestWithItsTargetHeadersAndBody) {
  RequestReader r(limits());
  ASSERT_EQ(
      readAll(
          r,
          "POST /v1/cart/items?a=1&b=x%20y#frag HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\n"
          "X-Padded:   value  \r\nContent-Length: 2\r\n\r\n{}"),
      Result::Request);
  const ReadRequest& q = r.request();
  EXPECT_EQ(q.method, "POST");
  EXPECT_EQ(q.path, "/v1/cart/items");
  EXPECT_EQ(q.query, "a=1&b=x%20y");
  EXPECT_EQ(q.minorVersion, 1);
  EXPECT_EQ(q.body, "{}");
  EXPECT_TRUE(q.keepAlive);
  ASSERT_EQ(q.headers.size(), 4u);
  EXPECT_EQ(q.headers[0], (std::pair<std::string, std::string>{"Host", "shop"}));
  EXPECT_EQ(q.headers[2].second, "value");
  EXPECT_EQ(r.phase(), Phase::Idle);
}

TEST(RequestReader, AbsoluteFormAndAsteriskTargets) {
  RequestReader r(limits());
  ASSERT_EQ(
      readAll(r, "GET http://shop.example.ng/v1/products?q=ankara HTTP/1.1\r\nHost: shop.example.ng\r\n\r\n"),
      Result::Request);
  EXPECT_EQ(r.request().path, "/v1/products");
  EXPECT_EQ(r.request().query, "q=ankara");
  ASSERT_EQ(readAll(r, "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"), Result::Request);
  EXPECT_EQ(r.request().path, "*");
}

TEST(RequestReader, ChunkedBodyWithCrAndLfInSeparateReadsAndTinyChunks) {
  // Each byte in its own read: every CR and LF of every chunk line split.
  std::string request = "POST /e HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::string expected;
  for (int i = 0; i < 700; ++i) {
    request += "1\r\n" + std::string(1, static_cast<char>('a' + i % 26)) + "\r\n";
    expected += static_cast<char>('a' + i % 26);
  }
  request += "0\r\n\r\n";
  RequestReader r(limits());
  ASSERT_EQ(feedInSteps(r, request, 1), Result::Request);
  EXPECT_EQ(r.request().body, expected);
}

TEST(RequestReader, ChunkExtensionsAndTrailersAreAcceptedAndTrailersAreNotHeaders) {
  RequestReader r(limits());
  ASSERT_EQ(readAll(r,
                    "POST /e HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "2;name=value\r\n{}\r\n0\r\nAuthorization: Bearer sneaked-in\r\n\r\n"),
            Result::Request);
  EXPECT_EQ(r.request().body, "{}");
  ASSERT_EQ(r.request().headers.size(), 2u);
  for (const auto& [name, value] : r.request().headers) EXPECT_NE(name, "Authorization");
}

TEST(RequestReader, PipelinedRequestsComeOneAtATimeInOrder) {
  std::string text;
  for (int i = 0; i < 10; ++i) text += "GET /r/" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n";
  RequestReader r(limits());
  ASSERT_TRUE(r.feed(text.data(), text.size()));
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(r.next(), Result::Request) << i;
    EXPECT_EQ(r.request().path, "/r/" + std::to_string(i));
  }
  EXPECT_EQ(r.next(), Result::NeedMore);
  EXPECT_EQ(r.phase(), Phase::Idle);
}

TEST(RequestReader, PhasesFollowTheRequest) {
  RequestReader r(limits());
  EXPECT_EQ(r.phase(), Phase::Idle);
  ASSERT_EQ(readAll(r, "POST /e HTTP/1.1\r\nHo"), Result::NeedMore);
  EXPECT_EQ(r.phase(), Phase::Head);
  ASSERT_EQ(readAll(r, "st: x\r\nContent-Length: 4\r\n\r\nab"), Result::NeedMore);
  EXPECT_EQ(r.phase(), Phase::Body);
  ASSERT_EQ(readAll(r, "cd"), Result::Request);
  EXPECT_EQ(r.phase(), Phase::Idle);
}

TEST(RequestReader, ExpectContinueIsOfferedOnceBeforeTheBody) {
  RequestReader r(limits());
  ASSERT_EQ(readAll(r, "POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"),
            Result::NeedMore);
  EXPECT_TRUE(r.takeContinue());
  EXPECT_FALSE(r.takeContinue());
  ASSERT_EQ(readAll(r, "{}"), Result::Request);
}

TEST(RequestReader, KeepAliveFollowsVersionAndConnectionHeader) {
  RequestReader r(limits());
  ASSERT_EQ(readAll(r, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), Result::Request);
  EXPECT_FALSE(r.request().keepAlive);
  RequestReader r10(limits());
  ASSERT_EQ(readAll(r10, "GET / HTTP/1.0\r\n\r\n"), Result::Request);
  EXPECT_FALSE(r10.request().keepAlive);
  EXPECT_EQ(r10.request().minorVersion, 0);
  RequestReader r10k(limits());
  ASSERT_EQ(readAll(r10k, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), Result::Request);
  EXPECT_TRUE(r10k.request().keepAlive);
  RequestReader up(limits());
  ASSERT_EQ(readAll(up, "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"),
            Result::Request);
  EXPECT_FALSE(up.request().keepAlive);
}

struct Refused {
  const char* name;
  std::string text;
  int status;
};

class RequestReaderRefuses : public ::testing::TestWithParam<Refused> {};

TEST_P(RequestReaderRefuses, WithTheRightStatusAndStaysRefused) {
  const Refused& c = GetParam();
  RequestReader r(limits(64));
  EXPECT_EQ(readAll(r, c.text), Result::Error);
  EXPECT_EQ(r.error().status, c.status) << r.error().detail;
  EXPECT_FALSE(r.error().code.empty());
  EXPECT_FALSE(r.error().detail.empty());
  // Nothing after a refused request is ever read as a request.
  const std::string next = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  r.feed(next.data(), next.size());
  EXPECT_EQ(r.next(), Result::Error);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc9112, RequestReaderRefuses,
    ::testing::Values(
        Refused{"NegativeContentLength", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400},
        Refused{"OverflowingContentLength",
                "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400},
        Refused{"ContentLengthOverTheLimit", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 65\r\n\r\n", 413},
        Refused{
            "ChunkedOverTheLimit",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n41\r\n" + std::string(65, 'a'),
            413},
        Refused{"ChunkSizeOverflow",
                "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n",
                400},
        Refused{"TwoContentLengths",
                "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400},
        Refused{
            "ContentLengthWithChunked",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400},
        Refused{"UnknownTransferCoding", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
                501},
        Refused{"HeaderLineWithoutColon", "GET / HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n", 400},
        Refused{"SpaceBeforeColon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400},
        Refused{"ObsFold", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n folded\r\n\r\n", 400},
        Refused{"NulInHeaderValue", std::string("GET / HTTP/1.1\r\nHost: x\r\nX-A: a") + '\0' + "b\r\n\r\n", 400},
        Refused{"MissingHost", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400},
        Refused{"TwoHosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
        Refused{"Http09", "GET /\r\n\r\n", 505},
        Refused{"Http09WithoutTheEmptyLine", "GET /\r\n", 505},
        Refused{"Http2Version", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505},
        Refused{"UnknownMethod", "BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", 501},
        Refused{"RelativeTarget", "GET v1/products HTTP/1.1\r\nHost: x\r\n\r\n", 400},
        Refused{"HugeHeader", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(5000, 'a') + "\r\n\r\n",
                431}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(RequestReader, ObsFoldIsRefusedWhateverTheReadBoundaries) {
  const std::string text = "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n folded\r\n\r\n";
  for (std::size_t step : {1u, 2u, 3u, 7u}) {
    RequestReader r(limits());
    EXPECT_EQ(feedInSteps(r, text, step), Result::Error) << "step " << step;
  }
  // A value split across reads is one value, not a fold.
  const std::string plain = "GET / HTTP/1.1\r\nHost: x\r\nX-A: a long value with spaces\r\n\r\n";
  for (std::size_t step : {1u, 2u, 5u}) {
    RequestReader r(limits());
    ASSERT_EQ(feedInSteps(r, plain, step), Result::Request) << "step " << step;
    EXPECT_EQ(r.request().headers[1].second, "a long value with spaces");
  }
}

TEST(RequestReader, AClientWritingWithoutReadingIsCutOff) {
  RequestReader r(limits(64));
  const std::string chunk(4096, 'x');
  bool refused = false;
  for (int i = 0; i < 100 && !refused; ++i) refused = !r.feed(chunk.data(), chunk.size());
  EXPECT_TRUE(refused);
}
