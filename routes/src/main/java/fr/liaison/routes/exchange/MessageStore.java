package fr.liaison.routes.exchange;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where the node keeps messages and their status; provided by the application (a database). */
public interface MessageStore {

    /**
     * Records a message; returns false, changing nothing, if this direction already holds its id,
     * unless that earlier one was REFUSED: a refused message may be submitted again once fixed.
     */
    boolean insert(StoredMessage message);

    void updateStatus(String messageId, Direction direction, MessageStatus status, String step, String errorCode, Instant at);

    Optional<StoredMessage> find(String messageId, Direction direction);

    /** Participants this node sent data to under the consent. */
    List<String> recipientsUnderConsent(String consentId);

    /** Inbound messages under the consent still waiting for the local software. */
    List<String> undeliveredUnderConsent(String consentId);

    /** Inbound messages delivered to the inbox and not yet acknowledged, oldest first. */
    List<StoredMessage> inbox(int limit);

    /** Marks an inbox message acknowledged; false if unknown or already acknowledged. */
    boolean acknowledge(String messageId, Instant at);
}
