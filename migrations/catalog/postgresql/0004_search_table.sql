-- The search vectors move out of the wide products rows into a narrow table
-- of active products only: ranking a common word reads a few hundred small
-- pages instead of every matching product row (measured: 2.1 → 1.1 ms for
-- 1,112 matches among 10,000 products), and drafts and archived products
-- are not in it, as on SQLite.
CREATE TABLE catalog_search_index (
  product_id TEXT PRIMARY KEY REFERENCES catalog_products(id),
  search tsvector NOT NULL
);
INSERT INTO catalog_search_index (product_id, search)
  SELECT id, search FROM catalog_products WHERE status = 'active';
CREATE INDEX catalog_search_index_search ON catalog_search_index USING GIN (search);
DROP INDEX catalog_products_search;
ALTER TABLE catalog_products DROP COLUMN search;
