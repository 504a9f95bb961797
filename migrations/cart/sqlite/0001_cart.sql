-- Carts: one per signed-in user (user_id) or per guest (the SHA-256 of the
-- token the guest holds; the token itself is never stored). Lines keep what
-- the shopper saw when adding them (price, name, SKU), so the cart can show a
-- price change and still name a variant the catalogue has since removed.
-- Variant ids are the catalogue's, reached through its VariantDirectory
-- service: no foreign key into its tables.
CREATE TABLE cart_carts (
  id TEXT PRIMARY KEY,
  user_id TEXT UNIQUE,
  token_hash TEXT UNIQUE,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  -- Exactly one owner: a user or a guest token.
  CONSTRAINT cart_carts_one_owner CHECK ((user_id IS NULL) <> (token_hash IS NULL))
);
-- The daily purge of abandoned guest carts: oldest first, guests only.
CREATE INDEX cart_carts_guest_updated ON cart_carts (updated_at) WHERE user_id IS NULL;

CREATE TABLE cart_items (
  id TEXT PRIMARY KEY,
  cart_id TEXT NOT NULL REFERENCES cart_carts (id) ON DELETE CASCADE,
  variant_id TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
  product_name TEXT NOT NULL,
  sku TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  -- One line per variant: adding again raises the quantity.
  CONSTRAINT cart_items_one_line_per_variant UNIQUE (cart_id, variant_id)
);
