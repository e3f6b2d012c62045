-- Each checkpoint names the certificate whose key signed it (SHA-256 of its DER, lowercase hex), so
-- that a chain spanning a key rollover says which certificate verifies each checkpoint. Checkpoints
-- signed before have none; they verify with whichever of the node's certificates signed them.
ALTER TABLE audit_checkpoint ADD COLUMN signer VARCHAR(64);
