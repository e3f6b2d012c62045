package fr.liaison.routes.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConsentRecordTest {

    private static ConsentRecord grantedAt(Instant at) {
        return new ConsentRecord("7c9e6679-7425-40de-944b-e07fc1f90ae7", "a".repeat(64), "ACCOMPAGNEMENT_GLOBAL", Set.of("FT-29"),
                Set.of("IDENTITY"), at, at.plusSeconds(86_400), "CCAS-29232", null, new byte[] {1});
    }

    /** A database keeps microseconds: a proof written with nanoseconds is the same consent once stored. */
    @Test
    void termsAreComparedToTheMicrosecondAsTheDatabaseKeepsThem() {
        Instant proof = Instant.parse("2026-11-25T08:00:00.123456789Z");
        Instant stored = Instant.parse("2026-11-25T08:00:00.123456Z");

        assertThat(grantedAt(proof).sameTermsAs(grantedAt(stored))).isTrue();
        assertThat(grantedAt(proof)).isEqualTo(grantedAt(stored)).hasSameHashCodeAs(grantedAt(stored));
        assertThat(grantedAt(proof).sameTermsAs(grantedAt(stored.plusNanos(1_000)))).as("a microsecond apart").isFalse();
    }
}
