#pragma once
// Five-field cron expressions in UTC: minute hour day-of-month month
// day-of-week. Each field is `*`, a value, a range `a-b`, a step `*/n`,
// `a-b/n` or `a/n`, or a comma-separated list of those. Months and weekdays
// may be named (JAN..DEC, SUN..SAT); weekday 7 is Sunday like 0. As in Vixie
// cron, when both day fields are restricted a day matching either one is a
// match. The macros @yearly (@annually), @monthly, @weekly, @daily
// (@midnight) and @hourly are accepted.

#include <bitset>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace agape::kernel {

class CronExpression {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  // Throws std::invalid_argument naming the field at fault.
  static CronExpression parse(std::string_view text);
  // False (with the reason in `error`) instead of throwing.
  static bool tryParse(std::string_view text, std::string& error);

  // The first matching minute strictly after `after`; nullopt when the
  // expression never matches (such as "0 0 30 2 *").
  std::optional<TimePoint> next(TimePoint after) const;
  bool matches(TimePoint t) const;  // t's minute matches (seconds ignored)

  const std::string& text() const { return text_; }

 private:
  CronExpression() = default;

  std::string text_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;    // 1..31
  std::bitset<13> months_;  // 1..12
  std::bitset<7> weekdays_; // 0..6, Sunday = 0
  bool daysRestricted_ = false;
  bool weekdaysRestricted_ = false;
};

}  // namespace agape::kernel
