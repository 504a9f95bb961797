#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <vector>

#include "events/event_bus.h"
#include "jobs_test_support.h"

namespace agape::kernel {
namespace {

using namespace std::chrono_literals;
using testing::Backend;
using testing::JobsDbTest;

class EventsTest : public JobsDbTest {};

enum class Tier { Standard, Express };

struct ParcelShipped {
  static constexpr std::string_view topic = "parcel.shipped";
  static constexpr int schemaVersion = 1;
  static const Schema<ParcelShipped>& schema() {
    static const Names<Tier> tiers{{Tier::Standard, "standard"}, {Tier::Express, "express"}};
    static const auto s = Schema<ParcelShipped>()
                              .field("parcelId", &ParcelShipped::parcelId)
                              .field("weightGrams", &ParcelShipped::weightGrams)
                              .field("tier", &ParcelShipped::tier, tiers)
                              .field("note", &ParcelShipped::note, {.optional = true});
    return s;
  }
  std::string parcelId;
  long long weightGrams = 0;
  Tier tier = Tier::Standard;
  std::optional<std::string> note;
};

struct ParcelLost {
  static constexpr std::string_view topic = "parcel.lost";
  static constexpr int schemaVersion = 2;
  static const Schema<ParcelLost>& schema() {
    static const auto s = Schema<ParcelLost>().field("parcelId", &ParcelLost::parcelId);
    return s;
  }
  std::string parcelId;
};

TEST(EventTopics, ExactAndPrefixPatterns) {
  EXPECT_TRUE(topicMatches("order.paid", "order.paid"));
  EXPECT_FALSE(topicMatches("order.paid", "order.paid.late"));
  EXPECT_TRUE(topicMatches("order.*", "order.paid"));
  EXPECT_TRUE(topicMatches("order.*", "order.refund.issued"));
  EXPECT_FALSE(topicMatches("order.*", "order"));
  EXPECT_FALSE(topicMatches("order.*", "orders.paid"));
  EXPECT_TRUE(topicMatches("*", "anything.at.all"));
}

TEST_P(EventsTest, EveryMatchingSubscriberGetsTheEventOnce) {
  JobRunner& runner = newRunner();
  EventBus bus(runner);
  std::vector<Event> paid, orders, users;
  bus.subscribe("mail", "order.paid", "receipt", [&](const Event& e) { paid.push_back(e); }, {});
  bus.subscribe("stats", "order.*", "counter", [&](const Event& e) { orders.push_back(e); }, {});
  bus.subscribe("crm", "user.*", "sync", [&](const Event& e) { users.push_back(e); }, {});
  runner.freeze();

  setCurrentRequestId("req-1");
  const std::string id = db_->run([&](Tx& tx) { return bus.publish(tx, "order.paid", R"({"order":42})"); });
  setCurrentRequestId({});
  EXPECT_EQ(runner.runDue(), 2);
  ASSERT_EQ(paid.size(), 1u);
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_TRUE(users.empty());
  EXPECT_EQ(paid[0].id, id);
  EXPECT_EQ(orders[0].id, id) << "one id to deduplicate on, whoever receives it";
  EXPECT_EQ(paid[0].topic, "order.paid");
  EXPECT_EQ(paid[0].payload, R"({"order":42})");
  EXPECT_EQ(paid[0].requestId, "req-1");
  EXPECT_EQ(paid[0].occurredAt, std::chrono::time_point_cast<std::chrono::milliseconds>(clock_.now()));
  EXPECT_EQ(paid[0].attempt, 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs WHERE queue = 'events.mail.receipt'"), 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_events WHERE id = :id AND deliveries = 2", {{"id", id}}),
            1);
  EXPECT_EQ(runner.runDue(), 0);
}

TEST_P(EventsTest, ARolledBackTransactionPublishesNothing) {
  JobRunner& runner = newRunner();
  EventBus bus(runner);
  int calls = 0;
  bus.subscribe("mail", "order.paid", "receipt", [&](const Event&) { ++calls; }, {});
  runner.freeze();
  EXPECT_THROW(db_->run([&](Tx& tx) {
    bus.publish(tx, "order.paid", "{}");
    throw std::runtime_error("payment declined");
  }),
               std::runtime_error);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_events"), 0);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs"), 0);
  EXPECT_EQ(runner.runDue(), 0);
  EXPECT_EQ(calls, 0);
}

