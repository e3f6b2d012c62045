package fr.liaison.routes.receipt;

import java.time.Instant;
import java.util.Objects;

/**
 * What the receiving node signs back for each envelope: which message, between whom, which exact
 * envelope (its SHA-256), when, and whether it was accepted.
 *
 * @param sender the participant that sent the envelope
 * @param recipient the participant that received it and signs the receipt
 * @param envelopeSha256 lowercase hex SHA-256 of the envelope bytes as received
 * @param errorCode the catalogued code ({@code GW-...}) of a rejection; null when accepted
 */
public record Receipt(String messageId, String sender, String recipient, String envelopeSha256, Instant receivedAt,
        Outcome outcome, String errorCode) {

    public enum Outcome {
        ACCEPTED, REJECTED
    }

    public Receipt {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(envelopeSha256, "envelopeSha256");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(outcome, "outcome");
        // A rejection always says why; an acceptance has nothing to say.
        if ((outcome == Outcome.REJECTED) != (errorCode != null)) {
            throw new IllegalArgumentException(outcome == Outcome.REJECTED
                    ? "a rejection needs an error code" : "an acceptance carries no error code");
        }
    }
}
