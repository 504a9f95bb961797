-- Catalogue: categories (a tree), products, variants, the availability read
-- model fed by inventory events, the weighted search vector and the cache
-- version that instances poll to drop their response caches.
CREATE TABLE catalog_categories (
  id TEXT PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  parent_id TEXT REFERENCES catalog_categories(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX catalog_categories_parent ON catalog_categories(parent_id);

CREATE TABLE catalog_products (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  slug TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  category_id TEXT NOT NULL REFERENCES catalog_categories(id),
  price BIGINT NOT NULL CHECK (price > 0),
  status TEXT NOT NULL CHECK (status IN ('draft', 'active', 'archived')),
  images TEXT NOT NULL DEFAULT '[]',
  version BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  -- name A, category B, description C; maintained by the plugin on write.
  search tsvector NOT NULL DEFAULT ''::tsvector
);
CREATE INDEX catalog_products_status_created ON catalog_products(status, created_at);
CREATE INDEX catalog_products_status_name ON catalog_products(status, name);
CREATE INDEX catalog_products_category ON catalog_products(category_id, status);
CREATE INDEX catalog_products_search ON catalog_products USING GIN (search);

CREATE TABLE catalog_variants (
  id TEXT PRIMARY KEY,
  product_id TEXT NOT NULL REFERENCES catalog_products(id),
  sku TEXT NOT NULL UNIQUE,
  size TEXT,
  color TEXT,
  price BIGINT CHECK (price IS NULL OR price > 0),
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX catalog_variants_product ON catalog_variants(product_id, status);
CREATE INDEX catalog_variants_size ON catalog_variants(size, product_id);
CREATE INDEX catalog_variants_color ON catalog_variants(color, product_id);
CREATE INDEX catalog_variants_price ON catalog_variants(price, product_id);

-- NULL available: inventory has not reported on the variant yet.
CREATE TABLE catalog_availability (
  variant_id TEXT PRIMARY KEY REFERENCES catalog_variants(id),
  available BIGINT,
  updated_at BIGINT NOT NULL
);
CREATE INDEX catalog_availability_available ON catalog_availability(available, variant_id);

CREATE TABLE catalog_cache_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version BIGINT NOT NULL
);
INSERT INTO catalog_cache_version (id, version) VALUES (1, 0);
