#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
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

class EventsTest : public JobsDbTest {
 protected:
  EventBus& newBus(JobRunner& runner) {
    buses_.push_back(std::make_unique<EventBus>(*db_, runner, metrics_, config_.pollInterval));
    return *buses_.back();
  }
  // As a server's provision ends: no more queues, each subscriber's cursor
  // at the end of the log.
  void freeze(JobRunner& runner, EventBus& bus) {
    runner.freeze();
    bus.openCursors();
  }
  // Both delivery paths: the log, and the retry jobs due.
  int deliver(JobRunner& runner, EventBus& bus) { return bus.deliverDue() + runner.runDue("events."); }

 private:
  std::vector<std::unique_ptr<EventBus>> buses_;
};

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
  EventBus& bus = newBus(runner);
  std::vector<Event> paid, orders, users;
  bus.subscribe("mail", "order.paid", "receipt", [&](const Event& e) { paid.push_back(e); }, {});
  bus.subscribe("stats", "order.*", "counter", [&](const Event& e) { orders.push_back(e); }, {});
  bus.subscribe("crm", "user.*", "sync", [&](const Event& e) { users.push_back(e); }, {});
  freeze(runner, bus);

  setCurrentRequestId("req-1");
  const std::string id = db_->run([&](Tx& tx) { return bus.publish(tx, "order.paid", R"({"order":42})"); });
  setCurrentRequestId({});
  EXPECT_EQ(bus.deliverDue(), 2);
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
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs"), 0) << "a delivery that succeeds leaves no job";
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_events WHERE id = :id AND deliveries = 2", {{"id", id}}),
            1);
  EXPECT_EQ(deliver(runner, bus), 0);
}

TEST_P(EventsTest, ARolledBackTransactionPublishesNothing) {
  JobRunner& runner = newRunner();
  EventBus& bus = newBus(runner);
  int calls = 0;
  bus.subscribe("mail", "order.paid", "receipt", [&](const Event&) { ++calls; }, {});
  freeze(runner, bus);
  EXPECT_THROW(db_->run([&](Tx& tx) {
    bus.publish(tx, "order.paid", "{}");
    throw std::runtime_error("payment declined");
  }),
               std::runtime_error);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_events"), 0);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs"), 0);
  EXPECT_EQ(deliver(runner, bus), 0);
  EXPECT_EQ(calls, 0);
}

TEST_P(EventsTest, AFailingSubscriberRetriesAloneWhileTheOtherSucceeds) {
  JobRunner& runner = newRunner();
  EventBus& bus = newBus(runner);
  std::vector<int> flakyAttempts;
  int steadyCalls = 0;
  bus.subscribe("erp", "order.paid", "export", [&](const Event& e) {
    flakyAttempts.push_back(e.attempt);
    if (e.attempt < 3) throw std::runtime_error("ERP unreachable");
  }, {});
  bus.subscribe("mail", "order.paid", "receipt", [&](const Event&) { ++steadyCalls; }, {});
  freeze(runner, bus);
  db_->run([&](Tx& tx) { bus.publish(tx, "order.paid", "{}"); });

  EXPECT_EQ(bus.deliverDue(), 2);
  EXPECT_EQ(steadyCalls, 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs WHERE queue = 'events.mail.receipt'"), 0);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs WHERE queue = 'events.erp.export' AND status = 'pending'"
                  " AND last_error = 'ERP unreachable'"), 1)
      << "the failed delivery is a retry job";
  clock_.advance(3s);
  EXPECT_EQ(deliver(runner, bus), 1);
  clock_.advance(5s);
  EXPECT_EQ(deliver(runner, bus), 1);
  EXPECT_EQ(flakyAttempts, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(steadyCalls, 1) << "the other subscriber is not redelivered";
}

TEST_P(EventsTest, AnEventWithoutSubscribersIsStillRecorded) {
  JobRunner& runner = newRunner();
  EventBus& bus = newBus(runner);
  freeze(runner, bus);
  db_->run([&](Tx& tx) { bus.publish(tx, "catalog.product.created", R"({"sku":"A1"})"); });
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_events WHERE deliveries = 0"), 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs"), 0);
}

