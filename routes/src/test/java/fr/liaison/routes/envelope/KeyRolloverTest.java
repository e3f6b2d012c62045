package fr.liaison.routes.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.DirectorySigner;
import fr.liaison.routes.directory.Participant;
import fr.liaison.routes.directory.SignedDirectory;
import fr.liaison.routes.keys.KeyMaterial;
import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.routes.keys.Pem;
import fr.liaison.routes.receipt.Receipt;
import fr.liaison.routes.receipt.Receipts;
import fr.liaison.routes.testing.DevNetwork;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A key rollover of FT-25 (second generation of keys in {@code certs-dev/FT-25/next/}): the
 * directory lists both generations during the overlap, then only the new one; FT-25's node keeps
 * the other generation's keys to open what was sealed to it.
 */
class KeyRolloverTest {

    private static final byte[] CONTENT = "<Referral xmlns=\"urn:liaison:messages:v1\">fictitious</Referral>"
            .getBytes(StandardCharsets.UTF_8);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path certs = DevNetwork.certsDev();
    private final Path current = certs.resolve("FT-25");
    private final Path next = current.resolve("next");
    private final ParticipantKeys cd25 = DevNetwork.keys("CD-25");

    @TempDir
    Path promotedDir;

    private X509Certificate cert(Path dir, String use) {
        return Pem.certificate(dir.resolve(use + ".crt.pem"));
    }

