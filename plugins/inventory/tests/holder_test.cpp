// Holder: the typed key of a reservation's holder, its text "kind:id", and
// the expired event's holder as a subscriber reads it.
#include <gtest/gtest.h>

#include <agape/inventory/events.h>
#include <agape/inventory/holder.h>
#include <agape/json.h>

namespace agape::inventory {
namespace {

TEST(HolderTest, KeyAndParseRoundTrip) {
  const Holder h{"order", "0193a1b2-7c3d"};
  EXPECT_EQ(h.key(), "order:0193a1b2-7c3d");
  EXPECT_EQ(Holder::parse(h.key()), h);
  for (const Holder& other : {Holder{"cart_line", "42"}, Holder{"b2b-quote", "Q-7"}})
    EXPECT_EQ(Holder::parse(other.key()), other) << other.key();
}

TEST(HolderTest, AKeyWithoutKindAndIdIsNone) {
  EXPECT_EQ(Holder::parse("no-colon"), std::nullopt);
  EXPECT_EQ(Holder::parse(""), std::nullopt);
  EXPECT_EQ(Holder::parse("order:"), std::nullopt) << "an empty id";
  EXPECT_EQ(Holder::parse(":1"), std::nullopt) << "an empty kind";
  EXPECT_EQ(Holder::parse("Order:1"), std::nullopt) << "kinds are lower-case";
  EXPECT_EQ(Holder::parse("or der:1"), std::nullopt);
}

TEST(HolderTest, TheIdKeepsEverythingAfterTheFirstColon) {
  EXPECT_EQ(Holder::parse("order:a:b:"), (Holder{"order", "a:b:"}));
  EXPECT_EQ(Holder::parse("order::"), (Holder{"order", ":"}));
  EXPECT_EQ((Holder{"order", "a:b"}).key(), "order:a:b");
}

TEST(HolderTest, OnlyAKindOfLowerCaseLettersDigitsUnderscoresAndDashesWithAnIdIsValid) {
  EXPECT_TRUE((Holder{"order", "1"}).valid());
  EXPECT_TRUE((Holder{"a_b-9", "x"}).valid());
  EXPECT_FALSE((Holder{"", "1"}).valid());
  EXPECT_FALSE((Holder{"or:der", "1"}).valid());
  EXPECT_FALSE((Holder{"ORDER", "1"}).valid());
  EXPECT_FALSE((Holder{"order", ""}).valid());
}

TEST(HolderTest, TheExpiredEventCarriesTheKeyAndTheHolderKindAndId) {
  const auto e = ReservationExpired::schema().decodeLenient(
      R"({"holder": "order:1", "holderKind": "order", "holderId": "1", "items": []})");
  EXPECT_EQ(e.holderKind, "order");
  EXPECT_EQ(e.holderId, "1");
  EXPECT_EQ(e.holder(), (Holder{"order", "1"}));

  // An event published before holderKind and holderId still decodes, and
  // its holder comes from the key.
  const auto before = ReservationExpired::schema().decodeLenient(R"({"holder": "order:2", "items": []})");
  EXPECT_EQ(before.holder(), (Holder{"order", "2"}));
  const auto none = ReservationExpired::schema().decodeLenient(R"({"holder": "legacy", "items": []})");
  EXPECT_EQ(none.holder(), Holder{});
}

}  // namespace
}  // namespace agape::inventory
