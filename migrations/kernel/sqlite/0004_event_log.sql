-- Events as a log: each subscriber reads agape_events in order from its own
-- cursor instead of a delivery job per subscriber and event.
--
-- The order is the position (tx, seq). SQLite runs one write transaction
-- at a time, so seq (the next after the largest, given when the event is
-- written) is also the commit order; tx is always 0.
ALTER TABLE agape_events ADD COLUMN tx INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agape_events ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agape_events ADD COLUMN schema_version INTEGER NOT NULL DEFAULT 1;
UPDATE agape_events SET seq = rowid;
CREATE UNIQUE INDEX agape_events_position ON agape_events (tx, seq);
DROP INDEX agape_events_topic;

-- One row per subscriber ("<plugin>.<name>"): the topics it follows (a
-- topic, "prefix.*" or "*"), the position of the last event it has taken,
-- and the instance that delivers to it (a lease, so one instance at a time,
-- taken over when it lapses).
CREATE TABLE agape_event_cursors (
  subscriber TEXT PRIMARY KEY,
  pattern TEXT NOT NULL,
  tx INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  locked_by TEXT,
  locked_until INTEGER,
  updated_at INTEGER NOT NULL
);
