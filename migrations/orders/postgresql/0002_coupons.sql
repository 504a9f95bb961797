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
  value BIGINT NOT NULL CHECK (value > 0),
  max_discount BIGINT CHECK (max_discount IS NULL OR max_discount > 0),
  min_order BIGINT NOT NULL DEFAULT 0 CHECK (min_order >= 0),
  usage_limit BIGINT CHECK (usage_limit IS NULL OR usage_limit > 0),
  per_user_limit BIGINT CHECK (per_user_limit IS NULL OR per_user_limit > 0),
  starts_at BIGINT,
  ends_at BIGINT,
  active INTEGER NOT NULL CHECK (active IN (0, 1)),
  times_used BIGINT NOT NULL DEFAULT 0,
  version BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT orders_coupons_percent_range CHECK (kind <> 'percent' OR value <= 100),
  CONSTRAINT orders_coupons_within_limit CHECK (usage_limit IS NULL OR times_used <= usage_limit),
  CONSTRAINT orders_coupons_window CHECK (starts_at IS NULL OR ends_at IS NULL OR starts_at < ends_at)
);

CREATE TABLE orders_coupon_redemptions (
  order_id TEXT PRIMARY KEY REFERENCES orders_orders (id),
  coupon_id TEXT NOT NULL REFERENCES orders_coupons (id),
  user_id TEXT NOT NULL,
  amount BIGINT NOT NULL CHECK (amount >= 0),
  created_at BIGINT NOT NULL
);
CREATE INDEX orders_coupon_redemptions_user ON orders_coupon_redemptions (coupon_id, user_id);
