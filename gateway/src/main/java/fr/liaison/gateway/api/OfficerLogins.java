package fr.liaison.gateway.api;

import fr.liaison.gateway.config.LiaisonProperties;
import fr.liaison.schemas.error.ErrorCode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.stereotype.Component;

/**
 * Slows password guessing on the officers' logins, the login form and HTTP Basic on the officer
 * API alike: after {@link OfficerLoginProperties#maxFailures()} failed logins naming one officer,
 * that officer's logins are refused for {@link OfficerLoginProperties#lock()} without the password
 * being checked (see {@link #lockedFor}). A successful login clears the officer's count. Names that
 * are no officer's share one count, so that guessing names is slowed as well and what is kept stays
 * as small as the list of officers. Counted per name, not per address: behind a reverse proxy every
 * officer would come from the same address.
 */
@Component
public class OfficerLogins {

    private static final Logger LOG = LoggerFactory.getLogger(OfficerLogins.class);
    /** The one count of every name that is no officer's. */
    private static final String NO_OFFICER = "";

    private final Set<String> officers = new HashSet<>();
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();
    private final OfficerLoginProperties settings;
    private final Clock clock;

    OfficerLogins(LiaisonProperties properties, OfficerLoginProperties settings, Clock clock) {
        if (properties.officers() != null) {
            properties.officers().forEach(officer -> officers.add(officer.username().toLowerCase(Locale.ROOT)));
        }
        this.settings = settings;
        this.clock = clock;
    }

    /** How long logins naming {@code username} stay refused; empty when they are open. */
    public Optional<Duration> lockedFor(String username) {
        Failures current = failures.get(key(username));
        Instant now = clock.instant();
        if (current == null || current.lockedUntil == null || !current.lockedUntil.isAfter(now)) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(now, current.lockedUntil));
    }

    @EventListener
    void failed(AbstractAuthenticationFailureEvent event) {
        if (!(event.getAuthentication() instanceof UsernamePasswordAuthenticationToken attempt)) {
            return;
        }
        String key = key(attempt.getName());
        Instant now = clock.instant();
        AtomicBoolean lockedNow = new AtomicBoolean();
        failures.compute(key, (name, before) -> {
            Failures counted = before == null ? new Failures() : before;
            lockedNow.set(counted.failedAt(now, settings));
            return counted;
        });
        if (lockedNow.get()) {
            // Officers' names are no one's personal data in the sense of the exchanges; a name that is no officer's
            // may be a password typed in the wrong field, so it is never logged.
            LOG.warn("{} officer logins {} refused for {} after {} failures", ErrorCode.API_LOGIN_THROTTLED.code(),
                    key.equals(NO_OFFICER) ? "naming no officer" : "of officer " + key, settings.lock(), settings.maxFailures());
        }
    }

    @EventListener
    void succeeded(AuthenticationSuccessEvent event) {
        if (event.getAuthentication() instanceof UsernamePasswordAuthenticationToken login) {
            String key = key(login.getName());
            if (!key.equals(NO_OFFICER)) {
                failures.remove(key);
            }
        }
    }

    /** The officers' store finds a user name whatever its case: so does the count. */
    private String key(String username) {
        String lower = username == null ? null : username.toLowerCase(Locale.ROOT);
        return lower != null && officers.contains(lower) ? lower : NO_OFFICER;
    }

    /** The failures counted since {@code since}; once locked, the lock's end. Changed only inside {@code compute}. */
    private static final class Failures {
        private Instant since;
        private int count;
        private Instant lockedUntil;

        /** Counts a failure; true when it locks the logins. */
        boolean failedAt(Instant now, OfficerLoginProperties settings) {
            if (lockedUntil != null && lockedUntil.isAfter(now)) {
                return false; // already refused: a failure while locked does not lengthen the lock
            }
            if (since == null || !now.isBefore(since.plus(settings.lock()))) {
                since = now;
                count = 0;
            }
            count++;
            if (count >= settings.maxFailures()) {
                lockedUntil = now.plus(settings.lock());
                since = null;
                count = 0;
                return true;
            }
            return false;
        }
    }
}
