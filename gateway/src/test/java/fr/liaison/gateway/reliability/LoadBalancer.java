package fr.liaison.gateway.reliability;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * HAProxy from the system (Debian's {@code haproxy} package) in front of the instances of one node:
 * TCP pass-through on the inter-node port, so that each instance still terminates the mutual TLS and
 * checks the peer's certificate, and on the local API port, with an HTTP readiness check. A test that
 * needs it fails with a plain message when it is not installed; it never passes without it.
 */
final class LoadBalancer implements AutoCloseable {

    /** One listener and the instances' ports behind it. */
    record Frontend(String name, int port, List<Integer> backends, boolean httpCheck) {
    }

    private final Path dir;
    private final List<Frontend> frontends;
    private Process process;

    LoadBalancer(Path dir, List<Frontend> frontends) {
        this.dir = dir;
        this.frontends = frontends;
    }

    static Path executable() {
        for (String candidate : List.of("/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        throw new IllegalStateException("HAProxy is not installed: this test runs the node's instances behind it "
                + "(Debian: apt-get install -y haproxy; .ci/run installs it)");
    }

    void start() throws IOException {
        StringBuilder config = new StringBuilder("""
                global
                    maxconn 4096
                defaults
                    mode tcp
                    timeout connect 2s
                    timeout client 120s
                    timeout server 120s
                    retries 3
                    option redispatch
                """);
        for (Frontend frontend : frontends) {
            config.append("frontend ").append(frontend.name()).append("\n    bind 127.0.0.1:").append(frontend.port())
                    .append("\n    default_backend ").append(frontend.name()).append("-instances\n");
            config.append("backend ").append(frontend.name()).append("-instances\n    balance roundrobin\n");
            if (frontend.httpCheck()) {
                config.append("    option httpchk GET /actuator/health/readiness\n    http-check expect status 200\n");
            }
            int n = 0;
            for (int port : frontend.backends()) {
                config.append("    server instance").append(++n).append(" 127.0.0.1:").append(port)
                        .append(" check inter 500ms fall 2 rise 2\n");
            }
        }
        Files.createDirectories(dir);
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, config);
        process = new ProcessBuilder(executable().toString(), "-db", "-f", file.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("haproxy.log").toFile())).start();
        for (Frontend frontend : frontends) {
            await("HAProxy listening on " + frontend.port() + " (log: " + dir.resolve("haproxy.log") + ")")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).failFast(() -> !process.isAlive())
                    .until(() -> listening(frontend.port()));
        }
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
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
