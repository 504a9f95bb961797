-- Email deliveries: one row per (event, kind), written by the event's
-- subscriber in the same transaction as the job that sends it, so a
-- redelivered event writes nothing twice and a committed delivery is never
-- lost. The provider is called by the job; Resend also gets the delivery id
-- as its Idempotency-Key, so a retried job never sends twice.
CREATE TABLE notifications_deliveries (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  text_body TEXT NOT NULL,
  html_body TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
  provider TEXT NOT NULL,
  provider_message_id TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT notifications_one_per_event UNIQUE (event_id, kind)
);
CREATE INDEX notifications_deliveries_created ON notifications_deliveries (created_at, id);
CREATE INDEX notifications_deliveries_status ON notifications_deliveries (status, created_at);
