package fr.liaison.gateway.store;

import static fr.liaison.gateway.store.JdbcMessageStore.time;

import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditTrail;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The audit log, one row per step; persons only as keyed hashes, never payloads. */
@Repository
class JdbcAuditTrail implements AuditTrail {

    private final JdbcClient jdbc;

    JdbcAuditTrail(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void append(AuditEntry e) {
        jdbc.sql("""
                INSERT INTO audit_entry (at, step, message_id, correlation_id, message_type, sender, recipient, purpose,
                    data_categories, consent_id, payload_digest, error_code, actor, person_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(time(e.at()), e.step().name(), e.messageId(), e.correlationId(), e.messageType(), e.sender(), e.recipient(),
                        e.purpose(), e.dataCategories() == null ? null : String.join(",", e.dataCategories()), e.consentId(),
                        e.payloadDigest(), e.errorCode(), e.actor(), e.personHash())
                .update();
    }
}
