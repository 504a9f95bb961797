#pragma once
// One description of a JSON document as a C++ struct: a Schema<T> names
// each member once, with its rules, and from that one declaration the SDK
// decodes and validates a request (every problem collected, with field
// paths such as "items[0].quantity"), encodes a response, and writes the
// OpenAPI schema. Free of any JSON library.
//
//   struct AddItem {
//     std::string variantId;
//     long long quantity = 1;
//   };
//   const auto addItem = agape::Schema<AddItem>()
//       .field("variantId", &AddItem::variantId, {.maxLength = 100})
//       .field("quantity", &AddItem::quantity, {.optional = true, .min = 1, .max = maxPerLine});
//
// Member types: std::string, bool, integers, double, agape::Timestamp
// (RFC 3339 on the wire), agape::JsonText (any JSON, verbatim), an enum with
// its Names, a struct with its own Schema, and std::optional<X> (absent or
// null), std::vector<X>, std::map<std::string, X> (an object of any keys)
// or agape::Patch<X> of any of them.

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "agape/money.h"
#include "agape/problem.h"

namespace agape {

// A point in time, Unix milliseconds; "2026-11-24T10:15:00Z" on the wire.
struct Timestamp {
  long long ms = 0;
  friend bool operator==(const Timestamp&, const Timestamp&) = default;
};

// Any JSON value, kept as its text: a document the server stores and hands
// back as it is (a product's attributes), never picked apart by the route.
struct JsonText {
  std::string text = "null";
  friend bool operator==(const JsonText&, const JsonText&) = default;
};

// A field of a partial update: left out (`given` false: unchanged), null
// (given, no value: back to the default) or a value.
template <class T>
struct Patch {
  bool given = false;
  std::optional<T> value;
};

// The checks and documentation of one field. Lengths count characters
// (code points), not bytes.
struct Rules {
  bool optional = false;      // a request may leave it out: the member keeps its default
  bool omitWhenNull = false;  // a response leaves out an empty optional instead of writing null
  bool trim = false;          // strings: surrounding spaces are dropped before the checks
  bool refuseNull = false;    // Patch: null is "must not be null", not "back to the default"
  std::optional<long long> min, max;  // integers and numbers
  std::size_t minLength = 0;          // strings
  std::size_t maxLength = 0;          // strings; 0: no limit but the body's
  std::size_t minItems = 0;           // arrays
  std::size_t maxItems = 0;           // arrays; 0: no limit
  std::vector<std::string> oneOf;     // strings: the only values accepted
  std::string format;                 // OpenAPI format; "email" is also checked
  // Strings: a check of the field's own, after the others; the problem, or
  // "" when the value is fine.
  std::function<std::string(const std::string&)> verify;
  std::string description;
};

// The wire names of an enum's values.
template <class E>
class Names {
 public:
  Names(std::initializer_list<std::pair<E, std::string>> names) : names_(names) {}
  // Each value named by the function that names it everywhere else:
  //   Names<OrderStatus>({OrderStatus::Pending, ...}, orderStatusName)
  template <class NameOf>
  Names(std::initializer_list<E> values, NameOf nameOf) {
    for (E value : values) names_.emplace_back(value, std::string(nameOf(value)));
  }
  const std::string& name(E value) const {
    for (const auto& [v, n] : names_)
      if (v == value) return n;
    throw std::logic_error("agape::Names: a value without a name");
  }
  std::optional<E> find(std::string_view name) const {
    for (const auto& [v, n] : names_)
      if (n == name) return v;
    return std::nullopt;
  }
  const std::vector<std::pair<E, std::string>>& all() const { return names_; }

 private:
  std::vector<std::pair<E, std::string>> names_;
};

namespace schema {

// How the SDK reads and writes one C++ value it knows only by address.
enum class Kind { Text, Integer, Number, Boolean, Enum, Time, Json, Object, Array, Map, Nullable, Patch };

struct Shape;

class Slot {
 public:
  explicit Slot(Kind kind) : kind(kind) {}
  virtual ~Slot() = default;
  const Kind kind;
  std::shared_ptr<const Slot> inner;    // Nullable, Array, Map, Patch: the value or element
  std::shared_ptr<const Shape> shape;   // Object
  std::vector<std::string> enumNames;   // Enum: index → name

