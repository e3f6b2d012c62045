package fr.liaison.gateway.reliability;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An ActiveMQ Artemis primary and its backup, replicating the journal, as real broker processes:
 * created at test time with {@code artemis create} from the distribution that the build unpacks into
 * {@code target/artemis-distribution} (a Maven artifact, so it works offline once resolved), on the
 * given ports of the loopback interface. Clients fail over with the URL of {@link #clientUrl()}.
 */
final class ArtemisPair implements AutoCloseable {

    static final String USER = "liaison";
    static final String PASSWORD = "liaison-broker-dev-password";
    private static final Duration STARTUP = Duration.ofMinutes(2);

    private final Path dir;
    private final int primaryPort;
    private final int backupPort;
    private Process primary;
    private Process backup;

    ArtemisPair(Path dir, int primaryPort, int backupPort) {
        this.dir = dir;
        this.primaryPort = primaryPort;
        this.backupPort = backupPort;
    }

    /** The distribution's home: {@code -Dliaison.artemis-home}, else the one the build unpacked. */
    static Path home() throws IOException {
        String configured = System.getProperty("liaison.artemis-home");
        if (configured != null) {
            return Path.of(configured);
        }
        Path unpacked = Path.of(System.getProperty("liaison.artemis-distribution", "target/artemis-distribution")).toAbsolutePath();
        if (Files.isDirectory(unpacked)) {
            try (Stream<Path> homes = Files.list(unpacked)) {
                var found = homes.filter(p -> Files.isRegularFile(p.resolve("bin/artemis"))).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        throw new IllegalStateException("the ActiveMQ Artemis distribution is missing under " + unpacked
                + ": build with `mvn package` (it unpacks org.apache.activemq:apache-artemis:bin)");
    }

    /** The client URL: both brokers, failover on, reconnecting without end. */
    String clientUrl() {
        return "(tcp://127.0.0.1:" + primaryPort + ",tcp://127.0.0.1:" + backupPort + ")?ha=true&reconnectAttempts=-1"
                + "&retryInterval=250&retryIntervalMultiplier=1.5&maxRetryInterval=2000&callTimeout=30000";
    }

    /** Creates both brokers, starts the primary, then the backup, and waits until it is in sync. */
    void start() throws IOException, InterruptedException {
        Path home = home();
        create(home, "primary", primaryPort, backupPort, false);
        create(home, "backup", backupPort, primaryPort, true);
        primary = run("primary");
        await("Artemis primary listening (log: " + dir.resolve("primary.log") + ")").atMost(STARTUP)
                .pollInterval(Duration.ofMillis(250)).failFast(() -> !primary.isAlive()).until(() -> listening(primaryPort));
        backup = run("backup");
        await("Artemis backup in sync with the primary (log: " + dir.resolve("backup.log") + ")").atMost(STARTUP)
                .pollInterval(Duration.ofMillis(250)).failFast(() -> !backup.isAlive())
                .until(() -> Files.readString(dir.resolve("backup.log")).contains("AMQ221024"));
    }

    /** SIGKILL of the primary; returns once the backup says it is active. */
    void killPrimary() throws InterruptedException {
        primary.destroyForcibly();
        if (!primary.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the Artemis primary survived SIGKILL");
        }
        await("the Artemis backup active").atMost(STARTUP).pollInterval(Duration.ofMillis(250))
                .until(() -> Files.readString(dir.resolve("backup.log")).contains("AMQ221010")
                        || Files.readString(dir.resolve("backup.log")).contains("AMQ221007"));
    }

    private void create(Path home, String name, int port, int otherPort, boolean isBackup) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/artemis").toString(), "create",
                dir.resolve(name).toString(), "--silent", "--force", "--name", name, "--user", USER, "--password", PASSWORD,
                "--require-login", "--host", "127.0.0.1", "--default-port", String.valueOf(port), "--no-web", "--no-amqp-acceptor",
                "--no-mqtt-acceptor", "--no-stomp-acceptor", "--no-hornetq-acceptor", "--replicated", "--clustered",
                "--cluster-user", "liaison-cluster", "--cluster-password", PASSWORD, "--staticCluster",
                "tcp://127.0.0.1:" + otherPort, "--java-memory", "256M", "--no-autotune", "--nio",
                "--queues", "liaison.outbound:anycast,liaison.inbound:anycast,liaison.forward:anycast,liaison.dead-letter:anycast"));
        if (isBackup) {
            command.add("--backup");
        }
        Files.createDirectories(dir);
        Process create = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + "-create.log").toFile())).start();
        if (!create.waitFor(2, TimeUnit.MINUTES) || create.exitValue() != 0) {
            throw new IllegalStateException("artemis create " + name + " failed; see " + dir.resolve(name + "-create.log"));
        }
        Path profile = dir.resolve(name).resolve("etc/artemis.profile");
        Files.writeString(profile, Files.readString(profile).replace("-Xms512M", "-Xms64M"));
        Path brokerXml = dir.resolve(name).resolve("etc/broker.xml");
        // As the embedded broker of a single node: an entry whose route failed comes back after a growing
        // delay, never dropped; and a duplicate-detection cache large enough for the queue sweep's bound.
        Files.writeString(brokerXml, Files.readString(brokerXml).replace("<address-settings>", """
                <address-settings>
                         <address-setting match="liaison.#">
                            <redelivery-delay>1000</redelivery-delay>
                            <redelivery-delay-multiplier>2.0</redelivery-delay-multiplier>
                            <max-redelivery-delay>60000</max-redelivery-delay>
                            <max-delivery-attempts>-1</max-delivery-attempts>
                         </address-setting>""").replace("</persistence-enabled>", "</persistence-enabled>\n      <id-cache-size>100000</id-cache-size>"));
    }

    private Process run(String name) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(dir.resolve(name).resolve("bin/artemis").toString(), "run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile()));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return builder.start();
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : new Process[] {backup, primary}) {
            if (p != null && p.isAlive()) {
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            }
        }
    }
}
