package fr.liaison.routes.consent;

import fr.liaison.routes.signing.SignedContent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.NetworkTrust;
import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.routes.testing.DevNetwork;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.ValidatedMessage;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;
import fr.liaison.schemas.v1.Consent;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class ConsentProofsTest {

    private final Directory directory = DevNetwork.directory();
    private final ParticipantKeys ccas = DevNetwork.keys("CCAS-29232");
    private final ParticipantKeys ft29 = DevNetwork.keys("FT-29");
    private final ConsentProofs proofs = new ConsentProofs(Samples.CODEC, Samples.PSEUDONYMISER);
    private final ValidatedMessage consent = Samples.read("consent.xml");

    private static ErrorCode codeOf(Runnable action) {
        try {
            action.run();
        } catch (LiaisonException e) {
            return e.code();
        }
        throw new AssertionError("no LiaisonException");
    }

    @Test
    void recordsTheTermsOfTheConsentWithThePersonPseudonymised() {
        ConsentRecord record = proofs.sign(consent, ccas);

        assertThat(record.consentId()).isEqualTo(Samples.CONSENT_ID);
        assertThat(record.personHash()).isEqualTo(Samples.PSEUDONYMISER.personHash(Samples.PERSON));
        assertThat(record.purpose()).isEqualTo("ACCOMPAGNEMENT_GLOBAL");
        assertThat(record.allowedRecipients()).containsExactly("CD-29", "FT-29");
        assertThat(record.allowedCategories()).containsExactly("BARRIER_LOGEMENT", "BARRIER_MOBILITE", "BARRIER_SANTE",
                "EMPLOYMENT_SITUATION", "HEALTH_DETAIL", "IDENTITY");
        assertThat(record.grantedAt()).isEqualTo(Instant.parse("2025-03-10T08:30:00Z"));
        assertThat(record.expiresAt()).isEqualTo(Instant.parse("2026-03-10T08:30:00Z"));
        assertThat(record.recordedBy()).isEqualTo("CCAS-29232");
        assertThat(record.revokedAt()).isNull();
        assertThat(record.proof()).isNotEmpty();
        assertThat(record.toString()).doesNotContain(Samples.PERSON);
    }

    @Test
    void verifiesAProofItSigned() {
        ConsentRecord signed = proofs.sign(consent, ccas);
        ConsentRecord verified = proofs.verify(signed.proof(), directory);
        assertThat(verified).isEqualTo(signed);
    }

    @Test
    void aProofVerifiedBeforeIsStillCheckedAgainstTheTrustAndDirectoryInForce() {
        byte[] proof = proofs.sign(consent, ccas).proof();
        ConsentRecord first = proofs.verify(proof, directory);
        assertThat(proofs.verify(proof.clone(), directory)).isEqualTo(first);

        // Years later the collector's certificate has expired: the remembered proof is refused as a new one would be.
        Directory later = new Directory(directory.network(), directory.version(), directory.issuedAt(), directory.participants(),
                directory.conventions(), new NetworkTrust(directory.trust().networkCa(), directory.trust().crls(),
                        Clock.fixed(Instant.parse("2100-01-01T00:00:00Z"), ZoneOffset.UTC)));
        LiaisonException expired = (LiaisonException) catchThrowable(() -> proofs.verify(proof, later));
        assertThat(expired.code()).isEqualTo(ErrorCode.CONSENT_PROOF_INVALID);
        assertThat(expired.details()).anyMatch(d -> d.contains("signer certificate"));

        // A directory without the collector: refused, with the reason a first verification gives.
        Directory without = new Directory(directory.network(), directory.version(), directory.issuedAt(),
                directory.participants().stream().filter(p -> !p.id().equals("CCAS-29232")).toList(), directory.conventions(),
                directory.trust());
        LiaisonException unlisted = (LiaisonException) catchThrowable(() -> proofs.verify(proof, without));
        LiaisonException unlistedFirstTime = (LiaisonException) catchThrowable(
                () -> new ConsentProofs(Samples.CODEC, Samples.PSEUDONYMISER).verify(proof, without));
        assertThat(unlisted.code()).isEqualTo(ErrorCode.CONSENT_PROOF_INVALID);
        assertThat(unlisted.details()).isEqualTo(unlistedFirstTime.details());

        assertThat(proofs.verify(proof, directory)).isEqualTo(first);
    }

    @Test
    void proofCarriesTheCanonicalXmlReadableWithoutLiaison() throws Exception {
        byte[] proof = proofs.sign(consent, ccas).proof();
        byte[] content = (byte[]) new org.bouncycastle.cms.CMSSignedData(proof).getSignedContent().getContent();
        assertThat(content).isEqualTo(consent.canonicalXml());
    }

    @Test
    void verifiedConsentIsNotRevoked() {
        ConsentRecord revoked = proofs.sign(consent, ccas).withRevokedAt(Instant.parse("2025-09-02T12:00:00Z"));
        assertThat(proofs.verify(revoked.proof(), directory).revokedAt()).isNull();
    }

    @Test
    void refusesAProofWithAnyAlteredByte() {
        byte[] proof = proofs.sign(consent, ccas).proof();
        // Every byte: structure, signed XML, attributes, certificate and signature alike.
        assertThat(indexOf(proof, Samples.CONSENT_ID.getBytes(StandardCharsets.US_ASCII))).isPositive();
        java.util.List<String> notRefused = new java.util.ArrayList<>();
        for (int i = 0; i < proof.length; i++) {
            byte[] altered = proof.clone();
            altered[i] ^= 0x01;
            try {
                proofs.verify(altered, directory);
                notRefused.add(i + ": accepted");
            } catch (LiaisonException e) {
                if (e.code() != ErrorCode.CONSENT_PROOF_INVALID) {
                    notRefused.add(i + ": " + e.code());
                }
            } catch (RuntimeException e) {
                notRefused.add(i + ": " + e);
            }
        }
        assertThat(notRefused).as("of %d bytes", proof.length).isEmpty();
    }

    @Test
    void refusesATruncatedOrExtendedProof() {
        byte[] proof = proofs.sign(consent, ccas).proof();
        assertThat(codeOf(() -> proofs.verify(Arrays.copyOf(proof, proof.length - 1), directory)))
                .isEqualTo(ErrorCode.CONSENT_PROOF_INVALID);
        assertThat(codeOf(() -> proofs.verify(Arrays.copyOf(proof, proof.length + 1), directory)))
                .isEqualTo(ErrorCode.CONSENT_PROOF_INVALID);
        assertThat(codeOf(() -> proofs.verify(new byte[0], directory))).isEqualTo(ErrorCode.CONSENT_PROOF_INVALID);
        assertThat(codeOf(() -> proofs.verify(null, directory))).isEqualTo(ErrorCode.CONSENT_PROOF_INVALID);
        assertThat(codeOf(() -> proofs.verify("not CMS".getBytes(StandardCharsets.US_ASCII), directory)))
                .isEqualTo(ErrorCode.CONSENT_PROOF_INVALID);
    }

    @Test
    void refusesAProofSignedByAnotherParticipantThanTheCollector() {
        // FT-29 is in the directory and trusted, but the consent says CCAS-29232 collected it.
        byte[] forged = SignedContent.sign(consent.canonicalXml(), ft29);
        LiaisonException e = (LiaisonException) catchThrowable(() -> proofs.verify(forged, directory));
        assertThat(e.code()).isEqualTo(ErrorCode.CONSENT_PROOF_INVALID);
        assertThat(e.details()).anyMatch(d -> d.contains("FT-29") && d.contains("CCAS-29232"));
    }

    @Test
    void refusesAProofSignedWithAnUntrustedOrRevokedCertificate() {
        for (String identity : new String[] {"TEST-ROGUE", "TEST-REVOKED", "TEST-EXPIRED", "TEST-UNLISTED"}) {
            byte[] forged = SignedContent.sign(consent.canonicalXml(), DevNetwork.keys(identity));
            assertThat(codeOf(() -> proofs.verify(forged, directory))).as(identity).isEqualTo(ErrorCode.CONSENT_PROOF_INVALID);
        }
    }

    @Test
    void refusesAProofWhoseContentIsNotAnOctetString() throws Exception {
        byte[] rewrapped = fr.liaison.routes.testing.ContentRewrap.eContentAsSequence(SignedContent.sign(consent.canonicalXml(), ccas));
        assertThat(codeOf(() -> proofs.verify(rewrapped, directory))).isEqualTo(ErrorCode.CONSENT_PROOF_INVALID);
    }

    @Test
    void refusesAProofOfAnotherMessageType() {
        byte[] referral = SignedContent.sign(Samples.read("referral.xml").canonicalXml(), ccas);
        assertThat(codeOf(() -> proofs.verify(referral, directory))).isEqualTo(ErrorCode.CONSENT_PROOF_INVALID);
    }

    @Test
    void refusesAProofOfAnInvalidConsent() {
        // The body's purpose differs from the header's: a message rule the schema alone cannot see.
        String xml = new String(consent.canonicalXml(), StandardCharsets.UTF_8);
        int body = xml.lastIndexOf("ACCOMPAGNEMENT_GLOBAL");
        byte[] invalid = (xml.substring(0, body) + "ACCOMPAGNEMENT_SOCIAL" + xml.substring(body + "ACCOMPAGNEMENT_GLOBAL".length()))
                .getBytes(StandardCharsets.UTF_8);
        byte[] signed = SignedContent.sign(invalid, ccas);
        assertThat(codeOf(() -> proofs.verify(signed, directory))).isEqualTo(ErrorCode.CONSENT_PROOF_INVALID);
    }

    @Test
    void refusesToSignAConsentCollectedByAnotherInstitution() {
        assertThat(codeOf(() -> proofs.sign(consent, ft29))).isEqualTo(ErrorCode.CONSENT_NOT_RECORDER);
    }

    @Test
    void refusesToSignAConsentWhoseSenderIsNotTheRecorder() {
        Consent changed = consent.message(Consent.class);
        changed.getHeader().setSender("FT-29");
        changed.getHeader().setRecipient("CCAS-29232");
        ValidatedMessage sentByFt = Samples.CODEC.read(Samples.CODEC.toXml(changed), MessageFormat.XML);

        assertThat(codeOf(() -> proofs.sign(sentByFt, ccas))).isEqualTo(ErrorCode.CONSENT_NOT_RECORDER);
        assertThat(codeOf(() -> proofs.sign(sentByFt, ft29))).isEqualTo(ErrorCode.CONSENT_NOT_RECORDER);
    }

    @Test
    void refusesAProofWhoseConsentWasSentByAnotherThanTheCollector() {
        Consent changed = consent.message(Consent.class);
        changed.getHeader().setSender("FT-29");
        changed.getHeader().setRecipient("CCAS-29232");
        byte[] signed = SignedContent.sign(Samples.CODEC.read(Samples.CODEC.toXml(changed), MessageFormat.XML).canonicalXml(), ccas);
        assertThat(codeOf(() -> proofs.verify(signed, directory))).isEqualTo(ErrorCode.CONSENT_PROOF_INVALID);
    }

    @Test
    void refusesToSignAnotherMessageType() {
        assertThatThrownBy(() -> proofs.sign(Samples.read("referral.xml"), ccas)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Throwable catchThrowable(Runnable action) {
        try {
            action.run();
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("nothing thrown");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
