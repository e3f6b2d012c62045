package fr.liaison.gateway.audit;

import java.time.Instant;

/**
 * An officer's filter on the audit log. {@code personHash} is the keyed hash of the person the
 * officer named; the name or identifier itself is never kept.
 */
record AuditQuery(Instant from, Instant to, String step, Outcome outcome, String code, String participant, String messageId,
        String correlationId, String personHash, int page, int size) {

    enum Outcome {
        /** Steps without an error code. */
        OK,
        /** Steps with an error code: refusals, rejections, failures. */
        ERROR
    }

    /** What the officer asked for, as recorded with the read; a person appears only as "person=<hash prefix>". */
    String describe() {
        StringBuilder text = new StringBuilder();
        append(text, "from", from);
        append(text, "to", to);
        append(text, "step", step);
        append(text, "outcome", outcome);
        append(text, "code", code);
        append(text, "participant", participant);
        append(text, "messageId", messageId);
        append(text, "correlationId", correlationId);
        append(text, "person", personHash == null ? null : personHash.substring(0, Math.min(12, personHash.length())));
        append(text, "page", page);
        append(text, "size", size);
        return text.toString();
    }

    private static void append(StringBuilder text, String name, Object value) {
        if (value != null) {
            text.append(text.isEmpty() ? "" : " ").append(name).append('=').append(value);
        }
    }
}
