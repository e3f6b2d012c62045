package fr.liaison.routes.audit.chain;

import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.util.List;

/**
 * The first bad record of an audit chain: its code (one of {@code GW-AUDIT-…}), its 1-based line
 * in the export (for the in-place check, its position in the stream of records given to the
 * verifier) and a plain reason naming sequence numbers and lines, never entry values.
 */
public class AuditVerificationException extends LiaisonException {

    private static final long serialVersionUID = 1L;

    private final long line;
    private final String reason;

    public AuditVerificationException(ErrorCode code, long line, String reason) {
        this(code, line, reason, null);
    }

    public AuditVerificationException(ErrorCode code, long line, String reason, Throwable cause) {
        super(code, List.of("line " + line + ": " + reason), cause);
        this.line = line;
        this.reason = reason;
    }

    /** 1-based line of the export (or position in the verified stream) the failure is about. */
    public long line() {
        return line;
    }

    /** Why, in plain words; {@link #details()} holds it prefixed with the line. */
    public String reason() {
        return reason;
    }
}
