#pragma once
// Shared by the test plugins: each lifecycle step appends "<id>:<phase>" to
// the file named by AGAPE_TEST_LIFECYCLE_LOG, so tests can assert the exact
// order across plugins. AGAPE_TEST_FAIL="<id>:<phase>" makes that step throw;
// "<id>:<phase>:config" makes it throw a ConfigError, as a refused setting does.

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include <agape/config.h>
#include <agape/context.h>
#include <agape/plugin.h>

namespace agape_test {

inline void record(std::string_view id, std::string_view event) {
  const char* file = std::getenv("AGAPE_TEST_LIFECYCLE_LOG");
  if (file == nullptr || *file == '\0') return;
  // Opened per line so that nothing is lost when a test process aborts.
  std::ofstream out(file, std::ios::app);
  out << id << ':' << event << '\n';
}

inline void failIfAsked(std::string_view id, std::string_view phase) {
  const char* spec = std::getenv("AGAPE_TEST_FAIL");
  if (spec == nullptr) return;
  const std::string step = std::string(id) + ":" + std::string(phase);
  if (step == spec) throw std::runtime_error("injected " + std::string(phase) + " failure");
  if (step + ":config" == spec) throw agape::ConfigError(std::string(id) + ".mode: refused at " + std::string(phase));
}

// Records every step; derived plugins add behaviour around these.
class RecordingPlugin : public agape::Plugin {
 public:
  explicit RecordingPlugin(std::string id) : id_(std::move(id)) {}
  // Writing here after the library were unloaded would crash the test.
  ~RecordingPlugin() override { record(id_, "destroy"); }

  void configure(const agape::ConfigView& section) override {
    step("configure");
    agape::Plugin::configure(section);
  }
  void provision(agape::Context& ctx) override { step("provision"); }
  void validate(agape::Context& ctx) override { step("validate"); }
  void start(agape::Context& ctx) override { step("start"); }
  void stop() noexcept override { record(id_, "stop"); }

 protected:
  const std::string& id() const { return id_; }

 private:
  void step(std::string_view phase) {
    record(id_, phase);
    failIfAsked(id_, phase);
  }

  std::string id_;
};

}  // namespace agape_test
