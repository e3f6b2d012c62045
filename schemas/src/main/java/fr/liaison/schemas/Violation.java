package fr.liaison.schemas;

import fr.liaison.schemas.error.ErrorCode;
import java.util.Objects;

/**
 * One reason a message is refused. {@code location} says where: for XML input
 * {@code line:column /Root/element/path} (the line part is absent for rule violations), for JSON
 * input a JSON pointer such as {@code /person/birthDate}, or {@code line:column} for a JSON syntax
 * error. {@code message} names elements and facets, never payload values.
 */
public record Violation(ErrorCode code, String location, String message) {

    public Violation {
        Objects.requireNonNull(code, "code");
        location = location == null ? "" : location;
        message = message == null ? "" : message;
    }

    /** {@code location: message}, the form used in {@code LiaisonException} details. */
    @Override
    public String toString() {
        return location.isEmpty() ? message : location + ": " + message;
    }
}
