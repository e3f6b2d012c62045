package fr.liaison.gateway.store;

import static fr.liaison.gateway.store.SqlTimes.instant;
import static fr.liaison.gateway.store.SqlTimes.time;

import fr.liaison.routes.consent.ConsentRecord;
import fr.liaison.routes.consent.ConsentRegistry;

import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Consents in the node's database: those recorded here and those received with a message. */
@Repository
class JdbcConsentRegistry implements ConsentRegistry {

    private final JdbcClient jdbc;

    JdbcConsentRegistry(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<ConsentRecord> find(String consentId) {
        return jdbc.sql("SELECT * FROM consent WHERE consent_id = ?").param(consentId)
                .query((rs, row) -> new ConsentRecord(rs.getString("consent_id"), rs.getString("person_hash"), rs.getString("purpose"),
                        set(rs.getString("allowed_recipients")), set(rs.getString("allowed_categories")), instant(rs, "granted_at"),
                        instant(rs, "expires_at"), rs.getString("recorded_by"), instant(rs, "revoked_at"), rs.getBytes("proof")))
                .optional();
    }

    @Override
    public void save(ConsentRecord r) {
        try {
            insert(r);
        } catch (DuplicateKeyException e) {
            // Two messages under a new consent arriving together: the second finds the first's row.
            ConsentRecord existing = find(r.consentId()).orElseThrow(() -> e);
            if (!existing.sameTermsAs(r)) {
                throw new LiaisonException(ErrorCode.CONSENT_DUPLICATE, "consent " + r.consentId());
            }
        }
    }

    private void insert(ConsentRecord r) {
        jdbc.sql("""
                INSERT INTO consent (consent_id, person_hash, purpose, allowed_recipients, allowed_categories, granted_at, expires_at,
                    recorded_by, revoked_at, proof) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(r.consentId(), r.personHash(), r.purpose(), String.join(",", new TreeSet<>(r.allowedRecipients())),
                        String.join(",", new TreeSet<>(r.allowedCategories())), time(r.grantedAt()), time(r.expiresAt()),
                        r.recordedBy(), time(r.revokedAt()), r.proof())
                .update();
    }

    @Override
    public void markRevoked(String consentId, Instant at) {
        jdbc.sql("UPDATE consent SET revoked_at = ? WHERE consent_id = ? AND (revoked_at IS NULL OR revoked_at > ?)")
                .params(time(at), consentId, time(at)).update();
    }

    private static Set<String> set(String csv) {
        return csv == null || csv.isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(csv.split(",")));
    }
}
