#include "events/event_log.h"

namespace agape::kernel {
namespace {

using std::chrono::milliseconds;

// The newest position a reader may take now (see the header).
constexpr const char* kSettledEndPg =
    "SELECT tx, seq FROM agape_events WHERE tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint "
    "ORDER BY tx DESC, seq DESC LIMIT 1";
constexpr const char* kHead = "SELECT tx, seq FROM agape_events ORDER BY tx DESC, seq DESC LIMIT 1";

LogPosition positionOf(const std::optional<Row>& r) {
  return r ? LogPosition{r->integer("tx"), r->integer("seq")} : LogPosition{};
}

LogPosition settledEnd(Tx& tx) { return positionOf(tx.one(tx.dialect() == Dialect::Postgres ? kSettledEndPg : kHead)); }

// The SQL condition for `pattern` ("order.paid", "order.*" or "*"), its
// values added to `params`. The prefix is compared as text, not with LIKE,
// whose wildcards include '_'.
std::string topicCondition(const std::string& pattern, Params& params) {
  if (pattern == "*") return "";
  if (pattern.size() > 2 && pattern.compare(pattern.size() - 2, 2, ".*") == 0) {
    const std::string prefix = pattern.substr(0, pattern.size() - 1);
    params.emplace_back("prefix_len", static_cast<long long>(prefix.size()));
    params.emplace_back("prefix", prefix);
    return " AND substr(topic, 1, :prefix_len) = :prefix";
  }
  params.emplace_back("topic", pattern);
  return " AND topic = :topic";
}

std::chrono::system_clock::time_point fromMs(long long ms) {
  return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(milliseconds(ms)));
}

}  // namespace

void EventLog::relaxDurability(Tx& tx) {
  if (tx.dialect() == Dialect::Postgres) tx.exec("SET LOCAL synchronous_commit TO OFF");
}

void EventLog::append(Tx& tx, const std::vector<Appended>& events) {
  if (events.empty()) return;
  const bool pg = tx.dialect() == Dialect::Postgres;
  // SQLite: the writer is alone, so the positions after the largest are free.
  // (By the position index, backwards: max(seq) alone would read every row.)
  const long long base = pg ? 0 : positionOf(tx.one(kHead)).seq;
  std::string sql = pg ? "INSERT INTO agape_events (id, topic, payload, occurred_at, request_id, deliveries, schema_version) VALUES "
                       : "INSERT INTO agape_events (id, topic, payload, occurred_at, request_id, deliveries, schema_version, tx, seq) VALUES ";
  Params params;
  params.reserve(events.size() * (pg ? 7 : 8));
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Appended& e = events[i];
    const std::string n = std::to_string(i);
    sql += (i ? ", (" : "(") + (":id" + n) + ", :topic" + n + ", :payload" + n + ", :at" + n + ", :request" + n +
           ", :deliveries" + n + ", :version" + n + (pg ? ")" : ", 0, :seq" + n + ")");
    params.emplace_back("id" + n, e.id);
    params.emplace_back("topic" + n, e.topic);
    params.emplace_back("payload" + n, e.payload);
    params.emplace_back("at" + n, e.occurredAtMs);
    params.emplace_back("request" + n, e.requestId.empty() ? Value() : Value(e.requestId));
    params.emplace_back("deliveries" + n, e.deliveries);
    params.emplace_back("version" + n, e.schemaVersion);
    if (!pg) params.emplace_back("seq" + n, base + static_cast<long long>(i) + 1);
  }
  tx.execLater(sql, params);
}

EventLog::Batch EventLog::read(const std::string& pattern, LogPosition from, int limit) {
  return db_.read([&](Tx& tx) {
    Batch batch{{}, from};
    const LogPosition end = settledEnd(tx);
    if (end <= from) return batch;
    Params params{{"ftx", from.tx}, {"fseq", from.seq}, {"etx", end.tx}, {"eseq", end.seq}, {"n", limit}};
    const std::string sql =
        "SELECT tx, seq, id, topic, payload, occurred_at, request_id, schema_version FROM agape_events"
        " WHERE (tx, seq) > (:ftx, :fseq) AND (tx, seq) <= (:etx, :eseq)" +
        topicCondition(pattern, params) + " ORDER BY tx, seq LIMIT :n";
    for (const Row& r : tx.query(sql, params)) {
      LoggedEvent e;
      e.at = {r.integer("tx"), r.integer("seq")};
      e.event.id = r.text("id");
      e.event.topic = r.text("topic");
      e.event.payload = r.text("payload");
      e.event.occurredAt = fromMs(r.integer("occurred_at"));
      e.event.requestId = r.optText("request_id").value_or("");
      e.event.schemaVersion = static_cast<int>(r.integer("schema_version"));
      batch.events.push_back(std::move(e));
    }
    batch.next = static_cast<int>(batch.events.size()) == limit ? batch.events.back().at : end;
    return batch;
  });
}

