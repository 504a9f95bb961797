#include "cart_config.h"

#include <cctype>
#include <cmath>

namespace agape::cart {
namespace {

constexpr long long kMaxAmount = 100'000'000'000;  // ₦1bn in kobo: far above any real delivery fee

bool isIdentifier(const std::string& s) {
  if (s.empty() || s.size() > 40) return false;
  for (unsigned char c : s)
    if (!std::islower(c) && !std::isdigit(c) && c != '-' && c != '_') return false;
  return true;
}

std::vector<ShippingMethod> decodeMethods(const ConfigView& methods) {
  if (methods.kind() != ConfigView::Kind::Map || methods.keys().empty())
    methods.fail("must map each method id to {label, price, freeFrom?}");
  std::vector<ShippingMethod> out;
  for (const auto& id : methods.keys()) {
    const auto node = methods.child(id);
    if (!isIdentifier(id)) node->fail("method ids are 1-40 characters of a-z, 0-9, - and _");
    ConfigDecoder d(*node);
    ShippingMethod m;
    m.id = id;
    m.label = d.requiredString("label");
    m.price = d.integer("price", 0, 0, kMaxAmount);
    if (d.section("freeFrom")->present()) m.freeFrom = d.integer("freeFrom", 0, 0, kMaxAmount);
    d.finish();
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

const ShippingMethod* CartConfig::shippingMethod(const std::string& id) const {
  for (const auto& m : shippingMethods)
    if (m.id == id) return &m;
  return nullptr;
}

CartConfig decodeCartConfig(const ConfigView& section) {
  CartConfig c;
  ConfigDecoder d(section);
  c.maxQuantityPerLine = d.integer("maxQuantityPerLine", c.maxQuantityPerLine, 1, 1000);
  c.maxLines = d.integer("maxLines", c.maxLines, 1, 500);
  c.guestCartTtl = d.duration("guestCartTtl", c.guestCartTtl);
  c.currency = d.string("currency", c.currency);
  if (c.currency.size() != 3 || !std::isupper(static_cast<unsigned char>(c.currency[0])) ||
      !std::isupper(static_cast<unsigned char>(c.currency[1])) || !std::isupper(static_cast<unsigned char>(c.currency[2])))
    section.child("currency")->fail("must be an ISO 4217 code such as NGN");
  if (auto tax = d.section("tax"); tax->present()) {
    ConfigDecoder t(*tax);
    c.tax.name = t.string("name", c.tax.name);
    const double rate = t.number("rate", c.tax.rateBasisPoints / 100.0, 0, 100);
    c.tax.rateBasisPoints = std::llround(rate * 100);
    if (std::fabs(rate * 100 - static_cast<double>(c.tax.rateBasisPoints)) > 1e-6)
      tax->child("rate")->fail("a percentage with at most two decimals, such as 7.5");
    c.tax.pricesIncludeTax = t.boolean("pricesIncludeTax", c.tax.pricesIncludeTax);
    t.finish();
  }
  if (auto shipping = d.section("shipping"); shipping->present()) {
    ConfigDecoder s(*shipping);
    if (auto methods = s.section("methods"); methods->present()) c.shippingMethods = decodeMethods(*methods);
    c.defaultShippingMethod = s.string("default", c.shippingMethods.front().id);
    if (!c.shippingMethod(c.defaultShippingMethod))
      shipping->child("default")->fail("must name one of shipping.methods");
    s.finish();
  }
  d.finish();
  // Under a day a shopper loses the cart over lunch; over a year the table
  // keeps every abandoned visit.
  if (c.guestCartTtl < std::chrono::hours(24) || c.guestCartTtl > std::chrono::hours(24 * 366))
    section.child("guestCartTtl")->fail("must be between 1d and 366d");
  return c;
}

}  // namespace agape::cart
