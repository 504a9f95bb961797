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

\echo '== 7. the variants of one page: the newest 20 products (one query for all)'
:plan SELECT v.id, v.product_id, v.sku, v.size, v.color, v.status, v.effective_price AS price, a.available
  FROM catalog_variants v LEFT JOIN catalog_availability a ON a.variant_id = v.id
  WHERE v.status = 'active' AND v.product_id IN ('019442eb-d7a0-7000-8000-00000006270f', '019442ea-ed40-7000-8000-00000006270e', '019442ea-02e0-7000-8000-00000006270d',
    '019442e9-1880-7000-8000-00000006270c', '019442e8-2e20-7000-8000-00000006270b', '019442e7-43c0-7000-8000-00000006270a',
    '019442e6-5960-7000-8000-000000062709', '019442e5-6f00-7000-8000-000000062708', '019442e4-84a0-7000-8000-000000062707',
    '019442e3-9a40-7000-8000-000000062706', '019442e2-afe0-7000-8000-000000062705', '019442e1-c580-7000-8000-000000062704',
    '019442e0-db20-7000-8000-000000062703', '019442df-f0c0-7000-8000-000000062702', '019442df-0660-7000-8000-000000062701',
    '019442de-1c00-7000-8000-000000062700', '019442dd-31a0-7000-8000-0000000626ff', '019442dc-4740-7000-8000-0000000626fe',
    '019442db-5ce0-7000-8000-0000000626fd', '019442da-7280-7000-8000-0000000626fc')
  ORDER BY v.product_id, v.position, v.sku;

\echo '== 8. search "dress": one tsquery, ranked in the index of active products, then the page read whole'
\echo '   (prepared as the server prepares it; shown with the generic plan it settles on)'
SET plan_cache_mode = force_generic_plan;
PREPARE search_page(text, text, bigint, bigint) AS
  WITH m AS MATERIALIZED (SELECT websearch_to_tsquery('english', $1) || to_tsquery('english', $2) AS q),
  top AS (SELECT s.product_id AS id, ts_rank(s.search, m.q) AS rank FROM m, catalog_search_index s
    WHERE s.search @@ m.q ORDER BY rank DESC, s.product_id COLLATE "C" LIMIT $3 OFFSET $4)
  SELECT :cols FROM top JOIN catalog_products p ON p.id = top.id
  JOIN catalog_categories c ON c.id = p.category_id ORDER BY top.rank DESC, p.id COLLATE "C";
\o /dev/null
EXECUTE search_page('dress', 'dress:*', 20, 0);  -- the session's first search loads the dictionary
\o
:plan EXECUTE search_page('dress', 'dress:*', 20, 0);

\echo '== 9. search total (when the first page is full)'
PREPARE search_total(text, text) AS
  WITH m AS MATERIALIZED (SELECT websearch_to_tsquery('english', $1) || to_tsquery('english', $2) AS q)
  SELECT COUNT(*) AS n FROM m, catalog_search_index s WHERE s.search @@ m.q;
:plan EXECUTE search_total('dress', 'dress:*');
RESET plan_cache_mode;
