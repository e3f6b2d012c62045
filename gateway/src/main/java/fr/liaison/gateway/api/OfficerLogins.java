package fr.liaison.gateway.api;

import fr.liaison.gateway.config.LiaisonProperties;
import fr.liaison.schemas.error.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Slows password guessing on the officers' logins, the login form and HTTP Basic on the officer
 * API alike, from inside their authentication ({@link ThrottledOfficerAuthentication}), so that the
 * name counted is the one whose password is checked. Each name is counted on its own, in the case
 * the officers' store ignores, whether an officer has it or not, so that the answers tell no one
 * which names are officers'.
 * <ul>
 * <li>After {@link OfficerLoginProperties#maxFailures()} failed logins within
 * {@link OfficerLoginProperties#lock()} of the first, the name's logins are refused for that period
 * without the password being checked, the right one too. Only the end of the period (or a restart)
 * opens them again.</li>
 * <li>No more logins of one name run at the same time than it has failures left, so that parallel
 * guesses cannot all be checked before the first failure is counted.</li>
 * <li>A successful login clears the name's failures.</li>
 * </ul>
 * Counted per name, not per address: behind a reverse proxy every officer would come from the same
 * address. Names are kept as SHA-256 digests, at most {@link #MAX_NAMES} at a time besides the
 * officers', so that a flood of names costs bounded memory (when full, a new name that is no
 * officer's is not counted until the idle ones are dropped).
 */
@Component
public class OfficerLogins {

    static final int MAX_NAMES = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(OfficerLogins.class);

    private final Set<String> officers = new HashSet<>();
    private final Map<String, Attempts> byName = new ConcurrentHashMap<>();
    private final OfficerLoginProperties settings;
    private final Clock clock;

    OfficerLogins(LiaisonProperties properties, OfficerLoginProperties settings, Clock clock) {
        if (properties.officers() != null) {
            properties.officers().forEach(officer -> officers.add(normalised(officer.username())));
        }
        this.settings = settings;
        this.clock = clock;
    }

    /** One login under way; ends with exactly one of its methods. */
    public interface Attempt {
        void succeeded();

        void failed();

        /** Neither: the check itself could not be made. */
        void abandoned();
    }

    /**
     * Starts a login naming {@code username}.
     *
     * @throws OfficerLoginLockedException while that name's logins are refused, or while as many of
     *     its logins are under way as it has failures left
     */
    public Attempt begin(String username) {
        String name = normalised(username);
        String key = digest(name);
        boolean officer = officers.contains(name);
        Instant now = clock.instant();
        if (!officer && byName.size() >= MAX_NAMES) {
            byName.keySet().forEach(other -> byName.computeIfPresent(other, (k, attempts) -> attempts.idle(now, settings) ? null : attempts));
        }
        AtomicReference<Duration> refusedFor = new AtomicReference<>();
        Attempts counted = byName.compute(key, (k, before) -> {
            Attempts attempts = before;
            if (attempts == null) {
                if (!officer && byName.size() >= MAX_NAMES) {
                    return null; // full of other names: this one is not counted for now
                }
                attempts = new Attempts();
            }
            refusedFor.set(attempts.begin(now, settings));
            return attempts;
        });
        if (refusedFor.get() != null) {
            throw new OfficerLoginLockedException(refusedFor.get());
        }
        if (counted == null) {
            return UNCOUNTED;
        }
        return new Attempt() {
            @Override
            public void succeeded() {
                byName.computeIfPresent(key, (k, attempts) -> attempts.succeeded() ? null : attempts);
            }

            @Override
            public void failed() {
                Instant at = clock.instant();
                byName.computeIfPresent(key, (k, attempts) -> {
                    if (attempts.failed(at, settings)) {
                        // An officer's name is no one's personal data in the exchanges' sense; another name may be
                        // a password typed in the wrong field, so it is never logged.
                        if (officer) {
                            LOG.warn("{} logins of officer {} refused for {} after {} failures", ErrorCode.API_LOGIN_THROTTLED.code(),
                                    name, settings.lock(), settings.maxFailures());
                        } else {
                            LOG.info("{} logins of a name that is no officer's refused for {} after {} failures",
                                    ErrorCode.API_LOGIN_THROTTLED.code(), settings.lock(), settings.maxFailures());
                        }
                    }
                    return attempts;
                });
            }

            @Override
            public void abandoned() {
                byName.computeIfPresent(key, (k, attempts) -> attempts.abandoned() ? null : attempts);
            }
        };
    }

    private static final Attempt UNCOUNTED = new Attempt() {
        @Override
        public void succeeded() {
        }

        @Override
        public void failed() {
        }

        @Override
        public void abandoned() {
        }
    };

    /** As the officers' store finds a name: whatever its case. */
    private static String normalised(String username) {
        return username == null ? "" : username.toLowerCase(Locale.ROOT);
    }

    private static String digest(String name) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The logins of one name. Changed only inside the map's {@code compute}, one name at a time. */
    private static final class Attempts {
        private Instant firstFailure;
        private int failures;
        private int underWay;
        private Instant lockedUntil;

        /** Counts a login under way; how long it must wait instead, when it is refused. */
        Duration begin(Instant now, OfficerLoginProperties settings) {
            if (lockedUntil != null && lockedUntil.isAfter(now)) {
                return Duration.between(now, lockedUntil);
            }
            lockedUntil = null;
            forgetOldFailures(now, settings);
            if (failures + underWay >= settings.maxFailures()) {
                return Duration.ofSeconds(1); // as many under way as failures left: the next may start once one ends
            }
            underWay++;
            return null;
        }

        /** True when the name's record can be dropped. */
        boolean succeeded() {
            underWay--;
            failures = 0;
            firstFailure = null;
            return underWay == 0;
        }

        /** True when this failure locks the name. */
        boolean failed(Instant now, OfficerLoginProperties settings) {
            underWay--;
            forgetOldFailures(now, settings);
            if (firstFailure == null) {
                firstFailure = now;
            }
            failures++;
            if (failures < settings.maxFailures()) {
                return false;
            }
            lockedUntil = now.plus(settings.lock());
            failures = 0;
            firstFailure = null;
            return true;
        }

        boolean abandoned() {
            underWay--;
            return underWay == 0 && failures == 0 && lockedUntil == null;
        }

        boolean idle(Instant now, OfficerLoginProperties settings) {
            forgetOldFailures(now, settings);
            return underWay == 0 && failures == 0 && (lockedUntil == null || !lockedUntil.isAfter(now));
        }

        private void forgetOldFailures(Instant now, OfficerLoginProperties settings) {
            if (firstFailure != null && !now.isBefore(firstFailure.plus(settings.lock()))) {
                firstFailure = null;
                failures = 0;
            }
        }
    }
}
