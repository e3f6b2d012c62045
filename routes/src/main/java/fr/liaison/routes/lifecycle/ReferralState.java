package fr.liaison.routes.lifecycle;

/** Where a referral stands, on the sending and on the receiving node alike. */
public enum ReferralState {
    SENT, RECEIVED, ACCEPTED, REFUSED, MORE_INFORMATION_NEEDED, EXPIRED, WITHDRAWN, FIRST_APPOINTMENT_SET, STARTED, ENDED;

    /** Still waiting for the recipient's answer: reminders run, the deadline applies. */
    public boolean awaitingAnswer() {
        return this == SENT || this == RECEIVED || this == MORE_INFORMATION_NEEDED;
    }

    /** Accepted and not yet ended: follow-up events move it on. */
    public boolean accompanying() {
        return this == ACCEPTED || this == FIRST_APPOINTMENT_SET || this == STARTED;
    }
}
