#include "agape/schema.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "agape/clock.h"
#include "agape/contract.h"
#include "agape/json_text.h"
#include "agape/text.h"

namespace agape::schema {
namespace {

using Json = nlohmann::json;

// A request may leave an optional<> member out; a response writes it
// (null when empty) unless the rules say it is left out.
enum class Direction { Request, Response };

std::string join(const std::string& path, std::string_view name) {
  std::string out = path;
  if (!out.empty()) out += '.';
  out += name;
  return out;
}

std::string indexed(const std::string& path, std::size_t i) {
  std::string out = path;
  out += '[';
  out += std::to_string(i);
  out += ']';
  return out;
}

// The path of the first string (key or value) holding a NUL, which JSON can
// carry as \u0000 and PostgreSQL cannot store (nlohmann already refuses
// invalid UTF-8 while parsing).
std::optional<std::string> firstNul(const Json& value, const std::string& path) {
  if (value.is_string()) {
    if (value.get_ref<const std::string&>().find('\0') != std::string::npos) return path;
  } else if (value.is_object()) {
    for (const auto& [key, v] : value.items()) {
      const std::string at = join(path, cleanText(key));
      if (key.find('\0') != std::string::npos) return at;
      if (auto found = firstNul(v, at)) return found;
    }
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i)
      if (auto found = firstNul(value[i], indexed(path, i))) return found;
  }
  return std::nullopt;
}

std::size_t characters(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string listOf(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

std::string rangeMessage(const Rules& r, const char* what) {
  std::string out = "must be ";
  out += what;
  if (r.min && r.max) {
    out += " between " + std::to_string(*r.min) + " and " + std::to_string(*r.max);
  } else if (r.min) {
    out += " of at least " + std::to_string(*r.min);
  } else if (r.max) {
    out += " of at most " + std::to_string(*r.max);
  }
  return out;
}

bool plausibleEmail(std::string_view s) {
  const auto at = s.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= s.size() || s.find('@', at + 1) != std::string_view::npos)
    return false;
  const auto dot = s.find('.', at);
  return dot != std::string_view::npos && dot > at + 1 && dot + 1 < s.size() &&
         std::none_of(s.begin(), s.end(), [](char c) { return c == ' ' || static_cast<unsigned char>(c) < 0x20; });
}

void trimSpaces(std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) {
    s.clear();
    return;
  }
  s.erase(s.find_last_not_of(" \t") + 1);
  s.erase(0, first);
}

class Reader {
 public:
  explicit Reader(Direction direction, UnknownFields unknown = UnknownFields::Refuse)
      : direction_(direction), unknown_(unknown) {}
  std::vector<FieldError> errors;

  void object(const Shape& shape, const Json& j, void* out, const std::string& path) {
    if (!j.is_object()) return fail(path, "must be an object");
    bool fieldFailed = false;
    for (const Field& f : shape.fields) {
      const std::string at = join(path, f.name);
      const auto it = j.find(f.name);
      if (it == j.end()) {
        if (!absentAllowed(f)) {
          fail(at, "is required");
          fieldFailed = true;
        }
        continue;
      }
      const std::size_t before = errors.size();
      value(*f.slot, f.rules, *it, f.member->of(out), at);
      for (std::size_t i = before; i < errors.size(); ++i) fieldFailed = fieldFailed || errors[i].field == at;
    }
    if (unknown_ == UnknownFields::Refuse)
      for (const auto& item : j.items()) {
        const std::string& key = item.key();
        const bool known = std::any_of(shape.fields.begin(), shape.fields.end(),
                                       [&](const Field& f) { return f.name == key; });
        if (!known) fail(join(path, isCleanText(key) ? key : cleanText(key)), "unknown field");
      }
    if (fieldFailed) return;
    for (const auto& check : shape.checks) {
      std::vector<FieldError> found;
      check(out, found);
      for (auto& e : found) fail(join(path, e.field), std::move(e.message));
    }
  }

