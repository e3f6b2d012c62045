package fr.liaison.bench.suite;

import java.time.Duration;

/**
 * How long each part runs. Quick: a few minutes in all, three rounds, for a fresh clone; full:
 * five rounds of longer windows and the audit verification of one million entries.
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
record Settings(boolean quick, int rounds, Duration ceilingWarmup, Duration ceilingRound, Duration cxfWarmup, Duration cxfRound,
        Duration liaisonWarmup, Duration liaisonRound, Duration halfLoad, int auditVerifyEntries) {

    static Settings quickRun() {
        return new Settings(true, 3, Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofSeconds(4),
                Duration.ofSeconds(10), Duration.ofSeconds(6), Duration.ofSeconds(15), 100_000);
    }

    static Settings fullRun() {
        // The nodes are large applications: the JIT keeps compiling for a minute or more on a busy 2-core machine.
        return new Settings(false, 5, Duration.ofSeconds(8), Duration.ofSeconds(6), Duration.ofSeconds(20), Duration.ofSeconds(8),
                Duration.ofSeconds(90), Duration.ofSeconds(20), Duration.ofSeconds(60), 1_000_000);
    }

    /** The same with another warm-up of the nodes ({@code --liaison-warmup}). */
    Settings withLiaisonWarmup(Duration warmup) {
        return new Settings(quick, rounds, ceilingWarmup, ceilingRound, cxfWarmup, cxfRound, warmup, liaisonRound, halfLoad,
                auditVerifyEntries);
    }
}