  virtual void setText(void*, std::string) const { wrong(); }
  virtual const std::string& text(const void*) const { wrong(); }
  virtual void setInteger(void*, long long) const { wrong(); }
  virtual long long integer(const void*) const { wrong(); }
  virtual void setNumber(void*, double) const { wrong(); }
  virtual double number(const void*) const { wrong(); }
  virtual void setBoolean(void*, bool) const { wrong(); }
  virtual bool boolean(const void*) const { wrong(); }
  virtual bool has(const void*) const { wrong(); }      // Nullable; Patch: given
  virtual void* emplace(void*) const { wrong(); }       // Nullable: the new value; Patch: its optional
  virtual const void* value(const void*) const { wrong(); }
  virtual std::size_t size(const void*) const { wrong(); }  // Array
  virtual const void* at(const void*, std::size_t) const { wrong(); }
  virtual void* append(void*) const { wrong(); }
  virtual void* insert(void*, const std::string&) const { wrong(); }  // Map
  virtual void each(const void*, const std::function<void(const std::string&, const void*)>&) const { wrong(); }

 private:
  [[noreturn]] static void wrong() { throw std::logic_error("agape::schema: slot used as another kind"); }
};

struct Member {
  virtual ~Member() = default;
  virtual void* of(void* object) const = 0;
  virtual const void* of(const void* object) const = 0;
};

struct Field {
  std::string name;
  Rules rules;
  std::shared_ptr<const Slot> slot;
  std::shared_ptr<const Member> member;
};

// An object: its fields in order, checks across fields, and how to make one.
struct Shape {
  std::string description;
  std::vector<Field> fields;
  std::vector<std::function<void(const void*, std::vector<FieldError>&)>> checks;
  std::function<std::shared_ptr<void>()> make;
};

// The work, done once in the SDK library for every T.
// Whether a document may carry fields the shape does not name: a request may
// not (a misspelt field must not pass unnoticed), an event may (its
// publisher may be newer than the reader).
enum class UnknownFields { Refuse, Ignore };
// Decodes JSON text into `out`; throws Problem 400 with every field problem.
void decodeJson(const Shape& shape, std::string_view text, void* out, UnknownFields unknown = UnknownFields::Refuse);
// Decodes a query string's parameters: each at most once, none unknown,
// values converted from text.
void decodeQuery(const Shape& shape, const std::vector<std::pair<std::string, std::string>>& params, void* out);
void encodeJson(const Shape& shape, const void* in, std::string& out);
// The problems of a JSON document against the shape (none: it conforms).
std::vector<FieldError> check(const Shape& shape, std::string_view text);
// The OpenAPI 3.0 schema of the shape as a request or a response (what is
// required differs), and its fields as query parameters.
std::string openApi(const Shape& shape, bool request);
std::string openApiQuery(const Shape& shape);

template <class T, class M>
struct MemberOf final : Member {
  explicit MemberOf(M T::*m) : m(m) {}
  M T::*m;
  void* of(void* o) const override { return &(static_cast<T*>(o)->*m); }
  const void* of(const void* o) const override { return &(static_cast<const T*>(o)->*m); }
};

struct TextSlot final : Slot {
  TextSlot() : Slot(Kind::Text) {}
  void setText(void* at, std::string v) const override { *static_cast<std::string*>(at) = std::move(v); }
  const std::string& text(const void* at) const override { return *static_cast<const std::string*>(at); }
};
struct JsonSlot final : Slot {
  JsonSlot() : Slot(Kind::Json) {}
  void setText(void* at, std::string v) const override { static_cast<JsonText*>(at)->text = std::move(v); }
  const std::string& text(const void* at) const override { return static_cast<const JsonText*>(at)->text; }
};
template <class I>
struct IntegerSlot final : Slot {
  IntegerSlot() : Slot(Kind::Integer) {}
  void setInteger(void* at, long long v) const override { *static_cast<I*>(at) = static_cast<I>(v); }
  long long integer(const void* at) const override { return static_cast<long long>(*static_cast<const I*>(at)); }
};
struct TimeSlot final : Slot {
  TimeSlot() : Slot(Kind::Time) {}
  void setInteger(void* at, long long v) const override { static_cast<Timestamp*>(at)->ms = v; }
  long long integer(const void* at) const override { return static_cast<const Timestamp*>(at)->ms; }
};
template <class D>
struct NumberSlot final : Slot {
  NumberSlot() : Slot(Kind::Number) {}
  void setNumber(void* at, double v) const override { *static_cast<D*>(at) = static_cast<D>(v); }
  double number(const void* at) const override { return static_cast<double>(*static_cast<const D*>(at)); }
};
struct BooleanSlot final : Slot {
  BooleanSlot() : Slot(Kind::Boolean) {}
  void setBoolean(void* at, bool v) const override { *static_cast<bool*>(at) = v; }
  bool boolean(const void* at) const override { return *static_cast<const bool*>(at); }
};
template <class E>
struct EnumSlot final : Slot {
  explicit EnumSlot(const Names<E>& names) : Slot(Kind::Enum) {
    for (const auto& [v, n] : names.all()) {
      values.push_back(v);
      enumNames.push_back(n);
    }
  }
  std::vector<E> values;
  void setInteger(void* at, long long index) const override { *static_cast<E*>(at) = values.at(index); }
  long long integer(const void* at) const override {
    for (std::size_t i = 0; i < values.size(); ++i)
      if (values[i] == *static_cast<const E*>(at)) return static_cast<long long>(i);
    throw std::logic_error("agape::Names: a value without a name");
  }
};
template <class O>
struct ObjectSlot final : Slot {
  explicit ObjectSlot(std::shared_ptr<const Shape> s) : Slot(Kind::Object) { shape = std::move(s); }
};
template <class X>
struct NullableSlot final : Slot {
  explicit NullableSlot(std::shared_ptr<const Slot> i) : Slot(Kind::Nullable) { inner = std::move(i); }
  bool has(const void* at) const override { return static_cast<const std::optional<X>*>(at)->has_value(); }
  void* emplace(void* at) const override { return &static_cast<std::optional<X>*>(at)->emplace(); }
  const void* value(const void* at) const override { return &**static_cast<const std::optional<X>*>(at); }
};
template <class X>
struct PatchSlot final : Slot {
  explicit PatchSlot(std::shared_ptr<const Slot> i) : Slot(Kind::Patch) { inner = std::move(i); }
  bool has(const void* at) const override { return static_cast<const Patch<X>*>(at)->given; }
  void* emplace(void* at) const override {
    auto* p = static_cast<Patch<X>*>(at);
    p->given = true;
    return &p->value;
  }
  const void* value(const void* at) const override { return &static_cast<const Patch<X>*>(at)->value; }
};
template <class X>
struct ArraySlot final : Slot {
  explicit ArraySlot(std::shared_ptr<const Slot> i) : Slot(Kind::Array) { inner = std::move(i); }
  std::size_t size(const void* at) const override { return static_cast<const std::vector<X>*>(at)->size(); }
  const void* at(const void* a, std::size_t i) const override { return &(*static_cast<const std::vector<X>*>(a))[i]; }
  void* append(void* a) const override { return &static_cast<std::vector<X>*>(a)->emplace_back(); }
};

template <class>
inline constexpr bool isOptional = false;
template <class X>
inline constexpr bool isOptional<std::optional<X>> = true;
template <class X>
struct MapSlot final : Slot {
  explicit MapSlot(std::shared_ptr<const Slot> i) : Slot(Kind::Map) { inner = std::move(i); }
  void* insert(void* at, const std::string& key) const override {
    return &(*static_cast<std::map<std::string, X>*>(at))[key];
  }
  void each(const void* at, const std::function<void(const std::string&, const void*)>& fn) const override {
    for (const auto& [k, v] : *static_cast<const std::map<std::string, X>*>(at)) fn(k, &v);
  }
};

template <class>
inline constexpr bool isMap = false;
template <class X>
inline constexpr bool isMap<std::map<std::string, X>> = true;
template <class>
inline constexpr bool isPatch = false;
template <class X>
inline constexpr bool isPatch<Patch<X>> = true;
template <class>
inline constexpr bool isVector = false;
template <class X, class A>
inline constexpr bool isVector<std::vector<X, A>> = true;
template <class>
inline constexpr bool unsupported = false;

struct NoLeaf {};
template <class E>
struct EnumLeaf {
  const Names<E>& names;
};
struct ShapeLeaf {
  std::shared_ptr<const Shape> shape;
};

// The slot of a member of type M; `leaf` completes enums and structs.
template <class M, class Leaf>
std::shared_ptr<const Slot> slotOf(const Leaf& leaf) {
  if constexpr (isPatch<M>) {
    using X = decltype(M::value);
    return std::make_shared<PatchSlot<typename X::value_type>>(slotOf<X>(leaf));
  } else if constexpr (isOptional<M>) {
    return std::make_shared<NullableSlot<typename M::value_type>>(slotOf<typename M::value_type>(leaf));
  } else if constexpr (isMap<M>) {
    return std::make_shared<MapSlot<typename M::mapped_type>>(slotOf<typename M::mapped_type>(leaf));
  } else if constexpr (isVector<M>) {
    return std::make_shared<ArraySlot<typename M::value_type>>(slotOf<typename M::value_type>(leaf));
  } else if constexpr (std::is_same_v<Leaf, ShapeLeaf>) {
    return std::make_shared<ObjectSlot<M>>(leaf.shape);
  } else if constexpr (std::is_same_v<Leaf, EnumLeaf<M>>) {
    return std::make_shared<EnumSlot<M>>(leaf.names);
  } else if constexpr (std::is_same_v<M, std::string>) {
    return std::make_shared<TextSlot>();
  } else if constexpr (std::is_same_v<M, JsonText>) {
    return std::make_shared<JsonSlot>();
  } else if constexpr (std::is_same_v<M, Timestamp>) {
    return std::make_shared<TimeSlot>();
  } else if constexpr (std::is_same_v<M, bool>) {
    return std::make_shared<BooleanSlot>();
  } else if constexpr (std::is_integral_v<M>) {
    return std::make_shared<IntegerSlot<M>>();
  } else if constexpr (std::is_floating_point_v<M>) {
    return std::make_shared<NumberSlot<M>>();
  } else {
    static_assert(unsupported<M>, "agape::Schema: give this member's Schema<T> or Names<E>");
  }
}

}  // namespace schema

// The description of T as a JSON object. Build it once (at provision) and
// share it: copies share the description.
template <class T>
class Schema {
 public:
  explicit Schema(std::string description = {}) : shape_(std::make_shared<schema::Shape>()) {
    shape_->description = std::move(description);
    shape_->make = [] { return std::static_pointer_cast<void>(std::make_shared<T>()); };
  }

