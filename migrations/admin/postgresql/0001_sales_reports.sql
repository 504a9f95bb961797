-- The admin plugin's read model of sales, kept from the orders plugin's
-- events (order.*) through its OrderService, never from its tables. Days are
-- local dates of the shop's time zone counted from 1970-01-01 (day 0), the
-- day each order was placed; amounts are minor units.

-- One row per order: what it adds to the tables below, so that a change
-- takes its old figures out and puts its new ones in. `version` is the
-- order's: an older state arriving late changes nothing.
CREATE TABLE admin_orders (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  status TEXT NOT NULL,
  currency TEXT NOT NULL,
  day INTEGER NOT NULL,
  total BIGINT NOT NULL,
  refunded BIGINT NOT NULL,
  units BIGINT NOT NULL,
  version BIGINT NOT NULL
);
-- Paying customers of a period; a customer's first kept order.
CREATE INDEX admin_orders_day ON admin_orders (day, status, user_id);
CREATE INDEX admin_orders_user ON admin_orders (user_id, status, day);

-- Orders placed per day, currency and (current) status.
CREATE TABLE admin_daily_sales (
  day INTEGER NOT NULL,
  currency TEXT NOT NULL,
  status TEXT NOT NULL,
  orders BIGINT NOT NULL,
  gross BIGINT NOT NULL,
  refunded BIGINT NOT NULL,
  units BIGINT NOT NULL,
  PRIMARY KEY (day, currency, status)
);

-- Units and line totals per day and product, of kept orders only (paid,
-- processing, shipped, delivered).
CREATE TABLE admin_product_sales (
  day INTEGER NOT NULL,
  product_id TEXT NOT NULL,
  currency TEXT NOT NULL,
  units BIGINT NOT NULL,
  revenue BIGINT NOT NULL,
  PRIMARY KEY (day, product_id, currency)
);
-- A variant of each product sold and its name as sold: the catalogue is
-- asked for the current name and slug through the variant.
CREATE TABLE admin_products (
  product_id TEXT PRIMARY KEY,
  variant_id TEXT NOT NULL,
  name TEXT NOT NULL
);

-- Each customer's first day with a kept order (NULL: none kept now): new
-- customers of a period. Its row is also the lock that orders one
-- customer's changes.
CREATE TABLE admin_customers (
  user_id TEXT PRIMARY KEY,
  first_day INTEGER
);
CREATE INDEX admin_customers_first ON admin_customers (first_day);

-- What the model was built for: the time zone its days are in.
CREATE TABLE admin_report_state (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