TEST_P(EventsTest, AFailingSubscriberRetriesAloneWhileTheOtherSucceeds) {
  JobRunner& runner = newRunner();
  EventBus bus(runner);
  std::vector<int> flakyAttempts;
  int steadyCalls = 0;
  bus.subscribe("erp", "order.paid", "export", [&](const Event& e) {
    flakyAttempts.push_back(e.attempt);
    if (e.attempt < 3) throw std::runtime_error("ERP unreachable");
  }, {});
  bus.subscribe("mail", "order.paid", "receipt", [&](const Event&) { ++steadyCalls; }, {});
  runner.freeze();
  db_->run([&](Tx& tx) { bus.publish(tx, "order.paid", "{}"); });

  EXPECT_EQ(runner.runDue(), 2);
  EXPECT_EQ(steadyCalls, 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs WHERE queue = 'events.mail.receipt' AND status = 'done'"), 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs WHERE queue = 'events.erp.export' AND status = 'pending'"), 1);
  clock_.advance(3s);
  EXPECT_EQ(runner.runDue(), 1);
  clock_.advance(5s);
  EXPECT_EQ(runner.runDue(), 1);
  EXPECT_EQ(flakyAttempts, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(steadyCalls, 1) << "the other subscriber is not redelivered";
}

TEST_P(EventsTest, AnEventWithoutSubscribersIsStillRecorded) {
  JobRunner& runner = newRunner();
  EventBus bus(runner);
  runner.freeze();
  db_->run([&](Tx& tx) { bus.publish(tx, "catalog.product.created", R"({"sku":"A1"})"); });
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_events WHERE deliveries = 0"), 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs"), 0);
}

TEST_P(EventsTest, RefusesBadTopicsAndPayloads) {
  JobRunner& runner = newRunner();
  EventBus bus(runner);
  EXPECT_THROW(bus.subscribe("p", "Order.Paid", "x", [](const Event&) {}, {}), std::invalid_argument);
  EXPECT_THROW(bus.subscribe("p", "order.", "x", [](const Event&) {}, {}), std::invalid_argument);
  EXPECT_THROW(bus.subscribe("p", "order.*.paid", "x", [](const Event&) {}, {}), std::invalid_argument);
  bus.subscribe("p", "order.*", "x", [](const Event&) {}, {});
  EXPECT_THROW(bus.subscribe("p", "order.paid", "x", [](const Event&) {}, {}), std::logic_error) << "same queue";
  runner.freeze();
  db_->run([&](Tx& tx) {
    EXPECT_THROW(bus.publish(tx, "order paid", "{}"), std::invalid_argument);
    EXPECT_THROW(bus.publish(tx, "order.paid", "{oops"), std::invalid_argument);
  });
}

TEST_P(EventsTest, ATypedEventIsPublishedWithItsSchemaAndDeliveredDecoded) {
  JobRunner& runner = newRunner();
  EventBus bus(runner);
  PluginEvents shipping(bus, "shipping"), mail(bus, "mail");
  std::vector<ParcelShipped> got;
  std::vector<Event> raw;
  mail.subscribe<ParcelShipped>("notice", [&](const ParcelShipped& e, const Event&) { got.push_back(e); });
  mail.subscribe("parcel.*", "archive", [&](const Event& e) { raw.push_back(e); }, {});
  runner.freeze();
  db_->run([&](Tx& tx) {
    shipping.publish(tx, ParcelShipped{.parcelId = "p-1", .weightGrams = 1200, .tier = Tier::Express});
  });
  EXPECT_EQ(runner.runDue(), 2);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].parcelId, "p-1");
  EXPECT_EQ(got[0].weightGrams, 1200);
  EXPECT_EQ(got[0].tier, Tier::Express);
  ASSERT_EQ(raw.size(), 1u);
  EXPECT_EQ(raw[0].topic, "parcel.shipped");
  EXPECT_EQ(nlohmann::json::parse(raw[0].payload),
            nlohmann::json::parse(R"({"parcelId":"p-1","weightGrams":1200,"tier":"express","note":null})"));
  EXPECT_EQ(raw[0].schemaVersion, 1);
}

TEST_P(EventsTest, AnUndecodablePayloadIsDeadLetteredAtOnceWithTheFieldNamed) {
  JobRunner& runner = newRunner();
  EventBus bus(runner);
  PluginEvents mail(bus, "mail");
  std::vector<std::string> got;
  mail.subscribe<ParcelShipped>("notice", [&](const ParcelShipped& e, const Event&) { got.push_back(e.parcelId); });
  runner.freeze();
  db_->run([&](Tx& tx) {
    bus.publish(tx, "parcel.shipped", R"({"parcelId":"p-1","tier":"standard"})");               // weight missing
    bus.publish(tx, "parcel.shipped", R"({"parcelId":"p-2","weightGrams":"heavy","tier":"standard"})");
    bus.publish(tx, "parcel.shipped", R"(["not","an","object"])");
    bus.publish(tx, "parcel.shipped", R"({"parcelId":"p-3","weightGrams":5,"tier":"standard","insured":true})");
  });
  EXPECT_EQ(runner.runDue(), 4);
  EXPECT_EQ(got, (std::vector<std::string>{"p-3"})) << "a field the subscriber does not know is ignored";
  const auto dead = runner.store().deadLetters("events.mail.notice", 10);
  ASSERT_EQ(dead.size(), 3u) << "no retries: the payload cannot change";
  std::vector<std::string> reasons;
  for (const auto& d : dead) {
    EXPECT_EQ(d.attempts, 1);
    reasons.push_back(d.lastError);
  }
  const auto mentions = [&](const std::string& text) {
    return std::any_of(reasons.begin(), reasons.end(),
                       [&](const std::string& r) { return r.find(text) != std::string::npos; });
  };
  EXPECT_TRUE(mentions("weightGrams is required")) << ::testing::PrintToString(reasons);
  EXPECT_TRUE(mentions("weightGrams must be an integer")) << ::testing::PrintToString(reasons);
  EXPECT_TRUE(mentions("not a JSON object")) << ::testing::PrintToString(reasons);
  clock_.advance(1h);
  EXPECT_EQ(runner.runDue(), 0);
}

