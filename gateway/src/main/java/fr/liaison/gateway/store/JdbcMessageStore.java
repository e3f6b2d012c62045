package fr.liaison.gateway.store;

import static fr.liaison.gateway.store.SqlTimes.instant;
import static fr.liaison.gateway.store.SqlTimes.time;

import fr.liaison.routes.exchange.Direction;
import fr.liaison.routes.exchange.MessageInUseException;
import fr.liaison.routes.exchange.MessageStatus;
import fr.liaison.routes.exchange.MessageStore;
import fr.liaison.routes.exchange.StoredMessage;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.util.function.SingletonSupplier;

/** Messages and their step history in the node's database. */
@Repository
class JdbcMessageStore implements MessageStore {

    private final JdbcClient jdbc;
    /** The listeners, looked up at the first message rather than at each (they are singletons). */
    private final SingletonSupplier<List<StoredMessageListener>> listeners;

    JdbcMessageStore(JdbcClient jdbc, ObjectProvider<StoredMessageListener> listeners) {
        this.jdbc = jdbc;
        this.listeners = SingletonSupplier.of(() -> listeners.orderedStream().toList());
    }

    @Override
    @Transactional
    public boolean insert(StoredMessage m) {
        Optional<String> existing = jdbc.sql("SELECT status FROM message WHERE message_id = ? AND direction = ?")
                .params(m.messageId(), m.direction().name()).query(String.class).optional();
        if (existing.isPresent()) {
            if (!MessageStatus.REFUSED.name().equals(existing.get())) {
                return false;
            }
            jdbc.sql("DELETE FROM message WHERE message_id = ? AND direction = ?").params(m.messageId(), m.direction().name()).update();
        }
        try {
            jdbc.sql("""
                    INSERT INTO message (message_id, direction, message_type, sender, recipient, correlation_id, purpose,
                        data_categories, consent_id, person_hash, status, error_code, created_at, updated_at, payload)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(m.messageId(), m.direction().name(), m.messageType(), m.sender(), m.recipient(), m.correlationId(),
                            m.purpose(), String.join(",", m.dataCategories()), m.consentId(), m.personHash(), m.status().name(),
                            m.errorCode(), time(m.createdAt()), time(m.updatedAt()), m.payload())
                    .update();
        } catch (DuplicateKeyException e) {
            return false;
        }
        for (StoredMessage.Step step : m.history()) {
            addStep(m.messageId(), m.direction(), step.step(), step.errorCode(), step.at());
        }
        listeners.obtain().forEach(listener -> listener.stored(m));
        return true;
    }

    @Override
    @Transactional
    public boolean insert(StoredMessage m, Runnable alongside) {
        // One commit for the message and its referral: each commit is a write of its own to the file.
        return MessageStore.super.insert(m, alongside);
    }

    @Override
    @Transactional
    public void updateStatus(String messageId, Direction direction, MessageStatus status, String step, String errorCode, Instant at) {
        updateStatus(messageId, direction, status, step, errorCode, errorCode, at);
    }

    @Override
    @Transactional
    public void updateStatus(String messageId, Direction direction, MessageStatus status, String step, String errorCode,
            String stepErrorCode, Instant at) {
        jdbc.sql("UPDATE message SET status = ?, error_code = ?, updated_at = ? WHERE message_id = ? AND direction = ?")
                .params(status.name(), errorCode, time(at), messageId, direction.name()).update();
        addStep(messageId, direction, step, stepErrorCode, at);
    }

    @Override
    @Transactional
    public void updateStatusKeepingEnvelope(String messageId, MessageStatus status, String step, Instant at, byte[] envelope,
            Instant sealedAt) {
        jdbc.sql("""
                UPDATE message SET status = ?, error_code = NULL, updated_at = ?, envelope = ?, sealed_at = ?
                WHERE message_id = ? AND direction = 'OUTBOUND'""")
                .params(status.name(), time(at), envelope, time(sealedAt), messageId).update();
        addStep(messageId, Direction.OUTBOUND, step, null, at);
    }

    @Override
    @Transactional
    public void updateStatusForgettingEnvelope(String messageId, MessageStatus status, String step, Instant at) {
        jdbc.sql("""
                UPDATE message SET status = ?, error_code = NULL, updated_at = ?, envelope = NULL, sealed_at = NULL
                WHERE message_id = ? AND direction = 'OUTBOUND'""")
                .params(status.name(), time(at), messageId).update();
        addStep(messageId, Direction.OUTBOUND, step, null, at);
    }

    private void addStep(String messageId, Direction direction, String step, String errorCode, Instant at) {
        jdbc.sql("INSERT INTO message_step (message_id, direction, step, error_code, at) VALUES (?, ?, ?, ?, ?)")
                .params(messageId, direction.name(), step, errorCode, time(at)).update();
    }

    @Override
    public Optional<StoredMessage> find(String messageId, Direction direction) {
        return jdbc.sql("SELECT * FROM message WHERE message_id = ? AND direction = ?").params(messageId, direction.name())
                .query((rs, row) -> message(rs, history(messageId, direction))).optional();
    }

    /**
     * Locks the message's row for this transaction without waiting ({@code FOR UPDATE NOWAIT}): a
     * sibling holding it is working on the message now, and the caller tries again later rather than
     * hold a thread and a connection behind it. The work's status changes join this transaction.
     */
    @Override
    @Transactional
    public <T> T exclusively(String messageId, Direction direction, Function<Optional<StoredMessage>, T> work) {
        try {
            jdbc.sql("SELECT status FROM message WHERE message_id = ? AND direction = ? FOR UPDATE NOWAIT")
                    .params(messageId, direction.name()).query(String.class).optional();
        } catch (DataAccessException failed) {
            if (lockHeldElsewhere(failed)) {
                throw new MessageInUseException(messageId, failed);
            }
            throw failed;
        }
        return work.apply(find(messageId, direction));
    }

    /** PostgreSQL's lock_not_available (55P03), H2's lock timeout (50200), however Spring translated them. */
    private static boolean lockHeldElsewhere(DataAccessException failed) {
        if (failed instanceof PessimisticLockingFailureException) {
            return true;
        }
        for (Throwable cause = failed; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && ("55P03".equals(sql.getSQLState()) || sql.getErrorCode() == 50200)) {
                return true;
            }
        }
        return false;
    }

    private List<StoredMessage.Step> history(String messageId, Direction direction) {
        return jdbc.sql("SELECT step, error_code, at FROM message_step WHERE message_id = ? AND direction = ? ORDER BY id")
                .params(messageId, direction.name())
                .query((rs, row) -> new StoredMessage.Step(instant(rs, "at"), rs.getString("step"), rs.getString("error_code")))
                .list();
    }

    @Override
    public List<String> recipientsUnderConsent(String consentId) {
        return jdbc.sql("""
                SELECT DISTINCT recipient FROM message
                WHERE consent_id = ? AND direction = 'OUTBOUND' AND status IN ('SENT', 'DELIVERED') AND message_type <> 'CONSENT_REVOCATION'
                ORDER BY recipient""").param(consentId).query(String.class).list();
    }

    @Override
    public boolean receivedUnderConsentFrom(String consentId, String sender) {
        return !jdbc.sql("""
                SELECT 1 FROM message
                WHERE consent_id = ? AND direction = 'INBOUND' AND sender = ? AND message_type <> 'CONSENT_REVOCATION'
                FETCH FIRST 1 ROWS ONLY""").params(consentId, sender).query(Integer.class).list().isEmpty();
    }

    @Override
    public List<String> undeliveredUnderConsent(String consentId) {
        return jdbc.sql("SELECT message_id FROM message WHERE consent_id = ? AND direction = 'INBOUND' AND status = 'RECEIVED'")
                .param(consentId).query(String.class).list();
    }

    @Override
    public int forgetInboundContentUnderConsent(String consentId) {
        return jdbc.sql("""
                UPDATE message SET payload = NULL WHERE consent_id = ? AND direction = 'INBOUND' AND payload IS NOT NULL
                AND status IN ('DELIVERED', 'WITHDRAWN') AND message_type <> 'CONSENT_REVOCATION'""").param(consentId).update();
    }

    @Override
    public List<StoredMessage> inbox(int limit) {
        return jdbc.sql("""
                SELECT * FROM message WHERE direction = 'INBOUND' AND status = 'RECEIVED' AND acknowledged_at IS NULL
                ORDER BY created_at, message_id LIMIT ?""").param(limit).query((rs, row) -> message(rs, List.of())).list();
    }

    @Override
    public boolean acknowledge(String messageId, Instant at) {
        return jdbc.sql("""
                UPDATE message SET acknowledged_at = ? WHERE message_id = ? AND direction = 'INBOUND' AND acknowledged_at IS NULL""")
                .params(time(at), messageId).update() == 1;
    }

    @Override
    public void keepEnvelope(String messageId, byte[] envelope, Instant sealedAt) {
        jdbc.sql("UPDATE message SET envelope = ?, sealed_at = ? WHERE message_id = ? AND direction = 'OUTBOUND'")
                .params(envelope, time(sealedAt), messageId).update();
    }

    @Override
    public void forgetEnvelope(String messageId) {
        jdbc.sql("UPDATE message SET envelope = NULL, sealed_at = NULL WHERE message_id = ? AND direction = 'OUTBOUND'")
                .param(messageId).update();
    }

    @Override
    public Optional<KeptEnvelope> keptEnvelope(String messageId) {
        return jdbc.sql("SELECT envelope, sealed_at FROM message WHERE message_id = ? AND direction = 'OUTBOUND' AND envelope IS NOT NULL")
                .param(messageId).query((rs, row) -> new KeptEnvelope(rs.getBytes("envelope"), instant(rs, "sealed_at"))).optional();
    }

    @Override
    public void keepReceipt(String messageId, String envelopeDigest, byte[] receipt) {
        jdbc.sql("UPDATE message SET envelope_digest = ?, receipt = ? WHERE message_id = ? AND direction = 'INBOUND'")
                .params(envelopeDigest, receipt, messageId).update();
    }

    @Override
    public Optional<GivenReceipt> givenReceipt(String messageId) {
        return jdbc.sql("SELECT sender, envelope_digest, receipt FROM message WHERE message_id = ? AND direction = 'INBOUND'")
                .param(messageId)
                .query((rs, row) -> new GivenReceipt(rs.getString("sender"), rs.getString("envelope_digest"), rs.getBytes("receipt")))
                .optional();
    }

    @Override
    public List<String> idsWithStatus(Direction direction, Set<MessageStatus> statuses) {
        if (statuses.isEmpty()) {
            return List.of();
        }
        String marks = String.join(", ", statuses.stream().map(s -> "?").toList());
        List<Object> params = new java.util.ArrayList<>();
        params.add(direction.name());
        statuses.forEach(s -> params.add(s.name()));
        return jdbc.sql("SELECT message_id FROM message WHERE direction = ? AND status IN (" + marks + ") ORDER BY created_at, message_id")
                .params(params).query(String.class).list();
    }

    private static StoredMessage message(ResultSet rs, List<StoredMessage.Step> history) throws SQLException {
        String categories = rs.getString("data_categories");
        Set<String> categorySet = categories == null || categories.isEmpty() ? Set.of()
                : new TreeSet<>(Arrays.asList(categories.split(",")));
        return new StoredMessage(rs.getString("message_id"), Direction.valueOf(rs.getString("direction")), rs.getString("message_type"),
                rs.getString("sender"), rs.getString("recipient"), rs.getString("correlation_id"), rs.getString("purpose"),
                categorySet, rs.getString("consent_id"), rs.getString("person_hash"), MessageStatus.valueOf(rs.getString("status")),
                rs.getString("error_code"), instant(rs, "created_at"), instant(rs, "updated_at"), rs.getBytes("payload"), history);
    }



}
