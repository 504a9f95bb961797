// The kernel's HTTP request reader: what reading a request off the wire
// costs before the middleware chain sees it.
#include <benchmark/benchmark.h>

#include <string>

#include "http/request_reader.h"

using namespace agape::kernel;

namespace {

const std::string kProductPage =
    "GET /v1/products/ankara-wrap-dress?include=variants HTTP/1.1\r\nHost: shop.example.ng\r\n"
    "User-Agent: Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36\r\n"
    "Accept: application/json\r\nAccept-Encoding: gzip, deflate, br\r\nAccept-Language: en-NG,en;q=0.9\r\n"
    "X-Cart-Token: 6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f\r\nConnection: keep-alive\r\n\r\n";

std::string cartPost(bool chunked) {
  const std::string body = R"({"variantId":"9b2f0c1e-7a44-4e0b-9d55-3c1f2e6a8b71","quantity":2})";
  std::string head =
      "POST /v1/cart/items HTTP/1.1\r\nHost: shop.example.ng\r\nContent-Type: application/json\r\n"
      "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl\r\n";
  if (!chunked) return head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  std::string out = head + "Transfer-Encoding: chunked\r\n\r\n";
  for (std::size_t i = 0; i < body.size(); i += 16) {
    const std::string piece = body.substr(i, 16);
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
    out += size + piece + "\r\n";
  }
  return out + "0\r\n\r\n";
}

void readRepeatedly(benchmark::State& state, const std::string& request) {
  RequestReader reader({.maxHeaderBytes = 64 * 1024, .maxBodyBytes = 1 << 20});
  for (auto _ : state) {
    reader.feed(request.data(), request.size());
    if (reader.next() != RequestReader::Result::Request) state.SkipWithError("not read");
    benchmark::DoNotOptimize(reader.request().headers.size());
  }
  state.SetBytesProcessed(static_cast<long long>(state.iterations() * request.size()));
}

void BM_RequestReaderGetProductPage(benchmark::State& state) { readRepeatedly(state, kProductPage); }
BENCHMARK(BM_RequestReaderGetProductPage);

void BM_RequestReaderPostWithContentLength(benchmark::State& state) { readRepeatedly(state, cartPost(false)); }
BENCHMARK(BM_RequestReaderPostWithContentLength);

void BM_RequestReaderPostChunked(benchmark::State& state) { readRepeatedly(state, cartPost(true)); }
BENCHMARK(BM_RequestReaderPostChunked);

}  // namespace
