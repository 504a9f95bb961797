-- Inventory: one level row per variant (on hand, reserved, version), the
-- reservations ("holds") with their items, and the append-only ledger of
-- stock movements from which every level can be recomputed:
--   on_hand  = SUM(on_hand_delta)   reserved = SUM(reserved_delta)
-- Variant ids are the catalogue's; the catalogue is asked about them through
-- its VariantDirectory service, so there is no foreign key into its tables.
CREATE TABLE inventory_levels (
  variant_id TEXT PRIMARY KEY,
  on_hand BIGINT NOT NULL,
  reserved BIGINT NOT NULL DEFAULT 0,
  -- Incremented by every change; events carry it so consumers can drop stale ones.
  version BIGINT NOT NULL,
  -- NULL: the default inventory.lowStockThreshold.
  low_stock_threshold BIGINT,
  -- Cost price per unit in kobo, when known (for the stock value).
  unit_cost BIGINT,
  updated_at BIGINT NOT NULL,
  -- The second line of defence behind the conditional updates: no statement
  -- can oversell or count below zero, whatever the code above it does.
  CONSTRAINT inventory_levels_on_hand_not_negative CHECK (on_hand >= 0),
  CONSTRAINT inventory_levels_reserved_not_negative CHECK (reserved >= 0),
  CONSTRAINT inventory_levels_reserved_within_on_hand CHECK (reserved <= on_hand),
  CONSTRAINT inventory_levels_threshold_not_negative CHECK (low_stock_threshold IS NULL OR low_stock_threshold >= 0),
  CONSTRAINT inventory_levels_unit_cost_not_negative CHECK (unit_cost IS NULL OR unit_cost >= 0)
);
CREATE INDEX inventory_levels_available ON inventory_levels ((on_hand - reserved), variant_id);

CREATE TABLE inventory_holds (
  holder TEXT PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('active', 'committed', 'released', 'expired')),
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
-- The expiry sweep's scan: only active holds, oldest deadline first.
CREATE INDEX inventory_holds_due ON inventory_holds (expires_at) WHERE status = 'active';

CREATE TABLE inventory_hold_items (
  holder TEXT NOT NULL REFERENCES inventory_holds (holder),
  variant_id TEXT NOT NULL,
  quantity BIGINT NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (holder, variant_id)
);

CREATE TABLE inventory_movements (
  id BIGSERIAL PRIMARY KEY,
  variant_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('adjust', 'reserve', 'commit', 'release', 'expire')),
  on_hand_delta BIGINT NOT NULL,
  reserved_delta BIGINT NOT NULL,
  reason TEXT NOT NULL,
  actor TEXT NOT NULL,
  -- The holder of a reservation, or the request id of an adjustment.
  reference TEXT,
  -- The level's version after this movement.
  level_version BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX inventory_movements_variant ON inventory_movements (variant_id, id);

-- Append-only: the ledger cannot be edited through SQL either.
CREATE FUNCTION inventory_movements_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'inventory_movements is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER inventory_movements_no_change BEFORE UPDATE OR DELETE ON inventory_movements
  FOR EACH ROW EXECUTE FUNCTION inventory_movements_append_only();
