-- Users, refresh sessions and one-time tokens of the auth plugin.
-- Times are Unix seconds. Secrets are stored only as SHA-256 hex digests
-- (tokens) or bcrypt hashes (passwords).

CREATE TABLE auth_users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,            -- trimmed, lower-case
  password_hash TEXT NOT NULL,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  phone TEXT,
  roles TEXT NOT NULL DEFAULT 'customer', -- space-separated role names
  email_verified_at BIGINT,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until BIGINT,
  totp_secret TEXT,                      -- base32; set once 2FA is verified
  totp_pending_secret TEXT,              -- base32; between enable and verify
  totp_last_step BIGINT,                 -- the last accepted TOTP step (replay guard)
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE auth_sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  user_agent TEXT NOT NULL,
  ip TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT,
  revoked_reason TEXT
);
CREATE INDEX auth_sessions_user ON auth_sessions (user_id);
CREATE INDEX auth_sessions_revoked ON auth_sessions (revoked_at);

-- Every refresh token a session ever had: the current one has rotated_at
-- NULL; older ones stay to recognise reuse.
CREATE TABLE auth_refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
  issued_at BIGINT NOT NULL,
  rotated_at BIGINT,
  successor_hash TEXT
);
CREATE INDEX auth_refresh_tokens_session ON auth_refresh_tokens (session_id);

CREATE TABLE auth_one_time_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'password_reset')),
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);
CREATE INDEX auth_one_time_tokens_user ON auth_one_time_tokens (user_id, purpose);
