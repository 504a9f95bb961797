#include "metrics/registry.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <regex>
#include <stdexcept>

namespace agape::kernel {
namespace {

bool validName(const std::string& name) {
  static const std::regex re("^[a-zA-Z_:][a-zA-Z0-9_:]*$");
  return std::regex_match(name, re);
}

class AtomicCounter final : public Counter {
 public:
  void inc(double by) override {
    if (by < 0) throw std::invalid_argument("a counter cannot decrease");
    value_.fetch_add(by, std::memory_order_relaxed);
  }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class AtomicGauge final : public Gauge {
 public:
  void set(double v) override { value_.store(v, std::memory_order_relaxed); }
  void add(double by) override { value_.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class BucketHistogram final : public Histogram {
 public:
  explicit BucketHistogram(std::vector<double> bounds)
      : bounds_(std::move(bounds)), counts_(bounds_.size() + 1) {}
  void observe(double v) override {
    std::size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(v, std::memory_order_relaxed);
  }
  void render(std::string& out, const std::string& name, const Labels& labels) const {
    unsigned long long cumulative = 0;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
      cumulative += counts_[i].load(std::memory_order_relaxed);
      Labels l = labels;
      l.emplace_back("le", i < bounds_.size() ? formatMetricValue(bounds_[i]) : "+Inf");
      appendSample(out, name + "_bucket", formatLabels(l), static_cast<double>(cumulative));
    }
    appendSample(out, name + "_sum", formatLabels(labels), sum_.load(std::memory_order_relaxed));
    appendSample(out, name + "_count", formatLabels(labels), static_cast<double>(cumulative));
  }
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::vector<std::atomic<unsigned long long>> counts_;
  std::atomic<double> sum_{0};
};

}  // namespace

struct MetricsRegistry::Family {
  std::string name, help, type;
  struct Series {
    Labels labels;
    std::unique_ptr<AtomicCounter> counter;
    std::unique_ptr<AtomicGauge> gauge;
    std::unique_ptr<BucketHistogram> histogram;
  };
  std::map<std::string, Series> series;  // by formatted labels
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

const std::vector<double>& MetricsRegistry::defaultLatencyBuckets() {
  static const std::vector<double> b = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                        0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return b;
}

MetricsRegistry::Family& MetricsRegistry::family(const std::string& name, const std::string& help,
                                                 const char* type) {
  if (!validName(name)) throw std::invalid_argument("invalid metric name '" + name + "'");
  auto& f = families_[name];
  if (!f) {
    f = std::make_unique<Family>();
    f->name = name;
    f->help = help;
    f->type = type;
  } else if (f->type != type) {
    throw std::logic_error("metric '" + name + "' is already registered as a " + f->type);
  }
  return *f;
}

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& s = family(name, help, "counter").series[formatLabels(labels)];
  if (!s.counter) {
    s.labels = labels;
    s.counter = std::make_unique<AtomicCounter>();
  }
  return *s.counter;
}

Gauge& MetricsRegistry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& s = family(name, help, "gauge").series[formatLabels(labels)];
  if (!s.gauge) {
    s.labels = labels;
    s.gauge = std::make_unique<AtomicGauge>();
  }
  return *s.gauge;
}

Histogram& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                      const std::vector<double>& buckets, const Labels& labels) {
  std::vector<double> bounds = buckets.empty() ? defaultLatencyBuckets() : buckets;
  if (!std::is_sorted(bounds.begin(), bounds.end()) ||
      std::adjacent_find(bounds.begin(), bounds.end()) != bounds.end())
    throw std::invalid_argument("histogram '" + name + "' buckets must be strictly ascending");
  std::lock_guard lock(mutex_);
  auto& s = family(name, help, "histogram").series[formatLabels(labels)];
  if (!s.histogram) {
    s.labels = labels;
    s.histogram = std::make_unique<BucketHistogram>(std::move(bounds));
  }
  return *s.histogram;
}

void MetricsRegistry::addCollector(std::function<void(std::string&)> collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

std::string MetricsRegistry::render() const {
  std::string out;
  out.reserve(16384);
  std::lock_guard lock(mutex_);
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + " " + f->help + "\n# TYPE " + name + " " + f->type + "\n";
    for (const auto& [labelText, s] : f->series) {
      if (s.counter) appendSample(out, name, labelText, s.counter->value());
      if (s.gauge) appendSample(out, name, labelText, s.gauge->value());
      if (s.histogram) s.histogram->render(out, name, s.labels);
    }
  }
  for (const auto& c : collectors_) c(out);
  return out;
}

std::string formatLabels(const Labels& labels) {
  if (labels.empty()) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k;
    out += "=\"";
    for (char c : v) {
      if (c == '\\') out += "\\\\";
      else if (c == '"') out += "\\\"";
      else if (c == '\n') out += "\\n";
      else out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

std::string formatMetricValue(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

void appendSample(std::string& out, const std::string& name, const std::string& labels, double value) {
  out += name;
  out += labels;
  out += ' ';
  out += formatMetricValue(value);
  out += '\n';
}

}  // namespace agape::kernel
