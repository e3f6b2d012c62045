package fr.liaison.routes.testing;

import fr.liaison.routes.exchange.Direction;
import fr.liaison.routes.exchange.MessageStatus;
import fr.liaison.routes.exchange.MessageStore;
import fr.liaison.routes.exchange.StoredMessage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A message store in memory, honouring the {@link MessageStore} contract as the node's database does
 * (a duplicate is refused unless the earlier one was REFUSED; every status change adds a step to the
 * history). Thread-safe: every operation is atomic.
 */
public final class InMemoryMessageStore implements MessageStore {

    private record Key(String messageId, Direction direction) {
    }

    private record Row(StoredMessage message, Instant acknowledgedAt) {
    }

    private final Map<Key, Row> rows = new ConcurrentHashMap<>();
    private final Map<String, KeptEnvelope> envelopes = new ConcurrentHashMap<>();
    private final Map<String, GivenReceipt> receipts = new ConcurrentHashMap<>();

    @Override
    public synchronized boolean insert(StoredMessage message) {
        Key key = new Key(message.messageId(), message.direction());
        Row existing = rows.get(key);
        if (existing != null && existing.message().status() != MessageStatus.REFUSED) {
            return false;
        }
        rows.put(key, new Row(message, null));
        return true;
    }

    @Override
    public synchronized void updateStatus(String messageId, Direction direction, MessageStatus status, String step, String errorCode,
            String stepErrorCode, Instant at) {
        Key key = new Key(messageId, direction);
        Row row = rows.get(key);
        if (row == null) {
            return;
        }
        StoredMessage m = row.message();
        List<StoredMessage.Step> history = new ArrayList<>(m.history());
        history.add(new StoredMessage.Step(at, step, stepErrorCode));
        rows.put(key, new Row(new StoredMessage(m.messageId(), m.direction(), m.messageType(), m.sender(), m.recipient(),
                m.correlationId(), m.purpose(), m.dataCategories(), m.consentId(), m.personHash(), status, errorCode, m.createdAt(), at,
                m.payload(), List.copyOf(history)), row.acknowledgedAt()));
    }

    @Override
    public synchronized Optional<StoredMessage> find(String messageId, Direction direction) {
        return Optional.ofNullable(rows.get(new Key(messageId, direction))).map(Row::message);
    }

    @Override
    public synchronized List<String> recipientsUnderConsent(String consentId) {
        return rows.values().stream().map(Row::message)
                .filter(m -> consentId.equals(m.consentId()) && m.direction() == Direction.OUTBOUND)
                .filter(m -> m.status() == MessageStatus.SENT || m.status() == MessageStatus.DELIVERED)
                .filter(m -> !"CONSENT_REVOCATION".equals(m.messageType()))
                .map(StoredMessage::recipient).distinct().sorted().toList();
    }

    @Override
    public synchronized boolean receivedUnderConsentFrom(String consentId, String sender) {
        return rows.values().stream().map(Row::message)
                .anyMatch(m -> consentId.equals(m.consentId()) && m.direction() == Direction.INBOUND && sender.equals(m.sender())
                        && !"CONSENT_REVOCATION".equals(m.messageType()));
    }

    @Override
    public synchronized List<String> undeliveredUnderConsent(String consentId) {
        // As the database does: every RECEIVED inbound message under the consent, whatever its type.
        return rows.values().stream().map(Row::message)
                .filter(m -> consentId.equals(m.consentId()) && m.direction() == Direction.INBOUND && m.status() == MessageStatus.RECEIVED)
                .map(StoredMessage::messageId).toList();
    }

    @Override
    public synchronized int forgetInboundContentUnderConsent(String consentId) {
        int forgotten = 0;
        for (var entry : rows.entrySet()) {
            StoredMessage m = entry.getValue().message();
            if (consentId.equals(m.consentId()) && m.direction() == Direction.INBOUND && m.payload() != null
                    && (m.status() == MessageStatus.DELIVERED || m.status() == MessageStatus.WITHDRAWN)
                    && !"CONSENT_REVOCATION".equals(m.messageType())) {
                entry.setValue(new Row(new StoredMessage(m.messageId(), m.direction(), m.messageType(), m.sender(), m.recipient(),
                        m.correlationId(), m.purpose(), m.dataCategories(), m.consentId(), m.personHash(), m.status(), m.errorCode(),
                        m.createdAt(), m.updatedAt(), null, m.history()), entry.getValue().acknowledgedAt()));
                forgotten++;
            }
        }
        return forgotten;
    }

    @Override
    public synchronized List<StoredMessage> inbox(int limit) {
        return rows.values().stream()
                .filter(r -> r.acknowledgedAt() == null && r.message().direction() == Direction.INBOUND
                        && r.message().status() == MessageStatus.RECEIVED)
                .map(Row::message)
                .sorted(Comparator.comparing(StoredMessage::createdAt).thenComparing(StoredMessage::messageId))
                .limit(limit).toList();
    }

    @Override
    public synchronized boolean acknowledge(String messageId, Instant at) {
        Key key = new Key(messageId, Direction.INBOUND);
        Row row = rows.get(key);
        if (row == null || row.acknowledgedAt() != null) {
            return false;
        }
        rows.put(key, new Row(row.message(), at));
        return true;
    }

    @Override
    public synchronized void keepEnvelope(String messageId, byte[] envelope, Instant sealedAt) {
        envelopes.put(messageId, new KeptEnvelope(envelope.clone(), sealedAt));
    }

    @Override
    public synchronized void forgetEnvelope(String messageId) {
        envelopes.remove(messageId);
    }

    @Override
    public synchronized Optional<KeptEnvelope> keptEnvelope(String messageId) {
        return Optional.ofNullable(envelopes.get(messageId));
    }

    @Override
    public synchronized void keepReceipt(String messageId, String envelopeDigest, byte[] receipt) {
        Row row = rows.get(new Key(messageId, Direction.INBOUND));
        if (row != null) {
            receipts.put(messageId, new GivenReceipt(row.message().sender(), envelopeDigest, receipt));
        }
    }

    @Override
    public synchronized Optional<GivenReceipt> givenReceipt(String messageId) {
        Row row = rows.get(new Key(messageId, Direction.INBOUND));
        if (row == null) {
            return Optional.empty();
        }
        return Optional.of(receipts.getOrDefault(messageId, new GivenReceipt(row.message().sender(), null, null)));
    }

    @Override
    public synchronized List<String> idsWithStatus(Direction direction, Set<MessageStatus> statuses) {
        return rows.values().stream().map(Row::message)
                .filter(m -> m.direction() == direction && statuses.contains(m.status()))
                .sorted(Comparator.comparing(StoredMessage::createdAt)).map(StoredMessage::messageId).toList();
    }

    /** Every stored message, for assertions. */
    public synchronized List<StoredMessage> all() {
        return rows.values().stream().map(Row::message).toList();
    }
}