    /** The development directory with FT-25's certificates replaced by these lists (PEM strings or arrays). */
    private Directory directoryWithFt25(List<Path> signing, List<Path> encryption, List<Path> tls, List<Path> retiredSigning)
            throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(Files.readAllBytes(certs.resolve("directory.json")));
        root.put("version", 2);
        for (var p : root.get("participants")) {
            if (p.get("id").asString().equals("FT-25")) {
                ObjectNode certificates = ((ObjectNode) p).putObject("certificates");
                pems(certificates.putArray("signing"), signing, "sign");
                pems(certificates.putArray("encryption"), encryption, "encrypt");
                pems(certificates.putArray("tls"), tls, "tls");
                if (!retiredSigning.isEmpty()) {
                    pems(certificates.putArray("retiredSigning"), retiredSigning, "sign");
                }
            }
        }
        byte[] signed = DirectorySigner.sign(root.toString().getBytes(StandardCharsets.UTF_8),
                Pem.privateKey(certs.resolve("network-operator.key.pem")), Pem.certificate(certs.resolve("network-operator.crt.pem")));
        return SignedDirectory.verify(signed, Pem.certificate(certs.resolve("network-operator.crt.pem")),
                Pem.certificate(certs.resolve("network-ca.crt.pem")), Clock.systemUTC());
    }

    private static void pems(ArrayNode array, List<Path> dirs, String use) throws IOException {
        for (Path dir : dirs) {
            array.add(Files.readString(dir.resolve(use + ".crt.pem"), StandardCharsets.US_ASCII));
        }
    }

    /** FT-25's key material once promoted: next/ becomes current, the first generation goes to previous/. */
    private ParticipantKeys promotedKeys() throws IOException {
        try (Stream<Path> files = Files.list(next)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".pem")).toList()) {
                Files.copy(f, promotedDir.resolve(f.getFileName().toString()));
            }
        }
        Path previous = Files.createDirectories(promotedDir.resolve("previous"));
        for (String file : List.of("sign.crt.pem", "encrypt.crt.pem", "encrypt.key.pem")) {
            Files.copy(current.resolve(file), previous.resolve(file));
        }
        return KeyMaterial.fromPemDirectory(promotedDir, "FT-25");
    }

    @Test
    void theDirectoryStillReadsOneCertificatePerUseAndListsSeveralDuringTheOverlap() throws IOException {
        Participant single = DevNetwork.directory().require("FT-25");
        assertThat(single.signingCertificates()).containsExactly(cert(current, "sign"));
        assertThat(single.encryptionCertificate()).isEqualTo(cert(current, "encrypt"));

        Directory overlap = directoryWithFt25(List.of(current, next), List.of(current, next), List.of(current, next), List.of());
        Participant ft25 = overlap.require("FT-25");
        assertThat(ft25.encryptionCertificate()).as("sealed to the newest valid encryption certificate").isEqualTo(cert(next, "encrypt"));
        assertThat(ft25.signingCertificate()).isEqualTo(cert(next, "sign"));
        assertThat(overlap.bySigningCertificate(cert(current, "sign"))).contains(ft25);
        assertThat(overlap.bySigningCertificate(cert(next, "sign"))).contains(ft25);
        assertThat(overlap.byTlsCertificate(cert(current, "tls"))).contains(ft25);
        assertThat(overlap.byTlsCertificate(cert(next, "tls"))).contains(ft25);

        Directory after = directoryWithFt25(List.of(next), List.of(next), List.of(next), List.of(current));
        Participant rolled = after.require("FT-25");
        assertThat(after.bySigningCertificate(cert(current, "sign"))).as("no new envelope with the retired key").isEmpty();
        assertThat(after.byTlsCertificate(cert(current, "tls"))).isEmpty();
        assertThat(rolled.signsOrSignedWith(cert(current, "sign"))).as("what it signed before stays verifiable").isTrue();
        assertThat(rolled.signsWith(cert(current, "sign"))).isFalse();
    }

    @Test
    void newestValidCertificateIsChosenByValidityNotByListOrder() {
        X509Certificate old = cert(current, "encrypt");
        X509Certificate newer = cert(next, "encrypt");
        assertThat(Participant.newest(List.of(newer, old), Instant.parse("2026-11-23T00:00:00Z"))).isEqualTo(newer);
        assertThat(Participant.newest(List.of(old, newer), Instant.parse("2026-06-01T00:00:00Z")))
                .as("the new one is not valid yet").isEqualTo(old);
    }

    @Test
    void duringTheOverlapTheOthersAcceptEitherGenerationAndTheRollingNodeOpensEither() throws IOException {
        Directory overlap = directoryWithFt25(List.of(current, next), List.of(current, next), List.of(current, next), List.of());
        ParticipantKeys staged = DevNetwork.keys("FT-25"); // first generation current, next/ kept to open with
        assertThat(staged.otherGenerations()).extracting(ParticipantKeys.KeyGeneration::name).containsExactly("next");
        ParticipantKeys promoted = promotedKeys();
        assertThat(promoted.signingCertificate()).isEqualTo(cert(next, "sign"));
        assertThat(promoted.signingCertificates()).containsExactly(cert(next, "sign"), cert(current, "sign"));

        byte[] toOld = new EnvelopeSealer(cd25).seal(CONTENT, cert(current, "encrypt"));
        byte[] toNew = new EnvelopeSealer(cd25).seal(CONTENT, overlap.require("FT-25").encryptionCertificate());
        for (ParticipantKeys ft25 : List.of(staged, promoted)) {
            EnvelopeOpener opener = new EnvelopeOpener(ft25, overlap);
            assertThat(opener.open(toOld, "CD-25").content()).isEqualTo(CONTENT);
            assertThat(opener.open(toNew, "CD-25").content()).isEqualTo(CONTENT);
        }

        EnvelopeOpener cd25Opener = new EnvelopeOpener(cd25, overlap);
        for (ParticipantKeys ft25 : List.of(staged, promoted)) {
            byte[] fromFt25 = new EnvelopeSealer(ft25).seal(CONTENT, overlap.require("CD-25").encryptionCertificate());
            assertThat(cd25Opener.open(fromFt25, "FT-25").sender().id()).isEqualTo("FT-25");
            Receipt receipt = new Receipt("m-1", "CD-25", "FT-25", Receipts.sha256Hex(toNew), Instant.now(),
                    Receipt.Outcome.ACCEPTED, null);
            byte[] signedReceipt = Receipts.sign(receipt, ft25);
            assertThat(Receipts.verify(signedReceipt, overlap, "FT-25", "m-1", toNew).outcome()).isEqualTo(Receipt.Outcome.ACCEPTED);
        }
    }

    @Test
    void afterTheOverlapTheOldSigningKeyIsRefusedAndTheRollingNodeStillOpensOldEnvelopes() throws IOException {
        Directory after = directoryWithFt25(List.of(next), List.of(next), List.of(next), List.of(current));
        ParticipantKeys staged = DevNetwork.keys("FT-25");
        ParticipantKeys promoted = promotedKeys();

        byte[] signedWithOld = new EnvelopeSealer(staged).seal(CONTENT, after.require("CD-25").encryptionCertificate());
        assertThatThrownBy(() -> new EnvelopeOpener(cd25, after).open(signedWithOld, "FT-25"))
                .isInstanceOfSatisfying(LiaisonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SIGNER_NOT_IN_DIRECTORY));

        byte[] sealedBefore = new EnvelopeSealer(cd25).seal(CONTENT, cert(current, "encrypt"));
        assertThat(new EnvelopeOpener(promoted, after).open(sealedBefore, "CD-25").content()).isEqualTo(CONTENT);
        byte[] notOurs = new EnvelopeSealer(cd25).seal(CONTENT, after.require("CD-25").encryptionCertificate());
        assertThatThrownBy(() -> new EnvelopeOpener(promoted, after).open(notOurs, "CD-25"))
                .isInstanceOfSatisfying(LiaisonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ENVELOPE_NOT_FOR_RECIPIENT));
    }
}