TEST_P(EventsTest, RefusesBadTopicsAndPayloads) {
  JobRunner& runner = newRunner();
  EventBus& bus = newBus(runner);
  EXPECT_THROW(bus.subscribe("p", "Order.Paid", "x", [](const Event&) {}, {}), std::invalid_argument);
  EXPECT_THROW(bus.subscribe("p", "order.", "x", [](const Event&) {}, {}), std::invalid_argument);
  EXPECT_THROW(bus.subscribe("p", "order.*.paid", "x", [](const Event&) {}, {}), std::invalid_argument);
  bus.subscribe("p", "order.*", "x", [](const Event&) {}, {});
  EXPECT_THROW(bus.subscribe("p", "order.paid", "x", [](const Event&) {}, {}), std::logic_error) << "same queue";
  freeze(runner, bus);
  db_->run([&](Tx& tx) {
    EXPECT_THROW(bus.publish(tx, "order paid", "{}"), std::invalid_argument);
    EXPECT_THROW(bus.publish(tx, "order.paid", "{oops"), std::invalid_argument);
  });
}

TEST_P(EventsTest, ATypedEventIsPublishedWithItsSchemaAndDeliveredDecoded) {
  JobRunner& runner = newRunner();
  EventBus& bus = newBus(runner);
  PluginEvents shipping(bus, "shipping"), mail(bus, "mail");
  std::vector<ParcelShipped> got;
  std::vector<Event> raw;
  mail.subscribe<ParcelShipped>("notice", [&](const ParcelShipped& e, const Event&) { got.push_back(e); });
  mail.subscribe("parcel.*", "archive", [&](const Event& e) { raw.push_back(e); }, {});
  freeze(runner, bus);
  db_->run([&](Tx& tx) {
    shipping.publish(tx, ParcelShipped{.parcelId = "p-1", .weightGrams = 1200, .tier = Tier::Express});
  });
  EXPECT_EQ(bus.deliverDue(), 2);
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
  EventBus& bus = newBus(runner);
  PluginEvents mail(bus, "mail");
  std::vector<std::string> got;
  mail.subscribe<ParcelShipped>("notice", [&](const ParcelShipped& e, const Event&) { got.push_back(e.parcelId); });
  freeze(runner, bus);
  db_->run([&](Tx& tx) {
    bus.publish(tx, "parcel.shipped", R"({"parcelId":"p-1","tier":"standard"})");               // weight missing
    bus.publish(tx, "parcel.shipped", R"({"parcelId":"p-2","weightGrams":"heavy","tier":"standard"})");
    bus.publish(tx, "parcel.shipped", R"(["not","an","object"])");
    bus.publish(tx, "parcel.shipped", R"({"parcelId":"p-3","weightGrams":5,"tier":"standard","insured":true})");
  });
  EXPECT_EQ(deliver(runner, bus), 4);
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
  EXPECT_EQ(deliver(runner, bus), 0);
}

