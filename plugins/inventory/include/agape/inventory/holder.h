#pragma once
// The key that names who holds a stock reservation (StockService, the
// inventory.reservation_expired event). Standard headers only: events.h and
// every caller of the stock service include it.
#include <optional>
#include <string>
#include <string_view>

namespace agape::inventory {

// Who holds a reservation: the kind of thing that holds it and its id,
// stored as "kind:id". A holder names one reservation for ever.
struct Holder {
  std::string kind;  // "order"; lower-case letters, digits, '_' or '-' (no ':')
  std::string id;    // not empty; may itself hold ':'

  std::string key() const { return kind + ":" + id; }  // "order:0193..."

  // A kind as above and an id: what the stock service accepts (it throws
  // std::invalid_argument for anything else, a caller's bug).
  bool valid() const {
    if (kind.empty() || id.empty()) return false;
    for (const char c : kind)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
    return true;
  }

  // The holder of "kind:id", split at the first ':' (the id keeps any
  // later ones); nullopt when `key` is not a valid holder's key.
  static std::optional<Holder> parse(std::string_view key) {
    const auto colon = key.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    Holder h{std::string(key.substr(0, colon)), std::string(key.substr(colon + 1))};
    if (!h.valid()) return std::nullopt;
    return h;
  }

  bool operator==(const Holder&) const = default;
};

}  // namespace agape::inventory
