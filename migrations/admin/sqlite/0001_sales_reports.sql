-- The admin plugin's read model of sales, kept from the orders plugin's
-- events (order.*) through its OrderService, never from its tables. Days are
-- local dates of the shop's time zone counted from 1970-01-01 (day 0), the
-- day each order was placed; amounts are minor units. Customers and
-- products get small integer keys here: the reports count and group
-- thousands of them per request, and integers are what indexes do fastest.

-- Each customer seen, with their first day with a kept order (NULL: none
-- kept now). A customer's row is also the lock that orders their changes.
CREATE TABLE admin_customers (
  id INTEGER PRIMARY KEY,
  user_id TEXT NOT NULL UNIQUE,
  first_day INTEGER
);

-- New customers per day: how many customers' first kept order is that day.
CREATE TABLE admin_daily_customers (
  day INTEGER PRIMARY KEY,
  customers INTEGER NOT NULL
);

-- One row per order: what it adds to the tables below, so that a change
-- takes its old figures out and puts its new ones in. `version` is the
-- order's: an older state arriving late changes nothing. `kept` is 1 for
-- paid, processing, shipped and delivered orders.
CREATE TABLE admin_orders (
  id TEXT PRIMARY KEY,
  customer INTEGER NOT NULL,
  status TEXT NOT NULL,
  kept INTEGER NOT NULL,
  currency TEXT NOT NULL,
  day INTEGER NOT NULL,
  total BIGINT NOT NULL,
  refunded BIGINT NOT NULL,
  units BIGINT NOT NULL,
  version BIGINT NOT NULL
);
-- The paying customers of a period; a customer's first kept order.
CREATE INDEX admin_orders_paying ON admin_orders (day, customer) WHERE kept = 1;
CREATE INDEX admin_orders_customer ON admin_orders (customer, day) WHERE kept = 1;

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
) WITHOUT ROWID;

-- Each product sold: a variant of it and its name as sold (the catalogue
-- is asked for the current name and slug through the variant).
CREATE TABLE admin_products (
  id INTEGER PRIMARY KEY,
  product_id TEXT NOT NULL UNIQUE,
  variant_id TEXT NOT NULL,
  name TEXT NOT NULL
);

-- Units and line totals per day and product, of kept orders in the
-- reports' currency only. The key
-- holds every column the best-sellers query reads.
CREATE TABLE admin_product_sales (
  day INTEGER NOT NULL,
  product INTEGER NOT NULL,
  units INTEGER NOT NULL,
  revenue BIGINT NOT NULL,
  PRIMARY KEY (day, product)
) WITHOUT ROWID;

-- What the model was built for: the time zone its days are in and the
-- currency it sums, and when its last rebuild began.
CREATE TABLE admin_report_state (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
