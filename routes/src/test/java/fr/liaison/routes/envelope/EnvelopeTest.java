package fr.liaison.routes.envelope;

import fr.liaison.routes.signing.SignedContent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.routes.testing.DevNetwork;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

import org.bouncycastle.cms.CMSAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvelopeTest {

    private static final byte[] CONTENT = "<Referral xmlns=\"urn:liaison:messages:v1\">fictitious</Referral>"
            .getBytes(StandardCharsets.UTF_8);

    private final Directory directory = DevNetwork.directory();
    private final ParticipantKeys ccas = DevNetwork.keys("CCAS-29232");
    private final ParticipantKeys ft29 = DevNetwork.keys("FT-29");

    private byte[] sealFor(ParticipantKeys sender, String recipientId, byte[] content) {
        return new EnvelopeSealer(sender).seal(content, directory.require(recipientId).encryptionCertificate());
    }

    private EnvelopeOpener openerOf(ParticipantKeys recipient) {
        return new EnvelopeOpener(recipient, directory);
    }

    private static ErrorCode codeOf(Runnable action) {
        try {
            action.run();
        } catch (LiaisonException e) {
            return e.code();
        }
        throw new AssertionError("expected a refusal");
    }

    @Test
    void roundTripsBetweenTwoParticipantsAndNamesTheVerifiedSender() {
        byte[] envelope = sealFor(ccas, "FT-29", CONTENT);

        OpenedEnvelope opened = openerOf(ft29).open(envelope, "CCAS-29232");

        assertThat(opened.content()).isEqualTo(CONTENT);
        assertThat(opened.sender().id()).isEqualTo("CCAS-29232");
        assertThat(opened.signingTime()).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15, 16, 17, 4096, 65536, 1_000_000})
    void roundTripsContentOfAnySize(int size) {
        byte[] content = new byte[size];
        new java.util.Random(size).nextBytes(content);

        assertThat(openerOf(ft29).open(sealFor(ccas, "FT-29", content)).content()).isEqualTo(content);
    }

    @Test
    void roundTripsWithRsaKeysForSigningAndKeyTransport() {
        ParticipantKeys rsa = DevNetwork.keys("TEST-RSA");
        byte[] toRsa = sealFor(ft29, "TEST-RSA", CONTENT);
        byte[] fromRsa = sealFor(rsa, "FT-29", CONTENT);

        assertThat(openerOf(rsa).open(toRsa, "FT-29").content()).isEqualTo(CONTENT);
        assertThat(openerOf(ft29).open(fromRsa, "TEST-RSA").content()).isEqualTo(CONTENT);
    }

    @Test
    void carriesTheConsentProofUnderTheSendersSignature() {
        byte[] proof = "a consent proof".getBytes(StandardCharsets.US_ASCII);
        byte[] envelope = new EnvelopeSealer(ccas).seal(CONTENT, directory.require("FT-29").encryptionCertificate(), proof);

        OpenedEnvelope opened = openerOf(ft29).open(envelope, "CCAS-29232");

        assertThat(opened.consentProof()).isEqualTo(proof);
        assertThat(openerOf(ft29).open(sealFor(ccas, "FT-29", CONTENT)).consentProof()).isNull();
    }

    @Test
    void twoSealsOfTheSameContentDiffer() {
        assertThat(sealFor(ccas, "FT-29", CONTENT)).isNotEqualTo(sealFor(ccas, "FT-29", CONTENT));
    }

    @Test
    void refusesSignerOtherThanTheClaimedSender() {
        byte[] envelope = sealFor(DevNetwork.keys("CD-29"), "FT-29", CONTENT);

        assertThat(codeOf(() -> openerOf(ft29).open(envelope, "CCAS-29232"))).isEqualTo(ErrorCode.SIGNER_NOT_SENDER);
    }

    @Test
    void refusesEnvelopeForAnotherRecipient() {
        byte[] envelope = sealFor(ccas, "CD-29", CONTENT);

        assertThat(codeOf(() -> openerOf(ft29).open(envelope))).isEqualTo(ErrorCode.ENVELOPE_NOT_FOR_RECIPIENT);
    }

    @Test
    void refusesSignerFromAnUntrustedCa() {
        assertThat(codeOf(() -> openerOf(ft29).open(sealFor(DevNetwork.keys("TEST-ROGUE"), "FT-29", CONTENT))))
                .isEqualTo(ErrorCode.SIGNER_UNTRUSTED);
    }

    @Test
    void refusesRevokedSigner() {
        assertThat(codeOf(() -> openerOf(ft29).open(sealFor(DevNetwork.keys("TEST-REVOKED"), "FT-29", CONTENT))))
                .isEqualTo(ErrorCode.SIGNER_REVOKED);
    }

    @Test
    void refusesExpiredSigner() {
        assertThat(codeOf(() -> openerOf(ft29).open(sealFor(DevNetwork.keys("TEST-EXPIRED"), "FT-29", CONTENT))))
                .isEqualTo(ErrorCode.SIGNER_EXPIRED);
    }

    @Test
    void refusesSignerThatIsNotInTheDirectory() {
        assertThat(codeOf(() -> openerOf(ft29).open(sealFor(DevNetwork.keys("TEST-UNLISTED"), "FT-29", CONTENT))))
                .isEqualTo(ErrorCode.SIGNER_NOT_IN_DIRECTORY);
    }

    @Test
    void refusesEveryAlteredByte() {
        byte[] envelope = sealFor(ccas, "FT-29", CONTENT);
        EnvelopeOpener opener = openerOf(ft29);
        Set<ErrorCode> seen = EnumSet.noneOf(ErrorCode.class);

        for (int i = 0; i < envelope.length; i++) {
            byte[] altered = envelope.clone();
            altered[i] ^= 0x01;
            seen.add(codeOf(() -> opener.open(altered, "CCAS-29232")));
        }

        assertThat(seen).isSubsetOf(ErrorCode.ENVELOPE_MALFORMED, ErrorCode.ENVELOPE_ALGORITHM_REFUSED,
                ErrorCode.ENVELOPE_NOT_FOR_RECIPIENT, ErrorCode.ENVELOPE_DECRYPTION_FAILED);
        assertThat(seen).contains(ErrorCode.ENVELOPE_DECRYPTION_FAILED, ErrorCode.ENVELOPE_MALFORMED);
    }

    @Test
    void refusesTruncatedAndExtendedEnvelopes() {
        byte[] envelope = sealFor(ccas, "FT-29", CONTENT);
        EnvelopeOpener opener = openerOf(ft29);

        for (int length : new int[] {0, 1, 10, envelope.length / 2, envelope.length - 17, envelope.length - 1}) {
            assertThat(codeOf(() -> opener.open(Arrays.copyOf(envelope, length)))).as("length %d", length)
                    .isEqualTo(ErrorCode.ENVELOPE_MALFORMED);
        }
        byte[] extended = Arrays.copyOf(envelope, envelope.length + 1);
        assertThat(codeOf(() -> opener.open(extended))).isEqualTo(ErrorCode.ENVELOPE_MALFORMED);
    }

    @Test
    void refusesAlteredCiphertextAndTagAsIntegrityFailure() {
        byte[] envelope = sealFor(ccas, "FT-29", new byte[4096]);
        EnvelopeOpener opener = openerOf(ft29);

        byte[] body = envelope.clone();
        body[envelope.length - 100] ^= 0x40; // inside the ciphertext
        byte[] tag = envelope.clone();
        tag[envelope.length - 1] ^= 0x40; // last byte of the MAC

        assertThat(codeOf(() -> opener.open(body))).isEqualTo(ErrorCode.ENVELOPE_DECRYPTION_FAILED);
        assertThat(codeOf(() -> opener.open(tag))).isEqualTo(ErrorCode.ENVELOPE_DECRYPTION_FAILED);
    }

    @Test
    void refusesSignedContentAlteredBeforeEncryption() throws Exception {
        byte[] signed = new EnvelopeSealer(ccas).sign(CONTENT);
        int at = indexOf(signed, CONTENT);
        signed[at] ^= 0x01;
        byte[] envelope = Forge.authEnveloped(signed,
                Forge.keyAgreement(ft29.encryptionCertificate(), CMSAlgorithm.ECDH_SHA256KDF), CMSAlgorithm.AES256_GCM);

        assertThat(codeOf(() -> openerOf(ft29).open(envelope))).isEqualTo(ErrorCode.SIGNATURE_INVALID);
    }

    /** The inner layer is exactly what the sealer makes: nothing a verifier would silently ignore. */
    /** RFC 5652 11.3: a signing time before 2050 is a UTCTime; the same instant as a GeneralizedTime is refused. */
    @Test
    void refusesASigningTimeBefore2050WrittenAsAGeneralizedTime() throws Exception {
        org.bouncycastle.asn1.ASN1ObjectIdentifier data = org.bouncycastle.asn1.cms.CMSObjectIdentifiers.data;
        java.util.Date now = new java.util.Date();
        byte[] generalized = Forge.authEnveloped(Forge.signedDataWith(ccas, CONTENT, data,
                new org.bouncycastle.asn1.DERGeneralizedTime(now), null, null),
                Forge.keyAgreement(ft29.encryptionCertificate(), CMSAlgorithm.ECDH_SHA256KDF), CMSAlgorithm.AES256_GCM);
        assertThat(codeOf(() -> openerOf(ft29).open(generalized))).isEqualTo(ErrorCode.SIGNATURE_MALFORMED);
        byte[] utc = Forge.authEnveloped(Forge.signedDataWith(ccas, CONTENT, data, new org.bouncycastle.asn1.DERUTCTime(now), null, null),
                Forge.keyAgreement(ft29.encryptionCertificate(), CMSAlgorithm.ECDH_SHA256KDF), CMSAlgorithm.AES256_GCM);
        assertThat(openerOf(ft29).open(utc, "CCAS-29232").content()).isEqualTo(CONTENT);
    }

    /** An envelope readable by another participant too is refused, whichever way it names the others. */
    @Test
    void refusesAnEnvelopeEncryptedForOthersToo() throws Exception {
        byte[] signed = Forge.signedDataWith(ccas, CONTENT, org.bouncycastle.asn1.cms.CMSObjectIdentifiers.data, null, null);
        java.security.cert.X509Certificate other = DevNetwork.directory().require("CD-29").encryptionCertificate();
        byte[] twoInfos = Forge.authEnvelopedFor(signed,
                Forge.keyAgreement(other, CMSAlgorithm.ECDH_SHA256KDF),
                Forge.keyAgreement(ft29.encryptionCertificate(), CMSAlgorithm.ECDH_SHA256KDF));
        assertThat(codeOf(() -> openerOf(ft29).open(twoInfos))).isEqualTo(ErrorCode.ENVELOPE_MALFORMED);
        byte[] twoKeys = Forge.authEnvelopedFor(signed, Forge.keyAgreementFor(ft29.encryptionCertificate(), other));
        assertThat(codeOf(() -> openerOf(ft29).open(twoKeys))).isEqualTo(ErrorCode.ENVELOPE_MALFORMED);
        byte[] one = Forge.authEnvelopedFor(signed, Forge.keyAgreementFor(ft29.encryptionCertificate()));
        assertThat(openerOf(ft29).open(one, "CCAS-29232").content()).as("the same for this node alone").isEqualTo(CONTENT);
    }

    /**
     * The sender's ephemeral key is the one input of the key agreement an attacker chooses freely. A
     * point off the curve (the invalid-curve attack on the recipient's static key), the point at
     * infinity, coordinates beyond the field or a truncated encoding must all be refused before any
     * multiplication by the node's private key, as refusals, never as failures of the node.
     */
    @Test
    void refusesAnEphemeralKeyThatIsNotAPointOfTheCurve() throws Exception {
        byte[] genuine = sealFor(ccas, "FT-29", CONTENT);
        byte[] point = Forge.originatorPoint(genuine);
        assertThat(point).hasSize(65).startsWith((byte) 0x04);
        byte[] offCurve = point.clone();
        offCurve[64] ^= 0x01;
        byte[] beyondTheField = new byte[65];
        Arrays.fill(beyondTheField, (byte) 0xff);
        beyondTheField[0] = 0x04;
        byte[][] forged = {offCurve, {0x00}, beyondTheField, Arrays.copyOf(point, 33), {0x04}, {0x05}, new byte[0]};
        for (byte[] key : forged) {
            byte[] envelope = Forge.withOriginatorPoint(genuine, key);
            assertThat(codeOf(() -> openerOf(ft29).open(envelope))).as("ephemeral key %s", java.util.HexFormat.of().formatHex(key))
                    .isEqualTo(ErrorCode.ENVELOPE_MALFORMED);
        }
        assertThat(openerOf(ft29).open(Forge.withOriginatorPoint(genuine, point), "CCAS-29232").content())
                .as("the same envelope rebuilt with its own key").isEqualTo(CONTENT);
    }

    @Test
    void refusesSignedDataWithUnknownOrUnsignedAttributesOrAnotherContentType() throws Exception {
        org.bouncycastle.asn1.cms.Attribute unknown = new org.bouncycastle.asn1.cms.Attribute(
                new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1"),
                new org.bouncycastle.asn1.DERSet(new org.bouncycastle.asn1.DERUTF8String("ignored?")));
        org.bouncycastle.asn1.ASN1ObjectIdentifier data = org.bouncycastle.asn1.cms.CMSObjectIdentifiers.data;
        byte[][] refused = {
            Forge.signedDataWith(ccas, CONTENT, data, unknown, null),
            Forge.signedDataWith(ccas, CONTENT, data, null, unknown),
            Forge.signedDataWith(ccas, CONTENT, org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_ct_TSTInfo, null, null),
        };
        for (byte[] signed : refused) {
            byte[] envelope = Forge.authEnveloped(signed,
                    Forge.keyAgreement(ft29.encryptionCertificate(), CMSAlgorithm.ECDH_SHA256KDF), CMSAlgorithm.AES256_GCM);
            assertThat(codeOf(() -> openerOf(ft29).open(envelope))).isEqualTo(ErrorCode.SIGNATURE_MALFORMED);
        }
        // eContent in another type than OCTET STRING: refused as malformed, never a failure of the node.
        byte[] rewrapped = Forge.authEnveloped(fr.liaison.routes.testing.ContentRewrap.eContentAsSequence(
                Forge.signedDataWith(ccas, CONTENT, data, null, null)),
                Forge.keyAgreement(ft29.encryptionCertificate(), CMSAlgorithm.ECDH_SHA256KDF), CMSAlgorithm.AES256_GCM);
        assertThat(codeOf(() -> openerOf(ft29).open(rewrapped))).isEqualTo(ErrorCode.SIGNATURE_MALFORMED);
        byte[] plain = Forge.authEnveloped(Forge.signedDataWith(ccas, CONTENT, data, null, null),
                Forge.keyAgreement(ft29.encryptionCertificate(), CMSAlgorithm.ECDH_SHA256KDF), CMSAlgorithm.AES256_GCM);
        assertThat(openerOf(ft29).open(plain, "CCAS-29232").content()).as("the same, without them").isEqualTo(CONTENT);
    }

    @Test
    void opensAnEnvelopeMadeWithBouncyCastlesOwnGcm() throws Exception {
        byte[] envelope = Forge.authEnveloped(new EnvelopeSealer(ccas).sign(CONTENT),
                Forge.keyAgreement(ft29.encryptionCertificate(), CMSAlgorithm.ECDH_SHA256KDF), CMSAlgorithm.AES256_GCM);

        assertThat(openerOf(ft29).open(envelope, "CCAS-29232").content()).isEqualTo(CONTENT);
    }

    @Test
    void refusesCbcEnvelopedData() throws Exception {
        byte[] envelope = Forge.cbcEnveloped(new EnvelopeSealer(ccas).sign(CONTENT), ft29.encryptionCertificate());

        assertThat(codeOf(() -> openerOf(ft29).open(envelope))).isEqualTo(ErrorCode.ENVELOPE_ALGORITHM_REFUSED);
    }

    @Test
    void refusesAes128Gcm() throws Exception {
        byte[] envelope = Forge.authEnveloped(new EnvelopeSealer(ccas).sign(CONTENT),
                Forge.keyAgreement(ft29.encryptionCertificate(), CMSAlgorithm.ECDH_SHA256KDF), CMSAlgorithm.AES128_GCM);

        assertThat(codeOf(() -> openerOf(ft29).open(envelope))).isEqualTo(ErrorCode.ENVELOPE_ALGORITHM_REFUSED);
    }

    @Test
    void refusesSha1KeyDerivation() throws Exception {
        byte[] envelope = Forge.authEnveloped(new EnvelopeSealer(ccas).sign(CONTENT),
                Forge.keyAgreement(ft29.encryptionCertificate(), CMSAlgorithm.ECDH_SHA1KDF), CMSAlgorithm.AES256_GCM);

        assertThat(codeOf(() -> openerOf(ft29).open(envelope))).isEqualTo(ErrorCode.ENVELOPE_ALGORITHM_REFUSED);
    }

    @Test
    void refusesKeyWrapWeakerThanTheContentKey() throws Exception {
        byte[] envelope = Forge.authEnveloped(new EnvelopeSealer(ccas).sign(CONTENT),
                Forge.keyAgreement(ft29.encryptionCertificate(), CMSAlgorithm.ECDH_SHA256KDF, CMSAlgorithm.AES128_WRAP),
                CMSAlgorithm.AES256_GCM);

        assertThat(codeOf(() -> openerOf(ft29).open(envelope))).isEqualTo(ErrorCode.ENVELOPE_ALGORITHM_REFUSED);
    }

    @Test
    void refusesRsaPkcs1KeyTransport() throws Exception {
        ParticipantKeys rsa = DevNetwork.keys("TEST-RSA");
        byte[] envelope = Forge.authEnveloped(new EnvelopeSealer(ft29).sign(CONTENT), Forge.rsaPkcs1(rsa.encryptionCertificate()),
                CMSAlgorithm.AES256_GCM);

        assertThat(codeOf(() -> openerOf(rsa).open(envelope))).isEqualTo(ErrorCode.ENVELOPE_ALGORITHM_REFUSED);
    }

    @Test
    void refusesSha1Signature() throws Exception {
        byte[] envelope = Forge.authEnveloped(Forge.signedData(ccas, CONTENT, "SHA1withECDSA"),
                Forge.keyAgreement(ft29.encryptionCertificate(), CMSAlgorithm.ECDH_SHA256KDF), CMSAlgorithm.AES256_GCM);

        assertThat(codeOf(() -> openerOf(ft29).open(envelope))).isEqualTo(ErrorCode.SIGNATURE_ALGORITHM_REFUSED);
    }

    @Test
    void refusesUnsignedContentInsideTheEnvelope() throws Exception {
        byte[] envelope = Forge.authEnveloped(CONTENT,
                Forge.keyAgreement(ft29.encryptionCertificate(), CMSAlgorithm.ECDH_SHA256KDF), CMSAlgorithm.AES256_GCM);

        assertThat(codeOf(() -> openerOf(ft29).open(envelope))).isEqualTo(ErrorCode.SIGNATURE_MALFORMED);
    }

    @Test
    void refusesOversizedEnvelopeBeforeParsing() {
        EnvelopeOpener small = new EnvelopeOpener(ft29, () -> directory, 1024);

        assertThat(codeOf(() -> small.open(new byte[1025]))).isEqualTo(ErrorCode.ENVELOPE_TOO_LARGE);
    }

    @Test
    void refusesGarbage() {
        assertThat(codeOf(() -> openerOf(ft29).open("not an envelope".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo(ErrorCode.ENVELOPE_MALFORMED);
        assertThatThrownBy(() -> openerOf(ft29).open(new byte[] {0x30, (byte) 0x84, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}))
                .isInstanceOf(LiaisonException.class);
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
        throw new AssertionError("content not found");
    }
}
