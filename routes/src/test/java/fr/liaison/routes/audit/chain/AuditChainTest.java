package fr.liaison.routes.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.keys.Fingerprints;
import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.routes.testing.DevNetwork;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class AuditChainTest {

    static final String PERSON = "3f0c2b8e1d4a5f6789abcdef0123456789abcdef0123456789abcdef01234567";

    static AuditEntry sent(Instant at) {
        return new AuditEntry(at, AuditStep.SENT, "5e0a9c8b-2f41-4d7e-8b6a-0c1d2e3f4a5b",
                "3f2b8c1e-7d4a-4e9b-9c2f-1a5e6d7c8b90", "SHARED_DIAGNOSIS", "FT-29", "CD-29", "ACCOMPAGNEMENT_GLOBAL",
                new LinkedHashSet<>(List.of("SITUATION", "BARRIERS")), "7c9e6679-7425-40de-944b-e07fc1f90ae7",
                "ab".repeat(32), null, null, PERSON);
    }

    @Test
    void canonicalEncodingIsCompactWithEveryMemberInOrderAndTimeInMicroseconds() {
        byte[] canonical = AuditChain.canonical(7, "FT-29", sent(Instant.parse("2026-11-20T08:00:01.123456789Z")));

        assertThat(new String(canonical, StandardCharsets.UTF_8)).isEqualTo("{\"seq\":7,\"node\":\"FT-29\","
                + "\"at\":\"2026-11-20T08:00:01.123456Z\",\"step\":\"SENT\","
                + "\"messageId\":\"5e0a9c8b-2f41-4d7e-8b6a-0c1d2e3f4a5b\",\"correlationId\":\"3f2b8c1e-7d4a-4e9b-9c2f-1a5e6d7c8b90\","
                + "\"messageType\":\"SHARED_DIAGNOSIS\",\"sender\":\"FT-29\",\"recipient\":\"CD-29\","
                + "\"purpose\":\"ACCOMPAGNEMENT_GLOBAL\",\"dataCategories\":[\"BARRIERS\",\"SITUATION\"],"
                + "\"consentId\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\",\"payloadDigest\":\"" + "ab".repeat(32) + "\","
                + "\"errorCode\":null,\"actor\":null,\"personHash\":\"" + PERSON + "\"}");
    }

    @Test
    void wholeSecondsStillHaveSixFractionalDigitsAndNullCategoriesDifferFromNone() {
        AuditEntry none = new AuditEntry(Instant.parse("2026-11-20T08:00:00Z"), AuditStep.LOG_READ, null, null, null, null,
                null, null, null, null, null, null, "officer", null);
        String canonical = new String(AuditChain.canonical(1, "FT-29", none), StandardCharsets.UTF_8);

        assertThat(canonical).contains("\"at\":\"2026-11-20T08:00:00.000000Z\"", "\"dataCategories\":null");
        assertThat(new String(AuditChain.canonical(1, "FT-29", new AuditEntry(none.at(), none.step(), null, null, null,
                null, null, null, Set.of(), null, null, null, "officer", null)), StandardCharsets.UTF_8))
                .contains("\"dataCategories\":[]");
    }

    @Test
    void stringsAreEscapedAsRfc8785DoesAndWrittenInUtf8() {
        AuditEntry odd = sent(Instant.parse("2026-11-20T08:00:00Z")).withActor("agent \"é\"\\\n\t\u0001/\u2028");
        String canonical = new String(AuditChain.canonical(1, "FT-29", odd), StandardCharsets.UTF_8);

        assertThat(canonical).contains("\"actor\":\"agent \\\"é\\\"\\\\\\n\\t\\u0001/\u2028\"");
    }

    @Test
    void anUnpairedSurrogateIsRefusedRatherThanEncodedAmbiguously() {
        AuditEntry odd = sent(Instant.parse("2026-11-20T08:00:00Z")).withActor("x\ud800");

        assertThatThrownBy(() -> AuditChain.link(1, "FT-29", odd, AuditChain.GENESIS))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hashDigestsThePreviousHexHashFollowedByTheEntrysDigest() throws Exception {
        byte[] canonical = AuditChain.canonical(1, "FT-29", sent(Instant.parse("2026-11-20T08:00:00Z")));
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        byte[] entryDigest = sha256.digest(canonical);
        sha256.update(AuditChain.GENESIS.getBytes(StandardCharsets.US_ASCII));
        sha256.update(entryDigest);

        assertThat(AuditChain.hash(AuditChain.GENESIS, canonical)).isEqualTo(HexFormat.of().formatHex(sha256.digest()));
        assertThat(AuditChain.GENESIS).hasSize(64).matches("0+");
        assertThatThrownBy(() -> AuditChain.hash("ABC", canonical)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void linkTruncatesTheTimeToMicrosecondsSoADatabaseRoundTripKeepsTheHash() {
        Instant nanos = Instant.parse("2026-11-20T08:00:01.123456789Z");
        ChainedEntry first = AuditChain.link(1, "FT-29", sent(nanos), AuditChain.GENESIS);
        ChainedEntry second = AuditChain.link(2, "FT-29", sent(nanos), first.hash());

        assertThat(first.entry().at()).isEqualTo(Instant.parse("2026-11-20T08:00:01.123456Z"));
        assertThat(first.previousHash()).isEqualTo(AuditChain.GENESIS);
        assertThat(second.previousHash()).isEqualTo(first.hash());
        assertThat(second.hash()).isNotEqualTo(first.hash()).matches("[0-9a-f]{64}");
        // What the database gives back (microseconds) hashes to the same value.
        assertThat(AuditChain.link(1, "FT-29", sent(Instant.parse("2026-11-20T08:00:01.123456Z")), AuditChain.GENESIS))
                .isEqualTo(first);
    }

    @Test
    void everyFieldTheNodeAndTheSeqAreCovered() {
        AuditEntry entry = sent(Instant.parse("2026-11-20T08:00:00Z"));
        String hash = AuditChain.link(3, "FT-29", entry, AuditChain.GENESIS).hash();

        assertThat(List.of(
                AuditChain.link(4, "FT-29", entry, AuditChain.GENESIS).hash(),
                AuditChain.link(3, "CD-29", entry, AuditChain.GENESIS).hash(),
                AuditChain.link(3, "FT-29", entry, "1".repeat(64)).hash(),
                AuditChain.link(3, "FT-29", entry.withErrorCode("GW-CONSENT-001"), AuditChain.GENESIS).hash(),
                AuditChain.link(3, "FT-29", entry.withActor("api"), AuditChain.GENESIS).hash(),
                AuditChain.link(3, "FT-29", entry.withPayloadDigest(null), AuditChain.GENESIS).hash()))
                .doesNotContain(hash).doesNotHaveDuplicates();
    }

    @Test
    void checkpointSignedWithTheNodesKeyVerifiesWithItsCertificate() {
        ParticipantKeys ft29 = DevNetwork.keys("FT-29");
        Checkpoint checkpoint = Checkpoints.sign(12, "c".repeat(64), Instant.parse("2026-11-20T08:00:00.123456789Z"), ft29);

        assertThat(checkpoint.node()).isEqualTo("FT-29");
        assertThat(checkpoint.at()).isEqualTo(Instant.parse("2026-11-20T08:00:00.123456Z"));
        Checkpoints.verify(checkpoint, ft29.signingCertificate());
    }

    @Test
    void checkpointWhoseFieldsDifferFromWhatWasSignedIsInvalid() {
        ParticipantKeys ft29 = DevNetwork.keys("FT-29");
        Checkpoint c = Checkpoints.sign(12, "c".repeat(64), Instant.parse("2026-11-20T08:00:00Z"), ft29);

        for (Checkpoint altered : List.of(
                new Checkpoint(13, c.hash(), c.at(), c.node(), c.signature()),
                new Checkpoint(c.seq(), "d".repeat(64), c.at(), c.node(), c.signature()),
                new Checkpoint(c.seq(), c.hash(), c.at().plusSeconds(1), c.node(), c.signature()),
                new Checkpoint(c.seq(), c.hash(), c.at(), "CD-29", c.signature()))) {
            assertThatThrownBy(() -> Checkpoints.verify(altered, ft29.signingCertificate()))
                    .isInstanceOfSatisfying(LiaisonException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.AUDIT_CHECKPOINT_INVALID);
                        assertThat(e.details()).containsExactly("the signed statement is not this checkpoint's node, seq, hash and time");
                    });
        }
    }

    @Test
    void checkpointWithAFlippedSignatureByteOrSignedByAnotherNodeIsInvalid() {
        ParticipantKeys ft29 = DevNetwork.keys("FT-29");
        Checkpoint c = Checkpoints.sign(12, "c".repeat(64), Instant.parse("2026-11-20T08:00:00Z"), ft29);
        byte[] flipped = c.signature();
        flipped[flipped.length - 5] ^= 0x01;
        Checkpoint other = Checkpoints.sign(12, "c".repeat(64), Instant.parse("2026-11-20T08:00:00Z"), DevNetwork.keys("CD-29"));

        assertThatThrownBy(() -> Checkpoints.verify(new Checkpoint(12, c.hash(), c.at(), c.node(), flipped), ft29.signingCertificate()))
                .isInstanceOfSatisfying(LiaisonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AUDIT_CHECKPOINT_INVALID));
        assertThatThrownBy(() -> Checkpoints.verify(other, ft29.signingCertificate()))
                .isInstanceOfSatisfying(LiaisonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.AUDIT_CHECKPOINT_INVALID);
                    assertThat(e.details()).containsExactly("signed with another certificate than the node's");
                });
        assertThatThrownBy(() -> Checkpoints.verify(new Checkpoint(12, c.hash(), c.at(), c.node(), new byte[] {0x30, 0x00}),
                ft29.signingCertificate()))
                .isInstanceOfSatisfying(LiaisonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AUDIT_CHECKPOINT_INVALID));
    }

    @Test
    void checkpointTimeOutsideTheCertificatesValidityIsInvalid() {
        ParticipantKeys ft29 = DevNetwork.keys("FT-29");
        Checkpoint c = Checkpoints.sign(1, "c".repeat(64), Instant.parse("2025-06-01T00:00:00Z"), ft29);

        assertThatThrownBy(() -> Checkpoints.verify(c, ft29.signingCertificate()))
                .isInstanceOfSatisfying(LiaisonException.class, e -> assertThat(e.details().get(0)).contains("outside the certificate's validity"));
    }

    @Test
    void exportLinesRoundTripExactly() {
        ChainedEntry entry = AuditChain.link(1, "FT-29", sent(Instant.parse("2026-11-20T08:00:00.5Z")).withActor("agent \"é\""),
                AuditChain.GENESIS);
        Checkpoint checkpoint = Checkpoints.sign(1, entry.hash(), Instant.parse("2026-11-20T08:00:01Z"), DevNetwork.keys("FT-29"));

        String entryLine = AuditExportFormat.line(entry);
        String checkpointLine = AuditExportFormat.line(checkpoint);

        assertThat(entryLine).startsWith("{\"kind\":\"entry\",\"seq\":1,\"node\":\"FT-29\",\"at\":\"2026-11-20T08:00:00.500000Z\"")
                .endsWith(",\"previousHash\":\"" + AuditChain.GENESIS + "\",\"hash\":\"" + entry.hash() + "\",\"algorithm\":\"SHA-256\"}");
        assertThat(checkpointLine).isEqualTo("{\"kind\":\"checkpoint\",\"seq\":1,\"hash\":\"" + entry.hash()
                + "\",\"at\":\"2026-11-20T08:00:01.000000Z\",\"node\":\"FT-29\",\"signer\":\""
                + Fingerprints.sha256(DevNetwork.keys("FT-29").signingCertificate()) + "\",\"signature\":\""
                + Base64.getEncoder().encodeToString(checkpoint.signature()) + "\"}");
        assertThat(AuditExportFormat.parse(entryLine)).isEqualTo(entry);
        assertThat(AuditExportFormat.parse(checkpointLine)).isEqualTo(checkpoint);
    }

    @Test
    void aCheckpointNamesTheCertificateThatSignedItAndOneWithoutANameStillReads() {
        var ft29 = DevNetwork.keys("FT-29");
        Checkpoint named = Checkpoints.sign(3, "d".repeat(64), Instant.parse("2026-11-20T08:00:01Z"), ft29);
        assertThat(named.signer()).isEqualTo(Fingerprints.sha256(ft29.signingCertificate()));
        Checkpoints.verify(named, ft29.signingCertificate());

        Checkpoint unnamed = new Checkpoint(named.seq(), named.hash(), named.at(), named.node(), named.signature());
        String unnamedLine = AuditExportFormat.line(unnamed);
        assertThat(unnamedLine).doesNotContain("signer");
        assertThat(AuditExportFormat.parse(unnamedLine)).isEqualTo(unnamed);
        Checkpoints.verify(unnamed, ft29.signingCertificate());

        // The name is not signed, but it must be that of the one certificate the signature carries.
        Checkpoint renamed = new Checkpoint(named.seq(), named.hash(), named.at(), named.node(),
                Fingerprints.sha256(DevNetwork.keys("CD-29").signingCertificate()), named.signature());
        assertThatThrownBy(() -> Checkpoints.verify(renamed, ft29.signingCertificate()))
                .isInstanceOfSatisfying(LiaisonException.class, e -> assertThat(e.details().get(0)).contains("not the one that signed it"));
        String upperCase = AuditExportFormat.line(named).replace(named.signer(), named.signer().toUpperCase(java.util.Locale.ROOT));
        assertThatThrownBy(() -> AuditExportFormat.parse(upperCase))
                .isInstanceOfSatisfying(LiaisonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AUDIT_MALFORMED));
    }

    @Test
    void parseRefusesAnyLineThatIsNotExactlyWhatLineWrites() {
        ChainedEntry entry = AuditChain.link(1, "FT-29", sent(Instant.parse("2026-11-20T08:00:00Z")), AuditChain.GENESIS);
        String line = AuditExportFormat.line(entry);

        List<String> bad = List.of(
                "",
                "garbage",
                "[]",
                line.replace("}", ",\"extra\":1}"),                                    // unknown member
                line.replace("\"kind\":\"entry\",", ""),                                 // no kind
                line.replace("\"kind\":\"entry\"", "\"kind\":\"other\""),
                line.replace("\"seq\":1,\"node\":\"FT-29\"", "\"node\":\"FT-29\",\"seq\":1"), // member order
                line.replace("\"seq\":1", "\"seq\":1.0"),
                line.replace("\"seq\":1", "\"seq\":\"1\""),
                line.replace("\"seq\":1", "\"seq\":0"),
                line.replace(",", ", "),                                                // whitespace
                line.replace("\"SHA-256\"", "\"SHA-1\""),
                line.replace(entry.hash(), entry.hash().toUpperCase()),
                line.replace("\"SENT\"", "\"SENDING\""),
                line.replace(".000000Z", "Z"),
                line.replace("[\"BARRIERS\",\"SITUATION\"]", "[\"SITUATION\",\"BARRIERS\"]"),
                line.replace("\"FT-29\",\"at\"", "\"FT\\u002d29\",\"at\""),             // another escape
                line.replace("\"seq\":1,", "\"seq\":1,\"seq\":1,"));                   // duplicate member
        for (String candidate : bad) {
            assertThatThrownBy(() -> AuditExportFormat.parse(candidate)).as(candidate)
                    .isInstanceOfSatisfying(LiaisonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AUDIT_MALFORMED));
        }
    }

    @Test
    void anExportsEndReadsBackExactlyAndOnlyInItsOneForm() {
        var ft29 = DevNetwork.keys("FT-29");
        Checkpoint end = Checkpoints.signExportEnd(1, "d".repeat(64), Instant.parse("2026-11-20T08:00:02Z"), ft29);
        String line = AuditExportFormat.line(end);

        assertThat(line).startsWith("{\"kind\":\"end\",\"seq\":1,\"hash\":\"" + "d".repeat(64) + "\",\"at\":\"2026-11-20T08:00:02.000000Z\"");
        assertThat(AuditExportFormat.parse(line)).isEqualTo(end).satisfies(c -> assertThat(((Checkpoint) c).exportEnd()).isTrue());
        Checkpoints.verify(end, ft29.signingCertificate());

        List<String> bad = List.of(
                line.replaceAll(",\"signer\":\"[0-9a-f]{64}\"", ""),                 // an end names its certificate
                line.replaceAll("\"signer\":\"[0-9a-f]{64}\"", "\"signer\":null"),
                line.replace("}", ",\"extra\":1}"),
                line.replace(",", ", "),
                line.replace("\"kind\":\"end\"", "\"kind\":\"End\""),
                line.replace("\"seq\":1,", "\"seq\":1,\"seq\":1,"));
        for (String candidate : bad) {
            assertThatThrownBy(() -> AuditExportFormat.parse(candidate)).as(candidate)
                    .isInstanceOfSatisfying(LiaisonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AUDIT_MALFORMED));
        }
    }
}
