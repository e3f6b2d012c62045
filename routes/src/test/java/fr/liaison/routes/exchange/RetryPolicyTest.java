package fr.liaison.routes.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy.Schedule schedule = new RetryPolicy.Schedule(5, Duration.ofSeconds(2), Duration.ofSeconds(10));

    @Test
    void delaysDoubleUpToTheMaximumEachDrawnBetweenHalfAndAll() {
        SplittableRandom random = new SplittableRandom(42);
        long[] full = {2_000, 4_000, 8_000, 10_000, 10_000, 10_000};
        for (int triesMade = 1; triesMade <= full.length; triesMade++) {
            for (int draw = 0; draw < 200; draw++) {
                assertThat(schedule.delayAfter(triesMade, random).toMillis())
                        .isBetween(full[triesMade - 1] / 2, full[triesMade - 1]);
            }
        }
    }

    @Test
    void jitterSpreadsTheDelays() {
        SplittableRandom random = new SplittableRandom(7);
        assertThat(IntStream.range(0, 50).mapToObj(i -> schedule.delayAfter(3, random)).distinct().count()).isGreaterThan(10);
    }

    @Test
    void theLastTryHasNoSuccessor() {
        assertThat(schedule.triesLeftAfter(4)).isTrue();
        assertThat(schedule.triesLeftAfter(5)).isFalse();
    }

    @Test
    void aPeerMayHaveItsOwnScheduleAndOthersGetTheDefaults() {
        RetryPolicy.Schedule patient = new RetryPolicy.Schedule(30, Duration.ofSeconds(5), Duration.ofMinutes(30));
        RetryPolicy policy = new RetryPolicy(schedule, Map.of("CD-29", patient));
        assertThat(policy.forPeer("CD-29")).isEqualTo(patient);
        assertThat(policy.forPeer("FT-29")).isEqualTo(schedule);
    }

    @Test
    void hugeTriesCountsStayAtTheMaximum() {
        assertThat(schedule.delayAfter(10_000, new SplittableRandom(1))).isLessThanOrEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> new RetryPolicy.Schedule(0, Duration.ofSeconds(1), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy.Schedule(3, Duration.ofSeconds(5), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
