#pragma once
#include <string>
#include <utility>
#include <vector>

namespace agape {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  virtual ~Counter() = default;
  virtual void inc(double by = 1.0) = 0;
};

class Gauge {
 public:
  virtual ~Gauge() = default;
  virtual void set(double value) = 0;
  virtual void add(double by) = 0;
};

class Histogram {
 public:
  virtual ~Histogram() = default;
  virtual void observe(double value) = 0;
};

// Prometheus-style metrics, exposed at /metrics. A name registered twice with
// the same labels returns the same instrument. OWNERSHIP: instruments are
// owned by the kernel and outlive every plugin; keep the reference.
class Metrics {
 public:
  virtual ~Metrics() = default;
  virtual Counter& counter(const std::string& name, const std::string& help,
                           const Labels& labels = {}) = 0;
  virtual Gauge& gauge(const std::string& name, const std::string& help,
                       const Labels& labels = {}) = 0;
  // `buckets` are upper bounds in ascending order; empty means the default
  // latency buckets in seconds.
  virtual Histogram& histogram(const std::string& name, const std::string& help,
                               const std::vector<double>& buckets = {},
                               const Labels& labels = {}) = 0;
};

}  // namespace agape
