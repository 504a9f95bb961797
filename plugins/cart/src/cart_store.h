#pragma once
// The cart tables: carts by owner, their lines, merging and the purge of
// abandoned guest carts. Every call runs in the caller's transaction.
#include <optional>
#include <string>
#include <vector>

#include <agape/catalog/variant_directory.h>
#include <agape/db.h>

namespace agape::cart {

// Who a cart belongs to: a signed-in user, else the guest token's digest.
struct Owner {
  std::optional<std::string> userId;
  std::optional<std::string> tokenHash;
};

struct CartRow {
  std::string id;
  std::optional<std::string> userId;
  long long updatedAtMs = 0;
};

struct LineRow {
  std::string id;
  std::string variantId;
  long long quantity = 0;
  std::int64_t unitPrice = 0;
  std::string productName;
  std::string sku;
};

// A cart with its lines, oldest first, read in one statement.
struct CartWithLines {
  CartRow cart;
  std::vector<LineRow> lines;
};

class CartStore {
 public:
  // The owner's cart and its lines (the reads of GET /v1/cart and totals).
  std::optional<CartWithLines> load(Tx& tx, const Owner& owner) const;
  // The owner's cart; a user's is found by user id, a guest's by token digest.
  std::optional<CartRow> find(Tx& tx, const Owner& owner) const;
  std::optional<CartRow> findById(Tx& tx, const std::string& cartId) const;
  CartRow create(Tx& tx, const Owner& owner, long long nowMs) const;
  // Marks the cart changed. On PostgreSQL the row lock this takes orders
  // concurrent writes to one cart (line limits are checked under it); on
  // SQLite every write transaction is already alone.
  // False when there is no such cart.
  bool touch(Tx& tx, const std::string& cartId, long long nowMs) const;
  // The user's cart, touched (and so row-locked until commit), with its
  // lines as they are under that lock: what a checkout starts with.
  std::optional<CartWithLines> touchUsersCart(Tx& tx, const std::string& userId, long long nowMs) const;
  // Oldest line first.
  std::vector<LineRow> lines(Tx& tx, const std::string& cartId) const;
  std::optional<LineRow> line(Tx& tx, const std::string& cartId, const std::string& lineId) const;
  std::optional<LineRow> lineForVariant(Tx& tx, const std::string& cartId, const std::string& variantId) const;
  long long lineCount(Tx& tx, const std::string& cartId) const;
  // A new line, or the existing line of the variant set to `quantity`; the
  // price, name and SKU are the catalogue's now.
  void putLine(Tx& tx, const std::string& cartId, const catalog::VariantSummary& variant, long long quantity,
               long long nowMs) const;
  bool removeLine(Tx& tx, const std::string& cartId, const std::string& lineId) const;
  long long clear(Tx& tx, const std::string& cartId) const;
  // The same, sent with the transaction's next statement (Tx::execLater).
  void clearLater(Tx& tx, const std::string& cartId) const;
  // The guest cart becomes the user's (the user has none).
  void adopt(Tx& tx, const std::string& cartId, const std::string& userId, long long nowMs) const;
  // Moves the guest cart's lines into the user's: a variant in both gets the
  // sum, capped at `maxQuantity`; new lines stop at `maxLines`. The guest
  // cart is deleted.
  void mergeInto(Tx& tx, const std::string& guestCartId, const std::string& userCartId, long long maxQuantity,
                 long long maxLines, long long nowMs) const;
  // Deletes up to `limit` guest carts last changed before `beforeMs`; how many.
  long long purgeGuests(Tx& tx, long long beforeMs, long long limit) const;
};

}  // namespace agape::cart
