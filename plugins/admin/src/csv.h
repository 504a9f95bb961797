#pragma once
// RFC 4180 CSV, safe to open in a spreadsheet: fields with a comma, quote,
// CR or LF are quoted (quotes doubled), records end with CRLF, and a text
// cell that a spreadsheet would read as a formula (starting with =, +, -,
// @, tab or CR) is prefixed with an apostrophe (OWASP's "CSV injection").
#include <cstdint>
#include <string>
#include <string_view>

namespace agape::admin {

class CsvRecord {
 public:
  explicit CsvRecord(std::string& out) : out_(out) {}
  // Text from people or the catalogue: quoted as needed, formulas defused.
  CsvRecord& text(std::string_view value);
  // A value the server formats itself (numbers, dates, statuses): quoted as
  // needed, never prefixed, so that -1 stays a number.
  CsvRecord& plain(std::string_view value);
  // Minor units as a decimal with two places, no grouping: 1250050 → 12500.50.
  CsvRecord& amount(std::int64_t minor);
  CsvRecord& integer(long long value);
  void end() { out_ += "\r\n"; first_ = true; }

 private:
  void separate();
  std::string& out_;
  bool first_ = true;
};

}  // namespace agape::admin
