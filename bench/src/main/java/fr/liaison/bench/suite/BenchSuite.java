package fr.liaison.bench.suite;

import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.SignedDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code liaison bench}: in one run, the ceiling (bare CMS seal and open), the CXF WS-Security
 * baseline, Liaison end to end between two nodes, and the audit log; then the report with the
 * ratios. {@code --quick} runs shorter rounds and writes its report under the build directory;
 * the full run writes {@code docs/benchmarks.md} and its chart.
 */
public final class BenchSuite {

    static final String SENDER = "FT-25";
    static final String RECIPIENT = "CD-25";

    private BenchSuite() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        boolean profile = true;
        Path out = null;
        Duration liaisonWarmup = null;
        Set<String> parts = Set.of("ceiling", "cxf", "liaison", "audit");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--no-profile" -> profile = false;
                case "--out" -> out = Path.of(args[++i]);
                case "--only" -> parts = Set.of(args[++i].split(","));
                case "--liaison-warmup" -> liaisonWarmup = Duration.ofSeconds(Long.parseLong(args[++i]));
                case "-h", "--help" -> {
                    System.out.println("usage: liaison bench [--quick] [--out DIR] [--only ceiling,cxf,liaison,audit] [--liaison-warmup SECONDS] [--no-profile]");
                    return;
                }
                default -> {
                    System.err.println("liaison bench: unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        Path home = Path.of(System.getProperty("liaison.home", ".")).toAbsolutePath().normalize();
        Path certsDev = home.resolve("certs-dev");
        Path jar = home.resolve("gateway/target/liaison.jar");
        Settings settings = quick ? Settings.quickRun() : Settings.fullRun();
        if (liaisonWarmup != null) {
            settings = settings.withLiaisonWarmup(liaisonWarmup);
        }
        if (out == null) {
            out = quick ? home.resolve("bench/target/bench-quick") : home.resolve("docs");
        }
        Path work = home.resolve("bench/target/bench-work");
        LiaisonBench.deleteRecursively(work);
        Files.createDirectories(work);
        Files.createDirectories(out);

        Report report = new Report(settings, Machine.describe(), Instant.now());
        Directory directory = SignedDirectory.loadCertsDev(certsDev, Clock.systemUTC());
        Payloads payloads = new Payloads(home.resolve("schemas/samples"), SENDER, RECIPIENT);
        Map<Integer, byte[]> documents = new LinkedHashMap<>();
        for (int size : List.of(Payloads.SMALL, Payloads.LARGE)) {
            documents.put(size, payloads.document(size));
        }
        say("liaison bench (%s): %s -> %s, payloads of 4 KiB and 64 KiB, %d rounds per figure; work files in %s",
                quick ? "quick" : "full", SENDER, RECIPIENT, settings.rounds(), home.relativize(work));

        if (parts.contains("ceiling")) {
            CeilingBench ceiling = new CeilingBench(certsDev, directory, SENDER, RECIPIENT);
            for (Map.Entry<Integer, byte[]> document : documents.entrySet()) {
                CeilingBench.Result result = ceiling.measure(document.getValue(), settings);
                report.ceiling(document.getKey(), result);
                say("  ceiling, seal + open, 2 threads, %s: %s per second, %s ms CPU each (warm-up %s)", Report.size(document.getKey()),
                        result.throughput().describe(), result.cpuMillis().describe(), Report.warmup(result.warmup()));
            }
        }
        if (parts.contains("cxf")) {
            try (CxfWssBench cxf = new CxfWssBench(certsDev, work, RECIPIENT, SENDER)) {
                for (Map.Entry<Integer, byte[]> document : documents.entrySet()) {
                    CxfWssBench.Result result = cxf.measure(document.getValue(), settings);
                    report.cxf(document.getKey(), result);
                    say("  CXF + WSS4J, %d in flight, %s: %s per second, %s ms CPU each (warm-up %s)", CxfWssBench.IN_FLIGHT,
                            Report.size(document.getKey()), result.throughput().describe(), result.cpuMillis().describe(),
                            Report.warmup(result.warmup()));
                }
            }
        }
        if (parts.contains("liaison")) {
            say("  Liaison: starting %s and %s (separate JVMs)...", SENDER, RECIPIENT);
            try (LiaisonBench liaison = new LiaisonBench(jar, certsDev, work, payloads, SENDER, RECIPIENT)) {
                LiaisonBench.Result result = liaison.measure(settings, profile);
                report.liaison(result);
                say("  Liaison end to end, %d in flight, 4 KiB: %s per second, %s ms CPU each (warm-up %s)", LiaisonBench.IN_FLIGHT,
                        result.throughput().describe(), result.cpuMillis().describe(), Report.warmup(result.warmup()));
                say("  Liaison at half load (%s/s): to webhook p50 %s ms, p95 %s ms, p99 %s ms (%d messages)",
                        Rounds.number(result.halfRate()), Rounds.number(result.toWebhook().p50()), Rounds.number(result.toWebhook().p95()),
                        Rounds.number(result.toWebhook().p99()), result.toWebhook().count());
            }
            if (profile) {
                List<JfrSummary> profiles = new ArrayList<>();
                for (Path recording : report.recordings()) {
                    profiles.add(JfrSummary.read(recording.getFileName().toString().replace(".jfr", ""), recording));
                }
                report.profiles(profiles);
            }
        }
        if (parts.contains("audit")) {
            say("  audit: append rate and verification of %,d entries (JMH, forked JVMs)...", settings.auditVerifyEntries());
            AuditBench.Result audit = new AuditBench(certsDev.toString()).measure(settings);
            report.audit(audit);
            say("  audit append, 8 threads, batch 256, H2: %s entries/s; verify %,d entries: %s ms (SHA-256: %s ms)",
                    audit.appendPerSecond().describe(), audit.entries(), audit.verifyMillis().describe(), audit.sha256Millis().describe());
        }
        report.finish(Instant.now());
        Path markdown = out.resolve("benchmarks.md");
        Path chart = out.resolve("benchmarks.svg");
        report.writeMarkdown(markdown, home.relativize(chart.toAbsolutePath()).toString(), out);
        Files.writeString(chart, report.svg());
        say("report: %s, chart: %s (%s)", home.relativize(markdown.toAbsolutePath()), home.relativize(chart.toAbsolutePath()),
                Report.minutes(Duration.between(report.started(), report.finished())));
        System.out.println("liaison/ceiling = " + ratio(report.liaisonOverCeiling()));
        System.out.println("liaison/cxf-wss4j = " + ratio(report.liaisonOverCxf()));
    }

    private static String ratio(double value) {
        return Double.isNaN(value) ? "NaN" : String.format(Locale.ROOT, "%.2f", value);
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    /** The machine, as the report names it. */
    record Machine(String cpu, int cores, String memory, String os, String java, String loadAtStart) {

        static Machine describe() {
            String cpu = "unknown CPU";
            String memory = "?";
            String load = "?";
            try {
                cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                        .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse(cpu);
                memory = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                        .map(l -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0))
                        .findFirst().orElse(memory);
                load = Files.readString(Path.of("/proc/loadavg")).strip().replaceAll("^(\\S+ \\S+ \\S+).*", "$1");
            } catch (IOException | RuntimeException e) {
                // not Linux: the report says less about the machine
            }
            return new Machine(cpu, Runtime.getRuntime().availableProcessors(), memory,
                    System.getProperty("os.name") + " " + System.getProperty("os.version"),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"), load);
        }
    }
}
