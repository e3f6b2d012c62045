package fr.liaison.bench.suite;

import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.envelope.EnvelopeOpener;
import fr.liaison.routes.envelope.EnvelopeSealer;
import fr.liaison.routes.keys.KeyMaterial;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ceiling: the bare CMS seal and open of Liaison's envelope (sender signs and encrypts for the
 * recipient, recipient decrypts and runs every check of the opener), nothing else, on two threads.
 */
final class CeilingBench {

    private static final int THREADS = 2;

    private final EnvelopeSealer sealer;
    private final EnvelopeOpener opener;
    private final X509Certificate recipientCertificate;
    private final String senderId;

    CeilingBench(Path certsDev, Directory directory, String senderId, String recipientId) {
        this.senderId = senderId;
        this.sealer = new EnvelopeSealer(KeyMaterial.fromCertsDev(certsDev, senderId));
        this.opener = new EnvelopeOpener(KeyMaterial.fromCertsDev(certsDev, recipientId), directory);
        this.recipientCertificate = directory.require(recipientId).encryptionCertificate();
    }

    /** @param throughput cycles per second; @param cpuMillis CPU time of the whole JVM per cycle, ms */
    record Result(Rounds throughput, Rounds cpuMillis, SteadyState.Outcome warmup) {
    }

    /** Seal-and-open cycles per second, one value per measured round, after a warm-up. */
    Result measure(byte[] payload, Settings settings) throws InterruptedException {
        SteadyState.Outcome[] warmup = new SteadyState.Outcome[1];
        run(payload, () -> warmup[0] = SteadyState.await(List.of(ProcessHandle.current().pid()),
                settings.ceilingWarmup().minimum(), settings.ceilingWarmup().maximum()), null);
        List<Double> rounds = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        for (int round = 0; round < settings.rounds(); round++) {
            double[] cpuPerCycle = new double[1];
            rounds.add(run(payload, () -> Thread.sleep(settings.ceilingRound().toMillis()), cpuPerCycle));
            cpu.add(cpuPerCycle[0]);
        }
        return new Result(new Rounds(rounds), new Rounds(cpu), warmup[0]);
    }

    /** What the load runs for: a fixed round or a warm-up. */
    private interface Window {
        void await() throws InterruptedException;
    }

    private double run(byte[] payload, Window window, double[] cpuMillisPerCycle) throws InterruptedException {
        LongAdder cycles = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            Thread thread = new Thread(() -> {
                while (!stop.get()) {
                    opener.open(sealer.seal(payload, recipientCertificate), senderId);
                    cycles.increment();
                }
            }, "ceiling-" + i);
            thread.start();
            threads.add(thread);
        }
        long start = System.nanoTime();
        long before = cycles.sum();
        long cpuBefore = JvmProcesses.cpuNanos(ProcessHandle.current().pid());
        window.await();
        long counted = cycles.sum() - before;
        if (cpuMillisPerCycle != null) {
            cpuMillisPerCycle[0] = (JvmProcesses.cpuNanos(ProcessHandle.current().pid()) - cpuBefore) / 1e6 / Math.max(1, counted);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        return counted / seconds;
    }
}
