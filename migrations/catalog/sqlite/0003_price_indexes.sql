-- Index-backed price filters and price sort. A variant's effective price
-- (its override, else the product price) and a product's lowest active
-- price are stored, kept current by every write, instead of computed per
-- row at query time; the colour filter compares lower-case, so its index is
-- on LOWER(color).
ALTER TABLE catalog_variants ADD COLUMN effective_price INTEGER;
UPDATE catalog_variants SET effective_price =
  COALESCE(price, (SELECT p.price FROM catalog_products p WHERE p.id = catalog_variants.product_id));
CREATE INDEX catalog_variants_effective_price ON catalog_variants(effective_price, product_id);
DROP INDEX catalog_variants_price;
CREATE INDEX catalog_variants_color_lower ON catalog_variants(LOWER(color), product_id);
DROP INDEX catalog_variants_color;

ALTER TABLE catalog_products ADD COLUMN min_price INTEGER;
UPDATE catalog_products SET min_price = COALESCE(
  (SELECT MIN(v.effective_price) FROM catalog_variants v WHERE v.product_id = catalog_products.id AND v.status = 'active'),
  price);
CREATE INDEX catalog_products_status_min_price ON catalog_products(status, min_price);