TEST_P(EventsTest, AnotherVersionIsDeadLetteredWithBothVersionsNamed) {
  JobRunner& runner = newRunner();
  EventBus bus(runner);
  PluginEvents mail(bus, "mail");
  int calls = 0;
  mail.subscribe<ParcelLost>("claims", [&](const ParcelLost&, const Event&) { ++calls; });
  runner.freeze();
  db_->run([&](Tx& tx) {
    mail.publish(tx, ParcelLost{.parcelId = "p-1"});
    bus.publish(tx, "parcel.lost", R"({"parcelId":"p-2"})");  // version 1
  });
  EXPECT_EQ(runner.runDue(), 2);
  EXPECT_EQ(calls, 1);
  const auto dead = runner.store().deadLetters("events.mail.claims", 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_NE(dead[0].lastError.find("is version 1; this subscriber reads version 2"), std::string::npos)
      << dead[0].lastError;
}

TEST_P(EventsTest, AnEventSwitchHandlesItsTopicsAndAcknowledgesTheRest) {
  JobRunner& runner = newRunner();
  EventBus bus(runner);
  PluginEvents mail(bus, "mail");
  std::vector<std::string> seen;
  mail.subscribe("parcel.*", "tracker",
                 EventSwitch()
                     .on<ParcelShipped>(
                         [&](const ParcelShipped& e, const Event&) { seen.push_back("shipped " + e.parcelId); })
                     .on<ParcelLost>([&](const ParcelLost& e, const Event&) { seen.push_back("lost " + e.parcelId); }),
                 {});
  runner.freeze();
  db_->run([&](Tx& tx) {
    mail.publish(tx, ParcelShipped{.parcelId = "p-1", .weightGrams = 1});
    bus.publish(tx, "parcel.returned", R"({"anything":"goes"})");
    mail.publish(tx, ParcelLost{.parcelId = "p-2"});
    bus.publish(tx, "parcel.lost", R"({"parcelId":7})", ParcelLost::schemaVersion);
  });
  EXPECT_EQ(runner.runDue(), 4);
  EXPECT_EQ(seen, (std::vector<std::string>{"shipped p-1", "lost p-2"}));
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs WHERE queue = 'events.mail.tracker' AND status = 'done'"), 3);
  const auto dead = runner.store().deadLetters("events.mail.tracker", 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_NE(dead[0].lastError.find("parcelId must be a string"), std::string::npos) << dead[0].lastError;
}

TEST_P(EventsTest, AnEventSwitchCaseThePatternNeverDeliversIsRefused) {
  JobRunner& runner = newRunner();
  EventBus bus(runner);
  PluginEvents mail(bus, "mail");
  auto cases = EventSwitch()
                   .on<ParcelShipped>([](const ParcelShipped&, const Event&) {})
                   .on<ParcelLost>([](const ParcelLost&, const Event&) {});
  try {
    mail.subscribe("parcel.shipped", "tracker", cases, {});
    ADD_FAILURE() << "a case for parcel.lost under parcel.shipped was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("never delivers \"parcel.lost\""), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(mail.subscribe("parcel.*", "tracker", cases, {}));
}

TEST_P(EventsTest, APermanentFailureOfAnyJobIsDeadLetteredWithoutRetries) {
  JobRunner& runner = newRunner();
  int calls = 0;
  runner.addQueue("erp", "erp.import", [&](const Job&) {
    ++calls;
    throw PermanentJobFailure("row 3: unknown currency XYZ");
  }, {});
  runner.freeze();
  runner.enqueue("erp.import", "{}", JobOptions{.maxAttempts = 5});
  EXPECT_EQ(runner.runDue(), 1);
  clock_.advance(1h);
  EXPECT_EQ(runner.runDue(), 0);
  EXPECT_EQ(calls, 1);
  const auto dead = runner.store().deadLetters("erp.import", 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].lastError, "row 3: unknown currency XYZ");
}

INSTANTIATE_TEST_SUITE_P(Backends, EventsTest, ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         testing::backendName);

}  // namespace
}  // namespace agape::kernel
