package fr.liaison.gateway.api;

/**
 * How many entries a list (inbox, referrals, dead letters) may be asked for: 1 to 1,000. Anything
 * else is a malformed request (400 {@code GW-API-009}, audited), not quietly changed into a list of
 * another length.
 */
public final class ListLimit {

    public static final int MAX = 1000;

    private ListLimit() {
    }

    public static int checked(int limit) {
        if (limit < 1 || limit > MAX) {
            throw new OutOfRange(limit);
        }
        return limit;
    }

    /** Answered by {@code ProblemHandler}, or as a fault by the SOAP service. */
    public static final class OutOfRange extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OutOfRange(int limit) {
            super("limit must be 1 to " + MAX + ", not " + limit, null, false, false);
        }
    }
}
