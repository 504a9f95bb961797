-- Returns: the units of a sold (committed) reservation put back on hand when
-- its order is cancelled after payment. The hold keeps status 'committed'
-- and records when its units came back (once); the ledger gains the kind
-- 'return' (reference: the holder, "order:<id>").
ALTER TABLE inventory_holds ADD COLUMN returned_at INTEGER;

-- SQLite cannot change a CHECK constraint in place: the ledger is rebuilt
-- (nothing refers to it), with its index and append-only triggers.
CREATE TABLE inventory_movements_v2 (
  id INTEGER PRIMARY KEY,
  variant_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('adjust', 'reserve', 'commit', 'release', 'expire', 'return')),
  on_hand_delta INTEGER NOT NULL,
  reserved_delta INTEGER NOT NULL,
  reason TEXT NOT NULL,
  actor TEXT NOT NULL,
  -- The holder of a reservation, or the request id of an adjustment.
  reference TEXT,
  -- The level's version after this movement.
  level_version INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
INSERT INTO inventory_movements_v2 (id, variant_id, kind, on_hand_delta, reserved_delta, reason, actor, reference,
                                    level_version, created_at)
  SELECT id, variant_id, kind, on_hand_delta, reserved_delta, reason, actor, reference, level_version, created_at
  FROM inventory_movements;
DROP TABLE inventory_movements;
ALTER TABLE inventory_movements_v2 RENAME TO inventory_movements;
CREATE INDEX inventory_movements_variant ON inventory_movements (variant_id, id);

-- Append-only: the ledger cannot be edited through SQL either.
CREATE TRIGGER inventory_movements_no_update BEFORE UPDATE ON inventory_movements
BEGIN
  SELECT RAISE(ABORT, 'inventory_movements is append-only');
END;
CREATE TRIGGER inventory_movements_no_delete BEFORE DELETE ON inventory_movements
BEGIN
  SELECT RAISE(ABORT, 'inventory_movements is append-only');
END;
