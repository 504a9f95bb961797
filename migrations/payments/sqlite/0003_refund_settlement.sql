-- Refunds whose outcome is unknown are settled by asking the provider, never
-- sent twice: when a refund was last sent (the send is claimed by setting it,
-- so one sender wins), how often, when the provider was last asked about it,
-- and what asked for it when that must happen once (origin: "order.cancelled:<order id>").
ALTER TABLE payments_refunds ADD COLUMN sent_at INTEGER;
ALTER TABLE payments_refunds ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payments_refunds ADD COLUMN checked_at INTEGER;
ALTER TABLE payments_refunds ADD COLUMN origin TEXT;
CREATE UNIQUE INDEX payments_refunds_origin ON payments_refunds (origin) WHERE origin IS NOT NULL;
CREATE INDEX payments_refunds_pending ON payments_refunds (created_at) WHERE status = 'pending';
CREATE INDEX payments_refunds_status ON payments_refunds (status, created_at, id);

-- Kept past Paystack's 72-hour webhook retries, then purged.
CREATE INDEX payments_idempotency_created ON payments_idempotency (created_at);
CREATE INDEX payments_webhook_events_received ON payments_webhook_events (received_at);

-- The built-in sandbox's refunds, so it can be asked about them like Paystack.
CREATE TABLE payments_sandbox_refunds (
  id TEXT PRIMARY KEY,
  reference TEXT NOT NULL REFERENCES payments_sandbox_charges (reference),
  amount INTEGER NOT NULL CHECK (amount > 0),
  created_at INTEGER NOT NULL
);
CREATE INDEX payments_sandbox_refunds_reference ON payments_sandbox_refunds (reference);
