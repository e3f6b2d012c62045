package fr.liaison.gateway.cli;

import fr.liaison.routes.audit.chain.AuditChainVerifier;
import fr.liaison.routes.audit.chain.AuditVerificationException;
import fr.liaison.routes.audit.chain.Checkpoint;
import fr.liaison.routes.keys.Pem;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "audit-verify", mixinStandardHelpOptions = true,
        description = {"Verifies a node's audit export (JSON Lines from GET /api/v1/audit/export) offline, with no database",
                "and no node: the hash chain, every checkpoint's signature with the node's signing certificate, and that",
                "the export ends with the checkpoint the node signed for its last entry and the export's signed end",
                "(so that a file cut just after a checkpoint, or with lines added, shows). The file is streamed.",
                "An export spanning a key rollover needs each certificate the node signed with (--cert repeated):",
                "every checkpoint names its own, by SHA-256 fingerprint.",
                "Prints the entry count, the last signed checkpoint and when the export was made; on failure exits 1",
                "naming the first bad line",
                "and why (edited, deleted, inserted, reordered, truncated, bad checkpoint, malformed)."})
final class AuditVerifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--cert", required = true, paramLabel = "PEM",
            description = "The node's signing certificate, e.g. certs-dev/FT-29/sign.crt.pem; repeated for each one it "
                    + "signed with across key rollovers.")
    List<Path> certs;

    @Option(names = "--partial",
            description = "Accept a part of an export that starts mid-chain, with or without the checkpoint that anchors it; "
                    + "entries before its first one cannot then be checked, nor that none were removed.")
    boolean partial;

    @Parameters(index = "0", paramLabel = "EXPORT", description = "The export, one JSON record per line.")
    Path export;

    @Override
    public Integer call() {
        List<X509Certificate> certificates = certs.stream().map(Pem::certificate).toList();
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
        out().printf("OK: %d entries, last signed %s seq %d hash %s at %s by %s%s%n", result.entries(),
                last.exportEnd() ? "end" : "checkpoint", last.seq(), last.hash(), last.at(), last.node(),
                last.signer() == null ? "" : " with certificate " + last.signer() + subject);
        if (result.firstSeq() > 1) {
            out().printf("Exported by %s at %s; a part of it, from entry seq %d: its signed end covers entry seq %d, the last one, "
                    + "and nothing before the part was checked.%n", end.node(), end.at(), result.firstSeq(), end.seq());
        } else {
            out().printf("Exported by %s at %s, complete: its signed end covers entry seq %d, the last one.%n", end.node(), end.at(),
                    end.seq());
        }
        return 0;
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