LogPosition EventLog::head() {
  return db_.read([&](Tx& tx) { return positionOf(tx.one(kHead)); });
}

LogPosition EventLog::end() {
  return db_.read([&](Tx& tx) { return settledEnd(tx); });
}

void EventLog::openCursor(const std::string& subscriber, const std::string& pattern, long long nowMs) {
  db_.run([&](Tx& tx) {
    const LogPosition end = settledEnd(tx);
    tx.exec("INSERT INTO agape_event_cursors (subscriber, pattern, tx, seq, updated_at)"
            " VALUES (:s, :pattern, :tx, :seq, :now)"
            " ON CONFLICT (subscriber) DO UPDATE SET pattern = excluded.pattern"
            " WHERE agape_event_cursors.pattern <> excluded.pattern",
            {{"s", subscriber}, {"pattern", pattern}, {"tx", end.tx}, {"seq", end.seq}, {"now", nowMs}});
  });
}

std::optional<LogPosition> EventLog::acquire(const std::string& subscriber, const std::string& worker, long long nowMs,
                                             long long untilMs) {
  return db_.run([&](Tx& tx) -> std::optional<LogPosition> {
    relaxDurability(tx);
    const auto r = tx.one(
        "UPDATE agape_event_cursors SET locked_by = :worker, locked_until = :until, updated_at = :now"
        " WHERE subscriber = :s AND (locked_by IS NULL OR locked_by = :worker OR locked_until < :now)"
        " RETURNING tx, seq",
        {{"worker", worker}, {"until", untilMs}, {"now", nowMs}, {"s", subscriber}});
    if (!r) return std::nullopt;
    return positionOf(r);
  });
}

bool EventLog::advance(Tx& tx, const std::string& subscriber, const std::string& worker, LogPosition to,
                       long long untilMs, long long nowMs) {
  return tx.exec("UPDATE agape_event_cursors SET tx = :tx, seq = :seq, locked_until = :until, updated_at = :now"
                 " WHERE subscriber = :s AND locked_by = :worker",
                 {{"tx", to.tx}, {"seq", to.seq}, {"until", untilMs}, {"now", nowMs}, {"s", subscriber},
                  {"worker", worker}}) == 1;
}

void EventLog::release(const std::string& subscriber, const std::string& worker, LogPosition to, long long nowMs) {
  db_.run([&](Tx& tx) {
    tx.exec("UPDATE agape_event_cursors SET tx = :tx, seq = :seq, locked_by = NULL, locked_until = NULL,"
            " updated_at = :now WHERE subscriber = :s AND locked_by = :worker",
            {{"tx", to.tx}, {"seq", to.seq}, {"now", nowMs}, {"s", subscriber}, {"worker", worker}});
  });
}

namespace {

EventLog::Lag lagOf(Tx& tx, const std::string& after, Params params, const std::string& pattern, long long cap) {
  params.emplace_back("cap", cap);
  const std::string sql = "SELECT count(*) AS n, min(occurred_at) AS oldest FROM (SELECT occurred_at FROM agape_events"
                          " WHERE (tx, seq) > " + after + topicCondition(pattern, params) +
                          " ORDER BY tx, seq LIMIT :cap) behind";
  const auto r = tx.one(sql, params);
  EventLog::Lag lag;
  if (r) {
    lag.events = r->integer("n");
    lag.oldestMs = r->optInteger("oldest");
  }
  return lag;
}

}  // namespace

EventLog::Lag EventLog::lag(const std::string& subscriber, const std::string& pattern, long long cap) {
  return db_.read([&](Tx& tx) {
    return lagOf(tx, "(SELECT tx, seq FROM agape_event_cursors WHERE subscriber = :s)", {{"s", subscriber}}, pattern,
                 cap);
  });
}

EventLog::Lag EventLog::lagAfter(LogPosition from, const std::string& pattern, long long cap) {
  return db_.read(
      [&](Tx& tx) { return lagOf(tx, "(:ftx, :fseq)", {{"ftx", from.tx}, {"fseq", from.seq}}, pattern, cap); });
}

}  // namespace agape::kernel
