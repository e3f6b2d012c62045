-- Referrals this node follows, as sender or recipient, with their deadlines. No personal data.
CREATE TABLE referral (
    referral_id       VARCHAR(36) NOT NULL,
    role              VARCHAR(10) NOT NULL,
    counterpart       VARCHAR(20) NOT NULL,
    purpose           VARCHAR(40),
    convention_id     VARCHAR(60),
    state             VARCHAR(30) NOT NULL,
    sent_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    answered_at       TIMESTAMP WITH TIME ZONE,
    first_appointment DATE,
    exit_reason       VARCHAR(40),
    due_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    next_reminder_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    reminders         INTEGER NOT NULL,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (referral_id, role)
);
CREATE INDEX referral_by_state ON referral (state, sent_at);