  void value(const Slot& s, const Rules& r, const Json& j, void* at, const std::string& path) {
    if (s.kind == Kind::Patch) {
      if (j.is_null() && r.refuseNull) return fail(path, "must not be null");
      return value(*s.inner, r, j, s.emplace(at), path);
    }
    if (s.kind == Kind::Nullable) {
      if (!j.is_null()) value(*s.inner, r, j, s.emplace(at), path);
      return;
    }
    if (j.is_null() && s.kind != Kind::Json) return fail(path, "must not be null");
    switch (s.kind) {
      case Kind::Text: {
        if (!j.is_string()) return fail(path, "must be a string");
        std::string text = j.get<std::string>();
        if (text.find('\0') != std::string::npos) return fail(path, "must not contain NUL characters");
        if (r.trim) trimSpaces(text);
        if (!textFits(r, text, path)) return;
        return s.setText(at, std::move(text));
      }
      case Kind::Integer: {
        if (!j.is_number_integer() || (j.is_number_unsigned() && j.get<unsigned long long>() > 9223372036854775807ULL))
          return fail(path, rangeMessage(r, "an integer"));
        const long long n = j.get<long long>();
        if ((r.min && n < *r.min) || (r.max && n > *r.max)) return fail(path, rangeMessage(r, "an integer"));
        return s.setInteger(at, n);
      }
      case Kind::Number: {
        if (!j.is_number()) return fail(path, rangeMessage(r, "a number"));
        const double d = j.get<double>();
        if ((r.min && d < static_cast<double>(*r.min)) || (r.max && d > static_cast<double>(*r.max)))
          return fail(path, rangeMessage(r, "a number"));
        return s.setNumber(at, d);
      }
      case Kind::Boolean:
        if (!j.is_boolean()) return fail(path, "must be true or false");
        return s.setBoolean(at, j.get<bool>());
      case Kind::Enum: {
        const auto& names = s.enumNames;
        const auto it = j.is_string() ? std::find(names.begin(), names.end(), j.get_ref<const std::string&>())
                                      : names.end();
        if (it == names.end()) return fail(path, "must be one of " + listOf(names));
        return s.setInteger(at, it - names.begin());
      }
      case Kind::Time: {
        const auto ms = j.is_string() ? parseTime(j.get_ref<const std::string&>()) : std::nullopt;
        if (!ms) return fail(path, "must be an RFC 3339 time (2026-11-24T10:15:00Z)");
        return s.setInteger(at, *ms);
      }
      case Kind::Json:
        if (auto nul = firstNul(j, path)) return fail(*nul, "must not contain NUL characters");
        return s.setText(at, j.dump(-1, ' ', false, Json::error_handler_t::replace));
      case Kind::Object:
        return object(*s.shape, j, at, path);
      case Kind::Array: {
        if (!j.is_array()) return fail(path, "must be an array");
        if ((r.maxItems && j.size() > r.maxItems) || j.size() < r.minItems)
          return fail(path, r.maxItems ? "must have " + std::to_string(r.minItems) + " to " +
                                             std::to_string(r.maxItems) + " items"
                                       : "must have at least " + std::to_string(r.minItems) + " items");
        for (std::size_t i = 0; i < j.size(); ++i) value(*s.inner, r, j[i], s.append(at), indexed(path, i));
        return;
      }
      case Kind::Map: {
        if (!j.is_object()) return fail(path, "must be an object");
        for (const auto& [key, v] : j.items()) {
          if (key.find('\0') != std::string::npos) {
            fail(join(path, cleanText(key)), "must not contain NUL characters");
            continue;
          }
          value(*s.inner, r, v, s.insert(at, key), join(path, key));
        }
        return;
      }
      case Kind::Nullable:
      case Kind::Patch:
        return;
    }
  }

