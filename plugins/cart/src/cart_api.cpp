#include "cart_api.h"

#include <agape/clock.h>
#include <agape/crypto.h>
#include <agape/db.h>
#include <agape/json.h>
#include <agape/problem.h>
#include <agape/query.h>


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

Json optional(const std::optional<std::string>& s) { return s ? Json(*s) : Json(nullptr); }
Json nonEmpty(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

Json cartJson(const Cart& c, const std::optional<std::string>& newToken = std::nullopt) {
  Json items = Json::array();
  for (const auto& l : c.lines)
    items.push_back({{"id", l.id},
                     {"variantId", l.variantId},
                     {"productId", nonEmpty(l.productId)},
                     {"productSlug", nonEmpty(l.productSlug)},
                     {"productName", l.productName},
                     {"sku", l.sku},
                     {"size", optional(l.size)},
                     {"color", optional(l.color)},
                     {"quantity", l.quantity},
                     {"unitPrice", l.unitPrice},
                     {"currentPrice", l.currentPrice},
                     {"priceChanged", l.purchasable && l.currentPrice != l.unitPrice},
                     {"lineTotal", l.lineTotal},
                     {"purchasable", l.purchasable},
                     {"available", l.available ? Json(*l.available) : Json(nullptr)}});
  Json out = {{"id", nonEmpty(c.id)},           {"items", std::move(items)},
              {"itemCount", c.itemCount},       {"subtotal", c.subtotal},
              {"currency", c.currency},         {"updatedAt", c.id.empty() ? Json(nullptr) : Json(rfc3339(c.updatedAtMs))}};
  if (newToken) out["cartToken"] = *newToken;
  return out;
}

Json totalsJson(const Totals& t) {
  return {{"subtotal", t.subtotal},         {"discount", t.discount},     {"tax", t.tax},
          {"shipping", t.shipping},         {"total", t.total},           {"currency", t.currency},
          {"shippingMethod", t.shippingMethod}, {"couponCode", optional(t.couponCode)},
          {"taxInclusive", t.taxInclusive}};
}

long long quantityOf(const Json& body, long long max, std::optional<long long> fallback) {
  if (!body.contains("quantity")) {
    if (fallback) return *fallback;
    throw Problem::validation({{"quantity", "is required"}});
  }
  const Json& q = body["quantity"];
  if (!q.is_number_integer() || q.get<long long>() < 1 || q.get<long long>() > max)
    throw Problem::validation({{"quantity", "must be an integer between 1 and " + std::to_string(max)}});
  return q.get<long long>();
}

std::string requiredText(const Json& body, const char* field, std::size_t maxLength) {
  if (!body.contains(field) || !body[field].is_string() || body[field].get_ref<const std::string&>().empty() ||
      body[field].get_ref<const std::string&>().size() > maxLength)
    throw Problem::validation({{field, "is required: a string of 1 to " + std::to_string(maxLength) + " characters"}});
  return body[field].get<std::string>();
}

// JSON Schemas for the OpenAPI document.
constexpr const char* kLineSchema =
    R"({"type":"object","required":["id","variantId","productId","productSlug","productName","sku","size","color","quantity",)"
    R"("unitPrice","currentPrice","priceChanged","lineTotal","purchasable","available"],"properties":{)"
    R"("id":{"type":"string"},"variantId":{"type":"string"},"productId":{"type":"string","nullable":true},)"
    R"("productSlug":{"type":"string","nullable":true},"productName":{"type":"string"},"sku":{"type":"string"},)"
    R"("size":{"type":"string","nullable":true},"color":{"type":"string","nullable":true},"quantity":{"type":"integer"},)"
    R"("unitPrice":{"type":"integer","description":"kobo, when the line was added or last changed"},)"
    R"("currentPrice":{"type":"integer","description":"kobo, the catalogue's price now"},)"
    R"("priceChanged":{"type":"boolean"},"lineTotal":{"type":"integer","description":"quantity × currentPrice; 0 when not purchasable"},)"
    R"("purchasable":{"type":"boolean","description":"false once the product is archived or the variant retired or removed"},)"
    R"("available":{"type":"integer","nullable":true,"description":"units in stock now; null without the inventory plugin"}}})";

std::string cartSchema() {
  return std::string(R"({"type":"object","required":["id","items","itemCount","subtotal","currency","updatedAt"],"properties":{)"
                     R"("id":{"type":"string","nullable":true,"description":"null until the first item is added"},"items":{"type":"array","items":)") +
         kLineSchema +
         R"(},"itemCount":{"type":"integer"},"subtotal":{"type":"integer","description":"kobo"},"currency":{"type":"string"},)"
         R"("updatedAt":{"type":"string","format":"date-time","nullable":true},)"
         R"("cartToken":{"type":"string","description":"only when this request created a guest cart: send it back as X-Cart-Token"}}})";
}

constexpr const char* kTotalsSchema =
    R"({"type":"object","required":["subtotal","discount","tax","shipping","total","currency","shippingMethod","couponCode","taxInclusive"],)"
    R"("properties":{"subtotal":{"type":"integer"},"discount":{"type":"integer"},"tax":{"type":"integer"},"shipping":{"type":"integer"},)"
    R"("total":{"type":"integer"},"currency":{"type":"string"},"shippingMethod":{"type":"string"},)"
    R"("couponCode":{"type":"string","nullable":true},"taxInclusive":{"type":"boolean","description":"true: tax is the part of total that is tax"}}})";

constexpr const char* kGuestNote =
    " A guest's cart is the one named by the X-Cart-Token header; a signed-in caller's is their own (a token is then "
    "ignored: POST /v1/cart/merge brings a guest cart in).";

}  // namespace

