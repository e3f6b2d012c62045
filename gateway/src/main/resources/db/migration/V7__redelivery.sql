-- Outbound: the envelope as sealed, sent again byte for byte by every try and after a restart.
-- Inbound: the digest of the envelope accepted and the signed receipt given for it, given again
-- to a sender that sends the same envelope twice (its first receipt was lost).
ALTER TABLE message ADD COLUMN envelope BYTEA;
ALTER TABLE message ADD COLUMN sealed_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE message ADD COLUMN envelope_digest VARCHAR(64);
ALTER TABLE message ADD COLUMN receipt BYTEA;
