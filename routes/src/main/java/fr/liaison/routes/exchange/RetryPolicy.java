package fr.liaison.routes.exchange;

import java.time.Duration;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * How delivery is tried again: towards a peer node, {@code attempts} tries in all, the delay
 * doubling from {@code initialDelay} up to {@code maximumDelay}, each delay drawn between half and
 * all of that ("equal jitter", so that nodes coming back do not all try at once); a peer may have
 * its own settings. The local software's webhook is tried with the default delays, without end.
 */
public record RetryPolicy(Schedule defaults, Map<String, Schedule> peers) {

    public RetryPolicy {
        peers = Map.copyOf(peers);
    }

    public RetryPolicy(int attempts, Duration initialDelay, Duration maximumDelay) {
        this(new Schedule(attempts, initialDelay, maximumDelay), Map.of());
    }

    /** The schedule for a peer: its own, else the defaults. */
    public Schedule forPeer(String participantId) {
        return peers.getOrDefault(participantId, defaults);
    }

    /**
     * @param attempts tries in all, the first included
     * @param initialDelay delay before the second try
     * @param maximumDelay longest delay between two tries
     */
    public record Schedule(int attempts, Duration initialDelay, Duration maximumDelay) {

        public Schedule {
            if (attempts < 1) {
                throw new IllegalArgumentException("at least one attempt");
            }
            if (initialDelay.isNegative() || maximumDelay.compareTo(initialDelay) < 0) {
                throw new IllegalArgumentException("delays must grow from the initial to the maximum");
            }
        }

        /** Whether another try follows the {@code triesMade} already made. */
        public boolean triesLeftAfter(int triesMade) {
            return triesMade < attempts;
        }

        /** The delay after {@code triesMade} tries: doubled each time, capped, jittered. */
        public Duration delayAfter(int triesMade, RandomGenerator random) {
            long initial = initialDelay.toMillis();
            int doublings = Math.min(Math.max(triesMade - 1, 0), 40);
            long full = initial > maximumDelay.toMillis() >> doublings ? maximumDelay.toMillis() : initial << doublings;
            long half = full / 2;
            return Duration.ofMillis(half + (full - half == 0 ? 0 : random.nextLong(full - half + 1)));
        }
    }
}
