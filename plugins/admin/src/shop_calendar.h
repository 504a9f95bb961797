#pragma once
// The shop's calendar: which day, ISO week and month an instant falls in, in
// the shop's time zone (Africa/Lagos by default), so that an order placed at
// 23:30 UTC counts on the next Lagos day. Days are numbered as
// std::chrono::sys_days counts them (1970-01-01 is 0), but of local dates.
#include <string>
#include <string_view>

namespace date {
class time_zone;
}

namespace agape::admin {

enum class Bucket { Day, Week, Month };

class ShopCalendar {
 public:
  // Throws std::runtime_error for a name the tz database does not know.
  explicit ShopCalendar(const std::string& timeZone);

  const std::string& timeZone() const { return name_; }
  // The local date of an instant (Unix ms).
  int dayOf(long long epochMs) const;
  // The instant (Unix ms) the local day begins: its midnight, or the first
  // moment after it when a clock change skips midnight.
  long long startOf(int day) const;
  // Today in the shop.
  int today() const;

  // The first day of the bucket holding `day`: itself, the Monday of its
  // ISO week, or the 1st of its month.
  static int bucketStart(int day, Bucket bucket);
  // The first day of the next bucket.
  static int nextBucket(int day, Bucket bucket);
  // "2026-11-24", "2026-W48" (ISO week-numbering year), "2026-11".
  static std::string label(int day, Bucket bucket);
  // "2026-11-24" and back; nothing for anything else (a real date only).
  static std::string isoDate(int day);
  static bool parseDate(std::string_view text, int& day);

 private:
  std::string name_;
  const date::time_zone* zone_;
};

}  // namespace agape::admin
