package fr.liaison.gateway.officer;

import static fr.liaison.gateway.store.SqlTimes.time;

import fr.liaison.gateway.store.StoredMessageListener;
import fr.liaison.routes.exchange.MessageStatus;
import fr.liaison.routes.exchange.StoredMessage;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.v1.FollowUpEvent;
import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.ReferralResponse;

import java.sql.Date;
import java.time.Instant;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Records the indicator facts of each message the node stores: its routing metadata and, for a
 * referral response, the decision and first appointment date, for a follow-up event, the event
 * type and exit reason. Nothing personal is kept. Refused or rejected messages are not counted.
 * A payload that cannot be read is counted on its metadata alone; storing never fails because of it.
 */
@Component
class IndicatorFacts implements StoredMessageListener {

    private static final Logger LOG = LoggerFactory.getLogger(IndicatorFacts.class);
    static final Set<String> COUNTED = Set.of("REFERRAL", "REFERRAL_RESPONSE", "FOLLOW_UP_EVENT");

    private final JdbcClient jdbc;
    private final MessageCodec codec;

    IndicatorFacts(JdbcClient jdbc, MessageCodec codec) {
        this.jdbc = jdbc;
        this.codec = codec;
    }

    @Override
    public void stored(StoredMessage m) {
        if (m.status() != MessageStatus.ACCEPTED && m.status() != MessageStatus.RECEIVED || !COUNTED.contains(m.messageType())) {
            return;
        }
        String decision = null;
        java.time.LocalDate firstAppointment = null;
        String eventType = null;
        String exitReason = null;
        if (m.payload() != null && ("REFERRAL_RESPONSE".equals(m.messageType()) || "FOLLOW_UP_EVENT".equals(m.messageType()))) {
            try {
                LiaisonMessage message = codec.read(m.payload(), MessageFormat.XML).message();
                if (message instanceof ReferralResponse response) {
                    decision = response.getDecision() == null ? null : response.getDecision().name();
                    firstAppointment = response.getFirstAppointmentDate();
                } else if (message instanceof FollowUpEvent event) {
                    eventType = event.getEventType() == null ? null : event.getEventType().name();
                    exitReason = event.getExitReason() == null ? null : event.getExitReason().name();
                }
            } catch (RuntimeException e) {
                LOG.warn("indicator facts of message {}: payload not read ({})", m.messageId(), e.getClass().getSimpleName());
            }
        }
        insert(m.messageId(), m.direction().name(), m.messageType(), m.sender(), m.recipient(), m.correlationId(), m.purpose(),
                m.createdAt(), decision, firstAppointment, eventType, exitReason, false);
    }

    void insert(String messageId, String direction, String type, String sender, String recipient, String correlationId, String purpose,
            Instant at, String decision, java.time.LocalDate firstAppointment, String eventType, String exitReason, boolean synthetic) {
        jdbc.sql("""
                INSERT INTO indicator_fact (message_id, direction, message_type, sender, recipient, correlation_id, purpose, at,
                    decision, first_appointment, event_type, exit_reason, synthetic) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(messageId, direction, type, sender, recipient, correlationId, purpose, time(at), decision,
                        firstAppointment == null ? null : Date.valueOf(firstAppointment), eventType, exitReason, synthetic)
                .update();
    }
}
