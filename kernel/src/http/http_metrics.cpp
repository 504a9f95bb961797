#include "http/http_metrics.h"

#include <algorithm>

#include "metrics/registry.h"

namespace agape::kernel {

namespace {
constexpr int kStatuses = 600;
}

struct HttpMetrics::Slot {
  std::array<std::atomic<unsigned long long>, kStatuses> byStatus{};
  std::vector<std::atomic<unsigned long long>> buckets;
  std::atomic<unsigned long long> sumMicros{0};
  Slot() : buckets(MetricsRegistry::defaultLatencyBuckets().size() + 1) {}
};

HttpMetrics::HttpMetrics(const Router& router) {
  for (const auto& r : router.routes()) labels_.emplace_back(methodName(r.method), r.pathTemplate);
  for (std::size_t i = 0; i <= labels_.size(); ++i) slots_.push_back(std::make_unique<Slot>());
}

HttpMetrics::~HttpMetrics() = default;

void HttpMetrics::record(const Route* route, int status, std::chrono::nanoseconds latency) {
  Slot& s = *slots_[route ? route->index : slots_.size() - 1];
  if (status >= 0 && status < kStatuses) s.byStatus[status].fetch_add(1, std::memory_order_relaxed);
  double secs = std::chrono::duration<double>(latency).count();
  const auto& bounds = MetricsRegistry::defaultLatencyBuckets();
  std::size_t b = std::lower_bound(bounds.begin(), bounds.end(), secs) - bounds.begin();
  s.buckets[b].fetch_add(1, std::memory_order_relaxed);
  s.sumMicros.fetch_add(std::chrono::duration_cast<std::chrono::microseconds>(latency).count(),
                        std::memory_order_relaxed);
}

void HttpMetrics::recordStream(std::size_t bytes, bool complete) {
  (complete ? streamsComplete_ : streamsCut_).fetch_add(1, std::memory_order_relaxed);
  streamedBytes_.fetch_add(bytes, std::memory_order_relaxed);
}

void HttpMetrics::render(std::string& out) const {
  auto labelsOf = [&](std::size_t i) -> Labels {
    if (i < labels_.size()) return {{"method", labels_[i].first}, {"route", labels_[i].second}};
    return {{"method", "any"}, {"route", "unmatched"}};
  };
  out += "# HELP agape_http_requests_total HTTP requests by route template and status.\n"
         "# TYPE agape_http_requests_total counter\n";
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    for (int st = 0; st < kStatuses; ++st) {
      auto n = slots_[i]->byStatus[st].load(std::memory_order_relaxed);
      if (n == 0) continue;
      Labels l = labelsOf(i);
      l.emplace_back("status", std::to_string(st));
      appendSample(out, "agape_http_requests_total", formatLabels(l), static_cast<double>(n));
    }
  }
  out += "# HELP agape_http_request_duration_seconds HTTP request latency by route template.\n"
         "# TYPE agape_http_request_duration_seconds histogram\n";
  const auto& bounds = MetricsRegistry::defaultLatencyBuckets();
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const Slot& s = *slots_[i];
    unsigned long long total = 0;
    for (const auto& b : s.buckets) total += b.load(std::memory_order_relaxed);
    if (total == 0) continue;
    unsigned long long cumulative = 0;
    for (std::size_t b = 0; b <= bounds.size(); ++b) {
      cumulative += s.buckets[b].load(std::memory_order_relaxed);
      Labels l = labelsOf(i);
      l.emplace_back("le", b < bounds.size() ? formatMetricValue(bounds[b]) : "+Inf");
      appendSample(out, "agape_http_request_duration_seconds_bucket", formatLabels(l), static_cast<double>(cumulative));
    }
    appendSample(out, "agape_http_request_duration_seconds_sum", formatLabels(labelsOf(i)),
                 static_cast<double>(s.sumMicros.load()) / 1e6);
    appendSample(out, "agape_http_request_duration_seconds_count", formatLabels(labelsOf(i)),
                 static_cast<double>(cumulative));
  }
  out += "# HELP agape_http_requests_in_flight Requests being served now.\n"
         "# TYPE agape_http_requests_in_flight gauge\n";
  appendSample(out, "agape_http_requests_in_flight", "", static_cast<double>(inFlight_.load()));
  out +=
      "# HELP agape_http_streamed_responses_total Streamed responses ended, whole or cut short.\n"
      "# TYPE agape_http_streamed_responses_total counter\n";
  appendSample(out, "agape_http_streamed_responses_total", formatLabels({{"outcome", "complete"}}),
               static_cast<double>(streamsComplete_.load()));
  appendSample(out, "agape_http_streamed_responses_total", formatLabels({{"outcome", "cut"}}),
               static_cast<double>(streamsCut_.load()));
  out +=
      "# HELP agape_http_streamed_bytes_total Body bytes of streamed responses sent.\n"
      "# TYPE agape_http_streamed_bytes_total counter\n";
  appendSample(out, "agape_http_streamed_bytes_total", "", static_cast<double>(streamedBytes_.load()));
}

}  // namespace agape::kernel
