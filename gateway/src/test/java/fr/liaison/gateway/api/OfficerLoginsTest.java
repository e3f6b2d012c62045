package fr.liaison.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import fr.liaison.gateway.config.LiaisonProperties;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;

class OfficerLoginsTest {

    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-25T08:00:00Z"));
    private final OfficerLogins logins = new OfficerLogins(
            new LiaisonProperties(null, null, null, null, null, null,
                    List.of(new LiaisonProperties.Officer("alice", null, "a-long-password"),
                            new LiaisonProperties.Officer("bob", null, "another-long-password")),
                    null, null, null, 0, null, null, null),
            new OfficerLoginProperties(3, Duration.ofMinutes(15)), clock);

    @Test
    void theThirdFailureLocksTheOfficerForTheLockPeriodAndOnlyThatOfficer() {
        fail("alice");
        fail("alice");
        assertThat(logins.lockedFor("alice")).isEmpty();
        fail("alice");
        assertThat(logins.lockedFor("alice")).hasValue(Duration.ofMinutes(15));
        assertThat(logins.lockedFor("bob")).isEmpty();

        clock.advance(Duration.ofMinutes(10));
        assertThat(logins.lockedFor("alice")).hasValue(Duration.ofMinutes(5));
        clock.advance(Duration.ofMinutes(5));
        assertThat(logins.lockedFor("alice")).isEmpty();
    }

    @Test
    void anOfficersNameCountsWhateverItsCaseAsTheOfficersStoreFindsItSo() {
        fail("Alice");
        fail("ALICE");
        fail("alice");
        assertThat(logins.lockedFor("aLiCe")).isPresent();
        assertThat(logins.lockedFor("root")).as("not counted as names of no officer").isEmpty();
    }

    @Test
    void failuresFurtherApartThanTheLockPeriodDoNotAddUp() {
        fail("alice");
        fail("alice");
        clock.advance(Duration.ofMinutes(15));
        fail("alice");
        fail("alice");
        assertThat(logins.lockedFor("alice")).isEmpty();
        fail("alice");
        assertThat(logins.lockedFor("alice")).isPresent();
    }

    @Test
    void aSuccessfulLoginClearsTheCount() {
        fail("alice");
        fail("alice");
        logins.succeeded(new AuthenticationSuccessEvent(UsernamePasswordAuthenticationToken.authenticated("alice", null, List.of())));
        fail("alice");
        fail("alice");
        assertThat(logins.lockedFor("alice")).isEmpty();
    }

    @Test
    void namesThatAreNoOfficersShareOneCountAndNeverLockAnOfficer() {
        fail("root");
        fail("admin");
        fail("alice2");
        assertThat(logins.lockedFor("root")).isPresent();
        assertThat(logins.lockedFor("someone-else")).isPresent();
        assertThat(logins.lockedFor(null)).isPresent();
        assertThat(logins.lockedFor("alice")).isEmpty();
        assertThat(logins.lockedFor("bob")).isEmpty();
    }

    private void fail(String username) {
        logins.failed(new AuthenticationFailureBadCredentialsEvent(UsernamePasswordAuthenticationToken.unauthenticated(username, "guess"),
                new BadCredentialsException("Bad credentials")));
    }

    private static final class SettableClock extends Clock {
        private Instant now;

        SettableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
