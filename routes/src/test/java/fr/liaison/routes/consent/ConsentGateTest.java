package fr.liaison.routes.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;
import fr.liaison.schemas.v1.LiaisonMessage;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ConsentGateTest {

    private static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");
    private static final Instant GRANTED = Instant.parse("2025-03-10T08:30:00Z");
    private static final Instant EXPIRES = Instant.parse("2026-03-10T08:30:00Z");
    private static final String PERSON_HASH = Samples.PSEUDONYMISER.personHash(Samples.PERSON);
    private static final Set<String> ALL_CATEGORIES = Set.of("IDENTITY", "EMPLOYMENT_SITUATION", "BARRIER_MOBILITE",
            "BARRIER_LOGEMENT", "BARRIER_SANTE", "HEALTH_DETAIL");

    private final ConsentGate gate = new ConsentGate(Clock.fixed(NOW, ZoneOffset.UTC));

    /** The sample consent: collected by CCAS-29232, for FT-29 and CD-29. */
    private static ConsentRecord consent() {
        return new ConsentRecord(Samples.CONSENT_ID, PERSON_HASH, "ACCOMPAGNEMENT_GLOBAL", Set.of("FT-29", "CD-29"),
                ALL_CATEGORIES, GRANTED, EXPIRES, "CCAS-29232", null, null);
    }

    private static ConsentRecord consent(Set<String> recipients, Set<String> categories, String purpose) {
        return new ConsentRecord(Samples.CONSENT_ID, PERSON_HASH, purpose, recipients, categories, GRANTED, EXPIRES,
                "CCAS-29232", null, null);
    }

    /** CCAS-29232 to FT-29: IDENTITY, BARRIER_MOBILITE, BARRIER_LOGEMENT. */
    private static LiaisonMessage referral() {
        return Samples.read("referral.xml").message();
    }

    /** FT-29 to CD-29: EMPLOYMENT_SITUATION, three barriers, HEALTH_DETAIL. */
    private static LiaisonMessage diagnosis() {
        return Samples.read("shared-diagnosis.xml").message();
    }

    private LiaisonException refusal(LiaisonMessage message, String personHash, Optional<ConsentRecord> consent) {
        try {
            gate.check(message, personHash, consent);
        } catch (LiaisonException e) {
            return e;
        }
        throw new AssertionError("accepted");
    }

    private ErrorCode codeOf(LiaisonMessage message, ConsentRecord consent) {
        return refusal(message, PERSON_HASH, Optional.of(consent)).code();
    }

    private static ErrorCode codeAt(Instant now, LiaisonMessage message, ConsentRecord consent) {
        try {
            at(now).check(message, PERSON_HASH, Optional.of(consent));
        } catch (LiaisonException e) {
            return e.code();
        }
        throw new AssertionError("accepted");
    }

    private static ConsentGate at(Instant now) {
        return new ConsentGate(Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void acceptsAReferralCoveredByTheConsent() {
        assertThatCode(() -> gate.check(referral(), PERSON_HASH, Optional.of(consent()))).doesNotThrowAnyException();
    }

    @Test
    void acceptsADiagnosisBetweenTwoAllowedRecipients() {
        // Neither FT-29 nor CD-29 collected the consent; both are named in it.
        assertThatCode(() -> gate.check(diagnosis(), PERSON_HASH, Optional.of(consent()))).doesNotThrowAnyException();
    }

    @Test
    void acceptsOnTheFirstInstantOfTheConsentAndUntilJustBeforeItsExpiry() {
        assertThatCode(() -> at(GRANTED).check(referral(), PERSON_HASH, Optional.of(consent()))).doesNotThrowAnyException();
        assertThatCode(() -> at(EXPIRES.minusNanos(1)).check(referral(), PERSON_HASH, Optional.of(consent())))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesWhenNoConsentIsFound() {
        assertThat(refusal(referral(), PERSON_HASH, Optional.empty()).code()).isEqualTo(ErrorCode.CONSENT_MISSING);
    }

    @Test
    void refusesWhenTheMessageReferencesNoConsent() {
        LiaisonMessage referral = referral();
        referral.getHeader().setConsentRef(null);
        assertThat(codeOf(referral, consent())).isEqualTo(ErrorCode.CONSENT_MISSING);
    }

    @Test
    void refusesWhenTheConsentFoundIsAnotherOne() {
        LiaisonMessage referral = referral();
        referral.getHeader().setConsentRef("00000000-0000-4000-8000-000000000000");
        assertThat(codeOf(referral, consent())).isEqualTo(ErrorCode.CONSENT_MISSING);
    }

    @Test
    void refusesWhenTheConsentIsAboutAnotherPerson() {
        String other = Samples.PSEUDONYMISER.personHash("0612345X001");
        LiaisonException e = refusal(referral(), other, Optional.of(consent()));
        assertThat(e.code()).isEqualTo(ErrorCode.CONSENT_PERSON_MISMATCH);
        assertThat(e.getMessage()).doesNotContain(other).doesNotContain(PERSON_HASH).doesNotContain(Samples.PERSON);
        assertThat(refusal(referral(), null, Optional.of(consent())).code()).isEqualTo(ErrorCode.CONSENT_PERSON_MISMATCH);
    }

    @Test
    void refusesWhenConsentRevoked() {
        assertThat(codeOf(referral(), consent().withRevokedAt(NOW.minusSeconds(60)))).isEqualTo(ErrorCode.CONSENT_REVOKED);
        assertThat(codeOf(referral(), consent().withRevokedAt(NOW))).isEqualTo(ErrorCode.CONSENT_REVOKED);
    }

    @Test
    void acceptsWhileARevocationIsStillInTheFuture() {
        assertThatCode(() -> gate.check(referral(), PERSON_HASH, Optional.of(consent().withRevokedAt(NOW.plusSeconds(1)))))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesWhenConsentExpired() {
        assertThat(codeAt(EXPIRES, referral(), consent())).isEqualTo(ErrorCode.CONSENT_EXPIRED);
        assertThat(codeAt(EXPIRES.plusSeconds(86_400), referral(), consent())).isEqualTo(ErrorCode.CONSENT_EXPIRED);
    }

    @Test
    void refusesWhenConsentNotYetGranted() {
        assertThat(codeAt(GRANTED.minusNanos(1), referral(), consent())).isEqualTo(ErrorCode.CONSENT_EXPIRED);
    }

    @Test
    void refusesWhenConsentWasGivenForAnotherPurpose() {
        assertThat(codeOf(referral(), consent(Set.of("FT-29", "CD-29"), ALL_CATEGORIES, "ACCOMPAGNEMENT_SOCIAL")))
                .isEqualTo(ErrorCode.CONSENT_PURPOSE_MISMATCH);
    }

    @Test
    void refusesWhenRecipientNotCovered() {
        LiaisonException e = refusal(referral(), PERSON_HASH,
                Optional.of(consent(Set.of("CD-29"), ALL_CATEGORIES, "ACCOMPAGNEMENT_GLOBAL")));
        assertThat(e.code()).isEqualTo(ErrorCode.CONSENT_PARTY_NOT_COVERED);
        assertThat(e.details()).singleElement().asString().contains("FT-29");
    }

    @Test
    void refusesWhenSenderNotCovered() {
        // FT-29 sends to CD-29, but the consent names CD-29 only (and its collector, CCAS-29232).
        LiaisonException e = refusal(diagnosis(), PERSON_HASH,
                Optional.of(consent(Set.of("CD-29"), ALL_CATEGORIES, "ACCOMPAGNEMENT_GLOBAL")));
        assertThat(e.code()).isEqualTo(ErrorCode.CONSENT_PARTY_NOT_COVERED);
        assertThat(e.details()).singleElement().asString().contains("FT-29");
    }

    @Test
    void refusesWhenCategoryNotCovered() {
        Set<String> withoutHealth = Set.of("EMPLOYMENT_SITUATION", "BARRIER_MOBILITE", "BARRIER_LOGEMENT");
        LiaisonException e = refusal(diagnosis(), PERSON_HASH,
                Optional.of(consent(Set.of("FT-29", "CD-29"), withoutHealth, "ACCOMPAGNEMENT_GLOBAL")));
        assertThat(e.code()).isEqualTo(ErrorCode.CONSENT_CATEGORY_NOT_COVERED);
        assertThat(e.details()).singleElement().asString().contains("BARRIER_SANTE", "HEALTH_DETAIL")
                .doesNotContain("BARRIER_MOBILITE");
    }

    @Test
    void refusesABodyCategoryTheHeaderFailedToDeclare() {
        LiaisonMessage diagnosis = diagnosis();
        diagnosis.getHeader().setDataCategories(new java.util.ArrayList<>(List.of(
                fr.liaison.schemas.v1.DataCategory.EMPLOYMENT_SITUATION)));
        assertThat(codeOf(diagnosis, consent(Set.of("FT-29", "CD-29"), Set.of("EMPLOYMENT_SITUATION"), "ACCOMPAGNEMENT_GLOBAL")))
                .isEqualTo(ErrorCode.CONSENT_CATEGORY_NOT_COVERED);
    }

    @Test
    void reportsTheFirstFailureInTheDocumentedOrder() {
        ConsentRecord everythingWrong = new ConsentRecord(Samples.CONSENT_ID, PERSON_HASH, "ACCOMPAGNEMENT_SOCIAL", Set.of(),
                Set.of(), GRANTED, EXPIRES, "CD-25", NOW.minusSeconds(1), null);
        assertThat(codeOf(referral(), everythingWrong)).isEqualTo(ErrorCode.CONSENT_REVOKED);
        assertThat(codeOf(referral(), everythingWrong.withRevokedAt(null))).isEqualTo(ErrorCode.CONSENT_PURPOSE_MISMATCH);
        assertThat(codeAt(EXPIRES, referral(), everythingWrong.withRevokedAt(null))).isEqualTo(ErrorCode.CONSENT_EXPIRED);
        assertThat(codeOf(referral(), new ConsentRecord(Samples.CONSENT_ID, PERSON_HASH, "ACCOMPAGNEMENT_GLOBAL", Set.of(),
                Set.of(), GRANTED, EXPIRES, "CD-25", null, null))).isEqualTo(ErrorCode.CONSENT_PARTY_NOT_COVERED);
    }

    @Test
    void gatesOnlyMessagesAboutAPersonThatAreNotConsentsThemselves() {
        assertThat(ConsentGate.requiresConsent(referral())).isTrue();
        assertThat(ConsentGate.requiresConsent(diagnosis())).isTrue();
        assertThat(ConsentGate.requiresConsent(Samples.read("referral-response.xml").message())).isTrue();
        assertThat(ConsentGate.requiresConsent(Samples.read("follow-up-event.xml").message())).isTrue();
        for (String sample : List.of("consent.xml", "consent-revocation.xml", "resource-directory-entry.xml")) {
            LiaisonMessage message = Samples.read(sample).message();
            assertThat(ConsentGate.requiresConsent(message)).as(sample).isFalse();
            assertThatCode(() -> gate.check(message, null, Optional.empty())).doesNotThrowAnyException();
        }
    }
}
