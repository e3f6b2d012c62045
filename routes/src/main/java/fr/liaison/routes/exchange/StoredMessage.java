package fr.liaison.routes.exchange;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.MessageHeader;

/**
 * A message as this node keeps it: its routing metadata, its status and the history of its
 * steps. {@code payload} is the canonical XML (minimised for outbound messages, as received for
 * inbound ones); it is purged after the retention period.
 */
public record StoredMessage(String messageId, Direction direction, String messageType, String sender, String recipient,
        String correlationId, String purpose, Set<String> dataCategories, String consentId, String personHash,
        MessageStatus status, String errorCode, Instant createdAt, Instant updatedAt, byte[] payload, List<Step> history) {

    /** A new record for a validated message, its first step being {@code step}. */
    public static StoredMessage of(LiaisonMessage message, Direction direction, String personHash, MessageStatus status,
            String step, String errorCode, Instant at, byte[] payload) {
        MessageHeader header = message.getHeader();
        Set<String> categories = new TreeSet<>();
        if (header.getDataCategories() != null) {
            header.getDataCategories().forEach(category -> categories.add(category.name()));
        }
        return new StoredMessage(header.getMessageId(), direction, header.getMessageType().name(), header.getSender(),
                header.getRecipient(), header.getCorrelationId(), header.getPurpose() == null ? null : header.getPurpose().name(),
                categories, header.getConsentRef(), personHash, status, errorCode, at, at, payload,
                List.of(new Step(at, step, errorCode)));
    }

    /** One step of the message's life on this node. */
    public record Step(Instant at, String step, String errorCode) {
    }
}
