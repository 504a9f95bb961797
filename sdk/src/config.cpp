#include "agape/config.h"

#include <cctype>
#include <charconv>
#include <filesystem>
#include <limits>

namespace agape {

ConfigError::~ConfigError() = default;

void ConfigView::fail(std::string_view message) const {
  std::string loc = location();
  std::string p = path();
  throw ConfigError((p.empty() ? std::string("(root)") : p) + ": " + std::string(message) +
                    (loc.empty() ? "" : " (" + loc + ")"));
}

namespace {

template <class T>
bool parseNumber(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::string trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// Splits "15m" into 15 and "m".
bool splitUnit(std::string_view text, long long& n, std::string& unit) {
  std::string t = trimmed(text);
  std::size_t i = 0;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
  if (i == 0) return false;
  if (!parseNumber(std::string_view(t).substr(0, i), n)) return false;
  unit = trimmed(std::string_view(t).substr(i));
  return true;
}

}  // namespace

std::optional<std::chrono::milliseconds> parseDuration(std::string_view text) {
  long long n = 0;
  std::string unit;
  if (!splitUnit(text, n, unit)) return std::nullopt;
  long long perUnit = 0;
  if (unit == "ms") perUnit = 1;
  else if (unit == "s") perUnit = 1000;
  else if (unit == "m") perUnit = 60'000;
  else if (unit == "h") perUnit = 3'600'000;
  else if (unit == "d") perUnit = 86'400'000;
  else return std::nullopt;
  // A huge count would overflow into a negative or wrapped duration.
  if (n > std::numeric_limits<long long>::max() / perUnit) return std::nullopt;
  return std::chrono::milliseconds(n * perUnit);
}

std::optional<std::size_t> parseBytes(std::string_view text) {
  long long n = 0;
  std::string unit;
  if (!splitUnit(text, n, unit)) return std::nullopt;
  int shift = 0;
  if (unit.empty() || unit == "B") shift = 0;
  else if (unit == "KiB" || unit == "KB" || unit == "k") shift = 10;
  else if (unit == "MiB" || unit == "MB" || unit == "M") shift = 20;
  else if (unit == "GiB" || unit == "GB" || unit == "G") shift = 30;
  else return std::nullopt;
  // A huge count would wrap around to a small size.
  auto count = static_cast<std::size_t>(n);
  if (count > (std::numeric_limits<std::size_t>::max() >> shift)) return std::nullopt;
  return count << shift;
}

ConfigDecoder::ConfigDecoder(const ConfigView& map) : map_(map) {
  auto k = map.kind();
  if (k != ConfigView::Kind::Map && k != ConfigView::Kind::Missing && k != ConfigView::Kind::Null)
    map.fail("must be a map");
}

std::unique_ptr<ConfigView> ConfigDecoder::take(std::string_view key) {
  seen_.emplace(key);
  return map_.child(key);
}

namespace {
const ConfigView& scalarOrFail(const ConfigView& v, std::string_view what) {
  if (v.kind() != ConfigView::Kind::Scalar) v.fail("must be " + std::string(what));
  return v;
}
}  // namespace

std::string ConfigDecoder::string(std::string_view key, std::string fallback) {
  auto v = take(key);
  if (!v->present()) return fallback;
  return scalarOrFail(*v, "a string").scalar();
}

std::string ConfigDecoder::baseUrl(std::string_view key, std::string fallback) {
  auto v = take(key);
  if (!v->present()) return fallback;
  std::string url = scalarOrFail(*v, "a string").scalar();
  const bool http = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
  if (!http || url.size() <= 8 || url.back() == '/') v->fail("must be an http(s) URL without a trailing slash");
  return url;
}

std::string ConfigDecoder::requiredString(std::string_view key) {
  auto v = take(key);
  if (!v->present()) {
    std::string loc = map_.location();
    std::string base = map_.path();
    throw ConfigError((base.empty() ? "" : base + ".") + std::string(key) + ": is required" +
                      (loc.empty() ? "" : " (" + loc + ")"));
  }
  std::string s = scalarOrFail(*v, "a string").scalar();
  if (s.empty()) v->fail("must not be empty");
  return s;
}

long long ConfigDecoder::integer(std::string_view key, long long fallback, long long min, long long max) {
  auto v = take(key);
  if (!v->present()) return fallback;
  long long n = 0;
  if (!parseNumber(trimmed(scalarOrFail(*v, "an integer").scalar()), n))
    v->fail("must be an integer");
  if (n < min || n > max)
    v->fail("must be between " + std::to_string(min) + " and " + std::to_string(max));
  return n;
}

double ConfigDecoder::number(std::string_view key, double fallback, double min, double max) {
  auto v = take(key);
  if (!v->present()) return fallback;
  std::string s = trimmed(scalarOrFail(*v, "a number").scalar());
  double d = 0;
  try {
    std::size_t used = 0;
    d = std::stod(s, &used);
    if (used != s.size()) throw std::invalid_argument(s);
  } catch (const std::exception&) {
    v->fail("must be a number");
  }
  // Written so that NaN ("nan" parses) fails the range check too.
  if (!(d >= min && d <= max)) {
    auto fmt = [](double x) {
      std::string t = std::to_string(x);
      t.erase(t.find_last_not_of('0') + 1);
      if (!t.empty() && t.back() == '.') t.pop_back();
      return t;
    };
    v->fail("must be between " + fmt(min) + " and " + fmt(max));
  }
  return d;
}

bool ConfigDecoder::boolean(std::string_view key, bool fallback) {
  auto v = take(key);
  if (!v->present()) return fallback;
  std::string s = scalarOrFail(*v, "true or false").scalar();
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  v->fail("must be true or false");
}

std::chrono::milliseconds ConfigDecoder::duration(std::string_view key, std::chrono::milliseconds fallback) {
  auto v = take(key);
  if (!v->present()) return fallback;
  auto d = parseDuration(scalarOrFail(*v, "a duration such as 30s or 15m").scalar());
  if (!d || d->count() < 0) v->fail("must be a duration such as 250ms, 30s, 15m, 24h or 30d");
  return *d;
}

std::size_t ConfigDecoder::bytes(std::string_view key, std::size_t fallback) {
  auto v = take(key);
  if (!v->present()) return fallback;
  auto b = parseBytes(scalarOrFail(*v, "a size such as 64KiB").scalar());
  if (!b) v->fail("must be a size such as 4096, 64KiB or 1MiB");
  return *b;
}

std::vector<std::string> ConfigDecoder::strings(std::string_view key, std::vector<std::string> fallback) {
  auto v = take(key);
  if (!v->present()) return fallback;
  if (v->kind() != ConfigView::Kind::Sequence) v->fail("must be a list of strings");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v->size(); ++i) {
    auto item = v->at(i);
    out.push_back(scalarOrFail(*item, "a string").scalar());
  }
  return out;
}

std::string ConfigDecoder::choice(std::string_view key, std::string fallback,
                                  const std::vector<std::string>& allowed) {
  auto v = take(key);
  if (!v->present()) return fallback;
  std::string s = scalarOrFail(*v, "a string").scalar();
  for (const auto& a : allowed)
    if (a == s) return s;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  v->fail("must be one of " + list);
}

std::unique_ptr<ConfigView> ConfigDecoder::section(std::string_view key) { return take(key); }

void ConfigDecoder::finish() const {
  if (map_.kind() != ConfigView::Kind::Map) return;
  for (const auto& k : map_.keys()) {
    if (seen_.find(k) == seen_.end()) map_.child(k)->fail("unknown key");
  }
}

namespace {

// "config/agape.yaml:41:7" → "config"; a location that is not a file (a
// --set value) → the working directory.
std::filesystem::path baseDirOf(const std::string& location) {
  auto last = location.rfind(':');
  if (last == std::string::npos) return std::filesystem::current_path();
  auto middle = location.rfind(':', last - 1);
  if (middle == std::string::npos || location.rfind("--set", 0) == 0) return std::filesystem::current_path();
  for (std::size_t i = middle + 1; i < location.size(); ++i)
    if (i != last && !std::isdigit(static_cast<unsigned char>(location[i]))) return std::filesystem::current_path();
  std::filesystem::path file = location.substr(0, middle);
  return std::filesystem::absolute(file).parent_path();
}

}  // namespace

std::string configPath(const ConfigView& section, std::string_view key, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_relative()) {
    auto node = section.child(key);
    p = baseDirOf(node->present() ? node->location() : section.location()) / p;
  }
  return p.lexically_normal().string();
}

}  // namespace agape