  // A member of a plain type (string, number, bool, time, JSON, and
  // optional or vector of those). The member may be T's or a base's, so a
  // struct that extends another shares its fields' declarations.
  template <class M, class B>
  Schema& field(std::string name, M B::*member, Rules rules = {}) {
    return add(std::move(name), member, std::move(rules), schema::slotOf<M>(schema::NoLeaf{}));
  }
  // A member that is (or holds) a struct with its own Schema.
  template <class M, class B, class U>
  Schema& field(std::string name, M B::*member, const Schema<U>& nested, Rules rules = {}) {
    return add(std::move(name), member, std::move(rules), schema::slotOf<M>(schema::ShapeLeaf{nested.shape()}));
  }
  // A member that is (or holds) an enum, written as its names.
  template <class M, class B, class E>
  Schema& field(std::string name, M B::*member, const Names<E>& names, Rules rules = {}) {
    return add(std::move(name), member, std::move(rules), schema::slotOf<M>(schema::EnumLeaf<E>{names}));
  }
  // A check across fields. It runs when no field of this object failed
  // itself (a problem deeper inside a field, such as one bad array element,
  // does not stop it, so it must not trust what such a field holds).
  Schema& check(std::function<void(const T&, std::vector<FieldError>&)> fn) {
    shape_->checks.push_back([fn = std::move(fn)](const void* o, std::vector<FieldError>& errors) {
      fn(*static_cast<const T*>(o), errors);
    });
    return *this;
  }

