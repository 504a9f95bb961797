-- The full-text index keeps active products only (searches count and rank
-- within it); drafts and archived products leave it.
DELETE FROM catalog_search WHERE product_id NOT IN (SELECT id FROM catalog_products WHERE status = 'active');
