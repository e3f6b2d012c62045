package fr.liaison.gateway.cli;

import fr.liaison.routes.audit.chain.AuditChainVerifier;
import fr.liaison.routes.audit.chain.AuditVerificationException;
import fr.liaison.routes.audit.chain.Checkpoint;
import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.Participant;
import fr.liaison.routes.directory.SignedDirectory;
import fr.liaison.routes.keys.Fingerprints;
import fr.liaison.routes.keys.Pem;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "audit-verify", mixinStandardHelpOptions = true,
        description = {"Verifies a node's audit export (JSON Lines from GET /api/v1/audit/export) offline, with no database",
                "and no node: the hash chain, every checkpoint's signature with the node's signing certificate, and that",
                "the export ends with the checkpoint the node signed for its last entry and the export's signed end",
                "(so that a file cut just after a checkpoint, or with lines added, shows). The file is streamed.",
                "An export spanning a key rollover needs each certificate the node signed with (--cert repeated):",
                "every checkpoint names its own, by SHA-256 fingerprint. Or, instead of certificates, the signed",
                "participant directory and its two anchors (--directory, --operator-cert, --ca-cert): the export's node",
                "must then have signed with a certificate the directory lists for it, current or retired.",
                "Prints the entry count, the last signed checkpoint and when the export was made; on failure exits 1",
                "naming the first bad line",
                "and why (edited, deleted, inserted, reordered, truncated, bad checkpoint, malformed)."})
final class AuditVerifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--cert", paramLabel = "PEM",
            description = "The node's signing certificate, e.g. certs-dev/FT-29/sign.crt.pem; repeated for each one it "
                    + "signed with across key rollovers.")
    List<Path> certs = List.of();

    @Option(names = "--directory", paramLabel = "FILE",
            description = "The signed participant directory, e.g. certs-dev/directory.signed: the node's signing certificates "
                    + "are those it lists for the export's node.")
    Path directory;

    @Option(names = "--operator-cert", paramLabel = "PEM", description = "The network operator's certificate, which signs the directory.")
    Path operatorCert;

    @Option(names = "--ca-cert", paramLabel = "PEM", description = "The network CA's certificate, which issues the participants'.")
    Path caCert;

    @Option(names = "--partial",
            description = "Accept a part of an export that starts mid-chain, with or without the checkpoint that anchors it; "
                    + "entries before its first one cannot then be checked, nor that none were removed.")
    boolean partial;

    @Option(names = "--node", paramLabel = "ID",
            description = "The participant whose export this must be, e.g. FT-29: required with --directory (its certificates are "
                    + "that participant's), checked with --cert.")
    String node;

    @Option(names = "--exported-after", paramLabel = "INSTANT",
            description = "The export must have been made at or after this time (ISO-8601, e.g. 2026-11-25T09:00:00Z): an older "
                    + "export of the same node, handed over in place of the one asked for, is refused.")
    Instant exportedAfter;

    @Option(names = "--without-end",
            description = "Read an export made by a node before exports ended with their signed end: it must still end with the "
                    + "checkpoint of its last entry, but a cut just after one of its checkpoints cannot then be seen.")
    boolean withoutEnd;

    @Parameters(index = "0", paramLabel = "EXPORT", description = "The export, one JSON record per line.")
    Path export;

    @Override
    public Integer call() {
        if (certs.isEmpty() == (directory == null)) {
            throw new ParameterException(spec.commandLine(), "Give the node's certificates (--cert) or the signed directory (--directory), one of the two");
        }
        if (directory != null && (operatorCert == null || caCert == null || node == null)) {
            throw new ParameterException(spec.commandLine(),
                    "--directory needs --operator-cert and --ca-cert, its trust anchors, and --node, the participant whose export it is");
        }
        List<X509Certificate> certificates = certs.stream().map(Pem::certificate).toList();
        String listed = "";
        if (directory != null) {
            Directory network = SignedDirectory.load(directory, Pem.certificate(operatorCert), Pem.certificate(caCert), Clock.systemUTC());
            Participant participant = network.require(node);
            certificates = new ArrayList<>(participant.signingCertificates());
            certificates.addAll(participant.retiredSigningCertificates());
            listed = ", listed for " + node + " in directory version " + network.version() + " of " + network.issuedAt();
        }
        AuditChainVerifier.Result result;
        try (InputStream in = Files.newInputStream(export)) {
            result = AuditChainVerifier.verify(in, certificates, partial, !withoutEnd);
        } catch (AuditVerificationException e) {
            return refused(e.code(), e.line(), e.reason());
        } catch (IOException e) {
            throw new LiaisonException(ErrorCode.IO_FAILED, "cannot read " + export);
        }
        Checkpoint end = result.exportEnd();
        // The statement that vouches for the whole file: its end, or, without one, its last checkpoint.
        Checkpoint last = end != null ? end : result.lastCheckpoint();
        if (node != null && !node.equals(last.node())) {
            return refused(ErrorCode.AUDIT_ENTRY_INSERTED, 1, "this is the chain of " + last.node() + ", not of " + node);
        }
        if (exportedAfter != null && last.at().isBefore(exportedAfter)) {
            return refused(ErrorCode.AUDIT_TRUNCATED, 0, "the export was made at " + last.at() + ", before "
                    + exportedAfter + ": it is an older export of the chain, which may lack the entries written since");
        }
        // The certificates given (or listed) are what binds a key to the node: the subject says whose it is.
        String subject = certificates.stream().filter(c -> Fingerprints.sha256(c).equals(last.signer()))
                .findFirst().map(c -> " (" + c.getSubjectX500Principal().getName() + ")").orElse("");
        Checkpoint checkpoint = result.lastCheckpoint();
        out().printf("OK: %d entries of %s, signed %s%s%s%n", result.entries(), last.node(),
                last.signer() == null ? "with the certificate given" : "with certificate " + last.signer(), subject, listed);
        if (checkpoint != null) {
            out().printf("Last signed checkpoint: seq %d hash %s at %s%n", checkpoint.seq(), checkpoint.hash(), checkpoint.at());
        }
        if (end == null) {
            out().printf("No signed end (--without-end): a cut just after a checkpoint cannot be seen; the proof reaches %s.%n",
                    last.at());
        } else if (result.firstSeq() > 1) {
            out().printf("Exported at %s; a part of it, from entry seq %d: its signed end covers entry seq %d, the last one, "
                    + "and nothing before the part was checked.%n", end.at(), result.firstSeq(), end.seq());
        } else {
            out().printf("Exported at %s, complete: its signed end covers entry seq %d, the last one.%n", end.at(), end.seq());
        }
        return 0;
    }

    private int refused(ErrorCode code, long line, String reason) {
        PrintWriter err = spec.commandLine().getErr();
        err.printf(line > 0 ? "%s line %d: %s: %s%n" : "%s%s: %s: %s%n", code.code(), line > 0 ? line : "", kind(code), reason);
        err.flush();
        return LiaisonCommand.REFUSED;
    }

    /** The kind of tampering, in a word, before the verifier's reason. */
    private static String kind(ErrorCode code) {
        return switch (code) {
            case AUDIT_ENTRY_EDITED -> "edited";
            case AUDIT_ENTRY_DELETED -> "deleted";
            case AUDIT_ENTRY_INSERTED -> "inserted";
            case AUDIT_ENTRIES_REORDERED -> "reordered";
            case AUDIT_TRUNCATED -> "truncated";
            case AUDIT_CHECKPOINT_INVALID -> "bad checkpoint";
            case AUDIT_MALFORMED -> "malformed";
            default -> code.message();
        };
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
