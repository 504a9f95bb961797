-- Coupons: a percentage (with an optional cap) or a fixed amount off the
-- goods, with a minimum order, a validity window and usage limits. A
-- redemption is written in the order's transaction; times_used only moves
-- through a conditional update, so concurrent orders never use a coupon more
-- often than its limit.
CREATE TABLE orders_coupons (
  id TEXT PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('percent', 'fixed')),
  -- percent: 1..100; fixed: kobo off.
  value INTEGER NOT NULL CHECK (value > 0),
  max_discount INTEGER CHECK (max_discount IS NULL OR max_discount > 0),
  min_order INTEGER NOT NULL DEFAULT 0 CHECK (min_order >= 0),
  usage_limit INTEGER CHECK (usage_limit IS NULL OR usage_limit > 0),
  per_user_limit INTEGER CHECK (per_user_limit IS NULL OR per_user_limit > 0),
  starts_at INTEGER,
  ends_at INTEGER,
  active INTEGER NOT NULL CHECK (active IN (0, 1)),
  times_used INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CONSTRAINT orders_coupons_percent_range CHECK (kind <> 'percent' OR value <= 100),
  CONSTRAINT orders_coupons_within_limit CHECK (usage_limit IS NULL OR times_used <= usage_limit),
  CONSTRAINT orders_coupons_window CHECK (starts_at IS NULL OR ends_at IS NULL OR starts_at < ends_at)
);

CREATE TABLE orders_coupon_redemptions (
  order_id TEXT PRIMARY KEY REFERENCES orders_orders (id),
  coupon_id TEXT NOT NULL REFERENCES orders_coupons (id),
  user_id TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount >= 0),
  created_at INTEGER NOT NULL
);
CREATE INDEX orders_coupon_redemptions_user ON orders_coupon_redemptions (coupon_id, user_id);
