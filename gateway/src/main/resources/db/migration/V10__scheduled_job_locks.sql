-- ShedLock's table: the scheduled jobs that must run once across the instances of a node sharing
-- this database each hold a row while they run (and for at least their period). Times are the
-- database's own (ShedLock's usingDbTime), in UTC.
CREATE TABLE shedlock (
    name       VARCHAR(64)  NOT NULL,
    lock_until TIMESTAMP(3) NOT NULL,
    locked_at  TIMESTAMP(3) NOT NULL,
    locked_by  VARCHAR(255) NOT NULL,
    PRIMARY KEY (name)
);
