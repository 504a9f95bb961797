#pragma once
// A Logger that drops everything: for the kernel pieces the kit drives
// (the migrator's line per file) whose output a test does not want.

#include "agape/logger.h"

namespace agape::testing {

class QuietLogger final : public Logger {
 public:
  bool enabled(LogLevel) const override { return false; }
  void log(LogLevel, std::string_view, std::initializer_list<LogField>) override {}
};

}  // namespace agape::testing
