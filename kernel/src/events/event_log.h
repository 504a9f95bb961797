#pragma once
// The SQL of the event log (agape_events) and its subscribers' cursors
// (agape_event_cursors). Every statement is parameterised.
//
// An event's position is (tx, seq). On PostgreSQL tx is the publishing
// transaction's id and seq a sequence: positions are not in commit order,
// so a reader takes only events of transactions older than the oldest one
// still running (pg_snapshot_xmin): none of those can append any more, so
// a cursor that moves past them never passes over an event committed later.
// On SQLite one write transaction runs at a time: seq (the next after the
// largest) is the commit order and tx is 0.

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agape/db.h"
#include "agape/events.h"

namespace agape::kernel {

struct LogPosition {
  long long tx = 0, seq = 0;
  auto operator<=>(const LogPosition&) const = default;
};

struct LoggedEvent {
  LogPosition at;
  Event event;
};

class EventLog {
 public:
  explicit EventLog(Database& db) : db_(db) {}

  struct Appended {
    std::string id, topic, payload;
    int schemaVersion = 1;
    long long occurredAtMs = 0;
    std::string requestId;     // empty: none
    long long deliveries = 0;  // subscribers it matched when published
  };
  // In one statement, positioned in this order.
  void append(Tx& tx, const std::vector<Appended>& events);

  // Up to `limit` events after `from` that `pattern` matches, in order, no
  // further than what may be read now; `next` is where a cursor may move
  // once they are delivered (past unmatched events too).
  struct Batch {
    std::vector<LoggedEvent> events;
    LogPosition next;
  };
  Batch read(const std::string& pattern, LogPosition from, int limit);
  // The newest position written, committed or not yet readable.
  LogPosition head();
  // The newest position a reader may take now: a reader that starts here
  // and a snapshot taken after this call see every event exactly once
  // between them.
  LogPosition end();

  // The subscriber's cursor, created at the end of the log (a new
  // subscriber gets the events published from then on); an existing one
  // keeps its position and takes `pattern` if it changed.
  void openCursor(const std::string& subscriber, const std::string& pattern, long long nowMs);
  // Takes the subscriber's lease for `worker` until `untilMs` (free, lapsed
  // or already its own) and returns the cursor; nullopt when another
  // worker holds it.
  std::optional<LogPosition> acquire(const std::string& subscriber, const std::string& worker, long long nowMs,
                                     long long untilMs);
  // Moves the cursor to `to` and the lease on to `untilMs`, in `tx`; false
  // when the lease is no longer `worker`'s (nothing changed).
  bool advance(Tx& tx, const std::string& subscriber, const std::string& worker, LogPosition to, long long untilMs,
               long long nowMs);
  // Leaves the cursor at `to` and the lease free.
  void release(const std::string& subscriber, const std::string& worker, LogPosition to, long long nowMs);

  // Events the stored cursor has not passed (counted up to `cap`) and the
  // time of the oldest, for /metrics.
  struct Lag {
    long long events = 0;
    std::optional<long long> oldestMs;
  };
  Lag lag(const std::string& subscriber, const std::string& pattern, long long cap);
  // The same after a position held in memory (a follower's).
  Lag lagAfter(LogPosition from, const std::string& pattern, long long cap);

  // Bookkeeping a crash may only repeat: its commit need not wait for the
  // disk (PostgreSQL; SQLite has no such switch).
  static void relaxDurability(Tx& tx);

 private:
  Database& db_;
};

}  // namespace agape::kernel
