#include <chrono>
#include <cstdint>
#include <random>

#include "http/middleware/middlewares.h"
#include "log/log.h"

namespace agape::kernel {
namespace {

std::uint64_t nextRandom() {
  // splitmix64 seeded per thread: request ids need uniqueness, not secrecy.
  thread_local std::uint64_t state = std::random_device{}() ^
                                     (static_cast<std::uint64_t>(std::random_device{}()) << 32);
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

bool acceptableClientId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

class RequestIdMiddleware final : public Middleware {
 public:
  int priority() const override { return 10; }
  std::string_view name() const override { return "request-id"; }
  void handle(Exchange& ex, const Next& next) override {
    if (ex.request.requestId.empty()) {  // set already on a second pass (see Exchange::deferred)
      auto given = ex.request.headers.get("X-Request-Id");
      ex.request.requestId = given && acceptableClientId(*given) ? std::string(*given) : newRequestId();
    }
    const RequestScope scope(ex.request);
    next();
    ex.response.headers.set("X-Request-Id", ex.request.requestId);
  }
};

}  // namespace

RequestScope::RequestScope(const Request& request) {
  setCurrentRequestId(request.requestId);
  setCurrentClientIp(request.clientIp);
}

RequestScope::~RequestScope() {
  setCurrentRequestId({});
  setCurrentClientIp({});
}

std::string newRequestId() {
  using namespace std::chrono;
  std::uint64_t ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  std::uint64_t r1 = nextRandom(), r2 = nextRandom();
  unsigned char b[16];
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (40 - 8 * i));
  b[6] = static_cast<unsigned char>(0x70 | (r1 & 0x0F));
  b[7] = static_cast<unsigned char>(r1 >> 8);
  b[8] = static_cast<unsigned char>(0x80 | ((r1 >> 16) & 0x3F));
  for (int i = 9; i < 16; ++i) b[i] = static_cast<unsigned char>(r2 >> (8 * (i - 9)));
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[b[i] >> 4];
    out += hex[b[i] & 0x0F];
  }
  return out;
}

std::unique_ptr<Middleware> makeRequestIdMiddleware() { return std::make_unique<RequestIdMiddleware>(); }

}  // namespace agape::kernel
