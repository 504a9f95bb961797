#pragma once
// Prometheus text exposition (format 0.0.4) of every instrument the kernel
// and plugins register, plus collectors that render live state (DB pool,
// per-route HTTP figures) at scrape time.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agape/metrics.h"

namespace agape::kernel {

class MetricsRegistry final : public Metrics {
 public:
  MetricsRegistry();
  ~MetricsRegistry() override;
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {}) override;
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {}) override;
  Histogram& histogram(const std::string& name, const std::string& help,
                       const std::vector<double>& buckets = {}, const Labels& labels = {}) override;

  // A collector appends complete families (HELP, TYPE and samples) to `out`.
  void addCollector(std::function<void(std::string& out)> collector);
  std::string render() const;

  static const std::vector<double>& defaultLatencyBuckets();

 private:
  struct Family;
  Family& family(const std::string& name, const std::string& help, const char* type);
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Family>> families_;
  std::vector<std::function<void(std::string&)>> collectors_;
};

// Helpers shared with collectors.
std::string formatLabels(const Labels& labels);  // {a="x",b="y"} or ""
void appendSample(std::string& out, const std::string& name, const std::string& labels, double value);
std::string formatMetricValue(double v);

}  // namespace agape::kernel
