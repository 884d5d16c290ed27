-- Webhook delivery: the queue consumer asks, before each attempt, how many attempts an
-- event already had at a webhook and whether one succeeded (a message the queue
-- redelivers after a lost ack must not reach the receiver twice).
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (webhook_id, event_id);
