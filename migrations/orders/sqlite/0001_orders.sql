-- Orders: the order with its totals as charged, its lines as sold (copied
-- from the cart and the catalogue at checkout, never looked up again), and
-- the Idempotency-Keys of POST /v1/orders with the response they produced.
-- Amounts are integer minor units (kobo) of `currency`.
CREATE TABLE orders_orders (
  id TEXT PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'processing', 'shipped', 'delivered', 'cancelled', 'expired', 'refunded')),
  currency TEXT NOT NULL,
  subtotal INTEGER NOT NULL CHECK (subtotal >= 0),
  discount INTEGER NOT NULL CHECK (discount >= 0 AND discount <= subtotal),
  shipping INTEGER NOT NULL CHECK (shipping >= 0),
  tax INTEGER NOT NULL CHECK (tax >= 0),
  total INTEGER NOT NULL CHECK (total >= 0),
  tax_inclusive INTEGER NOT NULL CHECK (tax_inclusive IN (0, 1)),
  shipping_method TEXT NOT NULL,
  shipping_address TEXT NOT NULL,
  coupon_code TEXT,
  reservation_expires_at INTEGER NOT NULL,
  tracking_number TEXT,
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
-- A customer's own orders, newest first; staff lists by status or by time.
CREATE INDEX orders_orders_user_created ON orders_orders (user_id, created_at, id);
CREATE INDEX orders_orders_status_created ON orders_orders (status, created_at, id);
CREATE INDEX orders_orders_created ON orders_orders (created_at, id);

CREATE TABLE orders_items (
  order_id TEXT NOT NULL REFERENCES orders_orders (id),
  line INTEGER NOT NULL,
  variant_id TEXT NOT NULL,
  product_id TEXT NOT NULL,
  sku TEXT NOT NULL,
  product_name TEXT NOT NULL,
  size TEXT,
  color TEXT,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
  line_total INTEGER NOT NULL CHECK (line_total >= 0),
  PRIMARY KEY (order_id, line)
);

-- One row per (user, key): inserted first in the order's transaction, so a
-- concurrent retry waits on it and then replays the stored response.
CREATE TABLE orders_idempotency (
  user_id TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response_status INTEGER,
  response_body TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, idem_key)
);
CREATE INDEX orders_idempotency_created ON orders_idempotency (created_at);
