#include "agape/db.h"

#include <charconv>
#include <cstdio>

namespace agape {

DbError::~DbError() = default;

const char* dialectName(Dialect d) noexcept { return d == Dialect::Sqlite ? "sqlite" : "postgresql"; }

namespace {
[[noreturn]] void badType(const char* want) {
  throw std::runtime_error(std::string("database value is not ") + want);
}
}  // namespace

long long Value::asInt() const {
  if (auto* i = std::get_if<long long>(&v_)) return *i;
  if (auto* d = std::get_if<double>(&v_)) return static_cast<long long>(*d);
  if (auto* s = std::get_if<std::string>(&v_)) {
    long long n = 0;
    auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), n);
    if (ec == std::errc() && p == s->data() + s->size()) return n;
  }
  badType("an integer");
}

double Value::asDouble() const {
  if (auto* d = std::get_if<double>(&v_)) return *d;
  if (auto* i = std::get_if<long long>(&v_)) return static_cast<double>(*i);
  if (auto* s = std::get_if<std::string>(&v_)) {
    try {
      std::size_t used = 0;
      double d = std::stod(*s, &used);
      if (used == s->size()) return d;
    } catch (const std::exception&) {
    }
  }
  badType("a number");
}

std::string Value::asString() const {
  if (auto* s = std::get_if<std::string>(&v_)) return *s;
  if (auto* i = std::get_if<long long>(&v_)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&v_)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", *d);
    return buf;
  }
  badType("text");
}

bool Value::asBool() const {
  if (auto* i = std::get_if<long long>(&v_)) return *i != 0;
  if (auto* s = std::get_if<std::string>(&v_)) {
    if (*s == "t" || *s == "true" || *s == "1") return true;
    if (*s == "f" || *s == "false" || *s == "0") return false;
  }
  badType("a boolean");
}

const Value& Row::operator[](std::string_view column) const {
  const auto& cols = *columns_;
  for (std::size_t i = 0; i < cols.size(); ++i)
    if (cols[i] == column) return values_[i];
  throw std::out_of_range("no column '" + std::string(column) + "' in the result");
}

std::optional<long long> Row::optInteger(std::string_view c) const {
  const Value& v = (*this)[c];
  if (v.isNull()) return std::nullopt;
  return v.asInt();
}

std::optional<std::string> Row::optText(std::string_view c) const {
  const Value& v = (*this)[c];
  if (v.isNull()) return std::nullopt;
  return v.asString();
}

std::optional<Row> Tx::one(std::string_view sql, const Params& params) {
  auto rows = query(sql, params);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

}  // namespace agape
