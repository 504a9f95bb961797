#include "kernel_log_level.h"

#include <cstdlib>
#include <mutex>
#include <stdexcept>

#include "log/log.h"

namespace agape::testing {

void applyKernelLogLevel() {
  static std::once_flag once;
  std::call_once(once, [] {
    const char* wanted = std::getenv("AGAPE_TEST_LOG_LEVEL");
    LogLevel level = LogLevel::Warn;
    try {
      if (wanted && *wanted) level = kernel::parseLogLevel(wanted);
    } catch (const std::invalid_argument&) {
      // An unknown name keeps the quiet default rather than failing every test.
    }
    kernel::setLogLevel(level);
  });
}

}  // namespace agape::testing
