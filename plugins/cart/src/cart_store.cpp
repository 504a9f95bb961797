#include "cart_store.h"

#include <algorithm>

#include <agape/crypto.h>

namespace agape::cart {
namespace {

CartRow cartOf(const Row& r) { return {r.text("id"), r.optText("user_id"), r.integer("updated_at")}; }

LineRow lineOf(const Row& r) {
  return {r.text("id"), r.text("variant_id"), r.integer("quantity"), r.integer("unit_price"), r.text("product_name"),
          r.text("sku")};
}

constexpr const char* kLineColumns = "SELECT id, variant_id, quantity, unit_price, product_name, sku FROM cart_items ";

// Rows of a cart (cart_id, user_id, cart_updated_at) left-joined to its
// lines; nullopt when there are none.
std::optional<CartWithLines> withLines(const std::vector<Row>& rows) {
  if (rows.empty()) return std::nullopt;
  CartWithLines out{{rows[0].text("cart_id"), rows[0].optText("user_id"), rows[0].integer("cart_updated_at")}, {}};
  for (const auto& r : rows)
    if (!r.isNull("id")) out.lines.push_back(lineOf(r));
  return out;
}

}  // namespace

std::optional<CartWithLines> CartStore::load(Tx& tx, const Owner& owner) const {
  if (!owner.userId && !owner.tokenHash) return std::nullopt;
  const std::string sql =
      std::string("SELECT c.id AS cart_id, c.user_id, c.updated_at AS cart_updated_at, i.id, i.variant_id, i.quantity, "
                  "i.unit_price, i.product_name, i.sku FROM cart_carts c LEFT JOIN cart_items i ON i.cart_id = c.id WHERE ") +
      (owner.userId ? "c.user_id = :owner" : "c.token_hash = :owner") + " ORDER BY i.created_at, i.id";
  return withLines(tx.query(sql, {{"owner", owner.userId ? *owner.userId : *owner.tokenHash}}));
}

std::optional<CartRow> CartStore::find(Tx& tx, const Owner& owner) const {
  std::optional<Row> r;
  if (owner.userId)
    r = tx.one("SELECT id, user_id, updated_at FROM cart_carts WHERE user_id = :user",
               {{"user", *owner.userId}});
  else if (owner.tokenHash)
    r = tx.one("SELECT id, user_id, updated_at FROM cart_carts WHERE token_hash = :hash",
               {{"hash", *owner.tokenHash}});
  if (!r) return std::nullopt;
  return cartOf(*r);
}

std::optional<CartRow> CartStore::findById(Tx& tx, const std::string& cartId) const {
  auto r = tx.one("SELECT id, user_id, updated_at FROM cart_carts WHERE id = :id", {{"id", cartId}});
  if (!r) return std::nullopt;
  return cartOf(*r);
}

CartRow CartStore::create(Tx& tx, const Owner& owner, long long nowMs) const {
  // Two first writes of one user at once: the second insert does nothing
  // and both continue with the cart that won.
  tx.exec("INSERT INTO cart_carts (id, user_id, token_hash, created_at, updated_at) VALUES (:id, :user, :hash, :now, :now) "
          "ON CONFLICT DO NOTHING",
          {{"id", uuidV7(nowMs)}, {"user", owner.userId},
           {"hash", owner.userId ? std::optional<std::string>() : owner.tokenHash}, {"now", nowMs}});
  return *find(tx, owner);
}

bool CartStore::touch(Tx& tx, const std::string& cartId, long long nowMs) const {
  return tx.exec("UPDATE cart_carts SET updated_at = :now WHERE id = :id", {{"now", nowMs}, {"id", cartId}}) > 0;
}

std::optional<CartWithLines> CartStore::touchUsersCart(Tx& tx, const std::string& userId, long long nowMs) const {
  if (tx.dialect() == Dialect::Postgres) {
    // One statement: the cart touched and its lines read. Its lines come
    // from the statement's snapshot, taken before any wait for the cart's
    // lock; so the update applies only to the version that snapshot saw
    // (same xmin). If another transaction changed the cart meanwhile (a
    // concurrent checkout emptied it) nothing is returned, and the two
    // statements below lock first and read after.
    if (auto cart = withLines(tx.query(
            "WITH seen AS (SELECT xmin AS version FROM cart_carts WHERE user_id = :user), "
            "c AS (UPDATE cart_carts SET updated_at = :now WHERE user_id = :user "
            "AND xmin = (SELECT version FROM seen) RETURNING id, user_id, updated_at) "
            "SELECT c.id AS cart_id, c.user_id, c.updated_at AS cart_updated_at, i.id, i.variant_id, i.quantity, "
            "i.unit_price, i.product_name, i.sku FROM c LEFT JOIN cart_items i ON i.cart_id = c.id "
            "ORDER BY i.created_at, i.id",
            {{"now", nowMs}, {"user", userId}})))
      return cart;
  }
  auto r = tx.one("UPDATE cart_carts SET updated_at = :now WHERE user_id = :user RETURNING id, user_id, updated_at",
                  {{"now", nowMs}, {"user", userId}});
  if (!r) return std::nullopt;
  const CartRow cart = cartOf(*r);
  return CartWithLines{cart, lines(tx, cart.id)};
}

std::vector<LineRow> CartStore::lines(Tx& tx, const std::string& cartId) const {
  std::vector<LineRow> out;
  for (const auto& r : tx.query(std::string(kLineColumns) + "WHERE cart_id = :cart ORDER BY created_at, id",
                                {{"cart", cartId}}))
    out.push_back(lineOf(r));
  return out;
}

std::optional<LineRow> CartStore::line(Tx& tx, const std::string& cartId, const std::string& lineId) const {
  auto r = tx.one(std::string(kLineColumns) + "WHERE cart_id = :cart AND id = :id",
                  {{"cart", cartId}, {"id", lineId}});
  if (!r) return std::nullopt;
  return lineOf(*r);
}

std::optional<LineRow> CartStore::lineForVariant(Tx& tx, const std::string& cartId, const std::string& variantId) const {
  auto r = tx.one(std::string(kLineColumns) + "WHERE cart_id = :cart AND variant_id = :variant",
                  {{"cart", cartId}, {"variant", variantId}});
  if (!r) return std::nullopt;
  return lineOf(*r);
}

long long CartStore::lineCount(Tx& tx, const std::string& cartId) const {
  return tx.one("SELECT COUNT(*) AS n FROM cart_items WHERE cart_id = :cart",
                {{"cart", cartId}})->integer("n");
}

void CartStore::putLine(Tx& tx, const std::string& cartId, const catalog::VariantSummary& v, long long quantity,
                        long long nowMs) const {
  const long long changed =
      tx.exec("UPDATE cart_items SET quantity = :q, unit_price = :price, product_name = :name, sku = :sku, "
              "updated_at = :now WHERE cart_id = :cart AND variant_id = :variant",
              {{"q", quantity}, {"price", v.price}, {"name", v.productName}, {"sku", v.sku}, {"now", nowMs},
               {"cart", cartId}, {"variant", v.id}});
  if (changed > 0) return;
  tx.exec("INSERT INTO cart_items (id, cart_id, variant_id, quantity, unit_price, product_name, sku, created_at, updated_at) "
          "VALUES (:id, :cart, :variant, :q, :price, :name, :sku, :now, :now)",
          {{"id", uuidV7(nowMs)}, {"cart", cartId}, {"variant", v.id}, {"q", quantity}, {"price", v.price},
           {"name", v.productName}, {"sku", v.sku}, {"now", nowMs}});
}

bool CartStore::removeLine(Tx& tx, const std::string& cartId, const std::string& lineId) const {
  return tx.exec("DELETE FROM cart_items WHERE cart_id = :cart AND id = :id",
                 {{"cart", cartId}, {"id", lineId}}) > 0;
}

long long CartStore::clear(Tx& tx, const std::string& cartId) const {
  return tx.exec("DELETE FROM cart_items WHERE cart_id = :cart", {{"cart", cartId}});
}

void CartStore::clearLater(Tx& tx, const std::string& cartId) const {
  tx.execLater("DELETE FROM cart_items WHERE cart_id = :cart", {{"cart", cartId}});
}

void CartStore::adopt(Tx& tx, const std::string& cartId, const std::string& userId, long long nowMs) const {
  tx.exec("UPDATE cart_carts SET user_id = :user, token_hash = NULL, updated_at = :now WHERE id = :id",
          {{"user", userId}, {"now", nowMs}, {"id", cartId}});
}

void CartStore::mergeInto(Tx& tx, const std::string& guestCartId, const std::string& userCartId, long long maxQuantity,
                          long long maxLines, long long nowMs) const {
  // Both rows locked, in id order so two merges never wait on each other.
  touch(tx, std::min(guestCartId, userCartId), nowMs);
  touch(tx, std::max(guestCartId, userCartId), nowMs);
  long long count = lineCount(tx, userCartId);
  for (const LineRow& g : lines(tx, guestCartId)) {
    if (auto mine = lineForVariant(tx, userCartId, g.variantId)) {
      const long long q = std::min(maxQuantity, mine->quantity + g.quantity);
      if (q != mine->quantity)
        tx.exec("UPDATE cart_items SET quantity = :q, updated_at = :now WHERE id = :id",
                {{"q", q}, {"now", nowMs}, {"id", mine->id}});
    } else if (count < maxLines) {
      // The guest's line moves as it is: its price and name are what the
      // shopper saw when adding it.
      tx.exec("UPDATE cart_items SET cart_id = :cart, quantity = :q, updated_at = :now WHERE id = :id",
              {{"cart", userCartId}, {"q", std::min(maxQuantity, g.quantity)}, {"now", nowMs}, {"id", g.id}});
      ++count;
    }
  }
  tx.exec("DELETE FROM cart_items WHERE cart_id = :cart", {{"cart", guestCartId}});
  tx.exec("DELETE FROM cart_carts WHERE id = :id", {{"id", guestCartId}});
}

long long CartStore::purgeGuests(Tx& tx, long long beforeMs, long long limit) const {
  const auto due = tx.query(
      "SELECT id FROM cart_carts WHERE user_id IS NULL AND updated_at < :before ORDER BY updated_at LIMIT :limit",
      {{"before", beforeMs}, {"limit", limit}});
  long long purged = 0;
  // Checked again by the delete itself: a shopper who came back since the
  // select (and holds the row) keeps the cart. The lines go by cascade.
  for (const auto& r : due)
    purged += tx.exec("DELETE FROM cart_carts WHERE id = :id AND user_id IS NULL AND updated_at < :before",
                      {{"id", r.text("id")}, {"before", beforeMs}});
  return purged;
}

}  // namespace agape::cart
