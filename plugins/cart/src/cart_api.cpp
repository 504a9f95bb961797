#include "cart_api.h"

#include <agape/clock.h>
#include <agape/contract.h>
#include <agape/crypto.h>
#include <agape/db.h>
#include <agape/problem.h>

namespace agape::cart {
namespace {

constexpr const char* kTag = "cart";
constexpr std::size_t kTokenLength = 43;  // newOpaqueToken(): 256 bits, base64url
constexpr std::size_t kMaxCouponLength = 64;

// The caller's cart owner: the signed-in user, else the guest token's digest
// (a token of the wrong shape cannot name a cart and counts as none).
Owner ownerOf(const Request& req) {
  if (req.principal) return Owner{req.principal->id, std::nullopt};
  const auto token = req.header("X-Cart-Token");
  if (!token || token->size() != kTokenLength || !base64UrlDecode(*token)) return Owner{};
  return Owner{std::nullopt, sha256Hex(*token)};
}

std::optional<std::string> nonEmpty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

// --- the wire ---------------------------------------------------------------

struct AddItem {
  std::string variantId;
  long long quantity = 1;
};
struct SetQuantity {
  long long quantity = 0;
};
struct MergeCart {
  std::string cartToken;
};
struct TotalsQuery {
  std::optional<std::string> couponCode;
  std::optional<std::string> shippingMethod;
};

struct LineView {
  std::string id;
  std::string variantId;
  std::optional<std::string> productId;
  std::optional<std::string> productSlug;
  std::string productName;
  std::string sku;
  std::optional<std::string> size;
  std::optional<std::string> color;
  long long quantity = 0;
  std::int64_t unitPrice = 0;
  std::int64_t currentPrice = 0;
  bool priceChanged = false;
  std::int64_t lineTotal = 0;
  bool purchasable = false;
  std::optional<long long> available;
};
struct CartView {
  std::optional<std::string> id;
  std::vector<LineView> items;
  long long itemCount = 0;
  std::int64_t subtotal = 0;
  std::string currency;
  std::optional<Timestamp> updatedAt;
  std::optional<std::string> cartToken;
};
struct ShippingMethods {
  std::vector<ShippingMethod> data;
  std::string defaultMethod;
};

CartView viewOf(const Cart& c, std::optional<std::string> newToken = std::nullopt) {
  CartView out{nonEmpty(c.id), {}, c.itemCount, c.subtotal, c.currency, std::nullopt, std::move(newToken)};
  if (!c.id.empty()) out.updatedAt = Timestamp{c.updatedAtMs};
  for (const auto& l : c.lines)
    out.items.push_back({l.id, l.variantId, nonEmpty(l.productId), nonEmpty(l.productSlug), l.productName, l.sku,
                         l.size, l.color, l.quantity, l.unitPrice, l.currentPrice,
                         l.purchasable && l.currentPrice != l.unitPrice, l.lineTotal, l.purchasable, l.available});
  return out;
}

Schema<CartView> cartSchema() {
  const auto line =
      Schema<LineView>()
          .field("id", &LineView::id)
          .field("variantId", &LineView::variantId)
          .field("productId", &LineView::productId)
          .field("productSlug", &LineView::productSlug)
          .field("productName", &LineView::productName)
          .field("sku", &LineView::sku)
          .field("size", &LineView::size)
          .field("color", &LineView::color)
          .field("quantity", &LineView::quantity)
          .field("unitPrice", &LineView::unitPrice, {.description = "kobo, when the line was added or last changed"})
          .field("currentPrice", &LineView::currentPrice, {.description = "kobo, the catalogue's price now"})
          .field("priceChanged", &LineView::priceChanged)
          .field("lineTotal", &LineView::lineTotal, {.description = "quantity × currentPrice; 0 when not purchasable"})
          .field("purchasable", &LineView::purchasable,
                 {.description = "false once the product is archived or the variant retired or removed"})
          .field("available", &LineView::available,
                 {.description = "units in stock now; null without the inventory plugin"});
  return Schema<CartView>()
      .field("id", &CartView::id, {.description = "null until the first item is added"})
      .field("items", &CartView::items, line)
      .field("itemCount", &CartView::itemCount)
      .field("subtotal", &CartView::subtotal, {.description = "kobo"})
      .field("currency", &CartView::currency)
      .field("updatedAt", &CartView::updatedAt)
      .field("cartToken", &CartView::cartToken,
             {.omitWhenNull = true,
              .description = "only when this request created a guest cart: send it back as X-Cart-Token"});
}

Schema<Totals> totalsSchema() {
  return Schema<Totals>()
      .field("subtotal", &Totals::subtotal)
      .field("discount", &Totals::discount)
      .field("tax", &Totals::tax)
      .field("shipping", &Totals::shipping)
      .field("total", &Totals::total)
      .field("currency", &Totals::currency)
      .field("shippingMethod", &Totals::shippingMethod)
      .field("couponCode", &Totals::couponCode)
      .field("taxInclusive", &Totals::taxInclusive, {.description = "true: tax is the part of total that is tax"});
}

Schema<ShippingMethods> shippingMethodsSchema() {
  const auto method = Schema<ShippingMethod>()
                          .field("id", &ShippingMethod::id)
                          .field("label", &ShippingMethod::label)
                          .field("price", &ShippingMethod::price)
                          .field("freeFrom", &ShippingMethod::freeFrom);
  return Schema<ShippingMethods>()
      .field("data", &ShippingMethods::data, method)
      .field("default", &ShippingMethods::defaultMethod);
}

constexpr const char* kGuestNote =
    " A guest's cart is the one named by the X-Cart-Token header; a signed-in caller's is their own (a token is then "
    "ignored: POST /v1/cart/merge brings a guest cart in).";

}  // namespace

void CartApi::registerRoutes(Routes& routes) {
  const long long maxPerLine = book_.config().maxQuantityPerLine;
  const auto cart = cartSchema();
  routes.get("/v1/cart", Contract().returns(cart),
             {.summary = "The caller's cart, priced now",
              .description = std::string("An empty cart (id null) when the caller has none yet.") + kGuestNote,
              .tag = kTag},
             [this](Call<>& call) { return viewOf(get(call.request)); });
  routes.post("/v1/cart/items",
              Contract().body(Schema<AddItem>()
                                  .field("variantId", &AddItem::variantId, {.minLength = 1, .maxLength = 100})
                                  .field("quantity", &AddItem::quantity, {.optional = true, .min = 1, .max = maxPerLine}))
                  .returns(cart),
              {.summary = "Adds a variant to the cart (or more of it to its line)",
               .description = std::string("`quantity` defaults to 1; a line holds at most cart.maxQuantityPerLine. "
                                          "400 for an unknown variant, 422 `not_purchasable` for one not on sale, 409 "
                                          "`out_of_stock` when the stock cannot cover the line, 422 `cart_full` past "
                                          "cart.maxLines. The first write without a cart creates one and returns its "
                                          "`cartToken`.") + kGuestNote,
               .tag = kTag},
              [this](Call<AddItem>& call) {
                auto [added, newToken] = addItem(call.request, call.body.variantId, call.body.quantity);
                return viewOf(added, std::move(newToken));
              });
  routes.patch("/v1/cart/items/:id",
               Contract()
                   .body(Schema<SetQuantity>().field("quantity", &SetQuantity::quantity, {.min = 1, .max = maxPerLine}))
                   .returns(cart),
               {.summary = "Sets a line's quantity",
                .description = "404 when the line is not in the caller's cart; stock is checked when the quantity grows.",
                .tag = kTag},
               [this](Call<SetQuantity>& call) { return viewOf(updateItem(call.request, call.body.quantity)); });
  routes.del("/v1/cart/items/:id", Contract(), {.summary = "Removes a line", .tag = kTag},
             [this](Call<>& call) { removeItem(call.request); });
  routes.del("/v1/cart", Contract(), {.summary = "Empties the cart", .tag = kTag},
             [this](Call<>& call) { empty(call.request); });
  routes.post("/v1/cart/merge",
              Contract()
                  .body(Schema<MergeCart>().field("cartToken", &MergeCart::cartToken, {.minLength = 1, .maxLength = 200}))
                  .returns(cart),
              {.access = Access::Authenticated,
               .summary = "Brings a guest cart into the signed-in user's cart",
               .description = "A variant in both gets the sum of the quantities (capped at cart.maxQuantityPerLine); "
                              "lines past cart.maxLines are dropped; the guest cart is deleted. 404 when no guest cart "
                              "has this token (for instance, already merged).",
               .tag = kTag},
              [this](Call<MergeCart>& call) { return viewOf(merge(call.principal().id, call.body.cartToken)); });
  routes.get("/v1/cart/totals",
             Contract()
                 .query(Schema<TotalsQuery>()
                            .field("couponCode", &TotalsQuery::couponCode,
                                   {.trim = true, .maxLength = kMaxCouponLength, .description = "a coupon to apply"})
                            .field("shippingMethod", &TotalsQuery::shippingMethod,
                                   {.maxLength = 40,
                                    .description = "a method id of GET /v1/cart/shipping-methods (default: the "
                                                   "store's default)"}))
                 .returns(totalsSchema()),
             {.summary = "Subtotal, discount, shipping, tax and total of the caller's cart",
              .description = "Shipping is free for an empty cart and from the method's freeFrom. 400 for an unknown "
                             "shipping method, 422 `coupon_invalid` for a coupon that does not apply.",
              .tag = kTag},
             [this](Call<None, TotalsQuery>& call) {
               auto coupon = call.query.couponCode;
               if (coupon && coupon->empty()) coupon.reset();
               return totals(call.request, coupon, call.query.shippingMethod.value_or(""));
             });
  routes.get("/v1/cart/shipping-methods", Contract().returns(shippingMethodsSchema()),
             {.summary = "The store's shipping methods and prices", .tag = kTag}, [this](Call<>&) {
               return ShippingMethods{book_.config().shippingMethods, book_.config().defaultShippingMethod};
             });
}

void CartApi::requireStock(Tx& tx, const catalog::VariantSummary& v, long long quantity) const {
  const auto* stock = book_.stock();
  if (!stock) return;  // the inventory is not enabled: nothing to check against
  const long long available = stock->available(tx, {v.id})[v.id];
  if (available < quantity)
    throw Problem(409, "out_of_stock",
                  "Only " + std::to_string(available) + " of " + v.productName + " (" + v.sku + ") available.",
                  {{"quantity", "only " + std::to_string(available) + " available"}});
}

Cart CartApi::get(const Request& req) {
  const Owner owner = ownerOf(req);
  return ctx_.db().read([&](Tx& tx) {
    const auto loaded = book_.store().load(tx, owner);
    return loaded ? book_.price(tx, loaded->cart, loaded->lines) : book_.empty();
  });
}

std::pair<Cart, std::optional<std::string>> CartApi::addItem(const Request& req, const std::string& variantId,
                                                             long long quantity) {
  Owner owner = ownerOf(req);
  // A guest without a (known) cart gets a new one and its token.
  std::optional<std::string> newToken;
  Cart cart = ctx_.db().run([&](Tx& tx) {
    newToken.reset();
    const long long now = book_.nowMs();
    const CartStore& store = book_.store();
    auto row = store.find(tx, owner);
    if (!row) {
      if (!owner.userId) {
        newToken = newOpaqueToken();
        owner.tokenHash = sha256Hex(*newToken);
      }
      row = store.create(tx, owner, now);
    }
    store.touch(tx, row->id, now);
    const auto found = book_.variants().lookup(tx, {variantId});
    if (found.empty()) throw Problem::validation({{"variantId", "no variant has this id"}});
    const auto& v = found.front();
    if (!v.purchasable)
      throw Problem(422, "not_purchasable", v.productName + " (" + v.sku + ") is not on sale.",
                    {{"variantId", "is not on sale"}});
    const auto existing = store.lineForVariant(tx, row->id, variantId);
    const long long already = existing ? existing->quantity : 0;
    const long long max = book_.config().maxQuantityPerLine;
    if (already + quantity > max)
      throw Problem::validation({{"quantity", "a line holds at most " + std::to_string(max) + "; " +
                                                  std::to_string(already) + " already in the cart"}});
    if (!existing && store.lineCount(tx, row->id) >= book_.config().maxLines)
      throw Problem(422, "cart_full", "A cart holds at most " + std::to_string(book_.config().maxLines) + " lines.");
    requireStock(tx, v, already + quantity);
    store.putLine(tx, row->id, v, already + quantity, now);
    return book_.price(tx, *store.findById(tx, row->id));
  });
  return {std::move(cart), std::move(newToken)};
}

Cart CartApi::updateItem(const Request& req, long long quantity) {
  const std::string lineId(req.requireParam("id"));
  const Owner owner = ownerOf(req);
  return ctx_.db().run([&](Tx& tx) {
    const long long now = book_.nowMs();
    const CartStore& store = book_.store();
    const auto row = store.find(tx, owner);
    if (!row) throw Problem::notFound("No such line in your cart.");
    store.touch(tx, row->id, now);
    const auto line = store.line(tx, row->id, lineId);
    if (!line) throw Problem::notFound("No such line in your cart.");
    const auto found = book_.variants().lookup(tx, {line->variantId});
    if (found.empty() || !found.front().purchasable)
      throw Problem(422, "not_purchasable", line->productName + " (" + line->sku + ") is no longer on sale; remove it.");
    const auto& v = found.front();
    if (quantity > line->quantity) requireStock(tx, v, quantity);
    store.putLine(tx, row->id, v, quantity, now);
    return book_.price(tx, *store.findById(tx, row->id));
  });
}

void CartApi::removeItem(const Request& req) {
  const std::string lineId(req.requireParam("id"));
  const Owner owner = ownerOf(req);
  ctx_.db().run([&](Tx& tx) {
    const auto row = book_.store().find(tx, owner);
    if (!row) throw Problem::notFound("No such line in your cart.");
    book_.store().touch(tx, row->id, book_.nowMs());
    if (!book_.store().removeLine(tx, row->id, lineId)) throw Problem::notFound("No such line in your cart.");
  });
}

void CartApi::empty(const Request& req) {
  const Owner owner = ownerOf(req);
  ctx_.db().run([&](Tx& tx) {
    if (const auto row = book_.store().find(tx, owner)) book_.clear(tx, row->id);
  });
}

Cart CartApi::merge(const std::string& userId, const std::string& token) {
  return ctx_.db().run([&](Tx& tx) {
    const long long now = book_.nowMs();
    const CartStore& store = book_.store();
    const auto guest = store.find(tx, Owner{std::nullopt, sha256Hex(token)});
    if (!guest) throw Problem::notFound("No guest cart has this token; it may have been merged already.");
    if (const auto mine = store.find(tx, Owner{userId, std::nullopt}))
      store.mergeInto(tx, guest->id, mine->id, book_.config().maxQuantityPerLine, book_.config().maxLines, now);
    else
      store.adopt(tx, guest->id, userId, now);
    return book_.price(tx, *store.find(tx, Owner{userId, std::nullopt}));
  });
}

Totals CartApi::totals(const Request& req, const std::optional<std::string>& coupon, const std::string& method) {
  const Owner owner = ownerOf(req);
  return ctx_.db().read([&](Tx& tx) {
    const auto loaded = book_.store().load(tx, owner);
    const Cart cart = loaded ? book_.price(tx, loaded->cart, loaded->lines) : book_.empty();
    try {
      return book_.totals(tx, cart, coupon, method);
    } catch (const CouponRefused& e) {
      throw couponProblem(e, "couponCode");
    } catch (const UnknownShippingMethod& e) {
      throw shippingProblem(e, "shippingMethod");
    }
  });
}

}  // namespace agape::cart
