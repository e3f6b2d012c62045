package fr.liaison.gateway.cli;

import fr.liaison.routes.audit.chain.AuditChainVerifier;
import fr.liaison.routes.audit.chain.AuditVerificationException;
import fr.liaison.routes.audit.chain.AuditExportFormat;
import fr.liaison.routes.audit.chain.Checkpoint;
import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.Participant;
import fr.liaison.routes.directory.SignedDirectory;
import fr.liaison.routes.keys.Pem;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
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

    @Parameters(index = "0", paramLabel = "EXPORT", description = "The export, one JSON record per line.")
    Path export;

    @Override
    public Integer call() {
        if (certs.isEmpty() == (directory == null)) {
            throw new ParameterException(spec.commandLine(), "Give the node's certificates (--cert) or the signed directory (--directory), one of the two");
        }
        if (directory != null && (operatorCert == null || caCert == null)) {
            throw new ParameterException(spec.commandLine(), "--directory needs --operator-cert and --ca-cert, its trust anchors");
        }
        List<X509Certificate> certificates = certs.stream().map(Pem::certificate).toList();
        String listed = "";
        if (directory != null) {
            String node = firstNode();
            if (node == null) {
                PrintWriter err = spec.commandLine().getErr();
                err.printf("%s line 1: %s: the first line names no node%n", ErrorCode.AUDIT_MALFORMED.code(), kind(ErrorCode.AUDIT_MALFORMED));
                err.flush();
                return LiaisonCommand.REFUSED;
            }
            Directory network = SignedDirectory.load(directory, Pem.certificate(operatorCert), Pem.certificate(caCert), Clock.systemUTC());
            Participant participant = network.require(node);
            certificates = new ArrayList<>(participant.signingCertificates());
            certificates.addAll(participant.retiredSigningCertificates());
            listed = ", listed for " + node + " in directory version " + network.version() + " of " + network.issuedAt();
        }
        AuditChainVerifier.Result result;
        try (InputStream in = Files.newInputStream(export)) {
            result = AuditChainVerifier.verify(in, certificates, partial);
        } catch (AuditVerificationException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.printf("%s line %d: %s: %s%n", e.code().code(), e.line(), kind(e.code()), e.reason());
            err.flush();
            return LiaisonCommand.REFUSED;
        } catch (IOException e) {
            throw new LiaisonException(ErrorCode.IO_FAILED, "cannot read " + export);
        }
        // The export's signed end (required) signs its last entry; a chain exported before any checkpoint has none.
        Checkpoint end = result.exportEnd();
        Checkpoint last = result.lastCheckpoint() == null ? end : result.lastCheckpoint();
        // The certificates given are the only binding of a key to a node here: the subject says whose it is.
        String subject = certificates.stream().filter(c -> fr.liaison.routes.keys.Fingerprints.sha256(c).equals(last.signer()))
                .findFirst().map(c -> " (" + c.getSubjectX500Principal().getName() + ")").orElse("");
        out().printf("OK: %d entries, last signed %s seq %d hash %s at %s by %s%s%s%n", result.entries(),
                last.exportEnd() ? "end" : "checkpoint", last.seq(), last.hash(), last.at(), last.node(),
                last.signer() == null ? "" : " with certificate " + last.signer() + subject, listed);
        if (result.firstSeq() > 1) {
            out().printf("Exported by %s at %s; a part of it, from entry seq %d: its signed end covers entry seq %d, the last one, "
                    + "and nothing before the part was checked.%n", end.node(), end.at(), result.firstSeq(), end.seq());
        } else {
            out().printf("Exported by %s at %s, complete: its signed end covers entry seq %d, the last one.%n", end.node(), end.at(),
                    end.seq());
        }
        return 0;
    }

    /** The node the export's first line names, null if that line cannot be read. */
    private String firstNode() {
        try (BufferedReader reader = Files.newBufferedReader(export, StandardCharsets.UTF_8)) {
            String first = reader.readLine();
            return first == null ? null : AuditExportFormat.parse(first).node();
        } catch (LiaisonException | java.nio.charset.CharacterCodingException e) {
            return null;
        } catch (IOException e) {
            throw new LiaisonException(ErrorCode.IO_FAILED, "cannot read " + export);
        }
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
