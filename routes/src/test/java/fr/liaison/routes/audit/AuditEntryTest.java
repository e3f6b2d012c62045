package fr.liaison.routes.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.liaison.schemas.v1.LiaisonMessage;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class AuditEntryTest {

    private static final Instant AT = Instant.parse("2025-04-03T14:40:01Z");

    @Test
    void fillsTheHeaderFieldsOfAMessage() throws Exception {
        LiaisonMessage diagnosis = PersonsTest.sample("shared-diagnosis.xml");
        AuditEntry entry = AuditEntry.forMessage(AuditStep.SENT, diagnosis, "hash", AT);

        assertThat(entry.at()).isEqualTo(AT);
        assertThat(entry.step()).isEqualTo(AuditStep.SENT);
        assertThat(entry.messageId()).isEqualTo("5e0a9c8b-2f41-4d7e-8b6a-0c1d2e3f4a5b");
        assertThat(entry.correlationId()).isEqualTo("3f2b8c1e-7d4a-4e9b-9c2f-1a5e6d7c8b90");
        assertThat(entry.messageType()).isEqualTo("SHARED_DIAGNOSIS");
        assertThat(entry.sender()).isEqualTo("FT-29");
        assertThat(entry.recipient()).isEqualTo("CD-29");
        assertThat(entry.purpose()).isEqualTo("ACCOMPAGNEMENT_GLOBAL");
        assertThat(entry.consentId()).isEqualTo("7c9e6679-7425-40de-944b-e07fc1f90ae7");
        assertThat(entry.personHash()).isEqualTo("hash");
        assertThat(entry.payloadDigest()).isNull();
        assertThat(entry.errorCode()).isNull();
        assertThat(entry.actor()).isNull();
    }

    @Test
    void listsDataCategoriesByNameInSortedOrder() throws Exception {
        AuditEntry entry = AuditEntry.forMessage(AuditStep.SENT, PersonsTest.sample("shared-diagnosis.xml"), null, AT);
        assertThat(entry.dataCategories()).containsExactly("BARRIER_LOGEMENT", "BARRIER_MOBILITE", "BARRIER_SANTE",
                "EMPLOYMENT_SITUATION", "HEALTH_DETAIL");
        assertThatThrownBy(() -> entry.dataCategories().add("IDENTITY")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void carriesNoPersonalDataOfTheMessage() throws Exception {
        AuditEntry entry = AuditEntry.forMessage(AuditStep.ACCEPTED, PersonsTest.sample("referral.xml"), "hash", AT);
        assertThat(entry.toString()).doesNotContain("0451827K", "Le Goff", "Maëlle", "1987");
        assertThat(entry.dataCategories()).containsExactly("BARRIER_LOGEMENT", "BARRIER_MOBILITE", "IDENTITY");
    }

    @Test
    void takesTheConsentIdOfARevocationFromItsBody() throws Exception {
        AuditEntry entry = AuditEntry.forMessage(AuditStep.REVOCATION_RECEIVED, PersonsTest.sample("consent-revocation.xml"),
                null, AT);
        assertThat(entry.consentId()).isEqualTo("7c9e6679-7425-40de-944b-e07fc1f90ae7");
        assertThat(entry.dataCategories()).isEmpty();
        assertThat(entry.personHash()).isNull();
    }

    @Test
    void withersChangeOneFieldOnly() throws Exception {
        AuditEntry entry = AuditEntry.forMessage(AuditStep.REFUSED, PersonsTest.sample("referral.xml"), "hash", AT);
        AuditEntry changed = entry.withErrorCode("GW-CONSENT-002").withActor("api-client-1").withPayloadDigest("ab12");
        assertThat(changed.errorCode()).isEqualTo("GW-CONSENT-002");
        assertThat(changed.actor()).isEqualTo("api-client-1");
        assertThat(changed.payloadDigest()).isEqualTo("ab12");
        assertThat(changed.withErrorCode(null).withActor(null).withPayloadDigest(null)).isEqualTo(entry);
    }

    @Test
    void requiresTimeAndStepOnly() {
        AuditEntry minimal = new AuditEntry(AT, AuditStep.LOG_READ, null, null, null, null, null, null, null, null, null,
                null, "officer", null);
        assertThat(minimal.dataCategories()).isNull();
        assertThatThrownBy(() -> new AuditEntry(null, AuditStep.LOG_READ, null, null, null, null, null, null, null, null,
                null, null, null, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new AuditEntry(AT, null, null, null, null, null, null, null, Set.of(), null, null, null,
                null, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void inMemoryTrailKeepsEveryEntryAppendedConcurrently() {
        InMemoryAuditTrail trail = new InMemoryAuditTrail();
        IntStream.range(0, 1_000).parallel().forEach(i -> trail.append(new AuditEntry(AT, AuditStep.RECEIVED,
                "m" + i, null, null, null, null, null, null, null, null, null, null, null)));
        List<AuditEntry> snapshot = trail.entries();
        assertThat(snapshot).hasSize(1_000);
        trail.append(new AuditEntry(AT, AuditStep.LOG_READ, null, null, null, null, null, null, null, null, null, null, null, null));
        assertThat(snapshot).hasSize(1_000);
        assertThatThrownBy(() -> snapshot.add(null)).isInstanceOf(UnsupportedOperationException.class);
    }
}
