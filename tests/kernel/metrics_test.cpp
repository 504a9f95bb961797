#include <gtest/gtest.h>

#include "metrics/registry.h"

using namespace agape::kernel;

TEST(Metrics, RendersPrometheusText) {
  MetricsRegistry m;
  auto& c = m.counter("agape_jobs_done_total", "Jobs done.", {{"queue", "mail"}});
  c.inc();
  c.inc(2);
  EXPECT_EQ(&c, &m.counter("agape_jobs_done_total", "Jobs done.", {{"queue", "mail"}}));
  m.gauge("agape_pool_size", "Pool size.").set(8);
  auto& h = m.histogram("agape_latency_seconds", "Latency.", {0.1, 1});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  m.addCollector([](std::string& out) { out += "# TYPE live gauge\nlive 1\n"; });
  std::string text = m.render();
  EXPECT_NE(text.find("# TYPE agape_jobs_done_total counter\nagape_jobs_done_total{queue=\"mail\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("agape_pool_size 8\n"), std::string::npos);
  EXPECT_NE(text.find("agape_latency_seconds_bucket{le=\"0.1\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("agape_latency_seconds_bucket{le=\"1\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("agape_latency_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("agape_latency_seconds_count 3\n"), std::string::npos);
  EXPECT_NE(text.find("live 1\n"), std::string::npos);
}

TEST(Metrics, RefusesBadNamesTypeClashesAndDecrements) {
  MetricsRegistry m;
  EXPECT_THROW(m.counter("bad name", "x"), std::invalid_argument);
  m.counter("agape_x", "x");
  EXPECT_THROW(m.gauge("agape_x", "x"), std::logic_error);
  EXPECT_THROW(m.counter("agape_x", "x").inc(-1), std::invalid_argument);
  EXPECT_THROW(m.histogram("agape_h", "x", {1, 0.5}), std::invalid_argument);
}

TEST(Metrics, EscapesLabelValues) {
  EXPECT_EQ(formatLabels({{"a", "x\"y\\z\n"}}), "{a=\"x\\\"y\\\\z\\n\"}");
}
