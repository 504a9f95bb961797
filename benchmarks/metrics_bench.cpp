// The request path's instruments and the /metrics page: the kernel's own
// registry against prometheus-cpp (Debian prometheus-cpp-dev), the library
// it could be replaced by. Each request increments a counter and observes a
// latency histogram (docs/architecture.md, "Metrics: the registry by hand").
//
//   BM_*Counter, BM_*Histogram   one instrument, 1 and 2 threads
//   BM_*Render                   the text exposition of 40 families x 8 series
#include <benchmark/benchmark.h>

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <string>

#include "metrics/registry.h"

namespace {

using agape::kernel::MetricsRegistry;

const std::vector<double>& buckets() { return MetricsRegistry::defaultLatencyBuckets(); }

// ---- one counter and one histogram, shared by the benchmark's threads

MetricsRegistry& handRegistry() {
  static MetricsRegistry r;
  return r;
}
prometheus::Registry& promRegistry() {
  static prometheus::Registry r;
  return r;
}

void BM_HandCounter(benchmark::State& state) {
  static auto& c = handRegistry().counter("requests_total", "Requests.", {{"route", "/v1/cart"}});
  for (auto _ : state) c.inc();
}
BENCHMARK(BM_HandCounter)->Threads(1)->Threads(2);

void BM_PromCounter(benchmark::State& state) {
  static auto& c = prometheus::BuildCounter().Name("requests_total").Help("Requests.").Register(promRegistry())
                       .Add({{"route", "/v1/cart"}});
  for (auto _ : state) c.Increment();
}
BENCHMARK(BM_PromCounter)->Threads(1)->Threads(2);

void BM_HandHistogram(benchmark::State& state) {
  static auto& h = handRegistry().histogram("latency_seconds", "Latency.", buckets(), {{"route", "/v1/cart"}});
  double v = 0.0001;
  for (auto _ : state) {
    h.observe(v);
    v = v > 1 ? 0.0001 : v * 1.7;
  }
}
BENCHMARK(BM_HandHistogram)->Threads(1)->Threads(2);

void BM_PromHistogram(benchmark::State& state) {
  static auto& h = prometheus::BuildHistogram().Name("latency_seconds").Help("Latency.").Register(promRegistry())
                       .Add({{"route", "/v1/cart"}}, prometheus::Histogram::BucketBoundaries(buckets()));
  double v = 0.0001;
  for (auto _ : state) {
    h.Observe(v);
    v = v > 1 ? 0.0001 : v * 1.7;
  }
}
BENCHMARK(BM_PromHistogram)->Threads(1)->Threads(2);

// ---- the page: 40 families (counters, gauges, histograms) of 8 series

constexpr int kFamilies = 40, kSeries = 8;

void BM_HandRender(benchmark::State& state) {
  MetricsRegistry r;
  for (int f = 0; f < kFamilies; ++f)
    for (int s = 0; s < kSeries; ++s) {
      const agape::Labels labels{{"route", "/v1/route/" + std::to_string(s)}, {"method", "GET"}};
      const std::string name = "family_" + std::to_string(f);
      if (f % 3 == 0) r.counter(name + "_total", "A counter.", labels).inc(s);
      if (f % 3 == 1) r.gauge(name, "A gauge.", labels).set(s);
      if (f % 3 == 2) r.histogram(name + "_seconds", "A histogram.", buckets(), labels).observe(0.01 * s);
    }
  std::size_t bytes = 0;
  for (auto _ : state) bytes = r.render().size();
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_HandRender);

void BM_PromRender(benchmark::State& state) {
  prometheus::Registry r;
  for (int f = 0; f < kFamilies; ++f) {
    const std::string name = "family_" + std::to_string(f);
    for (int s = 0; s < kSeries; ++s) {
      const std::map<std::string, std::string> labels{{"route", "/v1/route/" + std::to_string(s)}, {"method", "GET"}};
      if (f % 3 == 0) prometheus::BuildCounter().Name(name + "_total").Help("A counter.").Register(r).Add(labels).Increment(s);
      if (f % 3 == 1) prometheus::BuildGauge().Name(name).Help("A gauge.").Register(r).Add(labels).Set(s);
      if (f % 3 == 2)
        prometheus::BuildHistogram().Name(name + "_seconds").Help("A histogram.").Register(r)
            .Add(labels, prometheus::Histogram::BucketBoundaries(buckets())).Observe(0.01 * s);
    }
  }
  const prometheus::TextSerializer text;
  std::size_t bytes = 0;
  for (auto _ : state) bytes = text.Serialize(r.Collect()).size();
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_PromRender);

}  // namespace
