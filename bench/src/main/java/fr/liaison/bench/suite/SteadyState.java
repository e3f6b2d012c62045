package fr.liaison.bench.suite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Warm-up until the JIT has settled. A node is a large application: on a 2-core machine its JIT
 * compiler threads keep compiling for minutes under load, and while they do, they take a core
 * from the application and what runs is still partly interpreted. Measuring then says how fast a
 * node is in its first minutes, not how fast it runs. So every part is kept under its load until
 * the compiler threads of all its JVMs have used less than {@link #SETTLED} of those JVMs' CPU over
 * the last {@link #WINDOW}, within a minimum and a maximum; the report says how long that took and
 * what share the JIT still had.
 */
final class SteadyState {

    /** Compiler threads' share of the JVMs' CPU below which the JIT counts as settled. */
    static final double SETTLED = 0.05;

    /** The window the share is taken over. */
    static final Duration WINDOW = Duration.ofSeconds(20);

    private static final Duration POLL = Duration.ofSeconds(5);

    /**
     * What a warm-up came to.
     *
     * @param took how long the load ran before measuring
     * @param jitShare the compiler threads' share of the JVMs' CPU over the last window
     * @param settled whether that share fell below {@link #SETTLED} before the maximum
     */
    record Outcome(Duration took, double jitShare, boolean settled) {
    }

    private SteadyState() {
    }

    /**
     * Waits, the load running, at least {@code minimum} and until the JIT has settled in every one of
     * {@code pids}, at most {@code maximum}.
     */
    static Outcome await(List<Long> pids, Duration minimum, Duration maximum) throws InterruptedException {
        long start = System.nanoTime();
        int windowPolls = (int) (WINDOW.toMillis() / POLL.toMillis());
        long[][] history = new long[windowPolls + 1][];
        int polls = 0;
        double share = Double.NaN;
        while (true) {
            history[polls % history.length] = sample(pids);
            polls++;
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (polls > windowPolls) {
                long[] now = history[(polls - 1) % history.length];
                long[] then = history[polls % history.length];
                share = share(then, now);
                if (elapsed.compareTo(minimum) >= 0 && share < SETTLED) {
                    return new Outcome(elapsed, share, true);
                }
            }
            if (elapsed.compareTo(maximum) >= 0) {
                return new Outcome(elapsed, share, false);
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** The compiler threads' share of the CPU between two samples; NaN without /proc. */
    private static double share(long[] then, long[] now) {
        if (then[0] < 0 || now[0] < 0 || now[0] == then[0]) {
            return Double.NaN;
        }
        return (double) (now[1] - then[1]) / (now[0] - then[0]);
    }

    /** {all threads' CPU ticks, compiler threads' CPU ticks} of the processes; {-1, -1} without /proc. */
    private static long[] sample(List<Long> pids) {
        long all = 0;
        long compiler = 0;
        for (long pid : pids) {
            Path process = Path.of("/proc", Long.toString(pid));
            // The process's figure counts threads that have ended too.
            long processTicks = JvmProcesses.cpuTicks(process);
            if (processTicks < 0) {
                return new long[] {-1, -1};
            }
            all += processTicks;
            try (Stream<Path> threads = Files.list(process.resolve("task"))) {
                for (Path thread : (Iterable<Path>) threads::iterator) {
                    if (isCompiler(thread)) {
                        // A thread that has ended meanwhile counts for nothing.
                        compiler += Math.max(0, JvmProcesses.cpuTicks(thread));
                    }
                }
            } catch (IOException | RuntimeException e) {
                return new long[] {-1, -1};
            }
        }
        return new long[] {all, compiler};
    }

    private static boolean isCompiler(Path thread) {
        try {
            String name = Files.readString(thread.resolve("comm")).strip();
            // HotSpot names them "C1 CompilerThre..." and "C2 CompilerThre..." (15 characters kept).
            return name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre");
        } catch (IOException e) {
            return false; // the thread has ended
        }
    }
}
