package fr.liaison.gateway.api;

import java.util.regex.Pattern;

/**
 * Identifiers in the API's paths. Every message and consent id is a lowercase UUID (schema type
 * {@code Uuid}); anything else in their place is a malformed request (400 {@code GW-API-009},
 * audited), not a search that found nothing, and its value is never quoted back.
 */
public final class Identifiers {

    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private Identifiers() {
    }

    /** {@code value} if it is a lowercase UUID; otherwise refused, naming only the path variable. */
    public static String uuid(String value, String pathVariable) {
        if (value == null || !UUID.matcher(value).matches()) {
            throw new Malformed(pathVariable);
        }
        return value;
    }

    /** A path variable that cannot be an identifier: answered by {@code ProblemHandler}. */
    public static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed(String pathVariable) {
            super(pathVariable + " is not a UUID (lowercase, 8-4-4-4-12 hexadecimal digits)", null, false, false);
        }
    }
}
