package fr.liaison.gateway.api;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the officers' logins resist password guessing, under {@code liaison.officer-logins.*}.
 *
 * @param maxFailures failed logins naming one name (in any case), within {@code lock} of the first
 *     of them, after which that name's logins are refused for {@code lock}, the right password too;
 *     also the most logins of one name checked at the same time
 * @param lock how long the logins stay refused, and the window in which failures are counted
 */
@ConfigurationProperties("liaison.officer-logins")
public record OfficerLoginProperties(@DefaultValue("5") int maxFailures, @DefaultValue("PT15M") Duration lock) {

    public OfficerLoginProperties {
        if (maxFailures < 1 || lock.isNegative() || lock.isZero()) {
            throw new IllegalArgumentException("liaison.officer-logins: max-failures at least 1 and a positive lock");
        }
    }
}
