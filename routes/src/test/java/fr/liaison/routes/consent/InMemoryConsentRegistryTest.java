package fr.liaison.routes.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

class InMemoryConsentRegistryTest {

    private static final Instant GRANTED = Instant.parse("2025-03-10T08:30:00Z");
    private static final Instant EXPIRES = Instant.parse("2026-03-10T08:30:00Z");

    private final InMemoryConsentRegistry registry = new InMemoryConsentRegistry();

    private static ConsentRecord record(String purpose, byte[] proof) {
        return new ConsentRecord(Samples.CONSENT_ID, "hash", purpose, Set.of("FT-29"), Set.of("IDENTITY"), GRANTED, EXPIRES,
                "CCAS-29232", null, proof);
    }

    @Test
    void findsWhatWasSaved() {
        ConsentRecord record = record("ACCOMPAGNEMENT_GLOBAL", new byte[] {1, 2});
        registry.save(record);
        assertThat(registry.find(Samples.CONSENT_ID)).contains(record);
        assertThat(registry.find("other")).isEmpty();
    }

    @Test
    void savingTheSameTermsAgainKeepsTheRevocation() {
        registry.save(record("ACCOMPAGNEMENT_GLOBAL", new byte[] {1}));
        registry.markRevoked(Samples.CONSENT_ID, GRANTED.plusSeconds(10));
        registry.save(record("ACCOMPAGNEMENT_GLOBAL", new byte[] {2}));
        assertThat(registry.find(Samples.CONSENT_ID).orElseThrow().revokedAt()).isEqualTo(GRANTED.plusSeconds(10));
    }

    @Test
    void refusesAnotherConsentUnderTheSameId() {
        registry.save(record("ACCOMPAGNEMENT_GLOBAL", null));
        assertThatThrownBy(() -> registry.save(record("ACCOMPAGNEMENT_SOCIAL", null)))
                .isInstanceOfSatisfying(LiaisonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONSENT_DUPLICATE));
    }

    @Test
    void keepsTheEarliestRevocation() {
        registry.save(record("ACCOMPAGNEMENT_GLOBAL", null));
        registry.markRevoked(Samples.CONSENT_ID, GRANTED.plusSeconds(20));
        registry.markRevoked(Samples.CONSENT_ID, GRANTED.plusSeconds(5));
        registry.markRevoked(Samples.CONSENT_ID, GRANTED.plusSeconds(30));
        assertThat(registry.find(Samples.CONSENT_ID).orElseThrow().revokedAt()).isEqualTo(GRANTED.plusSeconds(5));
    }

    @Test
    void leavesAnUnknownConsentAlone() {
        registry.markRevoked("unknown", GRANTED);
        assertThat(registry.find("unknown")).isEmpty();
    }

    @Test
    void recordIsImmutable() {
        byte[] proof = {1, 2, 3};
        java.util.HashSet<String> recipients = new java.util.HashSet<>(Set.of("FT-29"));
        ConsentRecord record = new ConsentRecord(Samples.CONSENT_ID, "hash", "ACCOMPAGNEMENT_GLOBAL", recipients, Set.of(),
                GRANTED, EXPIRES, "CCAS-29232", null, proof);
        proof[0] = 9;
        recipients.add("CD-29");
        record.proof()[1] = 9;
        assertThat(record.proof()).containsExactly(1, 2, 3);
        assertThat(record.allowedRecipients()).containsExactly("FT-29");
        assertThat(record).isEqualTo(new ConsentRecord(Samples.CONSENT_ID, "hash", "ACCOMPAGNEMENT_GLOBAL", Set.of("FT-29"),
                Set.of(), GRANTED, EXPIRES, "CCAS-29232", null, new byte[] {1, 2, 3}));
    }
}
