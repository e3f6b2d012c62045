package fr.liaison.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.liaison.gateway.MovableClock;
import fr.liaison.gateway.config.LiaisonProperties;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.audit.InMemoryAuditTrail;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class OfficerLoginsTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-11-25T08:00:00Z"));
    private final InMemoryAuditTrail audit = new InMemoryAuditTrail();
    private final OfficerLogins logins = new OfficerLogins(
            new LiaisonProperties(null, null, null, null, null, null,
                    List.of(new LiaisonProperties.Officer("alice", null, "a-long-password"),
                            new LiaisonProperties.Officer("bob", null, "another-long-password")),
                    null, null, null, 16 << 20, null, null, null),
            new OfficerLoginProperties(3, Duration.ofMinutes(15)), clock, audit);

    @Test
    void theThirdFailureLocksTheNameForTheLockPeriodTheRightPasswordTooAndOnlyThatName() {
        fail("alice");
        fail("alice");
        logins.begin("alice").abandoned(); // not a failure
        fail("alice");
        assertLockedFor("alice", 900);
        logins.begin("bob").succeeded();
        assertThat(audit.entries()).as("the lock, once, in the audit log").singleElement().satisfies(entry -> {
            assertThat(entry.step()).isEqualTo(AuditStep.REFUSED);
            assertThat(entry.errorCode()).isEqualTo("GW-API-013");
            assertThat(entry.actor()).isEqualTo("officer login alice");
        });

        clock.advance(Duration.ofMinutes(10));
        assertLockedFor("alice", 300);
        clock.advance(Duration.ofMinutes(5));
        logins.begin("alice").succeeded();
    }

    @Test
    void failuresFurtherApartThanTheLockPeriodDoNotAddUp() {
        fail("alice");
        fail("alice");
        clock.advance(Duration.ofMinutes(15));
        fail("alice");
        fail("alice");
        logins.begin("alice").failed();
        assertLockedFor("alice", 900);
    }

    @Test
    void aSuccessfulLoginClearsTheCount() {
        fail("alice");
        fail("alice");
        logins.begin("alice").succeeded();
        fail("alice");
        fail("alice");
        logins.begin("alice").succeeded();
    }

    @Test
    void aNameCountsWhateverItsCaseAsTheOfficersStoreFindsItSo() {
        fail("Alice");
        fail("ALICE");
        fail("alice");
        assertLockedFor("aLiCe", 900);
    }

    @Test
    void aNameThatIsNoOfficersIsCountedOnItsOwnJustAsAnOfficersIsSoTheAnswersTellNothing() {
        fail("root");
        fail("root");
        fail("admin");
        fail("root");
        assertLockedFor("root", 900);
        logins.begin("admin").failed(); // two failures: still open
        logins.begin("guest").abandoned();
        logins.begin("alice").abandoned();
    }

    @Test
    void noMoreLoginsOfANameRunAtOnceThanItHasFailuresLeft() {
        fail("alice");
        OfficerLogins.Attempt first = logins.begin("alice");
        OfficerLogins.Attempt second = logins.begin("alice");
        assertThatThrownBy(() -> logins.begin("alice")).isInstanceOfSatisfying(OfficerLoginLockedException.class, busy -> {
            assertThat(busy.busy()).isTrue(); // two under way, one failure counted: none left
            assertThat(busy.retryAfterSeconds()).isEqualTo(1);
        });
        assertThatCode(() -> logins.begin("bob").abandoned()).doesNotThrowAnyException();
        first.failed();
        second.failed();
        assertLockedFor("alice", 900); // the third failure locks, the guesses under way included
    }

    @Test
    void namesThatAreNoOfficersShareABoundedNumberOfCountsHoweverManyAreTried() {
        int refused = 0;
        for (int i = 0; i < 3 * OfficerLogins.OTHER_NAME_SLOTS; i++) {
            try {
                logins.begin("name-" + i).failed();
            } catch (OfficerLoginLockedException locked) {
                refused++; // its count, shared with other names, has reached the limit
            }
        }
        assertThat(refused).isPositive();
        assertThat(logins.counts()).isLessThanOrEqualTo(OfficerLogins.OTHER_NAME_SLOTS);
        // An officer's name has its own count all the same.
        logins.begin("alice").succeeded();
        fail("alice");
        fail("alice");
        fail("alice");
        assertLockedFor("alice", 900);
    }

    private void fail(String username) {
        logins.begin(username).failed();
    }

    private void assertLockedFor(String username, long seconds) {
        assertThatThrownBy(() -> logins.begin(username)).isInstanceOfSatisfying(OfficerLoginLockedException.class, locked -> {
            assertThat(locked.busy()).isFalse();
            assertThat(locked.retryAfterSeconds()).isEqualTo(seconds);
        });
    }
}
