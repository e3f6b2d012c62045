package fr.liaison.gateway.api;

import java.time.Duration;

import org.springframework.security.core.AuthenticationException;

/** A login refused before its password was checked ({@link OfficerLogins}): {@code GW-API-013}. */
public final class OfficerLoginLockedException extends AuthenticationException {

    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;
    private final boolean busy;

    OfficerLoginLockedException(Duration retryAfter, boolean busy) {
        super(busy ? "as many logins of this name are under way as it has failures left" : "logins of this name are refused for now");
        this.retryAfter = retryAfter;
        this.busy = busy;
    }

    /** Refused only until one of the logins under way ends, not locked. */
    public boolean busy() {
        return busy;
    }

    /** Whole seconds until a login may be tried again, at least one ({@code Retry-After}). */
    public long retryAfterSeconds() {
        long seconds = retryAfter.toSeconds() + (retryAfter.toNanosPart() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }
}
