-- Payments: one row per attempt to pay an order (a fresh provider reference
-- each time), the provider webhooks already applied (Paystack sends no event
-- id: the key is the event name and the transaction reference), the
-- Idempotency-Keys of POST /v1/payments/initialize, and the built-in sandbox
-- provider's charges. Amounts are integer minor units of `currency`.
CREATE TABLE payments_payments (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  reference TEXT NOT NULL UNIQUE,
  provider TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('initialized', 'success', 'failed', 'abandoned', 'refund_due', 'amount_mismatch')),
  amount BIGINT NOT NULL CHECK (amount > 0),
  currency TEXT NOT NULL,
  authorization_url TEXT,
  access_code TEXT,
  provider_transaction_id TEXT,
  channel TEXT,
  paid_at TEXT,
  failure TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX payments_payments_order ON payments_payments (order_id, created_at);
CREATE INDEX payments_payments_user ON payments_payments (user_id, created_at, id);
CREATE INDEX payments_payments_created ON payments_payments (created_at, id);

CREATE TABLE payments_webhook_events (
  event_key TEXT PRIMARY KEY,
  event TEXT NOT NULL,
  payload TEXT NOT NULL,
  received_at BIGINT NOT NULL
);

CREATE TABLE payments_idempotency (
  user_id TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response_status INTEGER,
  response_body TEXT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, idem_key)
);

CREATE TABLE payments_sandbox_charges (
  reference TEXT PRIMARY KEY,
  amount BIGINT NOT NULL,
  currency TEXT NOT NULL,
  email TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('abandoned', 'success')),
  paid_at TEXT
);
