#include "csv.h"

namespace agape::admin {

void CsvRecord::separate() {
  if (!first_) out_ += ',';
  first_ = false;
}

CsvRecord& CsvRecord::plain(std::string_view value) {
  separate();
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    out_ += value;
    return *this;
  }
  out_ += '"';
  for (char c : value) {
    if (c == '"') out_ += '"';
    out_ += c;
  }
  out_ += '"';
  return *this;
}

CsvRecord& CsvRecord::text(std::string_view value) {
  if (value.empty() || std::string_view("=+-@\t\r").find(value.front()) == std::string_view::npos)
    return plain(value);
  std::string defused;
  defused.reserve(value.size() + 1);
  defused += '\'';
  defused += value;
  return plain(defused);
}

CsvRecord& CsvRecord::amount(std::int64_t minor) {
  separate();
  if (minor < 0) {
    out_ += '-';
    minor = -minor;
  }
  out_ += std::to_string(minor / 100);
  out_ += '.';
  out_ += static_cast<char>('0' + (minor % 100) / 10);
  out_ += static_cast<char>('0' + minor % 10);
  return *this;
}

CsvRecord& CsvRecord::integer(long long value) {
  separate();
  out_ += std::to_string(value);
  return *this;
}

}  // namespace agape::admin
