package fr.liaison.gateway.officer;

import fr.liaison.gateway.config.BrokerDisk;
import fr.liaison.gateway.config.EndpointProperties;
import fr.liaison.gateway.store.SqlTimes;
import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.audit.AuditTrail;
import fr.liaison.routes.exchange.Direction;
import fr.liaison.routes.exchange.MessageInUseException;
import fr.liaison.routes.exchange.MessageStatus;
import fr.liaison.routes.exchange.MessageStore;
import fr.liaison.routes.exchange.StoredMessage;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.v1.MessageType;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.ProducerTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Outbound messages whose delivery failed, and their re-submission by an officer: the message is
 * put back on the outbound queue, its status back to ACCEPTED with a step RESUBMITTED, audited
 * with the officer's name. Refused when the payload was purged or the consent no longer holds.
 */
@Service
class DeadLetters {

    private final JdbcClient jdbc;
    private final MessageStore messages;
    private final AuditTrail audit;
    private final ProducerTemplate producer;
    private final String outboundQueue;
    private final ErrorCatalogue catalogue;
    private final Clock clock;
    private final BrokerDisk disk;

    DeadLetters(JdbcClient jdbc, MessageStore messages, AuditTrail audit, ProducerTemplate producer,
            EndpointProperties endpoints, ErrorCatalogue catalogue, Clock clock, BrokerDisk disk) {
        this.jdbc = jdbc;
        this.messages = messages;
        this.audit = audit;
        this.producer = producer;
        this.outboundQueue = endpoints.outboundQueue();
        this.catalogue = catalogue;
        this.clock = clock;
        this.disk = disk;
    }

    List<Map<String, Object>> failed(int limit) {
        return jdbc.sql("""
                SELECT m.message_id, m.message_type, m.recipient, m.purpose, m.error_code, m.created_at, m.updated_at,
                    CASE WHEN m.payload IS NULL THEN 0 ELSE 1 END AS has_payload,
                    (SELECT s.error_code FROM message_step s WHERE s.message_id = m.message_id AND s.direction = 'OUTBOUND'
                        AND s.step = 'DEAD_LETTERED' ORDER BY s.id DESC LIMIT 1) AS last_try_code
                FROM message m WHERE m.direction = 'OUTBOUND' AND m.status = 'FAILED' ORDER BY m.updated_at DESC LIMIT ?""")
                .param(limit).query((rs, row) -> {
                    Map<String, Object> message = new LinkedHashMap<>();
                    message.put("messageId", rs.getString("message_id"));
                    message.put("messageType", rs.getString("message_type"));
                    message.put("recipient", rs.getString("recipient"));
                    message.put("purpose", rs.getString("purpose"));
                    message.put("errorCode", rs.getString("error_code"));
                    message.put("reason", catalogue.meaning(rs.getString("error_code")));
                    // Dead-lettered after its last try: why that try failed (unreachable, refused TLS, 5xx...).
                    String lastTry = rs.getString("last_try_code");
                    // Only for a dead letter: an earlier round's step says nothing of a later refusal.
                    lastTry = lastTry == null || !ErrorCode.EXCHANGE_DEAD_LETTER.code().equals(rs.getString("error_code"))
                            || lastTry.equals(rs.getString("error_code")) ? null : lastTry;
                    message.put("lastTryErrorCode", lastTry);
                    // The cause alone: "delivery is retried" and the like no longer hold for a message that failed.
                    message.put("lastTryReason", lastTry == null ? null : catalogue.meaning(lastTry).split("; ", 2)[0]);
                    message.put("createdAt", SqlTimes.instant(rs, "created_at").toString());
                    message.put("failedAt", SqlTimes.instant(rs, "updated_at").toString());
                    message.put("resubmittable", rs.getInt("has_payload") == 1);
                    return message;
                }).list();
    }

    /** What a re-submission did, in words an officer reads. */
    record Resubmission(String messageId, boolean done, String explanation) {
    }

    /**
     * Puts a failed message back on the outbound queue; the answer says what happened, in words.
     * The message is claimed under its row lock: of two re-submissions at once (a double click, two
     * officers), one puts it back, the other finds it no longer failed.
     */
    Resubmission resubmit(String officer, String messageId) {
        Resubmission outcome;
        try {
            outcome = messages.exclusively(messageId, Direction.OUTBOUND, found -> claim(officer, messageId, found.orElse(null)));
        } catch (MessageInUseException e) {
            return new Resubmission(messageId, false, "Message " + messageId + " is being re-submitted by another request: nothing more was done.");
        }
        if (outcome.done()) {
            producer.sendBody(outboundQueue, messageId);
        }
        return outcome;
    }

    private Resubmission claim(String officer, String messageId, StoredMessage stored) {
        if (stored == null || stored.status() != MessageStatus.FAILED) {
            return new Resubmission(messageId, false,
                    "Message " + messageId + " is not a failed outbound message: nothing was re-submitted.");
        }
        if (stored.payload() == null) {
            return new Resubmission(messageId, false,
                    "Message " + messageId + " can no longer be re-submitted: its content was purged after the retention period.");
        }
        // A revocation travels under the consent it revokes: that it is revoked is the point.
        if (stored.consentId() != null && !MessageType.CONSENT_REVOCATION.name().equals(stored.messageType())) {
            Boolean holds = jdbc.sql("SELECT revoked_at IS NULL AND expires_at > ? FROM consent WHERE consent_id = ?")
                    .params(SqlTimes.time(clock.instant()), stored.consentId()).query(Boolean.class).optional().orElse(false);
            if (!holds) {
                return new Resubmission(messageId, false,
                        "Message " + messageId + " was not re-submitted: its consent is revoked, expired or unknown.");
            }
        }
        disk.requireRoom(officer); // GW-NODE-001 while the queue takes no entries
        Instant now = clock.instant();
        messages.forgetEnvelope(messageId); // sealed afresh: the recipient's key or the directory may have changed since
        messages.updateStatus(messageId, Direction.OUTBOUND, MessageStatus.ACCEPTED, AuditStep.RESUBMITTED.name(), null, now);
        audit.append(new AuditEntry(now, AuditStep.RESUBMITTED, stored.messageId(), stored.correlationId(), stored.messageType(),
                stored.sender(), stored.recipient(), stored.purpose(), stored.dataCategories(), stored.consentId(), null, null, officer,
                stored.personHash()));
        return new Resubmission(messageId, true,
                "Message " + messageId + " was re-submitted: it is back on the delivery queue (status ACCEPTED).");
    }
}
