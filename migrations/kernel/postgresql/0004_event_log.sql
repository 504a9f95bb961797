-- Events as a log: each subscriber reads agape_events in order from its own
-- cursor instead of a delivery job per subscriber and event.
--
-- The order is the position (tx, seq): the publishing transaction's id, then
-- a sequence within it. A reader only takes events of transactions older
-- than the oldest still running (pg_snapshot_xmin), so an event committed
-- late by a transaction that started early is never passed over: no
-- transaction below that bound can still append.
ALTER TABLE agape_events ADD COLUMN tx BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint);
ALTER TABLE agape_events ADD COLUMN seq BIGSERIAL;
ALTER TABLE agape_events ADD COLUMN schema_version INTEGER NOT NULL DEFAULT 1;
CREATE UNIQUE INDEX agape_events_position ON agape_events (tx, seq);
-- Readers go by position; one index less to write per event.
DROP INDEX agape_events_topic;

-- One row per subscriber ("<plugin>.<name>"): the topics it follows (a
-- topic, "prefix.*" or "*"), the position of the last event it has taken,
-- and the instance that delivers to it (a lease, so one instance at a time,
-- taken over when it lapses).
CREATE TABLE agape_event_cursors (
  subscriber TEXT PRIMARY KEY,
  pattern TEXT NOT NULL,
  tx BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  locked_by TEXT,
  locked_until BIGINT,
  updated_at BIGINT NOT NULL
);