  // Query parameters are text; the field's kind says how to read it.
  void text(const Slot& s, const Rules& r, const std::string& raw, void* at, const std::string& name) {
    switch (s.kind) {
      case Kind::Nullable:
      case Kind::Patch:
        return text(*s.inner, r, raw, s.emplace(at), name);
      case Kind::Text: {
        std::string t = raw;
        if (r.trim) trimSpaces(t);
        if (textFits(r, t, name)) s.setText(at, std::move(t));
        return;
      }
      case Kind::Integer: {
        long long n = 0;
        const auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), n);
        if (ec != std::errc() || end != raw.data() + raw.size() || (r.min && n < *r.min) || (r.max && n > *r.max))
          return fail(name, rangeMessage(r, "an integer"));
        return s.setInteger(at, n);
      }
      case Kind::Number: {
        char* end = nullptr;
        const double d = raw.empty() ? NAN : std::strtod(raw.c_str(), &end);
        if (std::isnan(d) || std::isinf(d) || end != raw.c_str() + raw.size() ||
            (r.min && d < static_cast<double>(*r.min)) || (r.max && d > static_cast<double>(*r.max)))
          return fail(name, rangeMessage(r, "a number"));
        return s.setNumber(at, d);
      }
      case Kind::Boolean:
        if (raw == "true" || raw == "1") return s.setBoolean(at, true);
        if (raw == "false" || raw == "0") return s.setBoolean(at, false);
        return fail(name, "must be true or false");
      case Kind::Enum: {
        const auto it = std::find(s.enumNames.begin(), s.enumNames.end(), raw);
        if (it == s.enumNames.end()) return fail(name, "must be one of " + listOf(s.enumNames));
        return s.setInteger(at, it - s.enumNames.begin());
      }
      case Kind::Time: {
        const auto ms = raw.size() <= 40 ? parseTime(raw) : std::nullopt;
        if (!ms) return fail(name, "must be a date (2026-11-24) or an RFC 3339 time (2026-11-24T10:15:00Z)");
        return s.setInteger(at, *ms);
      }
      case Kind::Array: {
        // A list in one parameter: "facets=category,size".
        std::size_t count = 0;
        for (std::size_t from = 0; from <= raw.size(); ++count) {
          const std::size_t comma = std::min(raw.find(',', from), raw.size());
          if (r.maxItems && count >= r.maxItems)
            return fail(name, "must have at most " + std::to_string(r.maxItems) + " items");
          text(*s.inner, r, raw.substr(from, comma - from), s.append(at), name);
          from = comma + 1;
        }
        return;
      }
      case Kind::Json:
      case Kind::Object:
      case Kind::Map:
        throw std::logic_error("agape::Schema: a query parameter is text, a number, a boolean, a time or an enum");
    }
  }

  bool absentAllowed(const Field& f) const {
    if (f.rules.optional || f.slot->kind == Kind::Patch) return true;
    if (f.slot->kind != Kind::Nullable) return false;
    return direction_ == Direction::Request || f.rules.omitWhenNull;
  }

  void fail(const std::string& path, std::string message) {
    errors.push_back({path.empty() ? std::string("body") : path, std::move(message)});
  }

 private:
  bool textFits(const Rules& r, const std::string& text, const std::string& path) {
    const std::size_t n = characters(text);
    if ((r.minLength && n < r.minLength) || (r.maxLength && n > r.maxLength)) {
      if (r.maxLength && r.minLength)
        fail(path, "must be a string of " + std::to_string(r.minLength) + " to " + std::to_string(r.maxLength) +
                       " characters");
      else if (r.maxLength)
        fail(path, "must be at most " + std::to_string(r.maxLength) + " characters");
      else
        fail(path, r.minLength == 1 ? std::string("must not be empty")
                                    : "must be at least " + std::to_string(r.minLength) + " characters");
      return false;
    }
    if (!r.oneOf.empty() && std::find(r.oneOf.begin(), r.oneOf.end(), text) == r.oneOf.end()) {
      fail(path, "must be one of " + listOf(r.oneOf));
      return false;
    }
    if (r.format == "email" && !plausibleEmail(text)) {
      fail(path, "must be an email address");
      return false;
    }
    if (r.verify) {
      std::string problem = r.verify(text);
      if (!problem.empty()) {
        fail(path, std::move(problem));
        return false;
      }
    }
    return true;
  }

  Direction direction_;
  UnknownFields unknown_;
};

// --- encoding ---------------------------------------------------------------

void appendEscaped(std::string& out, std::string_view s) {
  // Stored text is clean; a broken sequence still never breaks the JSON.
  if (std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }) &&
      !isCleanText(s))
    return appendJsonString(out, cleanText(s));
  appendJsonString(out, s);
}

void appendNumber(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  out.append(buf, end);
}

void writeValue(const Slot& s, const void* at, std::string& out);

