#include "reservation_book.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <span>
#include <stdexcept>

#include <agape/inventory/events.h>
#include <agape/problem.h>

#include "time_text.h"

namespace agape::inventory {
namespace {

constexpr long long kMaxQuantity = 1'000'000'000;
// IN lists are cut into chunks so a statement stays far within SQLite's
// parameter limit whatever the caller passes.
constexpr std::size_t kChunk = 200;
// Taken only around multi-item reservations: a shortfall on a later item
// rolls the earlier ones back without touching the caller's other writes.

const char* statusText(MovementKind kind) {
  switch (kind) {
    case MovementKind::Commit: return "committed";
    case MovementKind::Release: return "released";
    default: return "expired";
  }
}

const char* reasonText(MovementKind kind) {
  switch (kind) {
    case MovementKind::Reserve: return "reservation";
    case MovementKind::Commit: return "reservation committed";
    case MovementKind::Release: return "reservation released";
    default: return "reservation expired";
  }
}

ReservationStatus statusOf(const std::string& text) {
  if (text == "active") return ReservationStatus::Active;
  if (text == "committed") return ReservationStatus::Committed;
  if (text == "released") return ReservationStatus::Released;
  if (text == "expired") return ReservationStatus::Expired;
  throw std::runtime_error("inventory_holds: unknown status " + text);
}

std::string itemField(std::size_t i, const char* name) { return "items[" + std::to_string(i) + "]." + name; }

void validate(const std::vector<StockItem>& items) {
  std::vector<FieldError> errors;
  if (items.empty()) errors.push_back({"items", "must hold at least one item"});
  if (items.size() > ReservationBook::kMaxItems)
    errors.push_back({"items", "must hold at most " + std::to_string(ReservationBook::kMaxItems) + " items"});
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].variantId.empty() || items[i].variantId.size() > 64)
      errors.push_back({itemField(i, "variantId"), "must be a variant id"});
    else if (!seen.insert(items[i].variantId).second)
      errors.push_back({itemField(i, "variantId"), "is given twice; give each variant once with its total quantity"});
    if (items[i].quantity < 1 || items[i].quantity > kMaxQuantity)
      errors.push_back({itemField(i, "quantity"), "must be between 1 and " + std::to_string(kMaxQuantity)});
  }
  if (!errors.empty()) throw Problem::validation(std::move(errors));
}

// Indexes of `items` in variant id order: every writer locks level rows in
// this order, so two transactions never wait for each other in a cycle.
std::vector<std::size_t> lockOrder(const std::vector<StockItem>& items) {
  std::vector<std::size_t> order(items.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return items[a].variantId < items[b].variantId; });
  return order;
}

// The hold tables store the holder's key text.
std::string keyOf(const Holder& holder) {
  if (!holder.valid())
    throw std::invalid_argument(
        "inventory holder \"" + holder.key() +
        "\": the kind must be lower-case letters, digits, '_' or '-' and the id not empty");
  std::string key = holder.key();
  if (key.size() > 200)
    throw std::invalid_argument("inventory holder: the key must be at most 200 characters");
  return key;
}

// Rows of variant_id and quantity, in variant order.
std::vector<StockItem> itemsOf(const std::vector<Row>& rows) {
  std::vector<StockItem> items;
  for (const Row& r : rows) items.push_back({r.text("variant_id"), r.integer("quantity")});
  std::sort(items.begin(), items.end(), [](const StockItem& a, const StockItem& b) { return a.variantId < b.variantId; });
  return items;
}

std::vector<StockItem> holdItems(Tx& tx, const std::string& key) {
  return itemsOf(tx.query("SELECT variant_id, quantity FROM inventory_hold_items WHERE holder = :h", {{"h", key}}));
}

void insertHoldItems(Tx& tx, const std::string& key, const std::vector<StockItem>& sorted) {
  std::string sql = "INSERT INTO inventory_hold_items (holder, variant_id, quantity) VALUES ";
  Params params{{"h", key}};
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const std::string n = std::to_string(i);
    sql += (i ? ", (:h, :v" : "(:h, :v") + n + ", :q" + n + ")";
    params.emplace_back("v" + n, sorted[i].variantId);
    params.emplace_back("q" + n, sorted[i].quantity);
  }
  tx.execLater(sql, params);
}

}  // namespace

