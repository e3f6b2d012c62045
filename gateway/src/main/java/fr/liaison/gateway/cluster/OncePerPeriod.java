package fr.liaison.gateway.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a scheduled job at most once per period across the instances of a node. Every instance's
 * timer fires; the first to take the job's lock runs it and keeps the lock for most of the period
 * (95 %), so a sibling whose timer fires later in the same period skips it. A run is recorded by one
 * INFO line ({@code scheduled job <name> ran}) and the counter
 * {@code liaison_scheduled_runs_total{job}}, so that an operator sees which instance ran each period.
 * The lock is released at the latest after twice the period (at least two minutes): an instance
 * killed while it held the lock delays the job by no more. A single node (the cluster profile off)
 * has no sibling and takes no lock: restarted, it runs its jobs at once, as before.
 */
public final class OncePerPeriod {

    private static final Logger LOG = LoggerFactory.getLogger(OncePerPeriod.class);
    private static final Duration SHORTEST_HOLD = Duration.ofMinutes(2);

    private final LockingTaskExecutor executor;
    private final boolean shared;

    OncePerPeriod(LockingTaskExecutor executor, boolean shared) {
        this.executor = executor;
        this.shared = shared;
    }

    /** Runs {@code job} unless another instance ran it less than a period ago; returns whether it ran. */
    public boolean run(String name, Duration period, Runnable job) {
        return call(name, period, () -> {
            job.run();
            return Boolean.TRUE;
        }) != null;
    }

    /** As {@link #run}, with the job's result, or null when it did not run here. */
    public <T> T call(String name, Duration period, Supplier<T> job) {
        Duration atLeast = period.multipliedBy(95).dividedBy(100);
        Duration atMost = period.multipliedBy(2).compareTo(SHORTEST_HOLD) < 0 ? SHORTEST_HOLD : period.multipliedBy(2);
        LockingTaskExecutor.TaskWithResult<T> task = () -> {
            Counter.builder("liaison.scheduled.runs").description("Runs on this instance of a job scheduled once across the instances")
                    .tag("job", name).register(Metrics.globalRegistry).increment();
            LOG.info("scheduled job {} ran", name);
            return job.get();
        };
        try {
            if (!shared) {
                return task.call();
            }
            var result = executor.executeWithLock(task, new LockConfiguration(Instant.now(), name, atMost, atLeast));
            return result.wasExecuted() ? result.getResult() : null;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("scheduled job " + name + " failed", e);
        }
    }
}