void writeObject(const Shape& shape, const void* at, std::string& out) {
  out += '{';
  bool first = true;
  for (const Field& f : shape.fields) {
    const void* member = f.member->of(at);
    if (f.slot->kind == Kind::Patch ? !f.slot->has(member)
                                    : f.rules.omitWhenNull && f.slot->kind == Kind::Nullable && !f.slot->has(member))
      continue;
    if (!first) out += ',';
    first = false;
    out += '"';
    out += f.name;  // names are plain identifiers
    out += "\":";
    writeValue(*f.slot, member, out);
  }
  out += '}';
}

void writeValue(const Slot& s, const void* at, std::string& out) {
  switch (s.kind) {
    case Kind::Text:
      return appendEscaped(out, s.text(at));
    case Kind::Integer: {
      char buf[24];
      const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, s.integer(at));
      out.append(buf, end);
      return;
    }
    case Kind::Number:
      return appendNumber(out, s.number(at));
    case Kind::Boolean:
      out += s.boolean(at) ? "true" : "false";
      return;
    case Kind::Enum:
      return appendEscaped(out, s.enumNames.at(static_cast<std::size_t>(s.integer(at))));
    case Kind::Time:
      out += '"';
      out += rfc3339(s.integer(at));
      out += '"';
      return;
    case Kind::Json: {
      const std::string& text = s.text(at);
      out += text.empty() ? "null" : text;
      return;
    }
    case Kind::Object:
      return writeObject(*s.shape, at, out);
    case Kind::Array: {
      out += '[';
      const std::size_t n = s.size(at);
      for (std::size_t i = 0; i < n; ++i) {
        if (i) out += ',';
        writeValue(*s.inner, s.at(at, i), out);
      }
      out += ']';
      return;
    }
    case Kind::Map: {
      out += '{';
      bool first = true;
      s.each(at, [&](const std::string& key, const void* v) {
        if (!first) out += ',';
        first = false;
        appendEscaped(out, key);
        out += ':';
        writeValue(*s.inner, v, out);
      });
      out += '}';
      return;
    }
    case Kind::Nullable:
      if (s.has(at))
        writeValue(*s.inner, s.value(at), out);
      else
        out += "null";
      return;
    case Kind::Patch:
      return writeValue(*s.inner, s.value(at), out);
  }
}

// --- OpenAPI ----------------------------------------------------------------

Json objectSchema(const Shape& shape, Direction d);

Json valueSchema(const Slot& s, const Rules& r, Direction d) {
  Json out;
  switch (s.kind) {
    case Kind::Text:
      out = {{"type", "string"}};
      if (r.minLength) out["minLength"] = r.minLength;
      if (r.maxLength) out["maxLength"] = r.maxLength;
      if (!r.oneOf.empty()) out["enum"] = r.oneOf;
      if (!r.format.empty()) out["format"] = r.format;
      break;
    case Kind::Integer:
    case Kind::Number:
      out = {{"type", s.kind == Kind::Integer ? "integer" : "number"}};
      if (r.min) out["minimum"] = *r.min;
      if (r.max) out["maximum"] = *r.max;
      break;
    case Kind::Boolean:
      out = {{"type", "boolean"}};
      break;
    case Kind::Enum:
      out = {{"type", "string"}, {"enum", s.enumNames}};
      break;
    case Kind::Time:
      out = {{"type", "string"}, {"format", "date-time"}};
      break;
    case Kind::Json:
      out = Json::object();
      break;
    case Kind::Object:
      out = objectSchema(*s.shape, d);
      break;
    case Kind::Array: {
      Rules element = r;
      element.description.clear();
      out = {{"type", "array"}, {"items", valueSchema(*s.inner, element, d)}};
      if (r.minItems) out["minItems"] = r.minItems;
      if (r.maxItems) out["maxItems"] = r.maxItems;
      break;
    }
    case Kind::Map: {
      Rules element = r;
      element.description.clear();
      out = {{"type", "object"}, {"additionalProperties", valueSchema(*s.inner, element, d)}};
      break;
    }
    case Kind::Nullable:
      out = valueSchema(*s.inner, r, d);
      out["nullable"] = true;
      break;
    case Kind::Patch:
      out = valueSchema(*s.inner, r, d);
      if (r.refuseNull) out.erase("nullable");
      break;
  }
  if (!r.description.empty()) out["description"] = r.description;
  return out;
}

