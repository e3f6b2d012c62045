package fr.liaison.routes.envelope;

import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.routes.testing.DevNetwork;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.bouncycastle.cms.CMSAlgorithm;

/**
 * The seed corpus of {@link EnvelopeOpenerFuzzTest}: envelopes between development participants of
 * {@code certs-dev}, valid ones (named {@code valid-SENDER-to-RECIPIENT-...}) so that mutations
 * reach the key agreement, the GCM check and the signature check, and ones refused for one reason
 * each (named after the code). The files are committed; {@link EnvelopeSeedsTest} checks that they
 * still open or are refused as named, and rewrites them on request.
 */
final class EnvelopeSeeds {

    /** Where Jazzer finds the seeds of the raw opener target, relative to the routes module. */
    static final String RESOURCE_DIRECTORY =
            "fr/liaison/routes/envelope/EnvelopeOpenerFuzzTestInputs/opensOnlySealedContentAndRefusesTheRestWithACode";

    static final String FROZEN_VECTOR = "/vectors/referral-CCAS-29232-to-FT-29.xml";

    private EnvelopeSeeds() {
    }

    /** Every content a seed carries: a successfully opened envelope must give one of these. */
    static Set<ByteBuffer> sealedContents() {
        return Set.of(ByteBuffer.wrap(sample("referral.xml")), ByteBuffer.wrap(sample("consent.xml")),
                ByteBuffer.wrap(sample("follow-up-event.xml")), ByteBuffer.wrap(sample("referral-response.xml")),
                ByteBuffer.wrap(new byte[0]), ByteBuffer.wrap(resource(FROZEN_VECTOR)));
    }

    /** Builds the seeds afresh: each sealing draws a new ephemeral key and nonce. */
    static Map<String, byte[]> build() throws Exception {
        Directory directory = DevNetwork.directory();
        ParticipantKeys ccas = DevNetwork.keys("CCAS-29232");
        ParticipantKeys ft29 = DevNetwork.keys("FT-29");
        ParticipantKeys rsa = DevNetwork.keys("TEST-RSA");
        byte[] referral = sample("referral.xml");
        byte[] proof = "a consent proof".getBytes(StandardCharsets.US_ASCII);

        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("valid-CCAS-29232-to-FT-29-referral", seal(ccas, directory, "FT-29", referral, null));
        seeds.put("valid-CD-29-to-FT-29-consent-with-proof",
                seal(DevNetwork.keys("CD-29"), directory, "FT-29", sample("consent.xml"), proof));
        seeds.put("valid-TEST-RSA-to-FT-29-follow-up-event", seal(rsa, directory, "FT-29", sample("follow-up-event.xml"), null));
        seeds.put("valid-FT-29-to-TEST-RSA-referral-response",
                seal(ft29, directory, "TEST-RSA", sample("referral-response.xml"), null));
        seeds.put("valid-CCAS-29232-to-FT-29-empty", seal(ccas, directory, "FT-29", new byte[0], null));
        seeds.put("valid-CCAS-29232-to-FT-29-frozen-vector", resource("/vectors/referral-CCAS-29232-to-FT-29.p7m"));

        byte[] signedByCcas = new EnvelopeSealer(ccas).sign(referral);
        seeds.put("GW-ENVELOPE-002-cbc-enveloped-data", Forge.cbcEnveloped(signedByCcas, ft29.encryptionCertificate()));
        seeds.put("GW-ENVELOPE-002-aes-128-gcm", Forge.authEnveloped(signedByCcas,
                Forge.keyAgreement(ft29.encryptionCertificate(), CMSAlgorithm.ECDH_SHA256KDF), CMSAlgorithm.AES128_GCM));
        seeds.put("GW-ENVELOPE-002-rsa-pkcs1-key-transport", Forge.authEnveloped(new EnvelopeSealer(ft29).sign(referral),
                Forge.rsaPkcs1(rsa.encryptionCertificate()), CMSAlgorithm.AES256_GCM));
        seeds.put("GW-ENVELOPE-003-for-CD-29", seal(ccas, directory, "CD-29", referral, null));
        seeds.put("GW-SIGNATURE-001-unsigned-content", Forge.authEnveloped(referral,
                Forge.keyAgreement(ft29.encryptionCertificate(), CMSAlgorithm.ECDH_SHA256KDF), CMSAlgorithm.AES256_GCM));
        seeds.put("GW-SIGNATURE-003-sha1-signature", Forge.authEnveloped(Forge.signedData(ccas, referral, "SHA1withECDSA"),
                Forge.keyAgreement(ft29.encryptionCertificate(), CMSAlgorithm.ECDH_SHA256KDF), CMSAlgorithm.AES256_GCM));
        seeds.put("GW-SIGNATURE-004-rogue-signer", seal(DevNetwork.keys("TEST-ROGUE"), directory, "FT-29", referral, null));
        seeds.put("GW-SIGNATURE-005-revoked-signer", seal(DevNetwork.keys("TEST-REVOKED"), directory, "FT-29", referral, null));
        seeds.put("GW-SIGNATURE-006-expired-signer", seal(DevNetwork.keys("TEST-EXPIRED"), directory, "FT-29", referral, null));
        seeds.put("GW-SIGNATURE-007-unlisted-signer", seal(DevNetwork.keys("TEST-UNLISTED"), directory, "FT-29", referral, null));
        return seeds;
    }

    private static byte[] seal(ParticipantKeys sender, Directory directory, String recipientId, byte[] content, byte[] proof) {
        return new EnvelopeSealer(sender).seal(content, directory.require(recipientId).encryptionCertificate(), proof);
    }

    static byte[] sample(String name) {
        try {
            return Files.readAllBytes(DevNetwork.samples().resolve("v1/valid").resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] resource(String name) {
        try (InputStream in = EnvelopeSeeds.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path sourceDirectory() {
        return Path.of("src/test/resources").resolve(RESOURCE_DIRECTORY);
    }
}