void CartApi::registerRoutes(Routes& routes) {
  routes.get("/v1/cart", [this](Request& req) { return get(req); },
             {.summary = "The caller's cart, priced now",
              .description = std::string("An empty cart (id null) when the caller has none yet.") + kGuestNote,
              .tag = kTag, .responseSchema = cartSchema()});
  routes.post("/v1/cart/items", [this](Request& req) { return addItem(req); },
              {.summary = "Adds a variant to the cart (or more of it to its line)",
               .description = std::string("`quantity` defaults to 1; a line holds at most cart.maxQuantityPerLine. "
                                          "400 for an unknown variant, 422 `not_purchasable` for one not on sale, 409 "
                                          "`out_of_stock` when the stock cannot cover the line, 422 `cart_full` past "
                                          "cart.maxLines. The first write without a cart creates one and returns its "
                                          "`cartToken`.") + kGuestNote,
               .tag = kTag,
               .requestSchema = R"({"type":"object","required":["variantId"],"additionalProperties":false,"properties":{)"
                                R"("variantId":{"type":"string"},"quantity":{"type":"integer","minimum":1}}})",
               .responseSchema = cartSchema()});
  routes.patch("/v1/cart/items/:id", [this](Request& req) { return updateItem(req); },
               {.summary = "Sets a line's quantity",
                .description = "404 when the line is not in the caller's cart; stock is checked when the quantity grows.",
                .tag = kTag,
                .requestSchema = R"({"type":"object","required":["quantity"],"additionalProperties":false,"properties":{)"
                                 R"("quantity":{"type":"integer","minimum":1}}})",
                .responseSchema = cartSchema()});
  routes.del("/v1/cart/items/:id", [this](Request& req) { return removeItem(req); },
             {.summary = "Removes a line", .tag = kTag, .successStatus = 204});
  routes.del("/v1/cart", [this](Request& req) { return empty(req); },
             {.summary = "Empties the cart", .tag = kTag, .successStatus = 204});
  routes.post("/v1/cart/merge", [this](Request& req) { return merge(req); },
              {.access = Access::Authenticated,
               .summary = "Brings a guest cart into the signed-in user's cart",
               .description = "A variant in both gets the sum of the quantities (capped at cart.maxQuantityPerLine); "
                              "lines past cart.maxLines are dropped; the guest cart is deleted. 404 when no guest cart "
                              "has this token (for instance, already merged).",
               .tag = kTag,
               .requestSchema = R"({"type":"object","required":["cartToken"],"additionalProperties":false,"properties":{)"
                                R"("cartToken":{"type":"string"}}})",
               .responseSchema = cartSchema()});
  routes.get("/v1/cart/totals", [this](Request& req) { return totals(req); },
             {.summary = "Subtotal, discount, shipping, tax and total of the caller's cart",
              .description = "Shipping is free for an empty cart and from the method's freeFrom. 400 for an unknown "
                             "shipping method, 422 `coupon_invalid` for a coupon that does not apply.",
              .tag = kTag, .responseSchema = kTotalsSchema,
              .query = {{.name = "couponCode", .description = "a coupon to apply"},
                        {.name = "shippingMethod", .description = "a method id of GET /v1/cart/shipping-methods "
                                                                  "(default: the store's default)"}}});
  routes.get("/v1/cart/shipping-methods", [this](Request& req) { return shippingMethods(req); },
             {.summary = "The store's shipping methods and prices", .tag = kTag,
              .responseSchema = R"({"type":"object","required":["data","default"],"properties":{"default":{"type":"string"},)"
                                R"("data":{"type":"array","items":{"type":"object","required":["id","label","price","freeFrom"],)"
                                R"("properties":{"id":{"type":"string"},"label":{"type":"string"},"price":{"type":"integer"},)"
                                R"("freeFrom":{"type":"integer","nullable":true}}}}}})"});
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

Response CartApi::get(const Request& req) {
  QueryReader(req, {}).finish();
  const Owner owner = ownerOf(req);
  return jsonResponse(cartJson(ctx_.db().read([&](Tx& tx) {
    const auto loaded = book_.store().load(tx, owner);
    return loaded ? book_.price(tx, loaded->cart, loaded->lines) : book_.empty();
  })));
}

Response CartApi::addItem(const Request& req) {
  QueryReader(req, {}).finish();
  const Json body = parseJsonObject(req, {"variantId", "quantity"});
  const std::string variantId = requiredText(body, "variantId", 100);
  const long long quantity = quantityOf(body, book_.config().maxQuantityPerLine, 1);
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
  return jsonResponse(cartJson(cart, newToken));
}

Response CartApi::updateItem(const Request& req) {
  QueryReader(req, {}).finish();
  const Json body = parseJsonObject(req, {"quantity"});
  const long long quantity = quantityOf(body, book_.config().maxQuantityPerLine, std::nullopt);
  const std::string lineId(req.requireParam("id"));
  const Owner owner = ownerOf(req);
  return jsonResponse(cartJson(ctx_.db().run([&](Tx& tx) {
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
  })));
}

Response CartApi::removeItem(const Request& req) {
  QueryReader(req, {}).finish();
  const std::string lineId(req.requireParam("id"));
  const Owner owner = ownerOf(req);
  ctx_.db().run([&](Tx& tx) {
    const auto row = book_.store().find(tx, owner);
    if (!row) throw Problem::notFound("No such line in your cart.");
    book_.store().touch(tx, row->id, book_.nowMs());
    if (!book_.store().removeLine(tx, row->id, lineId)) throw Problem::notFound("No such line in your cart.");
  });
  return Response::noContent();
}

Response CartApi::empty(const Request& req) {
  QueryReader(req, {}).finish();
  const Owner owner = ownerOf(req);
  ctx_.db().run([&](Tx& tx) {
    if (const auto row = book_.store().find(tx, owner)) book_.clear(tx, row->id);
  });
  return Response::noContent();
}

Response CartApi::merge(const Request& req) {
  QueryReader(req, {}).finish();
  const Json body = parseJsonObject(req, {"cartToken"});
  const std::string token = requiredText(body, "cartToken", 200);
  const std::string userId = req.principal->id;
  return jsonResponse(cartJson(ctx_.db().run([&](Tx& tx) {
    const long long now = book_.nowMs();
    const CartStore& store = book_.store();
    const auto guest = store.find(tx, Owner{std::nullopt, sha256Hex(token)});
    if (!guest) throw Problem::notFound("No guest cart has this token; it may have been merged already.");
    if (const auto mine = store.find(tx, Owner{userId, std::nullopt}))
      store.mergeInto(tx, guest->id, mine->id, book_.config().maxQuantityPerLine, book_.config().maxLines, now);
    else
      store.adopt(tx, guest->id, userId, now);
    return book_.price(tx, *store.find(tx, Owner{userId, std::nullopt}));
  })));
}

Response CartApi::totals(const Request& req) {
  QueryReader q(req, {"couponCode", "shippingMethod"});
  std::optional<std::string> coupon;
  if (auto code = q.text("couponCode", kMaxCouponLength)) {
    const auto first = code->find_first_not_of(" \t");
    if (first != std::string::npos) coupon = code->substr(first, code->find_last_not_of(" \t") - first + 1);
  }
  const std::string method = q.text("shippingMethod", 40).value_or("");
  q.finish();
  const Owner owner = ownerOf(req);
  return jsonResponse(totalsJson(ctx_.db().read([&](Tx& tx) {
    const auto loaded = book_.store().load(tx, owner);
    const Cart cart = loaded ? book_.price(tx, loaded->cart, loaded->lines) : book_.empty();
    return book_.totals(tx, cart, coupon, method);
  })));
}

Response CartApi::shippingMethods(const Request& req) {
  QueryReader(req, {}).finish();
  Json data = Json::array();
  for (const auto& m : book_.config().shippingMethods)
    data.push_back({{"id", m.id}, {"label", m.label}, {"price", m.price},
                    {"freeFrom", m.freeFrom ? Json(*m.freeFrom) : Json(nullptr)}});
  return jsonResponse({{"data", std::move(data)}, {"default", book_.config().defaultShippingMethod}});
}

}  // namespace agape::cart
