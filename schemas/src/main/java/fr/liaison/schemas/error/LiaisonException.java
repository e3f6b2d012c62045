package fr.liaison.schemas.error;

import java.util.List;
import java.util.Objects;

/**
 * An error with a catalogued code. The detail lines say where and why (a schema violation's
 * location, an algorithm's identifier); they never carry payload values or personal data.
 */
public class LiaisonException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final transient List<String> details;

    public LiaisonException(ErrorCode code, String detail) {
        this(code, detail == null ? List.of() : List.of(detail), null);
    }

    public LiaisonException(ErrorCode code, String detail, Throwable cause) {
        this(code, detail == null ? List.of() : List.of(detail), cause);
    }

    public LiaisonException(ErrorCode code, List<String> details, Throwable cause) {
        super(code.code() + ": " + code.message() + (details.isEmpty() ? "" : " " + String.join("; ", details)), cause);
        this.code = Objects.requireNonNull(code);
        this.details = List.copyOf(details);
    }

    public ErrorCode code() {
        return code;
    }

    public List<String> details() {
        return details;
    }
}
