#include "http/router.h"

#include <array>
#include <optional>
#include <stdexcept>

namespace agape::kernel {

namespace {
constexpr std::size_t kMethods = 7;
constexpr std::size_t kNone = static_cast<std::size_t>(-1);

std::size_t methodIndex(Method m) { return static_cast<std::size_t>(m); }

std::string shapeOf(const std::vector<std::string>& segments) {
  std::string s;
  for (const auto& seg : segments) s += "/" + (seg.starts_with(':') ? std::string(":") : seg);
  return s.empty() ? "/" : s;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

struct Router::Node {
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> statics;
  std::unique_ptr<Node> param;
  std::array<std::size_t, kMethods> routeByMethod;
  Node() { routeByMethod.fill(kNone); }

  bool terminal() const {
    for (auto r : routeByMethod)
      if (r != kNone) return true;
    return false;
  }
  const Node* staticChild(std::string_view seg) const {
    for (const auto& [name, child] : statics)
      if (name == seg) return child.get();
    return nullptr;
  }
};

std::vector<std::string> splitTemplate(std::string_view t) {
  if (t.empty() || t.front() != '/') throw std::invalid_argument("route template must start with '/': " + std::string(t));
  std::vector<std::string> segments;
  if (t == "/") return segments;
  std::vector<std::string> names;
  std::size_t pos = 1;
  while (true) {
    std::size_t next = t.find('/', pos);
    std::string seg(t.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos));
    if (seg.empty()) throw std::invalid_argument("route template has an empty segment: " + std::string(t));
    if (seg.front() == ':') {
      std::string name = seg.substr(1);
      if (name.empty()) throw std::invalid_argument("route template has an unnamed parameter: " + std::string(t));
      for (const auto& n : names)
        if (n == name) throw std::invalid_argument("route template repeats parameter '" + name + "': " + std::string(t));
      names.push_back(name);
    } else if (seg.find(':') != std::string::npos || seg.find_first_of("?#{}") != std::string::npos) {
      throw std::invalid_argument("route template segment '" + seg + "' is not allowed: " + std::string(t));
    }
    segments.push_back(std::move(seg));
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  return segments;
}

std::optional<std::string> percentDecode(std::string_view text, bool plusIsSpace) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = hexValue(text[i + 1]), lo = hexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plusIsSpace) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

void splitQuery(std::string_view query, std::vector<std::pair<std::string, std::string>>& out) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (piece.empty()) continue;
    const auto eq = piece.find('=');
    const std::string_view key = piece.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
    auto k = percentDecode(key, true);
    auto v = percentDecode(value, true);
    out.emplace_back(k ? std::move(*k) : std::string(key), v ? std::move(*v) : std::string(value));
  }
}

void RouteTable::add(Route route) {
  auto segments = splitTemplate(route.pathTemplate);
  std::string shape = shapeOf(segments);
  for (const auto& r : routes_) {
    bool sameMethod = r.method == route.method;
    if (sameMethod && shapeOf(splitTemplate(r.pathTemplate)) == shape)
      throw std::invalid_argument("route conflict: " + std::string(methodName(route.method)) + " " +
                                  route.pathTemplate + " (plugin \"" + route.pluginId + "\") and " +
                                  methodName(r.method) + " " + r.pathTemplate + " (plugin \"" +
                                  r.pluginId + "\")");
  }
  routes_.push_back(std::move(route));
}

Router RouteTable::freeze() && {
  Router router;
  router.routes_ = std::move(routes_);
  for (std::size_t i = 0; i < router.routes_.size(); ++i) {
    Route& r = router.routes_[i];
    r.index = i;
    Router::Node* node = router.root_.get();
    for (const auto& seg : splitTemplate(r.pathTemplate)) {
      if (seg.front() == ':') {
        if (!node->param) node->param = std::make_unique<Router::Node>();
        node = node->param.get();
      } else {
        Router::Node* child = const_cast<Router::Node*>(node->staticChild(seg));
        if (!child) {
          node->statics.emplace_back(seg, std::make_unique<Router::Node>());
          child = node->statics.back().second.get();
        }
        node = child;
      }
    }
    node->routeByMethod[methodIndex(r.method)] = i;
    std::vector<std::string> names;
    for (const auto& seg : splitTemplate(r.pathTemplate))
      if (seg.front() == ':') names.push_back(seg.substr(1));
    router.paramNames_.push_back(std::move(names));
  }
  return router;
}

Router::Router() : root_(std::make_unique<Node>()) {}
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;
Router::~Router() = default;

namespace {

std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.size() <= 1) return segments;
  std::size_t pos = 1;
  while (true) {
    std::size_t next = path.find('/', pos);
    segments.push_back(path.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos));
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  return segments;
}

// Depth-first search, static branch before the parameter branch, so that
// "/v1/products/search" beats "/v1/products/:id" but a dead end under the
// static branch still falls back to the parameter.
struct Search {
  const std::vector<std::string_view>& segments;
  std::size_t want;
  bool headFallback;
  std::vector<std::string_view> captures{};
  std::size_t found = kNone;
  std::vector<std::string_view> foundCaptures{};
  std::array<bool, kMethods> allowed{};

  bool run(const Router::Node* node, std::size_t i) {
    if (i == segments.size()) {
      if (!node->terminal()) return false;
      for (std::size_t k = 0; k < kMethods; ++k)
        if (node->routeByMethod[k] != kNone) allowed[k] = true;
      std::size_t r = want == kNone ? kNone : node->routeByMethod[want];
      if (r == kNone && headFallback) r = node->routeByMethod[methodIndex(Method::Get)];
      if (r == kNone) return false;
      found = r;
      foundCaptures = captures;
      return true;
    }
    if (const Router::Node* s = node->staticChild(segments[i]))
      if (run(s, i + 1)) return true;
    if (node->param && !segments[i].empty()) {
      captures.push_back(segments[i]);
      bool done = run(node->param.get(), i + 1);
      captures.pop_back();
      if (done) return true;
    }
    return false;
  }
};

std::vector<Method> allowedList(const std::array<bool, kMethods>& allowed) {
  std::vector<Method> out;
  for (std::size_t k = 0; k < kMethods; ++k)
    if (allowed[k]) out.push_back(static_cast<Method>(k));
  if (allowed[methodIndex(Method::Get)] && !allowed[methodIndex(Method::Head)]) out.push_back(Method::Head);
  return out;
}

}  // namespace

Router::Match Router::match(Method method, std::string_view path) const {
  Match m;
  if (path.empty() || path.front() != '/') return m;
  auto segments = splitPath(path);
  Search search{segments, methodIndex(method), method == Method::Head};
  if (search.run(root_.get(), 0)) {
    const Route& route = routes_[search.found];
    const auto& names = paramNames_[search.found];
    m.params.reserve(names.size());
    for (std::size_t k = 0; k < names.size(); ++k) {
      auto decoded = percentDecode(search.foundCaptures[k], false);
      if (!decoded) return m;  // a malformed escape matches nothing
      m.params.emplace_back(names[k], std::move(*decoded));
    }
    m.outcome = Outcome::Found;
    m.route = &route;
    return m;
  }
  m.allowed = allowedList(search.allowed);
  m.outcome = m.allowed.empty() ? Outcome::NotFound : Outcome::MethodNotAllowed;
  return m;
}

std::vector<Method> Router::allowedMethods(std::string_view path) const {
  auto segments = splitPath(path);
  Search search{segments, kNone, false};
  search.run(root_.get(), 0);
  return allowedList(search.allowed);
}

}  // namespace agape::kernel
