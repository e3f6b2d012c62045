package fr.liaison.gateway.reliability;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A development node run as its own process from the packaged jar ({@code target/liaison.jar}), so
 * that a test can kill it with SIGKILL (no shutdown hook, no flush) and start it again on the same
 * work directory: its H2 database and Artemis journal as the crash left them.
 */
final class NodeProcess implements AutoCloseable {

    static final Path CERTS_DEV = Path.of(System.getProperty("liaison.certs-dev", "../certs-dev")).toAbsolutePath().normalize();
    static final Path JAR = Path.of(System.getProperty("liaison.jar", "target/liaison.jar")).toAbsolutePath();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String id;
    final String name;
    final URI localApi;
    final String token;
    final String officerPassword;
    private final Path workDir;
    private final Path log;
    private final Map<String, String> environment;
    private final List<String> arguments;
    private Process process;
    private int starts;

    NodeProcess(String id, URI localApi, Path runDir, Map<String, String> environment, List<String> arguments) throws IOException {
        this(id, id, localApi, runDir, environment, arguments);
    }

    /** One instance, named {@code name} (its work directory and log), of participant {@code id}'s node. */
    NodeProcess(String id, String name, URI localApi, Path runDir, Map<String, String> environment, List<String> arguments)
            throws IOException {
        this.id = id;
        this.name = name;
        this.localApi = localApi;
        this.token = Files.readString(CERTS_DEV.resolve(id).resolve("local-client.token")).strip();
        this.officerPassword = Files.readString(CERTS_DEV.resolve(id).resolve("officer.password")).strip();
        this.workDir = runDir.resolve(name);
        this.log = runDir.resolve(name + ".log");
        this.environment = environment;
        this.arguments = arguments;
    }

    /** Starts the node and waits until its local API reports it healthy. */
    void start() throws IOException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException("the packaged node is missing: " + JAR + " (run through mvn verify)");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString(), "node", "--participant", id,
                "--certs-dev", CERTS_DEV.toString(), "--work-dir", workDir.toString(),
                "--logging.structured.format.console="));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        process = builder.start();
        starts++;
        Process started = process;
        await("node " + name + " healthy (log: " + log + ")").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .failFast("node " + id + " exited; see " + log, () -> !started.isAlive())
                .until(this::healthy);
    }

    /** SIGKILL: the process dies at once, mid-write if it was writing. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("node " + id + " survived SIGKILL");
        }
    }

    Path log() {
        return log;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    int starts() {
        return starts;
    }

    boolean healthy() {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(localApi.resolve("/actuator/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"UP\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
