#include "order_seed.h"

#include <agape/auth/user_directory.h>
#include <agape/catalog/variant_directory.h>
#include <agape/clock.h>
#include <agape/crypto.h>
#include <agape/db.h>
#include <agape/json.h>
#include <agape/orders/order_history_import.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ostream>
#include <random>
#include <string>
#include <vector>

namespace agape::demo {
namespace {

constexpr const char* kSeedOrdersHelp =
    "Usage: agape seed orders --count N [--customers K]\n\n"
    "Places N (1..2000000) orders spread evenly over the 365 days before now, into an empty order book\n"
    "(it refuses otherwise), on the catalogue that is there (`agape seed bench --products 10000`).\n"
    "Deterministic: the same lines, quantities, statuses and numbers on every database. Orders belong\n"
    "to K customers (default N/5) of `agape seed customers --count K` when the auth plugin is on.\n"
    "Most are delivered; some shipped, processing, paid, cancelled, expired or refunded (in full or in\n"
    "part). History only: no stock moves, no payments, no emails; one orders.seeded event lets read\n"
    "models (the admin plugin's reports) rebuild themselves.\n";

constexpr long long kDayMs = 86'400'000;
constexpr const char* kCurrency = "NGN";
constexpr std::int64_t kShipping = 150'000;            // ₦1,500 ...
constexpr std::int64_t kFreeShippingFrom = 5'000'000;  // ... below ₦50,000

int usage(const CommandIo& io, const std::string& message) {
  io.err << "agape: " << message << "\n\n" << kSeedOrdersHelp;
  return 2;
}

std::optional<int> count(const std::string& text, int max) {
  try {
    std::size_t used = 0;
    const int n = std::stoi(text, &used);
    if (used == text.size() && n >= 1 && n <= max) return n;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

// The status of an order `ageDays` old, drawn from `roll` (0..99): recent
// orders are still moving, older ones mostly delivered.
const char* statusFor(double ageDays, unsigned roll) {
  if (ageDays < 2) return roll < 55 ? "paid" : roll < 85 ? "processing" : roll < 93 ? "cancelled" : "expired";
  if (ageDays < 7) return roll < 45 ? "shipped" : roll < 85 ? "delivered" : roll < 93 ? "cancelled" : "expired";
  return roll < 86 ? "delivered" : roll < 91 ? "cancelled" : roll < 95 ? "expired" : "refunded";
}

// How many status changes lead to `status` (its version is one more).
int stepsTo(const std::string& s) {
  if (s == "paid" || s == "cancelled" || s == "expired") return 1;
  if (s == "processing") return 2;
  if (s == "shipped") return 3;
  if (s == "delivered") return 4;
  return 5;  // refunded after delivery
}

int seedOrders(Database& db, const Clock& clock, const OrderSeedSources& sources, const CommandIo& io) {
  int orders = 0, customers = 0;
  for (std::size_t i = 0; i < io.args.size(); ++i) {
    const std::string& a = io.args[i];
    const bool hasValue = i + 1 < io.args.size();
    if (a == "--count" && hasValue) {
      orders = count(io.args[++i], 2'000'000).value_or(-1);
      if (orders < 0) return usage(io, "--count must be 1..2000000");
    } else if (a == "--customers" && hasValue) {
      customers = count(io.args[++i], 1'000'000).value_or(-1);
      if (customers < 0) return usage(io, "--customers must be 1..1000000");
    } else {
      return usage(io, "unexpected argument " + a);
    }
  }
  if (orders == 0) return usage(io, "--count N is required");
  if (customers == 0) customers = std::max(1, orders / 5);
  const auto t0 = std::chrono::steady_clock::now();

  if (!sources.orders) {
    io.err << "agape: seed orders needs the orders plugin\n";
    return 1;
  }
  const orders::OrderHistoryImport& book = *sources.orders;
  if (db.run([&](Tx& tx) { return book.hasOrders(tx); })) {
    io.err << "agape: there are orders already; seed orders only fills an empty order book\n";
    return 1;
  }
  if (!sources.variants) {
    io.err << "agape: seed orders needs the catalog plugin\n";
    return 1;
  }
  std::vector<catalog::VariantSummary> variants;
  db.run([&](Tx& tx) {
    variants.clear();
    for (std::string after;;) {
      auto page = sources.variants->page(tx, after, 1000);
      if (page.empty()) break;
      after = page.back().id;
      for (auto& v : page)
        if (v.purchasable) variants.push_back(std::move(v));
    }
  });
  if (variants.empty()) {
    io.err << "agape: the catalogue has nothing on sale; seed one first (agape seed bench --products 10000)\n";
    return 1;
  }
  std::vector<std::string> buyers;
  if (sources.users) {
    db.run([&](Tx& tx) {
      buyers.clear();
      for (int n = 1; n <= customers; ++n)
        if (auto u = sources.users->findByEmail(tx, auth::seededCustomerEmail(n))) buyers.push_back(u->id);
    });
    if (static_cast<int>(buyers.size()) < customers) {
      io.err << "agape: " << customers - buyers.size() << " of the " << customers
             << " seeded customers are missing; run agape seed customers --count " << customers << " first\n";
      return 1;
    }
  } else {
    for (int n = 1; n <= customers; ++n) buyers.push_back("seed-customer-" + std::to_string(n));
  }

  // std::mt19937_64's sequence is fixed by the standard: the same orders everywhere.
  std::mt19937_64 random(20261205);
  const long long now = epochMs(clock.now());
  const long long start = now - 365 * kDayMs;
  const long long step = std::max(1LL, 365 * kDayMs / orders);
  const std::string address =
      Json{{"fullName", "Seeded Customer"}, {"line1", "12 Admiralty Way"}, {"city", "Lekki"}, {"state", "Lagos"},
           {"country", "NG"}, {"phone", "+2348030000000"}}
          .dump();
  constexpr int kBatch = 1000;
  long long lines = 0;
  for (int from = 0; from < orders; from += kBatch) {
    db.run([&](Tx& tx) {
      // A retried transaction draws the same numbers again.
      std::mt19937_64 r = random;
      long long batchLines = 0;
      std::vector<orders::ImportedOrder> batch;
      for (int i = from; i < std::min(orders, from + kBatch); ++i) {
        const long long created = start + step * i + static_cast<long long>(r() % step);
        const double ageDays = static_cast<double>(now - created) / kDayMs;
        const std::string status = statusFor(ageDays, static_cast<unsigned>(r() % 100));
        const std::string& buyer = buyers[r() % buyers.size()];
        const int lineCount = 1 + static_cast<int>(r() % 3);
        std::vector<const catalog::VariantSummary*> picked;
        while (static_cast<int>(picked.size()) < lineCount) {
          const auto* v = &variants[r() % variants.size()];
          if (std::find(picked.begin(), picked.end(), v) == picked.end()) picked.push_back(v);
        }
        orders::ImportedOrder order;
        std::int64_t subtotal = 0;
        for (const auto* v : picked) {
          const unsigned q = static_cast<unsigned>(r() % 10);
          const std::int64_t quantity = q == 0 ? 3 : q < 3 ? 2 : 1;
          order.lines.push_back({v->id, v->productId, v->sku, v->productName, v->size, v->color, quantity, v->price});
          subtotal += quantity * v->price;
        }
        const std::int64_t shipping = subtotal >= kFreeShippingFrom ? 0 : kShipping;
        const std::int64_t total = subtotal + shipping;
        // One in forty delivered orders had part of it refunded (a returned item).
        const bool partial = status == "delivered" && r() % 40 == 0;
        order.id = uuidV7(created);
        order.sequence = i;
        order.userId = buyer;
        order.status = status;
        order.currency = kCurrency;
        order.subtotal = subtotal;
        order.shipping = shipping;
        order.total = total;
        order.shippingAddressJson = address;
        order.version = 1 + stepsTo(status);
        order.createdAtMs = created;
        order.updatedAtMs = std::min(now, created + stepsTo(status) * kDayMs / 2);
        order.reservationExpiresAtMs = created + 15 * 60'000;
        order.refundedAmount = status == "refunded" ? total : partial ? total / 4 : 0;
        order.refundStatus = status == "refunded" ? std::optional<std::string>("refunded")
                             : partial            ? std::optional<std::string>("partial")
                                                  : std::nullopt;
        batchLines += static_cast<long long>(picked.size());
        batch.push_back(std::move(order));
      }
      book.add(tx, batch);
      random = r;
      lines += batchLines;
    });
  }
  book.finish(db, orders, start, now);
  io.out << "placed " << orders << " orders (" << lines << " lines) for " << buyers.size() << " customers in "
         << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count()
         << " ms\n";
  return 0;
}

}  // namespace

void addOrderSeedCommand(Commands& commands, Database& db, const Clock& clock, const OrderSeedSources& sources) {
  commands.add("seed orders", kSeedOrdersHelp, [&](const CommandIo& io) { return seedOrders(db, clock, sources, io); });
}

}  // namespace agape::demo
