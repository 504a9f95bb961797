-- Refunds of a payment, full or partial: written `pending` (under the
-- payment's row lock, so concurrent refunds can never add up to more than
-- was paid) before the provider is asked, then `processed` or `failed` from
-- the provider's answer or its refund.* webhook.
CREATE TABLE payments_refunds (
  id TEXT PRIMARY KEY,
  payment_id TEXT NOT NULL REFERENCES payments_payments (id),
  amount BIGINT NOT NULL CHECK (amount > 0),
  reason TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'processed', 'failed')),
  provider_refund_id TEXT,
  failure TEXT,
  requested_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX payments_refunds_payment ON payments_refunds (payment_id, created_at);
