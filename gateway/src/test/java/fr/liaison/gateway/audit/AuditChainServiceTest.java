package fr.liaison.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.audit.chain.AuditChain;
import fr.liaison.routes.keys.KeyMaterial;
import fr.liaison.routes.keys.ParticipantKeys;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The in-place check on the node's real schema (H2, Flyway): each kind of tampering with the
 * tables is reported with its own code. A chain of 12 entries, signed every 5 (checkpoints at 5
 * and 10), the head at 12 signed when verified.
 */
class AuditChainServiceTest {

    private static final String NODE = "FT-29";
    private static final Instant AT = Instant.parse("2026-11-23T10:00:00Z");

    private JdbcTemplate db;
    private ChainedAuditTrail trail;
    private AuditChainService chain;

    @BeforeEach
    void chainOfTwelve() {
        DataSource source = AuditFixtures.migratedDatabase();
        db = new JdbcTemplate(source);
        ParticipantKeys keys = KeyMaterial.fromCertsDev(AuditFixtures.CERTS_DEV, NODE);
        trail = AuditFixtures.trail(source, NODE, 5, AT);
        trail.start();
        for (int i = 1; i <= 12; i++) {
            trail.append(new AuditEntry(AT.plusSeconds(i), AuditStep.ACCEPTED, "m-" + i, null, "REFERRAL", NODE, "CD-29",
                    "ACCOMPAGNEMENT_GLOBAL", Set.of(), null, null, null, null, null));
        }
        chain = new AuditChainService(db, trail, keys, java.time.Clock.systemUTC());
        assertThat(db.queryForList("SELECT seq FROM audit_checkpoint ORDER BY seq", Long.class)).containsExactly(5L, 10L);
    }

    @AfterEach
    void stop() {
        trail.stop();
    }

    @Test
    void anIntactChainVerifiesAndItsHeadIsSigned() {
        Map<String, Object> result = chain.verifyInPlace();
        assertThat(result).containsEntry("valid", true).containsEntry("entries", 12L);
        assertThat(db.queryForObject("SELECT MAX(seq) FROM audit_checkpoint", Long.class)).isEqualTo(12);
    }

    @Test
    void anEntryOfAnotherNodeIsInserted() {
        var original = db.queryForMap("SELECT previous_hash FROM audit_entry WHERE seq = 4");
        AuditEntry entry = new AuditEntry(AT.plusSeconds(4), AuditStep.ACCEPTED, "m-4", null, "REFERRAL", NODE, "CD-29",
                "ACCOMPAGNEMENT_GLOBAL", Set.of(), null, null, null, null, null);
        String forged = AuditChain.link(4, "CD-29", entry, (String) original.get("PREVIOUS_HASH")).hash();
        db.update("UPDATE audit_entry SET node = 'CD-29', entry_hash = ? WHERE seq = 4", forged);

        assertFails("GW-AUDIT-003", "entry seq 4 was written by CD-29");
    }

    @Test
    void rowsWhoseSeqsWereSwappedAreReordered() {
        db.update("UPDATE audit_entry SET seq = -1 WHERE seq = 7");
        db.update("UPDATE audit_entry SET seq = 7 WHERE seq = 8");
        db.update("UPDATE audit_entry SET seq = 8 WHERE seq = -1");

        assertFails("GW-AUDIT-004", "entry seq 7 was written as entry seq 8");
    }

    @Test
    void aCheckpointWhoseSignatureWasAlteredIsInvalid() {
        byte[] signature = db.queryForObject("SELECT signature FROM audit_checkpoint WHERE seq = 5", byte[].class);
        signature[signature.length - 10] ^= 0x01;
        db.update("UPDATE audit_checkpoint SET signature = ? WHERE seq = 5", signature);

        assertFails("GW-AUDIT-006", "checkpoint of seq 5");
    }

    @Test
    void theEndCutAfterACheckpointWithTheHeadPutBackIsTruncated() {
        // Entries 11 and 12 removed and the head put back to 10: the checkpoint of 10 is intact, but the node signed up to 12.
        chain.verifyInPlace();
        db.update("DELETE FROM audit_entry WHERE seq > 10");
        db.update("UPDATE audit_head SET seq = 10, head_hash = (SELECT entry_hash FROM audit_entry WHERE seq = 10) WHERE id = 1");

        assertFails("GW-AUDIT-005", "the log ends at entry seq 10, after the signed checkpoint of seq 10, but the node signed its chain up to seq 12");
    }

    @Test
    void entriesRemovedFromTheEndWhileTheHeadStaysAreTruncatedToo() {
        db.update("DELETE FROM audit_entry WHERE seq > 10");

        assertFails("GW-AUDIT-005", "the log ends at entry seq 10");
    }

    @Test
    void anEntryRemovedFromTheMiddleIsDeleted() {
        db.update("DELETE FROM audit_entry WHERE seq = 3");

        assertFails("GW-AUDIT-002", "entry seq 3 is missing");
    }

    @Test
    void anEditedFieldIsEdited() {
        db.update("UPDATE audit_entry SET recipient = 'FT-17' WHERE seq = 9");

        assertFails("GW-AUDIT-001", "entry seq 9 does not match its hash");
    }

    private void assertFails(String code, String detail) {
        Map<String, Object> result = chain.verifyInPlace();
        assertThat(result).as(result.toString()).containsEntry("valid", false).containsEntry("code", code);
        assertThat((String) result.get("detail")).contains(detail);
        assertThat((String) result.get("reason")).isNotBlank();
    }
}
