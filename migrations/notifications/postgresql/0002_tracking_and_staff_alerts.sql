-- Delivery tracking from Resend's webhooks, the suppression list, and staff
-- alerts.
--
-- Deliveries gain the statuses Resend reports (delivered, bounced,
-- complained) and `suppressed` (not sent: the address bounced or complained
-- before), the last webhook event and its time, and an index to find a
-- delivery by Resend's message id. Staff alerts go to several recipients per
-- event, so a delivery is unique per (event, kind, recipient).
ALTER TABLE notifications_deliveries DROP CONSTRAINT notifications_deliveries_status_check;
ALTER TABLE notifications_deliveries ADD CONSTRAINT notifications_deliveries_status_check
  CHECK (status IN ('queued', 'sent', 'delivered', 'bounced', 'complained', 'failed', 'suppressed'));
ALTER TABLE notifications_deliveries DROP CONSTRAINT notifications_one_per_event;
ALTER TABLE notifications_deliveries ADD CONSTRAINT notifications_one_per_recipient UNIQUE (event_id, kind, recipient);
ALTER TABLE notifications_deliveries ADD COLUMN last_event TEXT;
ALTER TABLE notifications_deliveries ADD COLUMN last_event_at BIGINT;
CREATE INDEX notifications_deliveries_message ON notifications_deliveries (provider_message_id);

-- Addresses that bounced for good or complained: non-essential mail to them
-- is recorded `suppressed` instead of sent. Kept lower-case.
CREATE TABLE notifications_suppressions (
  address TEXT PRIMARY KEY,
  reason TEXT NOT NULL CHECK (reason IN ('bounced', 'complained', 'provider')),
  detail TEXT NOT NULL,
  delivery_id TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX notifications_suppressions_created ON notifications_suppressions (created_at, address);

-- Resend's webhook messages already applied (key: svix-id), so a
-- redelivery changes nothing; purged after a week (Svix retries for about
-- a day and a half).
CREATE TABLE notifications_webhook_events (
  svix_id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  email_id TEXT,
  received_at BIGINT NOT NULL
);
CREATE INDEX notifications_webhook_events_received ON notifications_webhook_events (received_at);

-- Low stock per variant: when staff were last told (at most one email per
-- notifications.staffAlerts.lowStockEvery), and, in digest mode, whether it
-- waits for the next daily digest.
CREATE TABLE notifications_low_stock (
  variant_id TEXT PRIMARY KEY,
  available BIGINT NOT NULL,
  threshold BIGINT NOT NULL,
  low_at BIGINT NOT NULL,
  last_alert_at BIGINT,
  in_next_digest INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notifications_low_stock_digest ON notifications_low_stock (low_at) WHERE in_next_digest = 1;
