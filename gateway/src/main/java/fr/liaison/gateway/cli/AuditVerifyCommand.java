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
                "the export ends with the checkpoint the node signed for its last entry. The file is streamed.",
                "An export spanning a key rollover needs each certificate the node signed with (--cert repeated):",
                "every checkpoint names its own, by SHA-256 fingerprint.",
                "Prints the entry count and the last signed checkpoint; on failure exits 1 naming the first bad line",
                "and why (edited, deleted, inserted, reordered, truncated, bad checkpoint, malformed)."})
final class AuditVerifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--cert", required = true, paramLabel = "PEM",
            description = "The node's signing certificate, e.g. certs-dev/FT-29/sign.crt.pem; repeated for each one it "
                    + "signed with across key rollovers.")
    List<Path> certs;

    @Option(names = "--partial",
            description = "Accept an export that starts mid-chain without the checkpoint that anchors it; "
                    + "entries before its first one cannot then be checked.")
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
        Checkpoint last = result.lastCheckpoint();
        // The certificates given are the only binding of a key to a node here: the subject says whose it is.
        String subject = certificates.stream().filter(c -> fr.liaison.routes.keys.Fingerprints.sha256(c).equals(last.signer()))
                .findFirst().map(c -> " (" + c.getSubjectX500Principal().getName() + ")").orElse("");
        out().printf("OK: %d entries, last signed checkpoint seq %d hash %s at %s by %s%s%n", result.entries(), last.seq(),
                last.hash(), last.at(), last.node(), last.signer() == null ? "" : " with certificate " + last.signer() + subject);
        // A file cut just after an earlier checkpoint verifies too: only its date tells how far it reaches.
        out().printf("The proof reaches %s: an export made later should end with a checkpoint of about its own time.%n", last.at());
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