Json objectSchema(const Shape& shape, Direction d) {
  Json out = {{"type", "object"}};
  if (!shape.description.empty()) out["description"] = shape.description;
  Json properties = Json::object();
  Json required = Json::array();
  const Reader presence(d);
  for (const Field& f : shape.fields) {
    properties[f.name] = valueSchema(*f.slot, f.rules, d);
    if (!presence.absentAllowed(f)) required.push_back(f.name);
  }
  if (!required.empty()) out["required"] = required;
  out["properties"] = properties;
  if (d == Direction::Request) out["additionalProperties"] = false;
  return out;
}

Json parseBody(std::string_view text) {
  Json body = Json::parse(text.empty() ? std::string_view("{}") : text, nullptr, false);
  if (body.is_discarded()) throw Problem::badRequest("The request body is not valid JSON (in UTF-8).");
  if (!body.is_object()) throw Problem::badRequest("The request body must be a JSON object.");
  return body;
}

}  // namespace

void decodeJson(const Shape& shape, std::string_view text, void* out, UnknownFields unknown) {
  const Json body = parseBody(text);
  Reader reader(Direction::Request, unknown);
  reader.object(shape, body, out, "");
  if (!reader.errors.empty()) throw Problem::validation(std::move(reader.errors));
}

void decodeQuery(const Shape& shape, const std::vector<std::pair<std::string, std::string>>& params, void* out) {
  Reader reader(Direction::Request);
  std::vector<const Field*> given;
  for (const auto& param : params) {
    const std::string& name = param.first;
    const std::string& value = param.second;
    const auto f = std::find_if(shape.fields.begin(), shape.fields.end(), [&](const Field& x) { return x.name == name; });
    if (f == shape.fields.end()) {
      reader.fail(name, "is not a known parameter");
    } else if (std::find(given.begin(), given.end(), &*f) != given.end()) {
      reader.fail(name, "must be given once");
    } else {
      given.push_back(&*f);
      reader.text(*f->slot, f->rules, value, f->member->of(out), name);
    }
  }
  for (const Field& f : shape.fields)
    if (std::find(given.begin(), given.end(), &f) == given.end() && !reader.absentAllowed(f))
      reader.fail(f.name, "is required");
  bool fieldFailed = false;
  for (const auto& e : reader.errors)
    for (const Field& f : shape.fields) fieldFailed = fieldFailed || e.field == f.name;
  if (!fieldFailed)
    for (const auto& check : shape.checks) check(out, reader.errors);
  if (!reader.errors.empty()) throw Problem::validation(std::move(reader.errors));
}

void encodeJson(const Shape& shape, const void* in, std::string& out) { writeObject(shape, in, out); }

std::vector<FieldError> check(const Shape& shape, std::string_view text) {
  const Json body = Json::parse(text, nullptr, false);
  if (body.is_discarded()) return {{"body", "is not JSON"}};
  const auto object = shape.make();
  Reader reader(Direction::Response);
  reader.object(shape, body, object.get(), "");
  return std::move(reader.errors);
}

std::string openApi(const Shape& shape, bool request) {
  return objectSchema(shape, request ? Direction::Request : Direction::Response).dump();
}

std::string openApiQuery(const Shape& shape) {
  Json params = Json::array();
  const Reader presence(Direction::Request);
  for (const Field& f : shape.fields) {
    Rules r = f.rules;
    r.description.clear();
    Json p = {{"name", f.name}, {"in", "query"}, {"required", !presence.absentAllowed(f)},
              {"schema", valueSchema(*f.slot, r, Direction::Request)}};
    if (!f.rules.description.empty()) p["description"] = f.rules.description;
    params.push_back(std::move(p));
  }
  return params.dump();
}

void refuseQuery(const Request& request) {
  if (request.queryParams.empty()) return;
  std::vector<FieldError> errors;
  for (const auto& [name, value] : request.queryParams) errors.push_back({name, "is not a known parameter"});
  throw Problem::validation(std::move(errors));
}

void ownerNotChecked(const Request& request) {
  throw std::logic_error("route " + request.routeTemplate +
                         " declares Access::Owner but its handler never called Call::authorizeOwner");
}

void addHeaders(Response& response, const Headers& headers) {
  for (const auto& [name, value] : headers.all()) response.headers.add(name, value);
}

}  // namespace agape::schema
