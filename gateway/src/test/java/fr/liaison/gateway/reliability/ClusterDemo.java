package fr.liaison.gateway.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * {@code liaison cluster-demo}: the scenario of {@code ClusterIT} shown to a person. FT-29 as two
 * instances behind HAProxy on an Artemis primary/backup pair and one PostgreSQL, CCAS-29232 a single
 * node; a stream of referrals CCAS-29232 -> FT-29; the Artemis primary killed with SIGKILL
 * mid-stream, then one FT-29 instance. Ends with {@code sent=N delivered=N duplicates=0 lost=0
 * audit=verified} and exit status 0, or the figures that went wrong and exit status 1.
 *
 * <p>Options: {@code --messages N} (default 1000), {@code --instances 1|2} (default 2),
 * {@code --no-kills} (a plain stream, to measure the rate), {@code --work-dir DIR} (default
 * {@code var/cluster-demo}). It runs from the test classes, where the harness lives (embedded
 * PostgreSQL binaries, the Artemis distribution): the {@code liaison} script builds them.
 */
public final class ClusterDemo {

    private ClusterDemo() {
    }

    public static void main(String[] args) throws Exception {
        int messages = 1000;
        int instances = 2;
        boolean kills = true;
        Path workDir = Path.of("var", "cluster-demo");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--messages" -> messages = Integer.parseInt(args[++i]);
                case "--instances" -> instances = Integer.parseInt(args[++i]);
                case "--no-kills" -> kills = false;
                case "--work-dir" -> workDir = Path.of(args[++i]);
                case "-h", "--help" -> {
                    System.out.println("""
                            Usage: liaison cluster-demo [--messages N] [--instances 1|2] [--no-kills] [--work-dir DIR]
                            FT-29 as instances behind HAProxy on an Artemis primary/backup pair and one PostgreSQL,
                            CCAS-29232 a single node; referrals CCAS-29232 -> FT-29; the Artemis primary killed
                            (SIGKILL) mid-stream, then one FT-29 instance. Needs haproxy (apt-get install -y haproxy).""");
                    return;
                }
                default -> {
                    System.err.println("cluster-demo: unknown option " + args[i] + " (--help)");
                    System.exit(2);
                }
            }
        }
        if (kills && instances < 2) {
            System.err.println("cluster-demo: killing an instance needs --instances 2 (or --no-kills)");
            System.exit(2);
        }
        // The harness's libraries (embedded PostgreSQL) log at INFO by default: only warnings here.
        if (org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(ch.qos.logback.classic.Level.WARN);
        }
        deleteRecursively(workDir);
        int status;
        try (ClusterScenario cluster = new ClusterScenario(workDir, instances, System.out)) {
            cluster.start();
            ClusterScenario.Outcome outcome = cluster.stream(messages, kills, Duration.ofMinutes(Math.max(6, messages / 150)));
            System.out.printf("rate: %.1f messages/s from the first submission to the last push (%d s); webhook pushes repeated "
                    + "after the kill, dropped by the software by Liaison-Message-Id: %d%n", outcome.messagesPerSecond(),
                    outcome.streamTime().toSeconds(), outcome.repeatedPushes());
            System.out.println("scheduled jobs (runs across the instances, every " + ClusterScenario.JOB_PERIOD.toSeconds() + " s): "
                    + outcome.jobRuns().entrySet().stream().map(e -> e.getKey() + " " + e.getValue().size()).toList());
            if (!outcome.auditVerified()) {
                System.out.println("audit: " + outcome.audit());
            }
            System.out.println("logs: " + workDir.toAbsolutePath());
            System.out.println(outcome.line());
            status = outcome.lost() == 0 && outcome.duplicates() == 0 && outcome.auditVerified() && outcome.delivered() == messages ? 0 : 1;
        }
        System.exit(status);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
