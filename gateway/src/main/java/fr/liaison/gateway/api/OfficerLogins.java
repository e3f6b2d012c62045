package fr.liaison.gateway.api;

import fr.liaison.gateway.config.LiaisonProperties;
import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.audit.AuditTrail;
import fr.liaison.schemas.error.ErrorCode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Slows password guessing on the officers' logins, the login form and HTTP Basic on the officer
 * API alike, from inside their authentication ({@link ThrottledOfficerAuthentication}), so that the
 * name counted is the one whose password is checked, in the case the officers' store ignores.
 * <ul>
 * <li>After {@link OfficerLoginProperties#maxFailures()} failed logins within
 * {@link OfficerLoginProperties#lock()} of the first, the name's logins are refused for that period
 * without the password being checked, the right one too. Only the end of the period (or a restart)
 * opens them again.</li>
 * <li>No more logins of one name run at the same time than it has failures left, so that parallel
 * guesses cannot all be checked before the first failure is counted.</li>
 * <li>A successful login clears the name's failures.</li>
 * </ul>
 * Each officer's name has a count of its own. Every other name is counted by the same rules in one
 * of {@link #OTHER_NAME_SLOTS} counts, chosen by a keyed hash of the name: memory stays bounded
 * however many names are tried, names that can never log in are all that share a count, and the
 * answers do not tell an officer's name from another. Counted per name, not per address: behind a
 * reverse proxy every officer would come from the same address.
 */
@Component
public class OfficerLogins {

    static final int OTHER_NAME_SLOTS = 65_536;

    private static final Logger LOG = LoggerFactory.getLogger(OfficerLogins.class);

    private final Set<String> officers = new HashSet<>();
    /** The counts: {@code officer <name>} for each officer's name, {@code other <n>} for the shared slots. */
    private final Map<String, Attempts> byName = new ConcurrentHashMap<>();
    private final byte[] slotKey = new byte[32];
    private final OfficerLoginProperties settings;
    private final Clock clock;
    private final AuditTrail audit;
    private final String participantId;

    OfficerLogins(LiaisonProperties properties, OfficerLoginProperties settings, Clock clock, AuditTrail audit) {
        if (properties.officers() != null) {
            properties.officers().forEach(officer -> officers.add(normalised(officer.username())));
        }
        this.settings = settings;
        this.clock = clock;
        this.audit = audit;
        this.participantId = properties.participantId();
        new SecureRandom().nextBytes(slotKey);
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
        boolean officer = officers.contains(name);
        String key = officer ? "officer " + name : "other " + slot(name);
        Instant now = clock.instant();
        AtomicReference<OfficerLoginLockedException> refused = new AtomicReference<>();
        byName.compute(key, (k, before) -> {
            Attempts attempts = before == null ? new Attempts() : before;
            refused.set(attempts.begin(now, settings));
            return attempts;
        });
        if (refused.get() != null) {
            throw refused.get();
        }
        return new Attempt() {
            @Override
            public void succeeded() {
                byName.computeIfPresent(key, (k, attempts) -> attempts.succeeded() ? null : attempts);
            }

            @Override
            public void failed() {
                Instant at = clock.instant();
                boolean[] locked = {false};
                byName.computeIfPresent(key, (k, attempts) -> {
                    locked[0] = attempts.failed(at, settings);
                    return attempts;
                });
                if (!locked[0]) {
                    return;
                }
                // An officer's name is no one's personal data in the exchanges' sense; another name may be
                // a password typed in the wrong field, so it is never logged.
                if (officer) {
                    LOG.warn("{} logins of officer {} refused for {} after {} failures", ErrorCode.API_LOGIN_THROTTLED.code(),
                            name, settings.lock(), settings.maxFailures());
                    // In the tamper-evident log too, for the security officers: at most once per officer and period.
                    try {
                        audit.append(new AuditEntry(at, AuditStep.REFUSED, null, null, null, participantId, null, null, null, null,
                                null, ErrorCode.API_LOGIN_THROTTLED.code(), "officer login " + name, null));
                    } catch (RuntimeException e) {
                        LOG.warn("{} the lock of officer {} could not be audited: {}", ErrorCode.API_LOGIN_THROTTLED.code(), name,
                                e.getClass().getSimpleName());
                    }
                } else {
                    LOG.info("{} logins of a name that is no officer's refused for {} after {} failures",
                            ErrorCode.API_LOGIN_THROTTLED.code(), settings.lock(), settings.maxFailures());
                }
            }

            @Override
            public void abandoned() {
                byName.computeIfPresent(key, (k, attempts) -> attempts.abandoned() ? null : attempts);
            }
        };
    }

    /** How many counts are kept (for tests: bounded however many names are tried). */
    int counts() {
        return byName.size();
    }

    /** As the officers' store finds a name: whatever its case. */
    private static String normalised(String username) {
        return username == null ? "" : username.toLowerCase(Locale.ROOT);
    }

    /** The count of a name that is no officer's: keyed by this run's secret, so no one can aim at one. */
    private int slot(String name) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(slotKey, "HmacSHA256"));
            byte[] digest = mac.doFinal(name.getBytes(StandardCharsets.UTF_8));
            return Math.floorMod(ByteBuffer.wrap(digest).getInt(), OTHER_NAME_SLOTS);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The logins of one name. Changed only inside the map's {@code compute}, one name at a time. */
    private static final class Attempts {
        private Instant firstFailure;
        private int failures;
        private int underWay;
        private Instant lockedUntil;

        /** Counts a login under way; the refusal instead, when it must wait. */
        OfficerLoginLockedException begin(Instant now, OfficerLoginProperties settings) {
            if (lockedUntil != null && lockedUntil.isAfter(now)) {
                return new OfficerLoginLockedException(Duration.between(now, lockedUntil), false);
            }
            lockedUntil = null;
            forgetOldFailures(now, settings);
            if (failures + underWay >= settings.maxFailures()) {
                // As many under way as failures left: the next may start once one of them ends.
                return new OfficerLoginLockedException(Duration.ofSeconds(1), true);
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

        private void forgetOldFailures(Instant now, OfficerLoginProperties settings) {
            if (firstFailure != null && !now.isBefore(firstFailure.plus(settings.lock()))) {
                firstFailure = null;
                failures = 0;
            }
        }
    }
}
