-- Returns: the units of a sold (committed) reservation put back on hand when
-- its order is cancelled after payment. The hold keeps status 'committed'
-- and records when its units came back (once); the ledger gains the kind
-- 'return' (reference: the holder, "order:<id>").
ALTER TABLE inventory_holds ADD COLUMN returned_at BIGINT;
ALTER TABLE inventory_movements DROP CONSTRAINT inventory_movements_kind_check;
ALTER TABLE inventory_movements ADD CONSTRAINT inventory_movements_kind_check
  CHECK (kind IN ('adjust', 'reserve', 'commit', 'release', 'expire', 'return'));
