-- A customer's pending orders, counted at every checkout against
-- orders.maxPendingOrders; only pending rows are in it, so it stays small.
CREATE INDEX orders_orders_user_pending ON orders_orders (user_id, reservation_expires_at) WHERE status = 'pending';
