-- Retention: finished jobs and old events are deleted after jobs.retention;
-- these find them without scanning the live queues.
CREATE INDEX agape_jobs_done ON agape_jobs (updated_at) WHERE status = 'done';
CREATE INDEX agape_events_occurred ON agape_events (occurred_at);
