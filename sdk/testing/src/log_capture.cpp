#include "agape/testing/log_capture.h"

namespace agape::testing {

std::string LogRecord::field(std::string_view key) const {
  for (const auto& [k, v] : fields)
    if (k == key) return v;
  return "";
}

void LogCapture::log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
  LogRecord record{level, std::string(message), {}};
  for (const auto& f : fields) record.fields.emplace_back(std::string(f.key), f.value);
  std::lock_guard lock(mutex_);
  records_.push_back(std::move(record));
}

std::vector<LogRecord> LogCapture::records() const {
  std::lock_guard lock(mutex_);
  return records_;
}

std::size_t LogCapture::count(LogLevel atLeast, std::string_view text) const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& r : records_)
    if (r.level >= atLeast && r.message.find(text) != std::string::npos) ++n;
  return n;
}

bool LogCapture::mentions(std::string_view text) const {
  std::lock_guard lock(mutex_);
  for (const auto& r : records_) {
    if (r.message.find(text) != std::string::npos) return true;
    for (const auto& f : r.fields)
      if (f.second.find(text) != std::string::npos) return true;
  }
  return false;
}

void LogCapture::clear() {
  std::lock_guard lock(mutex_);
  records_.clear();
}

}  // namespace agape::testing
