package fr.liaison.routes.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.routes.testing.DevNetwork;
import fr.liaison.schemas.error.ErrorCode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

class AuditChainVerifierTest {

    static final Path FIXTURE = Path.of("src/test/resources/audit/export-FT-29.jsonl");

    private static final Instant START = Instant.parse("2026-11-20T08:00:00.000000123Z");
    private static final AuditStep[] STEPS = AuditStep.values();

    private static final ParticipantKeys FT29 = DevNetwork.keys("FT-29");
    private static final X509Certificate CERT = FT29.signingCertificate();

    /**
     * A chain of {@code count} entries with a checkpoint every {@code every} and one of the last
     * entry, then the export's signed end.
     */
    static final class Export {
        final List<ChainedEntry> entries = new ArrayList<>();
        final List<String> lines = new ArrayList<>();
        final Map<Long, Integer> entryLine = new HashMap<>();
        final Map<Long, Integer> checkpointLine = new HashMap<>();
        final Checkpoint end;

        Export(ParticipantKeys keys, int count, int every) {
            String previous = AuditChain.GENESIS;
            for (int seq = 1; seq <= count; seq++) {
                ChainedEntry e = AuditChain.link(seq, keys.participantId(), sample(seq), previous);
                previous = e.hash();
                entries.add(e);
                lines.add(AuditExportFormat.line(e));
                entryLine.put((long) seq, lines.size());
                if (seq % every == 0 || seq == count) {
                    Checkpoint c = Checkpoints.sign(seq, e.hash(), e.entry().at().plusMillis(1), keys);
                    lines.add(AuditExportFormat.line(c));
                    checkpointLine.put((long) seq, lines.size());
                }
            }
            end = Checkpoints.signExportEnd(count, previous, START.plusSeconds(7L * count + 60), keys);
            lines.add(AuditExportFormat.line(end));
        }

        /** The lines without the export's end, as a file cut just after the last checkpoint. */
        List<String> withoutEnd() {
            return new ArrayList<>(lines.subList(0, lines.size() - 1));
        }

        ChainedEntry entry(long seq) {
            return entries.get((int) seq - 1);
        }

        int line(long seq) {
            return entryLine.get(seq);
        }

        /** Replaces 1-based line {@code n}. */
        List<String> with(int n, String line) {
            List<String> copy = new ArrayList<>(lines);
            copy.set(n - 1, line);
            return copy;
        }
    }

    static AuditEntry sample(int i) {
        Instant at = START.plusSeconds(7L * i);
        AuditStep step = STEPS[i % STEPS.length];
        return switch (i % 4) {
            case 0 -> new AuditEntry(at, step, "msg-" + i, "corr-" + (i / 3), "REFERRAL", "CCAS-29232", "FT-29",
                    "ACCOMPAGNEMENT_GLOBAL", Set.of("IDENTITY", "SITUATION"), "consent-" + (i / 5), "ab".repeat(32), null,
                    null, AuditChainTest.PERSON);
            case 1 -> new AuditEntry(at, step, "msg-" + i, "corr-" + (i / 3), "SHARED_DIAGNOSIS", "FT-29", "CD-29",
                    "ACCOMPAGNEMENT_SOCIAL", Set.of("BARRIERS"), null, null, "GW-CONSENT-003", "local-client", null);
            case 2 -> new AuditEntry(at, AuditStep.LOG_READ, null, null, null, null, null, null, null, null, null, null,
                    "officer « audit »", null);
            default -> new AuditEntry(at, step, "msg-" + i, null, "FOLLOW_UP_EVENT", "FT-29", "CCAS-29232",
                    "RESSOURCES_SOCIALES", Set.of(), null, "cd".repeat(32), null, null, AuditChainTest.PERSON);
        };
    }

    private static AuditChainVerifier.Result verify(List<String> lines) throws IOException {
        return AuditChainVerifier.verify(stream(lines), CERT);
    }

