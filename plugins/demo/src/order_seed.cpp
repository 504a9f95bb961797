#include "order_seed.h"

#include <agape/auth/account_import.h>
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

constexpr const char* kSeedCustomersHelp =
    "Usage: agape seed customers --count N\n\n"
    "Adds N (1..1000000) customer accounts shopper-000001@example.com ... created over the 365 days\n"
    "before now, for reports and load benchmarks (`agape seed orders` places their orders). They cannot\n"
    "sign in (no password) and count as verified; their names include commas, quotes, apostrophes and\n"
    "Yoruba letters, as real ones do. Accounts already there are kept, so running it again with a larger\n"
    "N adds the rest. Needs the auth plugin.\n";

constexpr long long kDayMs = 86'400'000;
constexpr const char* kCurrency = "NGN";
constexpr std::int64_t kShipping = 150'000;            // ₦1,500 ...
constexpr std::int64_t kFreeShippingFrom = 5'000'000;  // ... below ₦50,000

int usage(const CommandIo& io, const std::string& message, const char* help = kSeedOrdersHelp) {
  io.err << "agape: " << message << "\n\n" << help;
  return 2;
}

// The address of the n-th seeded customer (from 1): "shopper-000042@example.com".
std::string seededCustomerEmail(int n) {
  std::string digits = std::to_string(n);
  return "shopper-" + std::string(digits.size() < 6 ? 6 - digits.size() : 0, '0') + digits + "@example.com";
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
orders::OrderStatus statusFor(double ageDays, unsigned roll) {
  using S = orders::OrderStatus;
  if (ageDays < 2) return roll < 55 ? S::Paid : roll < 85 ? S::Processing : roll < 93 ? S::Cancelled : S::Expired;
  if (ageDays < 7) return roll < 45 ? S::Shipped : roll < 85 ? S::Delivered : roll < 93 ? S::Cancelled : S::Expired;
  return roll < 86 ? S::Delivered : roll < 91 ? S::Cancelled : roll < 95 ? S::Expired : S::Refunded;
}

// How many status changes lead to `status` (its version is one more).
int stepsTo(orders::OrderStatus s) {
  using S = orders::OrderStatus;
  switch (s) {
    case S::Pending: return 0;
    case S::Paid:
    case S::Cancelled:
    case S::Expired: return 1;
    case S::Processing: return 2;
    case S::Shipped: return 3;
    case S::Delivered: return 4;
    case S::Refunded: return 5;  // after delivery
  }
  return 0;
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
        if (auto u = sources.users->findByEmail(tx, seededCustomerEmail(n))) buyers.push_back(u->id);
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
        const orders::OrderStatus status = statusFor(ageDays, static_cast<unsigned>(r() % 100));
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
        const bool partial = status == orders::OrderStatus::Delivered && r() % 40 == 0;
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
        const bool refunded = status == orders::OrderStatus::Refunded;
        order.refundedAmount = refunded ? total : partial ? total / 4 : 0;
        order.refundStatus = refunded  ? std::optional(orders::RefundState::Refunded)
                             : partial ? std::optional(orders::RefundState::Partial)
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

int seedCustomers(Database& db, const Clock& clock, const OrderSeedSources& sources, const CommandIo& io) {
  if (io.args.size() != 2 || io.args[0] != "--count") return usage(io, "--count N is required", kSeedCustomersHelp);
  const int customers = count(io.args[1], 1'000'000).value_or(0);
  if (customers == 0) return usage(io, "--count must be 1..1000000", kSeedCustomersHelp);
  if (!sources.accounts) {
    io.err << "agape: seed customers needs the auth plugin\n";
    return 1;
  }
  static const char* kFirst[] = {"Adaeze", "Chinedu", "Funmilayo", "Ṣọlá", "Ngozi", "Ibrahim", "Aisha", "Tunde",
                                 "Ẹniọlá", "Zainab", "Obinna", "Hauwa"};
  static const char* kLast[] = {"Okafor", "Adébáyọ̀", "O'Neil", "Bello, Jr.", "Eze", "Musa", "\"Tee\" Williams",
                                "Nwosu", "Yusuf", "Ogunleye"};
  const long long now = epochMs(clock.now());
  constexpr long long kYearMs = 365 * kDayMs;
  constexpr int kBatch = 2000;
  int added = 0;
  for (int from = 1; from <= customers; from += kBatch)
    added += db.run([&](Tx& tx) {
      int batchAdded = 0;
      for (int n = from; n < std::min(customers + 1, from + kBatch); ++n)
        batchAdded += sources.accounts->add(tx, {.email = seededCustomerEmail(n),
                                                 .firstName = kFirst[n % 12],
                                                 .lastName = kLast[(n / 12) % 10],
                                                 .createdAtMs = now - kYearMs + (kYearMs / customers) * (n - 1)});
      return batchAdded;
    });
  io.out << "added " << added << " customers (" << customers - added << " were there)\n";
  return 0;
}

}  // namespace

void addHistorySeedCommands(Commands& commands, Database& db, const Clock& clock, const OrderSeedSources& sources) {
  commands.add("seed customers", kSeedCustomersHelp,
               [&](const CommandIo& io) { return seedCustomers(db, clock, sources, io); });
  commands.add("seed orders", kSeedOrdersHelp, [&](const CommandIo& io) { return seedOrders(db, clock, sources, io); });
}

}  // namespace agape::demo
