// The StockService against a real database (SQLite always, PostgreSQL when
// AGAPE_TEST_PG_URL is set): all-or-nothing reservations, idempotent
// commit/release, the movement ledger, events, and concurrent callers.
#include <atomic>
#include <thread>

#include "opening_stock_impl.h"
#include "inventory_test_support.h"

namespace agape::inventory::testing {
namespace {

class StockServiceTest : public InventoryDbTest {};

TEST_P(StockServiceTest, ReserveHoldsStockUntilCommitOrRelease) {
  stock("v1", 10);
  const Reservation r = reserve({"order", "1"}, {{"v1", 3}});
  EXPECT_EQ(r.status, ReservationStatus::Active);
  EXPECT_EQ(r.expiresAt, clock_.now() + 15min);
  EXPECT_EQ(level("v1").onHand, 10);
  EXPECT_EQ(level("v1").reserved, 3);
  EXPECT_EQ(db_->read([&](Tx& tx) { return book_->available(tx, {"v1", "unknown"}); }),
            (std::map<std::string, long long>{{"unknown", 0}, {"v1", 7}}));

  EXPECT_TRUE(db_->run([&](Tx& tx) { return book_->commit(tx, {"order", "1"}); }));
  EXPECT_EQ(level("v1").onHand, 7);
  EXPECT_EQ(level("v1").reserved, 0);

  reserve({"order", "2"}, {{"v1", 2}});
  EXPECT_TRUE(db_->run([&](Tx& tx) { return book_->release(tx, {"order", "2"}); }));
  EXPECT_EQ(level("v1").onHand, 7);
  EXPECT_EQ(level("v1").reserved, 0);
  EXPECT_EQ(fromMovements("v1"), std::make_pair(7LL, 0LL));
  // adjust, reserve, commit, reserve, release
  EXPECT_EQ(count("SELECT count(*) AS n FROM inventory_movements WHERE variant_id = 'v1'"), 5);
  EXPECT_EQ(level("v1").version, 5);
}

TEST_P(StockServiceTest, CommitAndReleaseAreIdempotent) {
  stock("v1", 5);
  reserve({"order", "1"}, {{"v1", 2}});
  reserve({"order", "2"}, {{"v1", 1}});
  auto commit = [&](const Holder& h) { return db_->run([&](Tx& tx) { return book_->commit(tx, h); }); };
  auto release = [&](const Holder& h) { return db_->run([&](Tx& tx) { return book_->release(tx, h); }); };
  EXPECT_TRUE(commit({"order", "1"}));
  EXPECT_FALSE(commit({"order", "1"}));
  EXPECT_FALSE(release({"order", "1"})) << "a committed reservation cannot be released";
  EXPECT_TRUE(release({"order", "2"}));
  EXPECT_FALSE(release({"order", "2"}));
  EXPECT_FALSE(commit({"order", "2"})) << "a released reservation cannot be committed";
  EXPECT_FALSE(commit({"order", "none"}));
  EXPECT_FALSE(release({"order", "none"}));
  EXPECT_EQ(level("v1").onHand, 3);
  EXPECT_EQ(level("v1").reserved, 0);
  EXPECT_EQ(fromMovements("v1"), std::make_pair(3LL, 0LL));
  const auto found = db_->read([&](Tx& tx) { return book_->find(tx, {"order", "1"}); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->status, ReservationStatus::Committed);
  EXPECT_EQ(found->items, (std::vector<StockItem>{{"v1", 2}}));
}

TEST_P(StockServiceTest, RestockReturnsSoldUnitsOnceWithAMovementNamingTheHolder) {
  stock("v1", 5);
  stock("v2", 4);
  reserve({"order", "1"}, {{"v1", 2}, {"v2", 1}});
  reserve({"order", "2"}, {{"v1", 1}});
  auto restock = [&](const Holder& h) { return db_->run([&](Tx& tx) { return book_->restock(tx, h); }); };
  EXPECT_FALSE(restock({"order", "1"})) << "an active reservation was never sold";
  ASSERT_TRUE(db_->run([&](Tx& tx) { return book_->commit(tx, {"order", "1"}); }));
  EXPECT_EQ(level("v1").onHand, 3);
  // Eight callers at once: the units come back once.
  std::atomic<int> returned{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      if (restock({"order", "1"})) ++returned;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(returned.load(), 1);
  EXPECT_EQ(level("v1").onHand, 5);
  EXPECT_EQ(level("v1").reserved, 1);
  EXPECT_EQ(level("v2").onHand, 4);
  EXPECT_EQ(fromMovements("v1"), std::make_pair(5LL, 1LL));
  EXPECT_EQ(count("SELECT count(*) AS n FROM inventory_movements WHERE kind = 'return' AND reference = 'order:1'"), 2);
  const auto found = db_->read([&](Tx& tx) { return book_->find(tx, {"order", "1"}); });
  EXPECT_EQ(found->status, ReservationStatus::Returned);
  EXPECT_FALSE(restock({"order", "2"})) << "a held (not sold) reservation is released, not restocked";
  EXPECT_FALSE(restock({"order", "none"}));
}

TEST_P(StockServiceTest, AShortItemRefusesTheWholeReservationNamingEveryShortVariant) {
  stock("a", 5);
  stock("b", 1);
  stock("c", 0);
  const long long versionA = level("a").version;
  const Problem p = refusal({"order", "1"}, {{"c", 1}, {"a", 2}, {"b", 3}});
  EXPECT_EQ(p.status(), 409);
  EXPECT_EQ(p.code(), "out_of_stock");
  EXPECT_EQ(p.title(), "Out of stock");
  EXPECT_NE(p.detail().find("b (requested 3, available 1)"), std::string::npos) << p.detail();
  EXPECT_NE(p.detail().find("c (requested 1, available 0)"), std::string::npos) << p.detail();
  ASSERT_EQ(p.errors().size(), 2u);
  EXPECT_EQ(p.errors()[0].field, "items[0].quantity");
  EXPECT_EQ(p.errors()[0].message, "is out of stock");
  EXPECT_EQ(p.errors()[1].field, "items[2].quantity");
  EXPECT_EQ(p.errors()[1].message, "only 1 available");
  EXPECT_EQ(level("a").reserved, 0);
  EXPECT_EQ(level("a").version, versionA);
  EXPECT_EQ(count("SELECT count(*) AS n FROM inventory_holds"), 0);
  EXPECT_EQ(count("SELECT count(*) AS n FROM inventory_movements WHERE kind = 'reserve'"), 0);
}

TEST_P(StockServiceTest, ARefusedReservationLeavesTheCallersTransactionUntouchedEvenWhenCaught) {
  stock("a", 5);
  stock("b", 1);
  // A caller that catches the refusal and commits its own work anyway.
  db_->run([&](Tx& tx) {
    book_->reserve(tx, {"order", "kept"}, {{"a", 1}});
    EXPECT_THROW(book_->reserve(tx, {"order", "multi"}, {{"a", 2}, {"b", 2}}), OutOfStock);
    EXPECT_THROW(book_->reserve(tx, {"order", "single"}, {{"b", 2}}), OutOfStock);
    book_->reserve(tx, {"order", "after"}, {{"b", 1}});
  });
  EXPECT_EQ(level("a").reserved, 1);
  EXPECT_EQ(level("b").reserved, 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM inventory_holds"), 2);
  EXPECT_EQ(fromMovements("a"), std::make_pair(5LL, 1LL));
  EXPECT_EQ(fromMovements("b"), std::make_pair(1LL, 1LL));
}

TEST_P(StockServiceTest, ReservingAgainForTheSameHolderIsANoOp) {
  stock("a", 5);
  stock("b", 5);
  const Reservation first = reserve({"order", "1"}, {{"b", 1}, {"a", 2}});
  clock_.advance(1min);
  const Reservation again = reserve({"order", "1"}, {{"a", 2}, {"b", 1}});
  EXPECT_EQ(again.expiresAt, first.expiresAt);
  EXPECT_EQ(again.items, (std::vector<StockItem>{{"a", 2}, {"b", 1}}));
  EXPECT_EQ(level("a").reserved, 2);
  const Problem p = refusal({"order", "1"}, {{"a", 3}});
  EXPECT_EQ(p.status(), 409);
  EXPECT_EQ(p.code(), "reservation_conflict");
  // Once committed, a retry of the reserving transaction still changes nothing.
  db_->run([&](Tx& tx) { book_->commit(tx, {"order", "1"}); });
  EXPECT_EQ(reserve({"order", "1"}, {{"a", 2}, {"b", 1}}).status, ReservationStatus::Committed);
  EXPECT_EQ(level("a").onHand, 3);
  EXPECT_EQ(level("a").reserved, 0);
}

TEST_P(StockServiceTest, MalformedItemsAreValidationErrors) {
  stock("a", 5);
  EXPECT_EQ(refusal({"order", "1"}, {}).code(), "validation_failed");
  const Problem p = refusal({"order", "1"}, {{"a", 0}, {"a", 1}, {"", 1}});
  EXPECT_EQ(p.status(), 400);
  ASSERT_EQ(p.errors().size(), 3u);
  EXPECT_EQ(p.errors()[0].field, "items[0].quantity");
  EXPECT_EQ(p.errors()[1].field, "items[1].variantId");
  EXPECT_EQ(p.errors()[2].field, "items[2].variantId");
  EXPECT_THROW(reserve({"order", "1"}, {{"a", 1}}, std::chrono::seconds(0)), std::invalid_argument);
  EXPECT_EQ(count("SELECT count(*) AS n FROM inventory_holds"), 0);
}

TEST_P(StockServiceTest, AHolderThatIsNotKindAndIdIsACallersBug) {
  stock("a", 5);
  // No kind, a kind that is no kind (its ':' would move the split), no id, a key too long.
  for (const Holder& bad : {Holder{"", "1"}, Holder{"or:der", "1"}, Holder{"Order", "1"}, Holder{"order", ""},
                            Holder{"order", std::string(200, 'x')}}) {
    EXPECT_THROW(reserve(bad, {{"a", 1}}), std::invalid_argument) << bad.key();
    EXPECT_THROW(db_->run([&](Tx& tx) { return book_->commit(tx, bad); }), std::invalid_argument)
        << bad.key();
    EXPECT_THROW(db_->run([&](Tx& tx) { return book_->release(tx, bad); }), std::invalid_argument)
        << bad.key();
    EXPECT_THROW(db_->run([&](Tx& tx) { return book_->restock(tx, bad); }), std::invalid_argument)
        << bad.key();
    EXPECT_THROW(db_->read([&](Tx& tx) { return book_->find(tx, bad); }), std::invalid_argument) << bad.key();
  }
  EXPECT_EQ(count("SELECT count(*) AS n FROM inventory_holds"), 0);

  // The id may hold ':' itself; the key stored and shown is kind:id.
  const Holder nested{"order", "1:2"};
  EXPECT_EQ(reserve(nested, {{"a", 1}}).holder, nested);
  EXPECT_EQ(db_->read([&](Tx& tx) { return book_->find(tx, nested); })->holder, nested);
  EXPECT_EQ(count("SELECT count(*) AS n FROM inventory_holds WHERE holder = 'order:1:2'"), 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM inventory_movements WHERE reference = 'order:1:2'"), 1);
}

TEST_P(StockServiceTest, EveryChangePublishesTheLevelWithItsVersion) {
  stock("a", 8);
  reserve({"order", "1"}, {{"a", 3}});
  clock_.advance(1ms);
  db_->run([&](Tx& tx) { book_->commit(tx, {"order", "1"}); });
  const auto changes = events("inventory.level_changed");
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0], (Json{{"variantId", "a"}, {"available", 8}, {"onHand", 8}, {"reserved", 0}, {"version", 1}}));
  EXPECT_EQ(changes[1], (Json{{"variantId", "a"}, {"available", 5}, {"onHand", 8}, {"reserved", 3}, {"version", 2}}));
  EXPECT_EQ(changes[2], (Json{{"variantId", "a"}, {"available", 5}, {"onHand", 5}, {"reserved", 0}, {"version", 3}}));
  // A refused reservation publishes nothing.
  refusal({"order", "2"}, {{"a", 6}});
  EXPECT_EQ(events("inventory.level_changed").size(), 3u);
}

TEST_P(StockServiceTest, LowStockFiresWhenAvailableCrossesTheThresholdDownwards) {
  stock("a", 7);                          // default threshold 5
  stock("b", 20, 10);                     // its own threshold
  reserve({"order", "1"}, {{"a", 2}});    // 7 -> 5: not below 5
  EXPECT_TRUE(events("inventory.low_stock").empty());
  reserve({"order", "2"}, {{"a", 1}});   // 5 -> 4: crosses
  reserve({"order", "3"}, {{"a", 1}});   // 4 -> 3: already low
  reserve({"order", "4"}, {{"b", 11}});  // 20 -> 9: crosses 10
  const auto alerts = events("inventory.low_stock");
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0], (Json{{"variantId", "a"}, {"available", 4}, {"threshold", 5}}));
  EXPECT_EQ(alerts[1], (Json{{"variantId", "b"}, {"available", 9}, {"threshold", 10}}));
  // Back above and down again: a new alert.
  db_->run([&](Tx& tx) { book_->release(tx, {"order", "2"}); });
  db_->run([&](Tx& tx) { book_->release(tx, {"order", "3"}); });
  reserve({"order", "5"}, {{"a", 1}});
  EXPECT_EQ(events("inventory.low_stock").size(), 3u);
}

TEST_P(StockServiceTest, TheLedgerIsAppendOnly) {
  stock("a", 1);
  EXPECT_THROW(db_->run([&](Tx& tx) { tx.exec("UPDATE inventory_movements SET on_hand_delta = 100"); }), DbError);
  EXPECT_THROW(db_->run([&](Tx& tx) { tx.exec("DELETE FROM inventory_movements"); }), DbError);
  // And the level itself refuses to oversell, whatever the statement.
  EXPECT_THROW(db_->run([&](Tx& tx) { tx.exec("UPDATE inventory_levels SET reserved = 2 WHERE variant_id = 'a'"); }),
               DbError);
  EXPECT_THROW(db_->run([&](Tx& tx) { tx.exec("UPDATE inventory_levels SET on_hand = -1 WHERE variant_id = 'a'"); }),
               DbError);
}

TEST_P(StockServiceTest, ConcurrentReservationsNeverOversell) {
  stock("hot", 10);
  constexpr int kThreads = 8, kEach = 25;
  std::atomic<int> reserved{0}, refused{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        try {
          reserve({"order", std::to_string(t) + "-" + std::to_string(i)}, {{"hot", 1}});
          ++reserved;
        } catch (const OutOfStock&) {
          ++refused;
        } catch (const std::exception&) {
          ++failed;
        }
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(reserved, 10);
  EXPECT_EQ(refused, kThreads * kEach - 10);
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(level("hot").reserved, 10);
  EXPECT_EQ(fromMovements("hot"), std::make_pair(10LL, 10LL));
}

TEST_P(StockServiceTest, ConcurrentMultiItemReservationsInAnyOrderComplete) {
  // Callers list the same variants in opposite orders; rows are locked in
  // one order, so nobody waits in a cycle and every attempt completes.
  for (const char* v : {"a", "b", "c"}) stock(v, 1'000);
  constexpr int kThreads = 6, kEach = 20;
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const Holder holder{"order", std::to_string(t) + "-" + std::to_string(i)};
        const std::vector<StockItem> items =
            t % 2 ? std::vector<StockItem>{{"c", 1}, {"b", 1}, {"a", 1}} : std::vector<StockItem>{{"a", 1}, {"b", 1}, {"c", 1}};
        try {
          reserve(holder, items);
          db_->run([&](Tx& tx) { i % 2 ? book_->commit(tx, holder) : book_->release(tx, holder); });
        } catch (const std::exception&) {
          ++failed;
        }
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed, 0);
  for (const char* v : {"a", "b", "c"}) {
    EXPECT_EQ(level(v).onHand, 1'000 - kThreads * kEach / 2) << v;
    EXPECT_EQ(level(v).reserved, 0) << v;
    EXPECT_EQ(fromMovements(v), std::make_pair(level(v).onHand, 0LL)) << v;
  }
}

TEST_P(StockServiceTest, ConcurrentCommitsAndReleasesOfOneHolderSettleItOnce) {
  stock("a", 10);
  for (int round = 0; round < 10; ++round) {
    const Holder holder{"order", std::to_string(round)};
    reserve(holder, {{"a", 1}});
    std::atomic<int> won{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        if (db_->run([&](Tx& tx) { return t % 2 ? book_->commit(tx, holder) : book_->release(tx, holder); })) ++won;
      });
    for (auto& t : threads) t.join();
    EXPECT_EQ(won, 1) << holder.key();
  }
  EXPECT_EQ(level("a").reserved, 0);
  EXPECT_EQ(fromMovements("a"), std::make_pair(level("a").onHand, 0LL));
  EXPECT_EQ(count("SELECT count(*) AS n FROM inventory_movements WHERE kind IN ('commit', 'release')"), 10);
}

TEST_P(StockServiceTest, OpeningStockGivesAFirstLevelOnly) {
  const LedgerOpeningStock opening(*ledger_);
  stock("a", 2);  // stocked already: left as it is
  EXPECT_FALSE(db_->run([&](Tx& tx) { return opening.open(tx, "a", 9, 100, "demo stock"); }));
  EXPECT_TRUE(db_->run([&](Tx& tx) { return opening.open(tx, "b", 7, 550, "demo stock"); }));
  EXPECT_FALSE(db_->run([&](Tx& tx) { return opening.open(tx, "b", 3, 550, "demo stock"); })) << "a second run adds nothing";
  EXPECT_EQ(level("a").onHand, 2);
  EXPECT_EQ(level("b").onHand, 7);
  EXPECT_EQ(fromMovements("b"), std::make_pair(7LL, 0LL));
}

AGAPE_DATABASE_TESTS(StockServiceTest);

}  // namespace
}  // namespace agape::inventory::testing
