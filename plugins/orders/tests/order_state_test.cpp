// The order's status machine allows exactly API.md's transitions; the time
// filter parser takes dates and RFC 3339 times and nothing else.
#include <gtest/gtest.h>

#include <set>
#include <utility>

#include "order_state.h"
#include "orders_api.h"

namespace agape::orders {
namespace {

TEST(OrderState, ExactlyTheContractsTransitions) {
  using S = Status;
  const std::set<std::pair<S, S>> legal = {
      {S::Pending, S::Paid},        {S::Paid, S::Processing},      {S::Processing, S::Shipped},
      {S::Shipped, S::Delivered},   {S::Pending, S::Cancelled},    {S::Pending, S::Expired},
      {S::Paid, S::Cancelled},      {S::Processing, S::Cancelled}, {S::Paid, S::Refunded},
      {S::Processing, S::Refunded}, {S::Shipped, S::Refunded},     {S::Delivered, S::Refunded},
      // Once its payment's refund went through (the order book checks that).
      {S::Cancelled, S::Refunded}};
  int allowed = 0;
  for (const auto& fromName : statusNames())
    for (const auto& toName : statusNames()) {
      const S from = *parseStatus(fromName), to = *parseStatus(toName);
      EXPECT_EQ(canTransition(from, to), legal.count({from, to}) == 1) << fromName << " -> " << toName;
      allowed += canTransition(from, to);
    }
  EXPECT_EQ(allowed, 13);
  EXPECT_TRUE(nextStatuses(S::Refunded).empty());
  EXPECT_EQ(nextStatuses(S::Pending), (std::vector<S>{S::Paid, S::Cancelled, S::Expired}));
}

TEST(OrderState, NamesRoundTrip) {
  EXPECT_EQ(statusNames().size(), 8u);
  for (const auto& n : statusNames()) EXPECT_EQ(statusName(*parseStatus(n)), n);
  EXPECT_FALSE(parseStatus("Paid"));
  EXPECT_FALSE(parseStatus(""));
}

TEST(OrderTimeFilter, DatesAndRfc3339Times) {
  EXPECT_EQ(parseTime("1970-01-01"), 0);
  EXPECT_EQ(parseTime("2026-11-24"), 1'795'478'400'000);
  EXPECT_EQ(parseTime("2026-11-24T10:15:00Z"), 1'795'478'400'000 + (10 * 60 + 15) * 60'000);
  EXPECT_EQ(parseTime("2026-11-24T10:15:00.25Z"), 1'795'478'400'000 + (10 * 60 + 15) * 60'000 + 250);
  EXPECT_EQ(parseTime("2026-11-24T11:15:00+01:00"), parseTime("2026-11-24T10:15:00Z"));
  EXPECT_EQ(parseTime("2026-11-24T09:15:00-01:00"), parseTime("2026-11-24T10:15:00Z"));
  for (const char* bad : {"", "2026", "2026-13-01", "2026-11-24T10:15Z", "2026-11-24T10:15:00", "2026-11-24 10:15:00Z",
                          "2026-11-24T25:00:00Z", "2026-11-24T10:15:00+0100", "yesterday", "2026-11-24T10:15:00.Z"})
    EXPECT_FALSE(parseTime(bad)) << bad;
}

}  // namespace
}  // namespace agape::orders