    private static InputStream stream(List<String> lines) {
        return new ByteArrayInputStream(String.join("\n", lines).concat(lines.isEmpty() ? "" : "\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static void assertFails(List<String> lines, ErrorCode code, long line) {
        assertThatThrownBy(() -> verify(lines)).isInstanceOfSatisfying(AuditVerificationException.class, e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            assertThat(e.line()).as(e.getMessage()).isEqualTo(line);
            assertThat(e.details()).containsExactly("line " + line + ": " + e.reason());
        });
    }

    private static Export export() {
        return new Export(FT29, 53, 10);
    }

    @Test
    void anExportSpanningAKeyRolloverVerifiesWithBothCertificatesEachCheckpointWithTheOneItNames() throws IOException {
        ParticipantKeys before = DevNetwork.keys("FT-25");
        ParticipantKeys after = fr.liaison.routes.keys.KeyMaterial.fromPemDirectory(DevNetwork.certsDev().resolve("FT-25/next"), "FT-25");
        List<String> lines = new ArrayList<>();
        String previous = AuditChain.GENESIS;
        for (int seq = 1; seq <= 10; seq++) {
            ChainedEntry e = AuditChain.link(seq, "FT-25", sample(seq), previous);
            previous = e.hash();
            lines.add(AuditExportFormat.line(e));
            if (seq == 5 || seq == 10) {
                lines.add(AuditExportFormat.line(Checkpoints.sign(seq, e.hash(), e.entry().at().plusMillis(1), seq == 5 ? before : after)));
            }
        }
        lines.add(AuditExportFormat.line(Checkpoints.signExportEnd(10, previous, START.plusSeconds(100), after)));
        List<X509Certificate> both = List.of(before.signingCertificate(), after.signingCertificate());

        AuditChainVerifier.Result result = AuditChainVerifier.verify(stream(lines), both, false);
        assertThat(result.entries()).isEqualTo(10);
        assertThat(result.lastCheckpoint().signer()).isEqualTo(fr.liaison.routes.keys.Fingerprints.sha256(after.signingCertificate()));
        assertThat(AuditChainVerifier.verify(stream(lines), List.of(after.signingCertificate(), before.signingCertificate()), false)
                .entries()).as("in any order").isEqualTo(10);

        assertThatThrownBy(() -> AuditChainVerifier.verify(stream(lines), before.signingCertificate()))
                .isInstanceOfSatisfying(AuditVerificationException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.AUDIT_CHECKPOINT_INVALID);
                    assertThat(e.line()).isEqualTo(12);
                    assertThat(e.reason()).contains("not among the node's certificates given");
                });