void ReservationBook::countWith(Metrics& metrics) {
  auto counter = [&](const char* event) -> Counter* {
    return &metrics.counter("agape_inventory_reservations_total",
                            "Stock reservations by event: reserved, refused (out of stock), committed, released, "
                            "expired.",
                            {{"event", event}});
  };
  counters_ = Counters{counter("reserved"), counter("refused"), counter("committed"), counter("released"),
                       counter("expired")};
}

void ReservationBook::countAtCommit(Tx& tx, Counter* counter) {
  tx.afterCommit([counter] { counter->inc(); });
}

std::vector<Level> ReservationBook::moveLevels(Tx& tx, const std::vector<StockItem>& sorted, LevelMove move,
                                               long long now) {
  // One statement for every item. On PostgreSQL the rows are locked first,
  // in variant order, so two checkouts or settlements never wait on each
  // other in a cycle. A reservation's check is the update's own condition,
  // made on each row's latest committed version: it applies only when every
  // line is covered (the rows that cover their line are locked and counted;
  // on SQLite the one write transaction is alone). No value read earlier
  // is trusted.
  if (sorted.empty()) return {};
  const bool reserving = move == LevelMove::Reserve;
  Params params{{"now", now}};
  if (reserving) params.emplace_back("n", static_cast<long long>(sorted.size()));
  std::string want;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const std::string n = std::to_string(i);
    want += std::string(i ? ", " : "") + "(CAST(:v" + n + " AS TEXT), CAST(:q" + n + " AS BIGINT))";
    params.emplace_back("v" + n, sorted[i].variantId);
    params.emplace_back("q" + n, sorted[i].quantity);
  }
  const bool pg = tx.dialect() == Dialect::Postgres;
  const char* set = reserving                  ? "reserved = reserved + want.wq"
                    : move == LevelMove::Sell ? "on_hand = on_hand - want.wq, reserved = reserved - want.wq"
                                               : "reserved = reserved - want.wq";
  const std::string covers = reserving ? " WHERE l.on_hand - l.reserved >= want.wq" : "";
  std::string sql = "WITH want (wv, wq) AS (VALUES " + want + ")";
  if (pg)
    sql += ", locked AS MATERIALIZED (SELECT l.variant_id FROM inventory_levels l JOIN want ON want.wv = l.variant_id" +
           covers + " ORDER BY l.variant_id FOR UPDATE OF l)";
  sql += std::string(" UPDATE inventory_levels SET ") + set + ", version = version + 1, updated_at = :now FROM want" +
         " WHERE inventory_levels.variant_id = want.wv";
  if (reserving)
    sql += pg ? " AND (SELECT count(*) FROM locked) = :n"
              : " AND (SELECT count(*) FROM inventory_levels l JOIN want ON want.wv = l.variant_id" + covers + ") = :n";
  else if (pg)
    sql += " AND (SELECT count(*) FROM locked) >= 0";  // the locks first
  sql += std::string(" RETURNING ") + kLevelColumns;
  std::map<std::string, Level> byVariant;
  for (const Row& r : tx.query(sql, params)) {
    Level l = levelFromRow(r);
    byVariant.emplace(l.variantId, std::move(l));
  }
  std::vector<Level> levels;
  if (reserving && byVariant.size() != sorted.size()) return levels;  // none updated: a line is not covered
  for (const StockItem& item : sorted) {
    auto it = byVariant.find(item.variantId);
    if (it == byVariant.end()) throw std::logic_error("inventory level missing for a held variant: " + item.variantId);
    levels.push_back(std::move(it->second));
  }
  return levels;
}

