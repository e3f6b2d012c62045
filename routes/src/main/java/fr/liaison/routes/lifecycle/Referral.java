package fr.liaison.routes.lifecycle;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A referral as one node follows it. {@code role} says whether this node sent it or received it;
 * {@code counterpart} is the other participant. No personal data: the person stays in the message.
 */
public record Referral(String referralId, Role role, String counterpart, String purpose, String conventionId, ReferralState state,
        Instant sentAt, Instant answeredAt, LocalDate firstAppointment, String exitReason, Instant dueAt, Instant nextReminderAt,
        int reminders, Instant updatedAt) {

    public enum Role {
        SENDER, RECIPIENT
    }

    Referral with(ReferralState newState, Instant at) {
        return new Referral(referralId, role, counterpart, purpose, conventionId, newState, sentAt, answeredAt, firstAppointment,
                exitReason, dueAt, nextReminderAt, reminders, at);
    }

    Referral answered(ReferralState newState, LocalDate appointment, Instant at) {
        return new Referral(referralId, role, counterpart, purpose, conventionId, newState, sentAt, at,
                appointment != null ? appointment : firstAppointment, exitReason, dueAt, nextReminderAt, reminders, at);
    }

    Referral ended(String reason, Instant at) {
        return new Referral(referralId, role, counterpart, purpose, conventionId, ReferralState.ENDED, sentAt, answeredAt,
                firstAppointment, reason, dueAt, nextReminderAt, reminders, at);
    }

    Referral reminded(Instant next, Instant at) {
        return new Referral(referralId, role, counterpart, purpose, conventionId, state, sentAt, answeredAt, firstAppointment,
                exitReason, dueAt, next, reminders + 1, at);
    }
}
