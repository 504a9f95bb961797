-- Durable jobs, cron schedules, the event outbox and the audit trail.
-- Times are epoch milliseconds from the server's clock.

CREATE TABLE agape_jobs (
  id BIGSERIAL PRIMARY KEY,
  queue TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
  -- pending: not before this; running: when the lease ends (then claimable again)
  run_at BIGINT NOT NULL,
  locked_by TEXT,
  locked_until BIGINT,
  last_error TEXT,
  idempotency_key TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (queue, idempotency_key)
);
CREATE INDEX agape_jobs_claim ON agape_jobs (queue, run_at, id) WHERE status IN ('pending', 'running');
CREATE INDEX agape_jobs_status ON agape_jobs (queue, status);

CREATE TABLE agape_cron (
  plugin TEXT NOT NULL,
  name TEXT NOT NULL,
  expression TEXT NOT NULL,
  queue TEXT NOT NULL,
  payload TEXT NOT NULL,
  next_run_at BIGINT NOT NULL,
  last_run_at BIGINT,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (plugin, name)
);

CREATE TABLE agape_events (
  id TEXT PRIMARY KEY,
  topic TEXT NOT NULL,
  payload TEXT NOT NULL,
  occurred_at BIGINT NOT NULL,
  request_id TEXT,
  deliveries INTEGER NOT NULL
);
CREATE INDEX agape_events_topic ON agape_events (topic, occurred_at);

CREATE TABLE agape_audit (
  id BIGSERIAL PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  details TEXT NOT NULL,
  request_id TEXT,
  ip TEXT
);
CREATE INDEX agape_audit_at ON agape_audit (at, id);
CREATE INDEX agape_audit_entity ON agape_audit (entity, entity_id, at);
CREATE INDEX agape_audit_actor ON agape_audit (actor, at);

-- Append-only: the trail cannot be edited through SQL either.
CREATE FUNCTION agape_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'agape_audit is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER agape_audit_no_change BEFORE UPDATE OR DELETE ON agape_audit
  FOR EACH ROW EXECUTE FUNCTION agape_audit_append_only();
