-- The catalogue's read queries as the plugin issues them (placeholders
-- filled in), on the `agape seed bench --products 10000` catalogue, for
-- docs/catalog.md. Run: psql -X -f benchmarks/sql/catalog_plans.sql <db>
\pset pager off
\set plan 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON)'
\set cols 'p.id, p.slug, p.name, p.description, p.price, p.images, p.status, p.version, p.created_at, c.id AS category_id, c.slug AS category_slug, c.name AS category_name'
ANALYZE;

\echo '== 1. list, newest first (the default page)'
:plan SELECT :cols FROM catalog_products p JOIN catalog_categories c ON c.id = p.category_id
  WHERE p.status = 'active' ORDER BY p.created_at DESC, p.id DESC LIMIT 20 OFFSET 0;

\echo '== 2. list total (every list response carries it)'
:plan SELECT COUNT(*) AS n FROM catalog_products p WHERE p.status = 'active';

\echo '== 3. category "women" with its subcategories'
:plan SELECT :cols FROM catalog_products p JOIN catalog_categories c ON c.id = p.category_id
  WHERE p.status = 'active' AND p.category_id IN ('01941f29-7c00-7000-8000-000000050000',
    '01941f29-7c00-7000-8000-000000050003', '01941f29-7c00-7000-8000-000000050004',
    '01941f29-7c00-7000-8000-000000050005')
  ORDER BY p.created_at DESC, p.id DESC LIMIT 20 OFFSET 0;

\echo '== 4. price range on the effective variant price, cheapest first'
:plan SELECT :cols FROM catalog_products p JOIN catalog_categories c ON c.id = p.category_id
  WHERE p.status = 'active' AND EXISTS (SELECT 1 FROM catalog_variants v WHERE v.product_id = p.id
    AND v.status = 'active' AND v.effective_price >= 1000000 AND v.effective_price <= 1200000)
  ORDER BY p.min_price ASC, p.id ASC LIMIT 20 OFFSET 0;

\echo '== 5. size and colour on the same variant'
:plan SELECT :cols FROM catalog_products p JOIN catalog_categories c ON c.id = p.category_id
  WHERE p.status = 'active' AND EXISTS (SELECT 1 FROM catalog_variants v WHERE v.product_id = p.id
    AND v.status = 'active' AND v.size = 'XL' AND LOWER(v.color) = LOWER('emerald'))
  ORDER BY p.name ASC, p.id ASC LIMIT 20 OFFSET 0;

\echo '== 6. in stock'
:plan SELECT COUNT(*) AS n FROM catalog_products p
  WHERE p.status = 'active' AND EXISTS (SELECT 1 FROM catalog_variants v WHERE v.product_id = p.id
    AND v.status = 'active' AND EXISTS (SELECT 1 FROM catalog_availability a WHERE a.variant_id = v.id AND a.available > 0));

\echo '== 7. the variants of one page (one query for the 20 products)'
:plan SELECT v.id, v.product_id, v.sku, v.size, v.color, v.status, v.effective_price AS price, a.available
  FROM catalog_variants v LEFT JOIN catalog_availability a ON a.variant_id = v.id
  WHERE v.status = 'active' AND v.product_id IN (SELECT id FROM catalog_products ORDER BY created_at DESC LIMIT 20)
  ORDER BY v.product_id, v.position, v.sku;

\echo '== 8. search "dress": total, then the ranked page'
:plan SELECT COUNT(*) AS n FROM catalog_products p WHERE p.status = 'active'
  AND (p.search @@ websearch_to_tsquery('english', 'dress') OR p.search @@ to_tsquery('english', 'dress:*'));
:plan SELECT :cols FROM catalog_products p JOIN catalog_categories c ON c.id = p.category_id
  WHERE p.status = 'active' AND (p.search @@ websearch_to_tsquery('english', 'dress')
    OR p.search @@ to_tsquery('english', 'dress:*'))
  ORDER BY ts_rank(p.search, websearch_to_tsquery('english', 'dress') || to_tsquery('english', 'dress:*')) DESC, p.id
  LIMIT 20 OFFSET 0;
