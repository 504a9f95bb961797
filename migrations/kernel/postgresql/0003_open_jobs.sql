-- /metrics counts the jobs not done per queue every few seconds (on every
-- instance): this index holds only those, so the count never reads the
-- finished jobs kept for jobs.retention.
CREATE INDEX agape_jobs_open ON agape_jobs (queue, status, attempts, run_at) WHERE status <> 'done';
