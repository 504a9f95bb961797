-- The refund of the payment that paid an order, as the payments plugin
-- reports it: NULL (none asked), 'pending', 'partial', 'refunded' or
-- 'failed' (the provider refused: finance asks again), and how much of the
-- total went back. Revenue counts total - refunded_amount.
ALTER TABLE orders_orders ADD COLUMN refund_status TEXT
  CHECK (refund_status IS NULL OR refund_status IN ('pending', 'partial', 'refunded', 'failed'));
ALTER TABLE orders_orders ADD COLUMN refunded_amount BIGINT NOT NULL DEFAULT 0;
