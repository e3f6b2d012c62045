package fr.liaison.routes.exchange;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Where the node keeps messages and their status; provided by the application (a database). */
public interface MessageStore {

    /**
     * Records a message; returns false, changing nothing, if this direction already holds its id,
     * unless that earlier one was REFUSED: a refused message may be submitted again once fixed.
     */
    boolean insert(StoredMessage message);

    /**
     * As {@link #insert(StoredMessage)}, and once inserted runs {@code alongside} (what the message
     * starts: its referral) in the same transaction: both are kept or neither is, and a database
     * commits once for both. This default, for stores in memory, runs one after the other.
     */
    default boolean insert(StoredMessage message, Runnable alongside) {
        boolean inserted = insert(message);
        if (inserted) {
            alongside.run();
        }
        return inserted;
    }

    default void updateStatus(String messageId, Direction direction, MessageStatus status, String step, String errorCode, Instant at) {
        updateStatus(messageId, direction, status, step, errorCode, errorCode, at);
    }

    /** As above, the step recorded with its own code: a recipient's rejection code under the message's {@code GW-EXCHANGE-006}. */
    void updateStatus(String messageId, Direction direction, MessageStatus status, String step, String errorCode, String stepErrorCode,
            Instant at);

    Optional<StoredMessage> find(String messageId, Direction direction);

    /**
     * Runs {@code work} on the message as stored (empty if unknown) while no other thread or
     * instance of the node runs work on it. A database locks the message's row for one transaction
     * and commits the status changes {@code work} records when it returns, none of them if it
     * throws: a sibling instance that has the message in hand meanwhile (a queue entry handed out
     * again around a broker failover, a second copy) fails at once with
     * {@link MessageInUseException}, and a killed instance's lock goes with its connection. So a
     * step whose audit entry is appended within {@code work} is recorded only once that entry is
     * committed. This default, for stores in memory, only keeps other threads out.
     */
    default <T> T exclusively(String messageId, Direction direction, Function<Optional<StoredMessage>, T> work) {
        synchronized (this) {
            return work.apply(find(messageId, direction));
        }
    }

    /** Participants this node sent data to under the consent. */
    List<String> recipientsUnderConsent(String consentId);

    /** Whether this node received data under the consent from the participant (a revocation is not data). */
    boolean receivedUnderConsentFrom(String consentId, String sender);

    /** Inbound messages under the consent still waiting for the local software. */
    List<String> undeliveredUnderConsent(String consentId);

    /**
     * Forgets the content of the inbound messages under a revoked consent that the local software
     * already has, or that were withdrawn (DELIVERED, WITHDRAWN; not the revocations themselves):
     * the node serves none of it again. Returns how many.
     */
    int forgetInboundContentUnderConsent(String consentId);

    /** Inbound messages delivered to the inbox and not yet acknowledged, oldest first. */
    List<StoredMessage> inbox(int limit);

    /** Marks an inbox message acknowledged; false if unknown or already acknowledged. */
    boolean acknowledge(String messageId, Instant at);

    /** Keeps the envelope sealed for an outbound message, so that every try sends the same bytes. */
    void keepEnvelope(String messageId, byte[] envelope, Instant sealedAt);

    /** Forgets the kept envelope: the next try seals afresh (a re-submission, a new recipient key). */
    void forgetEnvelope(String messageId);

    /**
     * {@link #updateStatus} of an outbound message and {@link #keepEnvelope}, as one change: a
     * database writes both in one transaction.
     */
    default void updateStatusKeepingEnvelope(String messageId, MessageStatus status, String step, Instant at, byte[] envelope,
            Instant sealedAt) {
        keepEnvelope(messageId, envelope, sealedAt);
        updateStatus(messageId, Direction.OUTBOUND, status, step, null, at);
    }

    /**
     * {@link #updateStatus} of an outbound message and {@link #forgetEnvelope}, as one change: a
     * database writes both in one transaction.
     */
    default void updateStatusForgettingEnvelope(String messageId, MessageStatus status, String step, Instant at) {
        updateStatus(messageId, Direction.OUTBOUND, status, step, null, at);
        forgetEnvelope(messageId);
    }

    /** The envelope kept for an outbound message, if any. */
    Optional<KeptEnvelope> keptEnvelope(String messageId);

    /** Keeps, with an inbound message, the digest of the envelope it came in and the receipt given for it. */
    void keepReceipt(String messageId, String envelopeDigest, byte[] receipt);

    /** What was given for an inbound message: its sender, envelope digest and receipt, once one was signed. */
    Optional<GivenReceipt> givenReceipt(String messageId);

    /** Ids of the messages of this direction in one of these statuses, oldest first. */
    List<String> idsWithStatus(Direction direction, Set<MessageStatus> statuses);

    /** An outbound message's envelope as sealed, and when. */
    record KeptEnvelope(byte[] envelope, Instant sealedAt) {
    }

    /** An inbound message's sender, the digest of the envelope accepted, and the receipt given (null until signed). */
    record GivenReceipt(String sender, String envelopeDigest, byte[] receipt) {
    }
}