Reservation ReservationBook::reserve(Tx& tx, const Holder& holder, const std::vector<StockItem>& items,
                                     std::optional<std::chrono::seconds> ttl) {
  const std::string key = keyOf(holder);
  if (ttl && ttl->count() <= 0) throw std::invalid_argument("reserve: ttl must be positive");
  validate(items);
  const std::vector<std::size_t> order = lockOrder(items);
  std::vector<StockItem> sorted;
  for (std::size_t i : order) sorted.push_back(items[i]);

  const long long now = ledger_.nowMs();
  const long long expiresAt =
      now + (ttl ? std::chrono::duration_cast<std::chrono::milliseconds>(*ttl) : defaultTtl_).count();

  // The hold row first: it is what makes a second reserve for the holder a
  // no-op, including one racing this call from another transaction (the
  // insert waits for the other's outcome).
  const long long inserted = tx.exec(
      "INSERT INTO inventory_holds (holder, status, expires_at, created_at, updated_at) "
      "VALUES (:h, 'active', :exp, :now, :now) ON CONFLICT (holder) DO NOTHING",
      {{"h", key}, {"exp", expiresAt}, {"now", now}});
  if (inserted == 0) {
    auto existing = find(tx, holder);
    if (!existing) throw std::logic_error("inventory hold vanished inside its own transaction");
    if (existing->items != sorted)
      throw ReservationConflict(holder);
    return *existing;
  }

  std::vector<Level> levels = moveLevels(tx, sorted, LevelMove::Reserve, now);
  if (levels.empty()) {
    tx.exec("DELETE FROM inventory_holds WHERE holder = :h", {{"h", key}});
    throwShortage(tx, items);
  }
  std::vector<LevelChange> changes;
  changes.reserve(sorted.size());
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    LevelChange c{std::move(levels[i]), 0, sorted[i].quantity, 0};
    c.availableBefore = c.after.available() + sorted[i].quantity;
    changes.push_back(std::move(c));
  }

  insertHoldItems(tx, key, sorted);
  ledger_.record(tx, changes,
                 Movement{MovementKind::Reserve, reasonText(MovementKind::Reserve), "system", key});
  if (wakeOnReserve_) tx.afterCommit([wake = &wakeOnReserve_, expiresAt] { (*wake)(expiresAt); });
  if (counters_) countAtCommit(tx, counters_->reserved);
  return Reservation{holder, std::move(sorted), fromEpochMs(expiresAt), ReservationStatus::Active};
}

void ReservationBook::throwShortage(Tx& tx, const std::vector<StockItem>& items) const {
  std::vector<std::string> ids;
  for (const auto& item : items) ids.push_back(item.variantId);
  const auto stock = available(tx, ids);
  std::vector<Shortage> shortages;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const long long have = stock.at(items[i].variantId);
    if (have < items[i].quantity) shortages.push_back({i, items[i].variantId, items[i].quantity, have});
  }
  // The level changed between the failed update and this read (another
  // transaction released stock): still short at the moment of the update.
  if (shortages.empty()) shortages.push_back({0, items[0].variantId, items[0].quantity, std::nullopt});
  if (counters_) counters_->refused->inc();
  throw OutOfStock(std::move(shortages));
}

bool ReservationBook::commit(Tx& tx, const Holder& holder) {
  return settle(tx, keyOf(holder), MovementKind::Commit, std::nullopt);
}

bool ReservationBook::release(Tx& tx, const Holder& holder) {
  return settle(tx, keyOf(holder), MovementKind::Release, std::nullopt);
}

bool ReservationBook::expire(Tx& tx, const std::string& holderKey, long long atMs) {
  return settle(tx, holderKey, MovementKind::Expire, atMs);
}

bool ReservationBook::settle(Tx& tx, const std::string& key, MovementKind kind,
                             std::optional<long long> dueAtMs) {
  const long long now = ledger_.nowMs();
  // Exactly one settlement wins, whichever of commit, release and the expiry
  // sweep (on any instance) comes first: the others find the hold no longer
  // active and change nothing.
  Params params{{"s", statusText(kind)}, {"now", now}, {"h", key}};
  std::string win = "UPDATE inventory_holds SET status = :s, updated_at = :now WHERE holder = :h AND status = 'active'";
  if (dueAtMs) {
    win += " AND expires_at <= :due";
    params.emplace_back("due", *dueAtMs);
  }
  std::vector<StockItem> items;
  if (tx.dialect() == Dialect::Postgres) {
    // The win and the held items in one round trip (a hold has an item or more).
    items = itemsOf(tx.query("WITH won AS (" + win + " RETURNING holder) SELECT i.variant_id, i.quantity "
                             "FROM inventory_hold_items i JOIN won ON won.holder = i.holder", params));
    if (items.empty()) return false;
  } else {
    if (tx.exec(win, params) == 0) return false;
    items = holdItems(tx, key);
  }
  const bool sold = kind == MovementKind::Commit;
  std::vector<Level> levels = moveLevels(tx, items, sold ? LevelMove::Sell : LevelMove::GiveBack, now);
  std::vector<LevelChange> changes;
  changes.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const long long onHandDelta = sold ? -items[i].quantity : 0;
    LevelChange c{std::move(levels[i]), onHandDelta, -items[i].quantity, 0};
    c.availableBefore = c.after.available() - (onHandDelta + items[i].quantity);
    changes.push_back(std::move(c));
  }
  ledger_.record(tx, changes, Movement{kind, reasonText(kind), "system", key});

  if (kind == MovementKind::Expire) {
    // The key for its older readers, its kind and id for the others (a key
    // stored before holders were typed may be no holder's: kind and id empty).
    ReservationExpired expired{.holderKey = key, .items = {}};
    if (const auto holder = Holder::parse(key)) {
      expired.holderKind = holder->kind;
      expired.holderId = holder->id;
    }
    for (const auto& item : items) expired.items.push_back({.variantId = item.variantId, .quantity = item.quantity});
    ledger_.events().publish(tx, expired);
  }
  if (counters_)
    countAtCommit(tx, kind == MovementKind::Commit    ? counters_->committed
                      : kind == MovementKind::Release ? counters_->released
                                                      : counters_->expired);
  return true;
}