  T decode(std::string_view json) const {
    T out{};
    schema::decodeJson(*shape_, json, &out);
    return out;
  }
  // As decode, but fields the Schema does not name are skipped.
  T decodeLenient(std::string_view json) const {
    T out{};
    schema::decodeJson(*shape_, json, &out, schema::UnknownFields::Ignore);
    return out;
  }
  T decodeQuery(const std::vector<std::pair<std::string, std::string>>& params) const {
    T out{};
    schema::decodeQuery(*shape_, params, &out);
    return out;
  }
  std::string encode(const T& value) const {
    std::string out;
    schema::encodeJson(*shape_, &value, out);
    return out;
  }
  std::shared_ptr<const schema::Shape> shape() const { return shape_; }

 private:
  template <class M, class B>
  Schema& add(std::string name, M B::*member, Rules rules, std::shared_ptr<const schema::Slot> slot) {
    static_assert(std::is_base_of_v<B, T>, "agape::Schema<T>: a member of T or of one of its bases");
    for (const auto& f : shape_->fields)
      if (f.name == name) throw std::logic_error("agape::Schema: field \"" + name + "\" declared twice");
    shape_->fields.push_back({std::move(name), std::move(rules), std::move(slot),
                              std::make_shared<schema::MemberOf<T, M>>(static_cast<M T::*>(member))});
    return *this;
  }
  std::shared_ptr<schema::Shape> shape_;
};

// A list page as API.md shapes it: {"data": [...], "meta": {page, limit,
// total, totalPages}}.
struct PageMeta {
  long long page = 1;
  long long limit = 20;
  long long total = 0;
  long long totalPages = 0;
};
template <class T>
struct Page {
  std::vector<T> data;
  PageMeta meta;
  Page() = default;
  Page(std::vector<T> items, long long page, long long limit, long long total)
      : data(std::move(items)), meta{page, limit, total, limit > 0 ? (total + limit - 1) / limit : 0} {}
};

inline Schema<PageMeta> pageMetaSchema() {
  return Schema<PageMeta>()
      .field("page", &PageMeta::page)
      .field("limit", &PageMeta::limit)
      .field("total", &PageMeta::total)
      .field("totalPages", &PageMeta::totalPages);
}
template <class T>
Schema<Page<T>> pageSchema(const Schema<T>& item) {
  return Schema<Page<T>>().field("data", &Page<T>::data, item).field("meta", &Page<T>::meta, pageMetaSchema());
}

inline Schema<Money> moneySchema() {
  return Schema<Money>()
      .field("amount", &Money::amount, {.description = "minor units (kobo)"})
      .field("currency", &Money::currency, {.minLength = 3, .maxLength = 3});
}

// `page` (1-based) and `limit` (1..100, default 20) of a list route's query,
// for a query struct with those two members.
template <class Q>
Schema<Q>& withPages(Schema<Q>& query) {
  return query.field("page", &Q::page, {.optional = true, .min = 1, .max = 1'000'000})
      .field("limit", &Q::limit, {.optional = true, .min = 1, .max = 100});
}

}  // namespace agape
