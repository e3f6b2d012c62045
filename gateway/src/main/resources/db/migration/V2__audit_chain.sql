-- The audit log becomes a hash chain: each entry carries the hash of the previous one, over a
-- canonical encoding; the node signs the head at intervals. One head row serialises writers,
-- including several node instances sharing one database.
ALTER TABLE audit_entry ADD COLUMN node VARCHAR(20);
ALTER TABLE audit_entry ADD COLUMN previous_hash VARCHAR(64);
ALTER TABLE audit_entry ADD COLUMN entry_hash VARCHAR(64);
-- An officer's read records who and which filter in the actor.
ALTER TABLE audit_entry ALTER COLUMN actor SET DATA TYPE VARCHAR(500);

CREATE TABLE audit_head (
    id        INTEGER     PRIMARY KEY,
    seq       BIGINT      NOT NULL,
    head_hash VARCHAR(64) NOT NULL
);
INSERT INTO audit_head (id, seq, head_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_checkpoint (
    seq        BIGINT       PRIMARY KEY,
    head_hash  VARCHAR(64)  NOT NULL,
    at         TIMESTAMP WITH TIME ZONE NOT NULL,
    node       VARCHAR(20)  NOT NULL,
    signature  BYTEA        NOT NULL
);

CREATE INDEX audit_by_time ON audit_entry (at);
CREATE INDEX audit_by_person ON audit_entry (person_hash);
CREATE INDEX audit_by_correlation ON audit_entry (correlation_id);
