package fr.liaison.routes.directory;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

/**
 * A convention between participants, as the signed directory carries it: which message types
 * they may exchange for which purposes, when, and the deadlines of a referral under it. Any two
 * distinct parties may exchange both ways; a one-way convention lets only the first party send,
 * to each of the others.
 *
 * @param reminderEvery how often the recipient of an unanswered referral is reminded
 * @param expiry how long a referral may stay unanswered before it expires
 */
public record Convention(String id, List<String> parties, boolean oneWay, Set<String> messageTypes, Set<String> purposes,
        LocalDate validFrom, LocalDate validUntil, Duration reminderEvery, Duration expiry) {

    public Convention {
        parties = List.copyOf(parties);
        messageTypes = Set.copyOf(messageTypes);
        purposes = Set.copyOf(purposes);
    }

    /** Whether it lets {@code sender} send this type, for this purpose, to {@code recipient}, dates aside. */
    public boolean covers(String sender, String recipient, String messageType, String purpose) {
        if (sender.equals(recipient) || !parties.contains(sender) || !parties.contains(recipient)) {
            return false;
        }
        if (oneWay && !parties.get(0).equals(sender)) {
            return false;
        }
        return messageTypes.contains(messageType) && (purpose == null || purposes.contains(purpose));
    }

    public boolean inForce(LocalDate day) {
        return !day.isBefore(validFrom) && !day.isAfter(validUntil);
    }
}
