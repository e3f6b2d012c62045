package fr.liaison.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.audit.chain.AuditChain;
import fr.liaison.routes.audit.chain.AuditExportFormat;
import fr.liaison.routes.audit.chain.ChainedEntry;
import fr.liaison.routes.audit.chain.Checkpoints;
import fr.liaison.routes.keys.ParticipantKeys;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditVerifyCommandTest extends CliTestSupport {

    private static final Path CERTS = Path.of(System.getProperty("liaison.certs-dev", "../certs-dev")).toAbsolutePath().normalize();
    /** Exported by FT-29's dev key: 12 entries, checkpoints at 5, 10 and 12 (lines 6, 12 and 15). */
    private static final Path FIXTURE = CERTS.resolveSibling("routes/src/test/resources/audit/export-FT-29.jsonl");
    private static final String FT29 = CERTS.resolve("FT-29/sign.crt.pem").toString();

    @TempDir
    Path work;

    private Path tampered(List<String> lines) throws Exception {
        return Files.write(work.resolve("tampered.jsonl"), lines, StandardCharsets.UTF_8);
    }

    /** The hash of the last entry {@link #chain} wrote. */
    private String lastHash;

    /**
     * Entries 1 to {@code count} of {@code node}'s chain, each followed by a checkpoint signed with
     * the keys {@code checkpointBy} gives for its seq (none when null), then the export's end.
     */
    private List<String> chain(String node, int count, java.util.function.IntFunction<ParticipantKeys> checkpointBy,
            ParticipantKeys endBy) {
        List<String> lines = new ArrayList<>();
        String previous = AuditChain.GENESIS;
        Instant at = Instant.parse("2026-11-21T08:00:00Z");
        for (int seq = 1; seq <= count; seq++) {
            ChainedEntry entry = AuditChain.link(seq, node, new AuditEntry(at.plusSeconds(seq), AuditStep.SENT, "msg-" + seq, null,
                    "REFERRAL", node, "CD-25", null, null, null, null, null, "route", null), previous);
            previous = entry.hash();
            lines.add(AuditExportFormat.line(entry));
            if (checkpointBy.apply(seq) != null) {
                lines.add(AuditExportFormat.line(Checkpoints.sign(seq, previous, at.plusSeconds(seq).plusMillis(1), checkpointBy.apply(seq))));
            }
        }
        lines.add(AuditExportFormat.line(Checkpoints.signExportEnd(count, previous, at.plusSeconds(60), endBy)));
        lastHash = previous;
        return lines;
    }

    private static List<String> fixture() throws Exception {
        return new ArrayList<>(Files.readAllLines(FIXTURE, StandardCharsets.UTF_8));
    }

    @Test
    void verifiesTheCommittedExportAndPrintsTheCountAndTheLastCheckpoint() {
        int status = run("audit-verify", "--cert", FT29, FIXTURE.toString());

        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString()).matches("OK: 12 entries of FT-29, signed with certificate [0-9a-f]{64} \\(CN=[^)]*\\)\\R"
                + "Last signed checkpoint: seq 12 hash 1923f5cf9c6402610599d80eb18d5f891ceac4f9764b6784a5d99098b1b377c3 at 2026-11-20T08:\\S+Z\\R"
                + "Exported at 2026-11-20T08:02:24Z, complete: its signed end covers entry seq 12, the last one.\\R");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void anExportSpanningAKeyRolloverVerifiesWithTheCertificateRepeated() throws Exception {
        var before = fr.liaison.routes.keys.KeyMaterial.fromCertsDev(CERTS, "FT-25");
        var after = fr.liaison.routes.keys.KeyMaterial.fromPemDirectory(CERTS.resolve("FT-25/next"), "FT-25");
        List<String> lines = chain("FT-25", 4, seq -> seq % 2 != 0 ? null : seq == 2 ? before : after, after);
        String previous = lastHash;
        Path export = Files.write(work.resolve("rollover.jsonl"), lines, StandardCharsets.UTF_8);
        String oldCert = CERTS.resolve("FT-25/sign.crt.pem").toString();
        String newCert = CERTS.resolve("FT-25/next/sign.crt.pem").toString();

        assertThat(run("audit-verify", "--cert", oldCert, export.toString())).isEqualTo(LiaisonCommand.REFUSED);
        assertThat(err.toString()).startsWith("GW-AUDIT-006 line 6: bad checkpoint: checkpoint of seq 4: signed with the key of certificate ");
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);

        int status = run("audit-verify", "--cert", oldCert, "--cert", newCert, export.toString());

        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("OK: 4 entries of FT-25, signed with certificate "
                        + fr.liaison.routes.keys.Fingerprints.sha256(after.signingCertificate())
                        + " (" + after.signingCertificate().getSubjectX500Principal().getName() + ")")
                .contains("Last signed checkpoint: seq 4 hash " + previous);
    }

    @Test
    void withTheSignedDirectoryTheNodesCertificatesAreThoseItListsForTheExportsNode() throws Exception {
        String[] directory = {"--directory", CERTS.resolve("directory.signed").toString(),
            "--operator-cert", CERTS.resolve("network-operator.crt.pem").toString(), "--ca-cert", CERTS.resolve("network-ca.crt.pem").toString()};
        List<String> args = new ArrayList<>(List.of("audit-verify", "--node", "FT-29"));
        args.addAll(List.of(directory));
        args.add(FIXTURE.toString());
        assertThat(run(args.toArray(String[]::new))).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("OK: 12 entries of FT-29, signed with certificate ")
                .contains(", listed for FT-29 in directory version ");

        // FT-29's export signed with CD-29's key: whoever is given CD-29's certificate for it is satisfied; the directory is not.
        var forged = fr.liaison.routes.keys.KeyMaterial.fromCertsDev(CERTS, "CD-29");
        var asFt29 = new ParticipantKeys("FT-29", forged.signingKey(), forged.signingCertificate(),
                forged.encryptionKey(), forged.encryptionCertificate(), forged.tlsKey(), forged.tlsCertificate());
        List<String> lines = chain("FT-29", 2, seq -> seq == 2 ? asFt29 : null, asFt29);
        Path export = Files.write(work.resolve("forged.jsonl"), lines, StandardCharsets.UTF_8);

        out.getBuffer().setLength(0);
        assertThat(run("audit-verify", "--cert", CERTS.resolve("CD-29/sign.crt.pem").toString(), export.toString())).isZero();
        assertThat(out.toString()).startsWith("OK: 2 entries of FT-29, signed with certificate ").contains("CD-29");
        args.set(args.size() - 1, export.toString());
        assertThat(run(args.toArray(String[]::new))).isEqualTo(LiaisonCommand.REFUSED);
        assertThat(err.toString()).startsWith("GW-AUDIT-006 line 3: bad checkpoint: checkpoint of seq 2: signed with the key of certificate ")
                .contains("not among the node's certificates given");
    }

    @Test
    void theNodeTheTimeAndAnExportWithoutItsEndAreTheOfficersToSay() throws Exception {
        assertThat(run("audit-verify", "--cert", FT29, "--node", "FT-17", FIXTURE.toString())).isEqualTo(LiaisonCommand.REFUSED);
        assertThat(err.toString()).startsWith("GW-AUDIT-003 line 1: inserted: this is the chain of FT-29, not of FT-17");

        // The fixture was exported at 08:02:24: an officer who asked for an export at 09:00 was handed an older one.
        assertThat(run("audit-verify", "--cert", FT29, "--exported-after", "2026-11-20T09:00:00Z", FIXTURE.toString()))
                .isEqualTo(LiaisonCommand.REFUSED);
        assertThat(err.toString()).contains("GW-AUDIT-005: truncated: the export was made at 2026-11-20T08:02:24Z, before "
                + "2026-11-20T09:00:00Z");
        out.getBuffer().setLength(0);
        assertThat(run("audit-verify", "--cert", FT29, "--exported-after", "2026-11-20T08:00:00Z", FIXTURE.toString())).isZero();

        // An export made before exports had their end: refused as cut, unless the officer says it is one of those.
        List<String> withoutEnd = fixture().subList(0, 15);
        assertThat(run("audit-verify", "--cert", FT29, tampered(withoutEnd).toString())).isEqualTo(LiaisonCommand.REFUSED);
        out.getBuffer().setLength(0);
        assertThat(run("audit-verify", "--cert", FT29, "--without-end", tampered(withoutEnd).toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("OK: 12 entries of FT-29", "No signed end (--without-end): a cut just after a checkpoint "
                + "cannot be seen; the proof reaches 2026-11-20T08:");
    }

    @Test
    void certificatesOrTheDirectoryOneOfTheTwo() {
        assertThat(run("audit-verify", FIXTURE.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--cert", "--directory");
        assertThat(run("audit-verify", "--directory", CERTS.resolve("directory.signed").toString(), FIXTURE.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--operator-cert and --ca-cert");
    }

    @Test
    void anEditedEntryExitsOneNamingTheLineAndWhy() throws Exception {
        List<String> lines = fixture();
        lines.set(2, lines.get(2).replace("\"msg-3\"", "\"msg-4\""));

        int status = run("audit-verify", "--cert", FT29, tampered(lines).toString());

        assertThat(status).isEqualTo(LiaisonCommand.REFUSED);
        assertThat(err.toString()).startsWith("GW-AUDIT-001 line 3: edited: entry seq 3 does not match its hash");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void deletedReorderedAndTruncatedExportsAreRefusedWithTheirCodes() throws Exception {
        List<String> deleted = fixture();
        deleted.remove(7);
        assertThat(run("audit-verify", "--cert", FT29, tampered(deleted).toString())).isEqualTo(LiaisonCommand.REFUSED);

        List<String> reordered = fixture();
        Collections.swap(reordered, 1, 2);
        assertThat(run("audit-verify", "--cert", FT29, tampered(reordered).toString())).isEqualTo(LiaisonCommand.REFUSED);

        List<String> truncated = fixture().subList(0, 13);
        assertThat(run("audit-verify", "--cert", FT29, tampered(truncated).toString())).isEqualTo(LiaisonCommand.REFUSED);

        // Cut just after a checkpoint: every line there verifies, but the export's signed end is missing.
        List<String> cutAtCheckpoint = fixture().subList(0, 12);
        assertThat(cutAtCheckpoint.get(11)).startsWith("{\"kind\":\"checkpoint\",\"seq\":10,");
        assertThat(run("audit-verify", "--cert", FT29, tampered(cutAtCheckpoint).toString())).isEqualTo(LiaisonCommand.REFUSED);

        assertThat(err.toString().lines()).containsExactly(
                "GW-AUDIT-002 line 8: deleted: entry seq 7 is missing before entry seq 8",
                "GW-AUDIT-004 line 2: reordered: entry seq 3 comes before entry seq 2 (line 3)",
                "GW-AUDIT-005 line 14: truncated: the export ends at entry seq 11, after the last signed checkpoint (seq 10): "
                        + "lines were removed from the end, or the export was cut",
                "GW-AUDIT-005 line 13: truncated: the export ends with the checkpoint of seq 10 made at 2026-11-20T08:01:10.001Z, "
                        + "without the signed end a node writes as the last line of every export: it was cut after that checkpoint, "
                        + "or lines were removed from its end");
    }

    @Test
    void anotherNodesCertificateRefusesTheFirstCheckpoint() {
        int status = run("audit-verify", "--cert", CERTS.resolve("CD-29/sign.crt.pem").toString(), FIXTURE.toString());

        assertThat(status).isEqualTo(LiaisonCommand.REFUSED);
        assertThat(err.toString()).startsWith("GW-AUDIT-006 line 6: bad checkpoint: checkpoint of seq 5: "
                + "signed with another certificate than the node's");
    }

    @Test
    void aMissingExportIsAnIoFailure() {
        int status = run("audit-verify", "--cert", FT29, work.resolve("none.jsonl").toString());

        assertThat(status).isEqualTo(LiaisonCommand.REFUSED);
        assertThat(err.toString()).startsWith("GW-IO-");
    }
}