TEST_P(EventsTest, AnotherVersionIsDeadLetteredWithBothVersionsNamed) {
  JobRunner& runner = newRunner();
  EventBus& bus = newBus(runner);
  PluginEvents mail(bus, "mail");
  int calls = 0;
  mail.subscribe<ParcelLost>("claims", [&](const ParcelLost&, const Event&) { ++calls; });
  freeze(runner, bus);
  db_->run([&](Tx& tx) {
    mail.publish(tx, ParcelLost{.parcelId = "p-1"});
    bus.publish(tx, "parcel.lost", R"({"parcelId":"p-2"})");  // version 1
  });
  EXPECT_EQ(deliver(runner, bus), 2);
  EXPECT_EQ(calls, 1);
  const auto dead = runner.store().deadLetters("events.mail.claims", 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_NE(dead[0].lastError.find("is version 1; this subscriber reads version 2"), std::string::npos)
      << dead[0].lastError;
}

TEST_P(EventsTest, AnEventSwitchHandlesItsTopicsAndAcknowledgesTheRest) {
  JobRunner& runner = newRunner();
  EventBus& bus = newBus(runner);
  PluginEvents mail(bus, "mail");
  std::vector<std::string> seen;
  mail.subscribe("parcel.*", "tracker",
                 EventSwitch()
                     .on<ParcelShipped>(
                         [&](const ParcelShipped& e, const Event&) { seen.push_back("shipped " + e.parcelId); })
                     .on<ParcelLost>([&](const ParcelLost& e, const Event&) { seen.push_back("lost " + e.parcelId); }),
                 {});
  freeze(runner, bus);
  db_->run([&](Tx& tx) {
    mail.publish(tx, ParcelShipped{.parcelId = "p-1", .weightGrams = 1});
    bus.publish(tx, "parcel.returned", R"({"anything":"goes"})");
    mail.publish(tx, ParcelLost{.parcelId = "p-2"});
    bus.publish(tx, "parcel.lost", R"({"parcelId":7})", ParcelLost::schemaVersion);
  });
  EXPECT_EQ(deliver(runner, bus), 4);
  EXPECT_EQ(seen, (std::vector<std::string>{"shipped p-1", "lost p-2"}));
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs WHERE queue = 'events.mail.tracker' AND status <> 'dead'"), 0);
  const auto dead = runner.store().deadLetters("events.mail.tracker", 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_NE(dead[0].lastError.find("parcelId must be a string"), std::string::npos) << dead[0].lastError;
}

TEST_P(EventsTest, AnEventSwitchCaseThePatternNeverDeliversIsRefused) {
  JobRunner& runner = newRunner();
  EventBus& bus = newBus(runner);
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

TEST_P(EventsTest, ABatchSubscriberGetsTheEventsInOrderAndCommitsItsEffectsWithItsCursor) {
  JobRunner& runner = newRunner();
  EventBus& bus = newBus(runner);
  db_->run([](Tx& tx) { tx.exec("CREATE TABLE parcels_seen (parcel_id TEXT PRIMARY KEY)"); });
  std::vector<std::size_t> batches;
  bus.subscribeBatch("shop", "parcel.*", "ledger", [&](const std::vector<Event>& events, Tx& tx) {
    batches.push_back(events.size());
    for (const Event& e : events) {
      const auto p = nlohmann::json::parse(e.payload);
      if (p.value("poison", false)) throw std::runtime_error("cannot file " + p["id"].get<std::string>());
      tx.exec("INSERT INTO parcels_seen (parcel_id) VALUES (:id)", {{"id", p["id"].get<std::string>()}});
    }
  }, {});
  freeze(runner, bus);
  for (int i = 1; i <= 5; ++i)
    db_->run([&](Tx& tx) {
      bus.publish(tx, "parcel.shipped",
                  nlohmann::json{{"id", "p-" + std::to_string(i)}, {"poison", i == 3}}.dump());
    });
  EXPECT_EQ(bus.deliverDue(), 5);
  EXPECT_EQ(batches, (std::vector<std::size_t>{5, 1, 1, 1, 1, 1}))
      << "one batch, rolled back for the poison, then one event at a time";
  EXPECT_EQ(count("SELECT count(*) AS n FROM parcels_seen"), 4) << "the events around the poison are delivered";
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs WHERE queue = 'events.shop.ledger' AND status = 'pending'"
                  " AND last_error = 'cannot file p-3'"), 1);
  EXPECT_EQ(bus.deliverDue(), 0) << "the cursor moved past all five";
  db_->run([&](Tx& tx) { bus.publish(tx, "parcel.shipped", R"({"id":"p-6"})"); });
  EXPECT_EQ(bus.deliverDue(), 1);
  EXPECT_EQ(batches.back(), 1u);
  EXPECT_EQ(count("SELECT count(*) AS n FROM parcels_seen"), 5);
}

TEST_P(EventsTest, OneInstanceAtATimeDeliversToASubscriberAndAnotherTakesOverWhenItsLeaseLapses) {
  JobRunner& first = newRunner();
  JobRunner& second = newRunner();
  EventBus& a = newBus(first);
  EventBus& b = newBus(second);
  std::vector<std::string> gotA, gotB;
  a.subscribe("mail", "order.paid", "receipt", [&](const Event& e) { gotA.push_back(e.payload); }, {});
  b.subscribe("mail", "order.paid", "receipt", [&](const Event& e) { gotB.push_back(e.payload); }, {});
  freeze(first, a);
  freeze(second, b);
  db_->run([&](Tx& tx) { a.publish(tx, "order.paid", R"({"n":1})"); });
  EXPECT_EQ(a.deliverDue(), 1);
  db_->run([&](Tx& tx) { b.publish(tx, "order.paid", R"({"n":2})"); });
  EXPECT_EQ(b.deliverDue(), 0) << "the first instance holds the lease";
  EXPECT_EQ(a.deliverDue(), 1);
  db_->run([&](Tx& tx) { b.publish(tx, "order.paid", R"({"n":3})"); });
  clock_.advance(EventBus::kLease + 1s);  // the first instance went away
  EXPECT_EQ(b.deliverDue(), 1);
  EXPECT_EQ(gotA, (std::vector<std::string>{R"({"n":1})", R"({"n":2})"}));
  EXPECT_EQ(gotB, (std::vector<std::string>{R"({"n":3})"})) << "from where the first left the cursor";
  EXPECT_EQ(a.deliverDue(), 0) << "now the second holds it";
}

// Followers: every instance reads the log from where it stood when the
// instance's cursors were opened, while a subscriber is delivered to by one
// instance.
TEST_P(EventsTest, EveryInstanceFollowsTheLogFromWhereItStarted) {
  JobRunner& first = newRunner();
  JobRunner& second = newRunner();
  EventBus& a = newBus(first);
  EventBus& b = newBus(second);
  std::vector<std::string> followedA, followedB, subscribed;
  a.follow("search", "parcel.*", "index", [&](const std::vector<Event>& batch) {
    for (const Event& e : batch) followedA.push_back(e.payload);
  });
  b.follow("search", "parcel.*", "index", [&](const std::vector<Event>& batch) {
    for (const Event& e : batch) followedB.push_back(e.payload);
  });
  a.subscribe("mail", "parcel.*", "notice", [&](const Event& e) { subscribed.push_back(e.payload); }, {});
  b.subscribe("mail", "parcel.*", "notice", [&](const Event& e) { subscribed.push_back(e.payload); }, {});
  EXPECT_THROW(a.follow("search", "parcel.*", "index", [](const std::vector<Event>&) {}), std::invalid_argument);
  db_->run([&](Tx& tx) { a.publish(tx, "parcel.shipped", R"({"n":0})"); });  // before the instances start
  freeze(first, a);
  db_->run([&](Tx& tx) {
    a.publish(tx, "parcel.shipped", R"({"n":1})");
    a.publish(tx, "order.paid", R"({"n":-1})");
  });
  freeze(second, b);  // the second instance starts later
  db_->run([&](Tx& tx) { b.publish(tx, "parcel.lost", R"({"n":2})"); });
  a.openCursors();  // again (a server's start): the follower keeps its place
  a.deliverDue();
  b.deliverDue();
  // Each follower gets every event from its start on, in order; on
  // PostgreSQL it may also get some from just before (its place is the
  // end of what may be read, which a transaction still running elsewhere
  // on the server holds back): applying must be idempotent.
  const std::vector<std::string> all{R"({"n":0})", R"({"n":1})", R"({"n":2})"};
  const auto suffixFrom = [&](const std::vector<std::string>& got, std::size_t from) {
    return got.size() >= all.size() - from && got.size() <= all.size() &&
           std::equal(got.begin(), got.end(), all.end() - static_cast<long>(got.size()));
  };
  EXPECT_TRUE(suffixFrom(followedA, 1)) << ::testing::PrintToString(followedA);
  EXPECT_TRUE(suffixFrom(followedB, 2)) << ::testing::PrintToString(followedB);
  if (GetParam() == Backend::Sqlite) {  // one writer at a time: the place is exact
    EXPECT_EQ(followedA, (std::vector<std::string>{R"({"n":1})", R"({"n":2})"}));
    EXPECT_EQ(followedB, (std::vector<std::string>{R"({"n":2})"}));
  }
  EXPECT_EQ(subscribed, (std::vector<std::string>{R"({"n":1})", R"({"n":2})"})) << "one instance delivers";
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_event_cursors"), 1) << "a follower stores no cursor";
  EXPECT_EQ(a.deliverDue() + b.deliverDue(), 0);
}

TEST_P(EventsTest, AFollowerThatThrowsGetsTheBatchAgainUnlessItCanNeverReadIt) {
  JobRunner& runner = newRunner();
  EventBus& bus = newBus(runner);
  std::vector<std::string> got;
  int failures = 1;
  bus.follow("search", "parcel.*", "index", [&](const std::vector<Event>& batch) {
    if (batch.front().payload == R"({"poison":true})") throw PermanentJobFailure("cannot read it");
    if (failures-- > 0) throw std::runtime_error("index busy");
    for (const Event& e : batch) got.push_back(e.payload);
  });
  freeze(runner, bus);
  db_->run([&](Tx& tx) { bus.publish(tx, "parcel.shipped", R"({"n":1})"); });
  EXPECT_THROW(bus.deliverDue(), std::runtime_error);
  EXPECT_EQ(bus.deliverDue(), 1);
  db_->run([&](Tx& tx) { bus.publish(tx, "parcel.shipped", R"({"poison":true})"); });
  EXPECT_EQ(bus.deliverDue(), 1);
  db_->run([&](Tx& tx) { bus.publish(tx, "parcel.shipped", R"({"n":2})"); });
  EXPECT_EQ(bus.deliverDue(), 1);
  EXPECT_EQ(got, (std::vector<std::string>{R"({"n":1})", R"({"n":2})"}));
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_jobs"), 0) << "no retry job for a follower";
}

TEST_P(EventsTest, FollowersRunOnAnInstanceThatRunsNoJobsAndSeeOtherInstancesEvents) {
  JobRunner& first = newRunner();
  JobRunner& second = newRunner();
  EventBus& publisher = newBus(first);
  EventBus& web = newBus(second);
  std::mutex m;
  std::vector<std::string> followed;
  int subscribed = 0;
  web.follow("search", "parcel.*", "index", [&](const std::vector<Event>& batch) {
    std::lock_guard lock(m);
    for (const Event& e : batch) followed.push_back(e.payload);
  });
  web.subscribe("mail", "parcel.*", "notice", [&](const Event&) { ++subscribed; }, {});
  freeze(first, publisher);
  freeze(second, web);
  web.start(/*deliver=*/false);
  db_->run([&](Tx& tx) { publisher.publish(tx, "parcel.shipped", R"({"n":1})"); });
  db_->run([&](Tx& tx) { web.publish(tx, "parcel.lost", R"({"n":2})"); });
  const bool seen = testing::eventually([&] {
    std::lock_guard lock(m);
    return followed.size() == 2;
  }, 2s);
  web.stop();
  EXPECT_TRUE(seen) << "the other instance's event within a few polls";
  EXPECT_EQ(followed, (std::vector<std::string>{R"({"n":1})", R"({"n":2})"}));
  EXPECT_EQ(subscribed, 0) << "this instance delivers to no subscriber";
}

TEST_P(EventsTest, AnEventCommittedLateByAnOlderTransactionIsNotPassedOver) {
  if (GetParam() != Backend::Postgres) GTEST_SKIP() << "SQLite runs one write transaction at a time";
  JobRunner& runner = newRunner();
  EventBus& bus = newBus(runner);
  std::vector<std::string> got;
  bus.subscribe("mail", "order.*", "log", [&](const Event& e) { got.push_back(e.topic); }, {});
  freeze(runner, bus);
  std::mutex m;
  std::condition_variable cv;
  int step = 0;
  const auto waitFor = [&](int s) {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return step >= s; });
  };
  const auto go = [&](int s) {
    {
      std::lock_guard lock(m);
      step = s;
    }
    cv.notify_all();
  };
  // The older transaction (its id, the first part of its events' position,
  // is the lower one: it has written before the other began) commits last.
  std::thread older([&] {
    db_->run([&](Tx& tx) {
      tx.one("SELECT pg_current_xact_id() AS id");  // as any write does
      bus.publish(tx, "order.placed", "{}");
      go(1);
      waitFor(2);
    });
    go(3);
  });
  waitFor(1);
  db_->run([&](Tx& tx) { bus.publish(tx, "order.paid", "{}"); });
  EXPECT_EQ(bus.deliverDue(), 0) << "not readable while an older transaction may still append before it";
  go(2);
  waitFor(3);
  older.join();
  EXPECT_EQ(bus.deliverDue(), 2);
  EXPECT_EQ(got, (std::vector<std::string>{"order.placed", "order.paid"}));
}

