-- The steps of the last minutes, read at start-up to find any the audit log missed.
CREATE INDEX message_step_by_time ON message_step (at);
