package fr.liaison.bench.suite;

import fr.liaison.bench.AuditAppendBenchmark;
import fr.liaison.bench.AuditVerifyBenchmark;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The audit log's two figures, through the JMH benchmarks of the bench module (each in its own
 * forked JVM): the append rate through the node's group-commit writer (batch of 256, the node's
 * default, on the node's H2 file database) and the offline verification of an exported chain
 * against plain SHA-256 of the same file.
 */
final class AuditBench {

    /**
     * @param appendPerSecond entries per second, 8 appending threads, batch 256
     * @param unbatchedPerSecond the same with batch 1 (full run only, else null)
     * @param verifyMillis verification of the whole export, ms
     * @param sha256Millis SHA-256 of the same file, ms
     */
    record Result(Rounds appendPerSecond, Rounds unbatchedPerSecond, Rounds verifyMillis, Rounds sha256Millis, int entries) {
    }

    private final String certsDev;

    AuditBench(String certsDev) {
        this.certsDev = certsDev;
    }

    Result measure(Settings settings) throws RunnerException {
        Rounds batched = append("256", settings);
        Rounds unbatched = settings.quick() ? null : append("1", settings);
        Collection<RunResult> verification = new Runner(base(settings)
                .include(AuditVerifyBenchmark.class.getName() + "\\.(verify|sha256)$")
                .param("entries", Integer.toString(settings.auditVerifyEntries()))
                .warmupIterations(1).measurementIterations(settings.rounds())
                .build()).run();
        Rounds verify = null;
        Rounds sha256 = null;
        for (RunResult result : verification) {
            if (result.getParams().getBenchmark().endsWith(".verify")) {
                verify = iterations(result);
            } else {
                sha256 = iterations(result);
            }
        }
        return new Result(batched, unbatched, verify, sha256, settings.auditVerifyEntries());
    }

    private Rounds append(String batchSize, Settings settings) throws RunnerException {
        Collection<RunResult> results = new Runner(base(settings)
                .include(AuditAppendBenchmark.class.getName() + "\\.append8Threads$")
                .param("database", "H2").param("batchSize", batchSize)
                .warmupIterations(settings.quick() ? 1 : 2).warmupTime(TimeValue.seconds(2))
                .measurementIterations(settings.rounds()).measurementTime(TimeValue.seconds(settings.quick() ? 2 : 3))
                .build()).run();
        return iterations(results.iterator().next());
    }

    private ChainedOptionsBuilder base(Settings settings) {
        return new OptionsBuilder().forks(1).shouldFailOnError(true).verbosity(VerboseMode.SILENT)
                .jvmArgsAppend("-Xms1g", "-Xmx1g", "-Dliaison.certs-dev=" + certsDev);
    }

    private static Rounds iterations(RunResult result) {
        List<Double> values = new ArrayList<>();
        for (BenchmarkResult benchmark : result.getBenchmarkResults()) {
            for (IterationResult iteration : benchmark.getIterationResults()) {
                values.add(iteration.getPrimaryResult().getScore());
            }
        }
        return new Rounds(values);
    }
}
