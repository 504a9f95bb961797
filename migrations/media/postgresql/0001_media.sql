-- Media: one row per uploaded image. A row is written 'pending' before the
-- provider stores the bytes and becomes 'ready' with the provider's URLs
-- after; a pending row older than the upload can take is an interrupted
-- upload, removed (at the provider too) by the media.sweep job — so there
-- is never a file without a record nor a record without a file.
CREATE TABLE media_media (
  id TEXT PRIMARY KEY,
  public_id TEXT NOT NULL UNIQUE,
  provider TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'ready')),
  url TEXT,
  thumbnail_url TEXT,
  -- [{width, height, url}] in media.thumbnailSizes order.
  thumbnails TEXT NOT NULL DEFAULT '[]',
  width INTEGER NOT NULL CHECK (width > 0),
  height INTEGER NOT NULL CHECK (height > 0),
  format TEXT NOT NULL CHECK (format IN ('jpg', 'png', 'webp')),
  bytes BIGINT NOT NULL CHECK (bytes > 0),
  alt TEXT NOT NULL DEFAULT '',
  folder TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  -- Provider details (Cloudinary's version and asset id).
  extra TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX media_media_ready ON media_media (created_at, id) WHERE status = 'ready';
CREATE INDEX media_media_pending ON media_media (created_at) WHERE status = 'pending';

-- Who uses an image ("product:<id>"): an image in use is not deleted
-- unless forced.
CREATE TABLE media_usages (
  media_id TEXT NOT NULL REFERENCES media_media (id),
  owner TEXT NOT NULL,
  PRIMARY KEY (media_id, owner)
);
CREATE INDEX media_usages_owner ON media_usages (owner);

-- A signed direct upload URL works once: its nonce is recorded on use.
CREATE TABLE media_upload_nonces (
  nonce TEXT PRIMARY KEY,
  used_at BIGINT NOT NULL
);
CREATE INDEX media_upload_nonces_used ON media_upload_nonces (used_at);
