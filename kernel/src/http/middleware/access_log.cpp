#include "db/round_trips.h"
#include "http/http_metrics.h"
#include "http/middleware/middlewares.h"
#include "log/log.h"

namespace agape::kernel {
namespace {

class AccessLogMiddleware final : public Middleware {
 public:
  AccessLogMiddleware(HttpMetrics& metrics, bool logLines) : metrics_(metrics), logLines_(logLines) {}
  int priority() const override { return 20; }
  std::string_view name() const override { return "access-log"; }

  void handle(Exchange& ex, const Next& next) override {
    metrics_.begin();
    const std::uint64_t roundTripsBefore = tDbRoundTrips;
    next();
    ex.dbRoundTrips = tDbRoundTrips - roundTripsBefore;
    if (ex.deferred) {  // counted and logged once, by the pass that answers
      metrics_.end();
      return;
    }
    // A streamed body is in flight until it ends: its status, size and
    // duration are known then.
    if (ex.response.producer)
      ex.atStreamEnd.emplace_back([this](const Exchange& done) { answered(done); });
    else
      answered(ex);
  }

 private:
  static void field(std::string& line, std::string_view key, std::string_view value) {
    line += ",\"";
    line += key;
    line += "\":\"";
    appendJsonEscaped(line, value);
    line += '"';
  }

  void answered(const Exchange& ex) {
    metrics_.end();
    auto latency = std::chrono::steady_clock::now() - ex.started;
    const bool streamed = static_cast<bool>(ex.response.producer);
    metrics_.record(ex.route(), ex.response.status, latency);
    if (streamed) metrics_.recordStream(ex.streamed.bytes, ex.streamed.complete);
    if (logLines_) writeLine(ex, latency, streamed);
  }

  void writeLine(const Exchange& ex, std::chrono::nanoseconds latency, bool streamed) const {
    const Request& r = ex.request;
    std::string line;
    line.reserve(320);
    line += "\"level\":\"info\",\"component\":\"access\"";
    field(line, "requestId", r.requestId);
    field(line, "method", methodName(r.method));
    field(line, "path", r.path);
    field(line, "route", ex.route() ? std::string_view(ex.route()->pathTemplate) : "");
    line += ",\"status\":" + std::to_string(ex.response.status);
    line += ",\"durationMs\":" + std::to_string(std::chrono::duration<double, std::milli>(latency).count());
    line += ",\"bytes\":" + std::to_string(streamed ? ex.streamed.bytes : ex.response.body.size());
    // The request's database round trips (SQLite: statements), made on the
    // handling thread.
    if (ex.dbRoundTrips) line += ",\"dbRoundTrips\":" + std::to_string(ex.dbRoundTrips);
    if (streamed)
      line += ex.streamed.complete ? ",\"streamed\":true" : ",\"streamed\":true,\"complete\":false";
    field(line, "ip", r.clientIp);
    if (r.principal) field(line, "principal", r.principal->id);
    if (auto ua = r.headers.get("User-Agent")) field(line, "userAgent", ua->substr(0, 256));
    writeLogLine(line);
  }

  HttpMetrics& metrics_;
  bool logLines_;
};

class SecurityHeadersMiddleware final : public Middleware {
 public:
  explicit SecurityHeadersMiddleware(bool hsts) : hsts_(hsts) {}
  int priority() const override { return 30; }
  std::string_view name() const override { return "security-headers"; }
  void handle(Exchange& ex, const Next& next) override {
    next();
    if (ex.deferred) return;
    Headers& h = ex.response.headers;
    h.add("X-Content-Type-Options", "nosniff");
    h.add("X-Frame-Options", "DENY");
    h.add("Referrer-Policy", "no-referrer");
    if (!h.has("Content-Security-Policy"))
      h.add("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    if (!h.has("Cache-Control")) h.add("Cache-Control", "no-store");
    if (hsts_) h.add("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  }

 private:
  bool hsts_;
};

}  // namespace

std::unique_ptr<Middleware> makeAccessLogMiddleware(HttpMetrics& metrics, bool logLines) {
  return std::make_unique<AccessLogMiddleware>(metrics, logLines);
}

std::unique_ptr<Middleware> makeSecurityHeadersMiddleware(bool hsts) {
  return std::make_unique<SecurityHeadersMiddleware>(hsts);
}

}  // namespace agape::kernel
