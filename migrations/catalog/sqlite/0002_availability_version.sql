-- The inventory level's version that the availability row reflects: events
-- can arrive out of order (retries, several workers), and an older level
-- must never overwrite a newer one.
ALTER TABLE catalog_availability ADD COLUMN level_version INTEGER;
