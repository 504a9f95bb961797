-- pgbench script for benchmarks/load/checkout.sh --floor: the least a
-- checkout of two lines must write, against the real tables: a conditional
-- reservation per line (in variant id order, as the inventory locks them),
-- the order, its two lines and its hold. No movements, events, jobs, audit
-- or cart: the database's floor under POST /v1/orders.
-- Needs bench_variants (n = 1..:nv in variant id order) and the sequence
-- bench_floor_orders, both made by checkout.sh; run with -D nv=<variants>.
\set a random(1, :nv - 1)
\set b random(:a + 1, :nv)
BEGIN;
UPDATE inventory_levels SET reserved = reserved + 1, version = version + 1, updated_at = 0
  WHERE variant_id = (SELECT id FROM bench_variants WHERE n = :a) AND on_hand - reserved >= 1;
UPDATE inventory_levels SET reserved = reserved + 1, version = version + 1, updated_at = 0
  WHERE variant_id = (SELECT id FROM bench_variants WHERE n = :b) AND on_hand - reserved >= 1;
INSERT INTO orders_orders (id, number, user_id, status, currency, subtotal, discount, shipping, tax, total,
                           tax_inclusive, shipping_method, shipping_address, reservation_expires_at, version,
                           created_at, updated_at)
  VALUES ('floor-' || nextval('bench_floor_orders'), 'FL-' || currval('bench_floor_orders'), 'floor-user',
          'pending', 'NGN', 20000, 0, 250000, 1395, 270000, 1, 'standard',
          '{"fullName":"Ada Obi","line1":"12 Admiralty Way","city":"Lekki","state":"Lagos","country":"NG"}',
          0, 1, 0, 0);
INSERT INTO orders_items (order_id, line, variant_id, product_id, sku, product_name, quantity, unit_price, line_total)
  SELECT 'floor-' || currval('bench_floor_orders'), CASE WHEN n = :a THEN 1 ELSE 2 END, id, product_id, sku,
         'Floor item', 1, 10000, 10000
  FROM bench_variants WHERE n IN (:a, :b);
INSERT INTO inventory_holds (holder, status, expires_at, created_at, updated_at)
  VALUES ('order:floor-' || currval('bench_floor_orders'), 'active', 0, 0, 0);
INSERT INTO inventory_hold_items (holder, variant_id, quantity)
  SELECT 'order:floor-' || currval('bench_floor_orders'), id, 1 FROM bench_variants WHERE n IN (:a, :b);
END;