TEST_P(EventsTest, EventsAreKeptUntilEverySubscriberHasPassedThem) {
  config_.retention = 24h;
  JobRunner& runner = newRunner();
  EventBus& bus = newBus(runner);
  int calls = 0;
  bus.subscribe("mail", "order.paid", "receipt", [&](const Event&) { ++calls; }, {});
  freeze(runner, bus);
  db_->run([&](Tx& tx) {
    bus.publish(tx, "order.paid", "{}");
    bus.publish(tx, "order.paid", "{}");
  });
  clock_.advance(25h);
  EXPECT_EQ(runner.pruneFinished(), 0) << "the subscriber has not taken them";
  EXPECT_EQ(bus.deliverDue(), 2);
  EXPECT_EQ(runner.pruneFinished(), 1) << "the newest stays: the cursor stands on it";
  EXPECT_EQ(count("SELECT count(*) AS n FROM agape_events"), 1);
  db_->run([&](Tx& tx) { bus.publish(tx, "order.paid", "{}"); });
  EXPECT_EQ(bus.deliverDue(), 1) << "a position after the pruned ones";
  EXPECT_EQ(calls, 3);
}

TEST_P(EventsTest, PublishedEventsDeliveriesAndLagAreOnMetrics) {
  JobRunner& runner = newRunner();
  EventBus& bus = newBus(runner);
  bus.subscribe("mail", "order.paid", "receipt", [](const Event& e) {
    if (e.payload == R"({"bad":true})") throw std::runtime_error("no address");
  }, {});
  freeze(runner, bus);
  db_->run([&](Tx& tx) {
    bus.publish(tx, "order.paid", "{}");
    bus.publish(tx, "order.paid", R"({"bad":true})");
    bus.publish(tx, "order.created", "{}");
  });
  const auto metric = [&](const std::string& line) {
    const std::string text = metrics_.render();
    const auto at = text.find(line + " ");
    return at == std::string::npos ? -1.0 : std::stod(text.substr(at + line.size() + 1));
  };
  EXPECT_EQ(metric(R"(agape_events_published_total{topic="order.paid"})"), 2);
  EXPECT_EQ(metric(R"(agape_events_published_total{topic="order.created"})"), 1);
  clock_.advance(3s);
  bus.measureLag();
  EXPECT_EQ(metric(R"(agape_event_lag_events{subscriber="mail.receipt"})"), 2) << "order.created is not its topic";
  EXPECT_EQ(metric(R"(agape_event_lag_seconds{subscriber="mail.receipt"})"), 3);
  EXPECT_EQ(bus.deliverDue(), 2);
  bus.measureLag();
  EXPECT_EQ(metric(R"(agape_event_lag_events{subscriber="mail.receipt"})"), 0);
  EXPECT_EQ(metric(R"(agape_event_lag_seconds{subscriber="mail.receipt"})"), 0);
  EXPECT_EQ(metric(R"(agape_event_deliveries_total{subscriber="mail.receipt",topic="order.paid",outcome="delivered"})"), 1);
  EXPECT_EQ(metric(R"(agape_event_deliveries_total{subscriber="mail.receipt",topic="order.paid",outcome="retry"})"), 1);
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