bool ReservationBook::restock(Tx& tx, const Holder& holder) {
  const std::string key = keyOf(holder);
  const long long now = ledger_.nowMs();
  // Once: of concurrent or repeated calls only one finds it not returned yet.
  if (tx.exec("UPDATE inventory_holds SET returned_at = :now, updated_at = :now WHERE holder = :h "
              "AND status = 'committed' AND returned_at IS NULL",
              {{"now", now}, {"h", key}}) == 0)
    return false;
  std::vector<LevelChange> changes;
  for (const StockItem& item : holdItems(tx, key)) {
    const auto rows = tx.query(std::string("UPDATE inventory_levels SET on_hand = on_hand + :q, version = version + 1, "
                                           "updated_at = :now WHERE variant_id = :v RETURNING ") +
                                   kLevelColumns,
                               {{"q", item.quantity}, {"now", now}, {"v", item.variantId}});
    if (rows.empty()) throw std::logic_error("inventory level missing for a held variant: " + item.variantId);
    LevelChange c{levelFromRow(rows.front()), item.quantity, 0, 0};
    c.availableBefore = c.after.available() - item.quantity;
    changes.push_back(std::move(c));
  }
  ledger_.record(tx, changes, Movement{MovementKind::Return, "sold units returned", "system", key});
  return true;
}

std::optional<Reservation> ReservationBook::find(Tx& tx, const Holder& holder) const {
  const std::string key = keyOf(holder);
  auto hold =
      tx.one("SELECT status, expires_at, returned_at FROM inventory_holds WHERE holder = :h", {{"h", key}});
  if (!hold) return std::nullopt;
  const ReservationStatus status = hold->isNull("returned_at") ? statusOf(hold->text("status")) : ReservationStatus::Returned;
  return Reservation{holder, holdItems(tx, key), fromEpochMs(hold->integer("expires_at")), status};
}

std::map<std::string, long long> ReservationBook::available(Tx& tx, const std::vector<std::string>& variantIds) const {
  std::map<std::string, long long> out;
  for (const auto& id : variantIds) out.emplace(id, 0);
  std::vector<std::string> unique;
  for (const auto& [id, _] : out) unique.push_back(id);
  for (std::size_t start = 0; start < unique.size(); start += kChunk) {
    const std::size_t end = std::min(unique.size(), start + kChunk);
    Params params;
    const std::string list = inList(params, "v", std::span(unique).subspan(start, end - start));
    for (const Row& r : tx.query("SELECT variant_id, on_hand - reserved AS available FROM inventory_levels "
                                 "WHERE variant_id IN (" + list + ")",
                                 params))
      out[r.text("variant_id")] = r.integer("available");
  }
  return out;
}

std::vector<std::string> ReservationBook::due(Tx& tx, long long atMs, long long limit) const {
  std::vector<std::string> holders;
  for (const Row& r : tx.query("SELECT holder FROM inventory_holds WHERE status = 'active' AND expires_at <= :at "
                               "ORDER BY expires_at, holder LIMIT :n",
                               {{"at", atMs}, {"n", limit}}))
    holders.push_back(r.text("holder"));
  return holders;
}

std::optional<long long> ReservationBook::nextExpiry(Tx& tx) const {
  // min() over the partial index inventory_holds_due (expires_at WHERE
  // status = 'active'): its first entry, on both databases.
  const auto row = tx.one("SELECT min(expires_at) AS at FROM inventory_holds WHERE status = 'active'");
  return row ? row->optInteger("at") : std::nullopt;
}

}  // namespace agape::inventory