        // Checkpoints from before they named their key: whichever given certificate verifies each.
        List<String> unnamed = lines.stream()
                .map(l -> l.startsWith("{\"kind\":\"end\"") ? l : l.replaceAll(",\"signer\":\"[0-9a-f]{64}\"", "")).toList();
        assertThat(unnamed.subList(0, 12)).noneMatch(l -> l.contains("signer"));
        assertThat(AuditChainVerifier.verify(stream(unnamed), both, false).entries()).isEqualTo(10);
        assertThatThrownBy(() -> AuditChainVerifier.verify(stream(unnamed), before.signingCertificate()))
                .isInstanceOfSatisfying(AuditVerificationException.class, e -> assertThat(e.line()).isEqualTo(12));
    }

    @Test
    void aCompleteExportVerifies() throws Exception {
        Export export = export();

        AuditChainVerifier.Result result = verify(export.lines);

        assertThat(export.lines).hasSize(53 + 6 + 1);
        assertThat(result.entries()).isEqualTo(53);
        assertThat(result.lastCheckpoint().seq()).isEqualTo(53);
        assertThat(result.lastCheckpoint().hash()).isEqualTo(export.entry(53).hash());
        assertThat(result.lastCheckpoint().node()).isEqualTo("FT-29");
        assertThat(result.lastCheckpoint().exportEnd()).isFalse();
        assertThat(result.exportEnd()).isEqualTo(export.end);
        assertThat(result.exportEnd().exportEnd()).isTrue();
    }

    @Test
    void anExportCutJustAfterOneOfItsCheckpointsIsTruncation() {
        Export export = export();
        List<String> cut = new ArrayList<>(export.lines.subList(0, export.checkpointLine.get(50L)));

        assertFails(cut, ErrorCode.AUDIT_TRUNCATED, cut.size() + 1);
        assertThatThrownBy(() -> verify(cut)).hasMessageContaining("with the checkpoint of seq 50 made at ")
                .hasMessageContaining("without the signed end");
        // Cut after the final checkpoint: all entries there, the end missing.
        assertFails(export.withoutEnd(), ErrorCode.AUDIT_TRUNCATED, export.lines.size());
    }

    @Test
    void anEndFromAnEarlierExportOfTheChainDoesNotEndALongerOne() throws IOException {
        Export export = export();
        List<String> cut = new ArrayList<>(export.lines.subList(0, export.checkpointLine.get(50L)));
        cut.add(AuditExportFormat.line(Checkpoints.signExportEnd(40, export.entry(40).hash(), START.plusSeconds(300), FT29)));

        assertFails(cut, ErrorCode.AUDIT_CHECKPOINT_INVALID, cut.size());
        assertThatThrownBy(() -> verify(cut)).hasMessageContaining("the end of an earlier export");
        // The end of the export that ended at entry 50 does end the export cut there: it is that export.
        cut.set(cut.size() - 1, AuditExportFormat.line(Checkpoints.signExportEnd(50, export.entry(50).hash(), START.plusSeconds(400), FT29)));
        assertThat(verify(cut).exportEnd().seq()).isEqualTo(50);
    }

    @Test
    void aCheckpointAndAnEndCannotPassForEachOther() {
        Export export = export();
        int last = export.lines.size();
        int finalCheckpoint = export.checkpointLine.get(53L);
        // The final checkpoint relabelled as the end, the real end dropped.
        List<String> relabelled = export.withoutEnd();
        relabelled.add(relabelled.get(finalCheckpoint - 1).replace("{\"kind\":\"checkpoint\",", "{\"kind\":\"end\","));
        assertFails(relabelled, ErrorCode.AUDIT_CHECKPOINT_INVALID, last);
        assertThatThrownBy(() -> verify(relabelled)).hasMessageContaining("the signature is a checkpoint's, not an export end's");
        // The end relabelled as a checkpoint: the export then has no end, and that checkpoint's signature is refused first.
        List<String> asCheckpoint = export.with(last, export.lines.get(last - 1).replace("{\"kind\":\"end\",", "{\"kind\":\"checkpoint\","));
        assertFails(asCheckpoint, ErrorCode.AUDIT_CHECKPOINT_INVALID, last);
        assertThatThrownBy(() -> verify(asCheckpoint)).hasMessageContaining("the signature is an export end's, not a checkpoint's");
        // An end signed by another node's key.
        Checkpoint other = Checkpoints.signExportEnd(53, export.entry(53).hash(), START, DevNetwork.keys("CD-29"));
        assertFails(export.with(last, AuditExportFormat.line(other)), ErrorCode.AUDIT_CHECKPOINT_INVALID, last);
        // An end must name its certificate.
        assertFails(export.with(last, export.lines.get(last - 1).replaceAll(",\"signer\":\"[0-9a-f]{64}\"", "")),
                ErrorCode.AUDIT_MALFORMED, last);
    }

    @Test
    void aLineAfterTheEndWasInserted() {
        Export export = export();
        List<String> after = new ArrayList<>(export.lines);
        after.add(AuditExportFormat.line(AuditChain.link(54, "FT-29", sample(54), export.entry(53).hash())));
        assertFails(after, ErrorCode.AUDIT_ENTRY_INSERTED, after.size());

        List<String> garbage = new ArrayList<>(export.lines);
        garbage.add("not JSON");
        assertFails(garbage, ErrorCode.AUDIT_ENTRY_INSERTED, garbage.size());

        List<String> twice = new ArrayList<>(export.lines);
        twice.add(twice.get(twice.size() - 1));
        assertFails(twice, ErrorCode.AUDIT_ENTRY_INSERTED, twice.size());
    }

    @Test
    void anEditedFieldIsReportedOnItsLine() {
        Export export = export();
        String edited = export.lines.get(export.line(25) - 1).replace("\"msg-25\"", "\"msg-26\"");

        assertFails(export.with(export.line(25), edited), ErrorCode.AUDIT_ENTRY_EDITED, export.line(25));
    }

    @Test
    void anEntryEditedAndRehashedIsReportedOnItsLineWhenItsSuccessorNoLongerLinksToIt() {
        Export export = export();
        ChainedEntry original = export.entry(25);
        ChainedEntry rehashed = AuditChain.link(25, "FT-29", original.entry().withErrorCode("GW-API-001"), original.previousHash());

        assertFails(export.with(export.line(25), AuditExportFormat.line(rehashed)), ErrorCode.AUDIT_ENTRY_EDITED, export.line(25));
    }

    @Test
    void anEntryEditedAndRehashedJustBeforeACheckpointIsCaughtByTheCheckpoint() {
        Export export = export();
        ChainedEntry original = export.entry(30);
        ChainedEntry rehashed = AuditChain.link(30, "FT-29", original.entry().withActor("someone"), original.previousHash());

        assertFails(export.with(export.line(30), AuditExportFormat.line(rehashed)), ErrorCode.AUDIT_CHECKPOINT_INVALID,
                export.checkpointLine.get(30L));
    }

    @Test
    void theWholeTailRehashedAfterAnEditIsCaughtByTheNextCheckpoint() {
        Export export = export();
        List<String> lines = new ArrayList<>(export.lines);
        String previous = export.entry(21).previousHash();
        for (long seq = 21; seq <= 30; seq++) {
            AuditEntry e = export.entry(seq).entry();
            ChainedEntry forged = AuditChain.link(seq, "FT-29", seq == 22 ? e.withActor("someone") : e, previous);
            previous = forged.hash();
            lines.set(export.line(seq) - 1, AuditExportFormat.line(forged));
        }

        assertFails(lines, ErrorCode.AUDIT_CHECKPOINT_INVALID, export.checkpointLine.get(30L));
    }

    @Test
    void aDeletedEntryIsReportedWhereItWas() {
        Export export = export();
        List<String> lines = new ArrayList<>(export.lines);
        lines.remove(export.line(25) - 1);

        assertFails(lines, ErrorCode.AUDIT_ENTRY_DELETED, export.line(25));
    }

    @Test
    void severalDeletedEntriesAndTheEntryBeforeACheckpoint() {
        Export export = export();
        List<String> lines = new ArrayList<>(export.lines);
        lines.subList(export.line(12) - 1, export.line(15)).clear();
        assertFails(lines, ErrorCode.AUDIT_ENTRY_DELETED, export.line(12));

        List<String> beforeCheckpoint = new ArrayList<>(export.lines);
        beforeCheckpoint.remove(export.line(20) - 1);
        assertFails(beforeCheckpoint, ErrorCode.AUDIT_ENTRY_DELETED, export.line(20));
    }

    @Test
    void theFirstEntryDeletedIsReportedOnTheFirstLine() {
        Export export = export();
        List<String> lines = new ArrayList<>(export.lines);
        lines.remove(0);

        assertFails(lines, ErrorCode.AUDIT_ENTRY_DELETED, 1);
    }

    @Test
    void aForgedEntryInsertedBeforeTheGenuineOneIsReportedOnItsLine() {
        Export export = export();
        ChainedEntry forged = AuditChain.link(26, "FT-29", sample(99), export.entry(25).hash());
        List<String> lines = new ArrayList<>(export.lines);
        lines.add(export.line(26) - 1, AuditExportFormat.line(forged));

        assertFails(lines, ErrorCode.AUDIT_ENTRY_INSERTED, export.line(26));
    }

    @Test
    void aForgedEntryInsertedAfterTheGenuineOneIsReportedOnItsLine() {
        Export export = export();
        ChainedEntry forged = AuditChain.link(26, "FT-29", sample(99), export.entry(25).hash());
        List<String> lines = new ArrayList<>(export.lines);
        lines.add(export.line(26), AuditExportFormat.line(forged));

        assertFails(lines, ErrorCode.AUDIT_ENTRY_INSERTED, export.line(26) + 1);
    }

    @Test
    void aForgedEntryInsertedBeforeACheckpointIsToldApartByTheCheckpoint() {
        Export export = export();
        ChainedEntry forged = AuditChain.link(30, "FT-29", sample(99), export.entry(29).hash());
        List<String> before = new ArrayList<>(export.lines);
        before.add(export.line(30) - 1, AuditExportFormat.line(forged));
        List<String> after = new ArrayList<>(export.lines);
        after.add(export.line(30), AuditExportFormat.line(forged));

        assertFails(before, ErrorCode.AUDIT_ENTRY_INSERTED, export.line(30));
        assertFails(after, ErrorCode.AUDIT_ENTRY_INSERTED, export.line(30) + 1);
    }

    @Test
    void aCopiedLineOrAnEntryReusingAnOldSeqIsInserted() {
        Export export = export();
        List<String> copied = new ArrayList<>(export.lines);
        copied.add(export.line(26), export.lines.get(export.line(26) - 1));
        assertFails(copied, ErrorCode.AUDIT_ENTRY_INSERTED, export.line(26) + 1);

        ChainedEntry old = AuditChain.link(12, "FT-29", sample(99), export.entry(11).hash());
        List<String> reused = new ArrayList<>(export.lines);
        reused.add(export.line(26), AuditExportFormat.line(old));
        assertFails(reused, ErrorCode.AUDIT_ENTRY_INSERTED, export.line(26) + 1);
    }

    @Test
    void aCopiedCheckpointLineIsInsertedWhereverItIsPut() {
        Export export = export();
        int n = export.checkpointLine.get(20L);
        List<String> adjacent = new ArrayList<>(export.lines);
        adjacent.add(n, export.lines.get(n - 1));
        assertFails(adjacent, ErrorCode.AUDIT_ENTRY_INSERTED, n + 1);
        assertThatThrownBy(() -> verify(adjacent)).hasMessageContaining("the checkpoint of seq 20 comes after the checkpoint of seq 20 (line "
                + n + ")");

        List<String> later = new ArrayList<>(export.lines);
        int afterThirty = export.checkpointLine.get(30L);
        later.add(afterThirty, export.lines.get(n - 1));
        assertFails(later, ErrorCode.AUDIT_ENTRY_INSERTED, afterThirty + 1);
    }

    @Test
    void anEntryOfAnotherNodeLinkedIntoTheChainIsInserted() {
        Export export = export();
        ChainedEntry stranger = AuditChain.link(26, "CD-29", export.entry(26).entry(), export.entry(25).hash());

        assertFails(export.with(export.line(26), AuditExportFormat.line(stranger)), ErrorCode.AUDIT_ENTRY_INSERTED,
                export.line(26));
    }

    @Test
    void swappedEntriesAreReorderedAtTheFirstLineOutOfPlace() {
        Export export = export();
        List<String> adjacent = new ArrayList<>(export.lines);
        Collections.swap(adjacent, export.line(25) - 1, export.line(26) - 1);
        assertFails(adjacent, ErrorCode.AUDIT_ENTRIES_REORDERED, export.line(25));

        List<String> apart = new ArrayList<>(export.lines);
        Collections.swap(apart, export.line(22) - 1, export.line(27) - 1);
        assertFails(apart, ErrorCode.AUDIT_ENTRIES_REORDERED, export.line(22));

        List<String> first = new ArrayList<>(export.lines);
        Collections.swap(first, 0, 1);
        assertFails(first, ErrorCode.AUDIT_ENTRIES_REORDERED, 1);
    }

    @Test
    void entriesRenumberedAsRowsOfTheDatabaseAreReorderedInPlaceAndOffline() {
        Export export = export();
        ChainedEntry e25 = export.entry(25);
        ChainedEntry e26 = export.entry(26);
        // The seqs of two rows swapped: read in seq order, each holds the other's fields and hashes.
        List<AuditRecord> records = new ArrayList<>(export.lines.stream().map(AuditExportFormat::parse).toList());
        records.set(export.line(25) - 1, new ChainedEntry(25, e26.node(), e26.entry(), e26.previousHash(), e26.hash()));
        records.set(export.line(26) - 1, new ChainedEntry(26, e25.node(), e25.entry(), e25.previousHash(), e25.hash()));

        AuditChainVerifier verifier = new AuditChainVerifier(CERT);
        assertThatThrownBy(() -> records.forEach(verifier::accept)).isInstanceOfSatisfying(AuditVerificationException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.AUDIT_ENTRIES_REORDERED);
            assertThat(e.line()).isEqualTo(export.line(25));
            assertThat(e.reason()).contains("entry seq 25 was written as entry seq 26");
        });

        List<String> lines = new ArrayList<>(export.lines);
        lines.set(export.line(25) - 1, AuditExportFormat.line((ChainedEntry) records.get(export.line(25) - 1)));
        lines.set(export.line(26) - 1, AuditExportFormat.line((ChainedEntry) records.get(export.line(26) - 1)));
        assertFails(lines, ErrorCode.AUDIT_ENTRIES_REORDERED, export.line(25));

        // One entry given a seq far from its own (beyond the window compared with) is edited.
        ChainedEntry far = new ChainedEntry(25 + AuditChainVerifier.WINDOW + 1L, e25.node(), e25.entry(), e25.previousHash(), e25.hash());
        AuditChainVerifier alone = new AuditChainVerifier(CERT, true);
        assertThatThrownBy(() -> alone.accept(far)).isInstanceOfSatisfying(AuditVerificationException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.AUDIT_ENTRY_EDITED));
    }

    @Test
    void anEntryMovedLaterOrACheckpointMovedBeforeItsEntryIsReordered() {
        Export export = export();
        List<String> moved = new ArrayList<>(export.lines);
        moved.add(export.line(29), moved.remove(export.line(25) - 1));
        assertFails(moved, ErrorCode.AUDIT_ENTRIES_REORDERED, export.line(25));

        List<String> early = new ArrayList<>(export.lines);
        int checkpoint = export.checkpointLine.get(20L);
        early.add(export.line(18) - 1, early.remove(checkpoint - 1));
        assertFails(early, ErrorCode.AUDIT_ENTRIES_REORDERED, export.line(18));
    }

    @Test
    void droppingTheLastLinesIncludingTheFinalCheckpointIsTruncation() {
        Export export = export();
        List<String> cut = new ArrayList<>(export.lines.subList(0, export.line(52)));
        assertFails(cut, ErrorCode.AUDIT_TRUNCATED, cut.size() + 1);

        List<String> noFinal = new ArrayList<>(export.lines.subList(0, export.lines.size() - 2));
        assertFails(noFinal, ErrorCode.AUDIT_TRUNCATED, noFinal.size() + 1);

        List<String> extra = export.withoutEnd();
        extra.add(AuditExportFormat.line(AuditChain.link(54, "FT-29", sample(54), export.entry(53).hash())));
        assertFails(extra, ErrorCode.AUDIT_TRUNCATED, extra.size() + 1);

        assertFails(List.of(), ErrorCode.AUDIT_TRUNCATED, 1);
    }

    @Test
    void aFlippedByteOfACheckpointSignatureIsInvalid() {
        Export export = export();
        int n = export.checkpointLine.get(40L);
        Checkpoint c = (Checkpoint) AuditExportFormat.parse(export.lines.get(n - 1));
        byte[] signature = c.signature();
        signature[signature.length - 3] ^= 0x40;

        assertFails(export.with(n, AuditExportFormat.line(new Checkpoint(c.seq(), c.hash(), c.at(), c.node(), signature))),
                ErrorCode.AUDIT_CHECKPOINT_INVALID, n);
    }

    @Test
    void aCheckpointSignedByAnotherNodesKeyIsInvalid() {
        Export export = export();
        int n = export.checkpointLine.get(40L);
        Checkpoint other = Checkpoints.sign(40, export.entry(40).hash(), START, DevNetwork.keys("CD-29"));

        assertFails(export.with(n, AuditExportFormat.line(other)), ErrorCode.AUDIT_CHECKPOINT_INVALID, n);
        // The whole export, checkpoints included, verified with another node's certificate.
        assertThatThrownBy(() -> AuditChainVerifier.verify(stream(export.lines), DevNetwork.keys("CD-29").signingCertificate()))
                .isInstanceOfSatisfying(AuditVerificationException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.AUDIT_CHECKPOINT_INVALID);
                    assertThat(e.line()).isEqualTo((long) export.checkpointLine.get(10L));
                });
    }

    @Test
    void aGarbageLineIsMalformed() {
        Export export = export();
        List<String> lines = new ArrayList<>(export.lines);
        lines.add(30, "garbage");
        assertFails(lines, ErrorCode.AUDIT_MALFORMED, 31);

        String unknownMember = export.lines.get(9).replace("\"algorithm\"", "\"comment\":\"x\",\"algorithm\"");
        assertFails(export.with(10, unknownMember), ErrorCode.AUDIT_MALFORMED, 10);
    }

    @Test
    void streamingRefusesLinesThatAreTooLongOrNotUtf8AndAcceptsCrlf() throws Exception {
        Export export = export();
        List<String> lines = new ArrayList<>(export.lines);
        lines.add(5, "x".repeat(AuditChainVerifier.MAX_LINE_BYTES + 1));
        assertFails(lines, ErrorCode.AUDIT_MALFORMED, 6);

        byte[] bytes = (String.join("\n", export.lines.subList(0, 3)) + "\n\"\u00e9\"\n").getBytes(StandardCharsets.UTF_8);
        bytes[bytes.length - 4] = (byte) 0xff;
        assertThatThrownBy(() -> AuditChainVerifier.verify(new ByteArrayInputStream(bytes), CERT))
                .isInstanceOfSatisfying(AuditVerificationException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.AUDIT_MALFORMED);
                    assertThat(e.line()).isEqualTo(4);
                });

        byte[] crlf = String.join("\r\n", export.lines).getBytes(StandardCharsets.UTF_8);
        assertThat(AuditChainVerifier.verify(new ByteArrayInputStream(crlf), CERT).entries()).isEqualTo(53);
    }

    @Test
    void aRangeExportStartsWithTheCheckpointThatAnchorsIt() throws Exception {
        Export export = export();
        List<String> range = new ArrayList<>(export.lines.subList(export.checkpointLine.get(20L) - 1, export.lines.size()));

        AuditChainVerifier.Result result = AuditChainVerifier.verify(stream(range), List.of(CERT), true);

        assertThat(result.entries()).isEqualTo(33);
        assertThat(result.firstSeq()).isEqualTo(21);
        assertThat(result.lastCheckpoint().seq()).isEqualTo(53);
        // Not as a whole export: its signed end covers the chain from entry 1, so its first lines were cut.
        assertFails(range, ErrorCode.AUDIT_ENTRY_DELETED, 1);
        assertThatThrownBy(() -> verify(range)).hasMessageContaining("entries seq 1 to 20 are missing (removed from its start");
        // The end alone: everything before it cut.
        assertFails(List.of(export.lines.get(export.lines.size() - 1)), ErrorCode.AUDIT_ENTRY_DELETED, 1);

        List<String> unanchored = new ArrayList<>(range.subList(1, range.size()));
        assertFails(unanchored, ErrorCode.AUDIT_ENTRY_DELETED, 1);
        assertThat(AuditChainVerifier.verify(stream(unanchored), CERT, true).entries()).isEqualTo(33);

        List<String> wrongAnchor = new ArrayList<>(range);
        wrongAnchor.set(0, export.lines.get(export.checkpointLine.get(10L) - 1));
        assertFails(wrongAnchor, ErrorCode.AUDIT_ENTRY_DELETED, 2);
    }

    @Test
    void anEmptyChainIsTheEndOfSeqZero() throws Exception {
        Checkpoint empty = Checkpoints.signExportEnd(0, AuditChain.GENESIS, START, FT29);

        AuditChainVerifier.Result result = verify(List.of(AuditExportFormat.line(empty)));

        assertThat(result.entries()).isZero();
        assertThat(result.lastCheckpoint()).isNull();
        assertThat(result.exportEnd()).isEqualTo(empty);
        // A checkpoint of seq 0 alone is an export without its end.
        assertFails(List.of(AuditExportFormat.line(Checkpoints.sign(0, AuditChain.GENESIS, START, FT29))), ErrorCode.AUDIT_TRUNCATED, 2);
    }

    @Test
    void inPlaceTheHeadNeedNotBeSigned() {
        Export export = export();
        AuditChainVerifier verifier = new AuditChainVerifier(CERT);
        for (String line : export.lines.subList(0, export.line(47))) {
            verifier.accept(AuditExportFormat.parse(line));
        }

        AuditChainVerifier.Result result = verifier.finish(false);

        assertThat(result.entries()).isEqualTo(47);
        assertThat(result.lastCheckpoint().seq()).isEqualTo(40);

        AuditChainVerifier strict = new AuditChainVerifier(CERT);
        export.entries.subList(0, 5).forEach(strict::accept);
        assertThatThrownBy(() -> strict.finish(true)).isInstanceOfSatisfying(AuditVerificationException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.AUDIT_TRUNCATED));
        assertThatThrownBy(() -> strict.accept(export.entry(6))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void inPlaceAnEditedRowIsFoundAtItsPosition() {
        Export export = export();
        AuditChainVerifier verifier = new AuditChainVerifier(CERT);
        List<AuditRecord> records = new ArrayList<>(export.lines.stream().map(AuditExportFormat::parse).toList());
        ChainedEntry row = export.entry(33);
        records.set(export.line(33) - 1, new ChainedEntry(33, "FT-29", row.entry().withActor("x"), row.previousHash(), row.hash()));

        assertThatThrownBy(() -> records.forEach(verifier::accept)).isInstanceOfSatisfying(AuditVerificationException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.AUDIT_ENTRY_EDITED);
            assertThat(e.line()).isEqualTo(export.line(33));
        });
    }

    @Test
    void theCommittedFixtureVerifies() throws Exception {
        try (InputStream in = Files.newInputStream(FIXTURE)) {
            AuditChainVerifier.Result result = AuditChainVerifier.verify(in, CERT);

            assertThat(result.entries()).isEqualTo(FIXTURE_ENTRIES);
            assertThat(result.lastCheckpoint().seq()).isEqualTo(FIXTURE_ENTRIES);
            assertThat(result.lastCheckpoint().hash()).isEqualTo(FIXTURE_HEAD);
        }
        // The hashes do not depend on the signatures: rebuilding the chain gives the same head.
        assertThat(new Export(FT29, (int) FIXTURE_ENTRIES, 5).entry(FIXTURE_ENTRIES).hash()).isEqualTo(FIXTURE_HEAD);
    }

    static final long FIXTURE_ENTRIES = 12;
    static final String FIXTURE_HEAD = "1923f5cf9c6402610599d80eb18d5f891ceac4f9764b6784a5d99098b1b377c3";

    /** Regenerates the fixture (after certs-dev is regenerated): {@code -Dliaison.audit.write-fixture=true}. */
    @Test
    @EnabledIfSystemProperty(named = "liaison.audit.write-fixture", matches = "true")
    void writeFixture() throws Exception {
        Export export = new Export(FT29, (int) FIXTURE_ENTRIES, 5);
        Files.createDirectories(FIXTURE.getParent());
        Files.writeString(FIXTURE, String.join("\n", export.lines) + "\n");
        System.out.println("fixture head " + export.entry(FIXTURE_ENTRIES).hash());
    }
}
