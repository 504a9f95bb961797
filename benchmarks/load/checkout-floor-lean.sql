-- The same writes as checkout-floor.sql in ONE statement (one round trip,
-- no BEGIN/COMMIT of its own): data-modifying CTEs, the reservation set-based
-- with the all-or-nothing check (the order is inserted only when both level
-- updates applied). To compare with the floor by hand, on the tables
-- checkout.sh leaves (run it with --pg-url so they stay):
--   pgbench -n -f benchmarks/load/checkout-floor-lean.sql -D nv=<variants> -c 64 -j 2 -T 10 URL
\set a random(1, :nv - 1)
\set b random(:a + 1, :nv)
WITH v AS (SELECT id, product_id, sku, CASE WHEN n = :a THEN 1 ELSE 2 END AS line FROM bench_variants WHERE n IN (:a, :b)),
     r AS (UPDATE inventory_levels l SET reserved = reserved + 1, version = version + 1, updated_at = 0
           FROM v WHERE l.variant_id = v.id AND l.on_hand - l.reserved >= 1 RETURNING l.variant_id),
     o AS (INSERT INTO orders_orders (id, number, user_id, status, currency, subtotal, discount, shipping, tax, total,
                           tax_inclusive, shipping_method, shipping_address, reservation_expires_at, version,
                           created_at, updated_at)
           SELECT 'lean-' || nextval('bench_floor_orders'), 'LN-' || currval('bench_floor_orders'), 'floor-user',
                  'pending', 'NGN', 20000, 0, 250000, 1395, 270000, 1, 'standard',
                  '{"fullName":"Ada Obi","line1":"12 Admiralty Way","city":"Lekki","state":"Lagos","country":"NG"}',
                  0, 1, 0, 0
           WHERE (SELECT count(*) FROM r) = 2 RETURNING id),
     i AS (INSERT INTO orders_items (order_id, line, variant_id, product_id, sku, product_name, quantity, unit_price, line_total)
           SELECT o.id, v.line, v.id, v.product_id, v.sku, 'Floor item', 1, 10000, 10000 FROM o, v RETURNING 1),
     h AS (INSERT INTO inventory_holds (holder, status, expires_at, created_at, updated_at)
           SELECT 'order:' || o.id, 'active', 0, 0, 0 FROM o RETURNING holder)
INSERT INTO inventory_hold_items (holder, variant_id, quantity) SELECT h.holder, v.id, 1 FROM h, v;
