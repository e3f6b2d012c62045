package fr.liaison.bench.suite;

import java.time.Duration;

/**
 * How long each part runs. Quick: a few minutes in all, three rounds, for a fresh clone; full:
 * five rounds of longer windows, warm-ups until the JIT has settled, and the audit verification of
 * one million entries.
 *
 * @param rounds measured rounds of every throughput figure
 * @param ceilingWarmup warm-up of the in-process seal-and-open loop
 * @param ceilingRound one measured round of it
 * @param cxfWarmup warm-up of the WS-Security baseline (its JIT and its connections)
 * @param cxfRound one measured round of it
 * @param liaisonWarmup warm-up of the two nodes at saturation
 * @param liaisonRound one measured round of the nodes at saturation
 * @param halfLoad the latency window at half of the saturated throughput
 * @param auditVerifyEntries entries of the exported chain that is verified
 */
record Settings(boolean quick, int rounds, Warmup ceilingWarmup, Duration ceilingRound, Warmup cxfWarmup, Duration cxfRound,
        Warmup liaisonWarmup, Duration liaisonRound, Duration halfLoad, int auditVerifyEntries) {

    /**
     * A warm-up under load: at least {@code minimum}, then until the JIT has settled
     * ({@link SteadyState}), at most {@code maximum}.
     */
    record Warmup(Duration minimum, Duration maximum) {

        static Warmup seconds(long minimum, long maximum) {
            return new Warmup(Duration.ofSeconds(minimum), Duration.ofSeconds(maximum));
        }
    }

    static Settings quickRun() {
        // A few minutes in all: the nodes' JIT has not settled by then, so the quick ratios understate them.
        return new Settings(true, 3, Warmup.seconds(5, 20), Duration.ofSeconds(3), Warmup.seconds(10, 45), Duration.ofSeconds(4),
                Warmup.seconds(20, 100), Duration.ofSeconds(6), Duration.ofSeconds(15), 100_000);
    }

    static Settings fullRun() {
        // The nodes are large applications: on a 2-core machine their JIT keeps compiling for minutes under load.
        return new Settings(false, 5, Warmup.seconds(8, 60), Duration.ofSeconds(6), Warmup.seconds(20, 300), Duration.ofSeconds(8),
                Warmup.seconds(90, 600), Duration.ofSeconds(20), Duration.ofSeconds(60), 1_000_000);
    }

    /** The same with a fixed warm-up of the nodes ({@code --liaison-warmup}). */
    Settings withLiaisonWarmup(Duration warmup) {
        return new Settings(quick, rounds, ceilingWarmup, ceilingRound, cxfWarmup, cxfRound, new Warmup(warmup, warmup), liaisonRound,
                halfLoad, auditVerifyEntries);
    }
}
