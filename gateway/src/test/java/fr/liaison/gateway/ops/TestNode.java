package fr.liaison.gateway.ops;

import fr.liaison.gateway.LiaisonNodeApplication;
import fr.liaison.gateway.cli.DevNodeDefaults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A development node started in the test JVM for the SOAP and operations tests. Its local API
 * listens on a free port; its inter-node listener on the port the signed directory publishes for
 * the participant (needed for a real exchange). These tests use FT-17 and CD-17 (8443, 8444),
 * which the three-node test and the demo (8445-8447) never use.
 */
public final class TestNode implements AutoCloseable {

    public static final Path CERTS_DEV = Path.of(System.getProperty("liaison.certs-dev", "../certs-dev")).toAbsolutePath().normalize();
    public static final Path SAMPLES = Path.of(System.getProperty("liaison.samples", "../schemas/samples")).toAbsolutePath().normalize();

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public final String id;
    public final URI localApi;
    public final String token;
    public final String clientName;
    public final ConfigurableApplicationContext context;

    private TestNode(String id, URI localApi, String token, String clientName, ConfigurableApplicationContext context) {
        this.id = id;
        this.localApi = localApi;
        this.token = token;
        this.clientName = clientName;
        this.context = context;
    }

    /** Starts the participant's node with its own work directory under target/, overrides last. */
    public static TestNode start(String participantId, String runName, int brokerId, Map<String, Object> overrides) {
        try {
            Path run = Files.createDirectories(Path.of("target", "it-nodes"));
            Path workDir = Files.createTempDirectory(run, runName + "-" + participantId + "-");
            Map<String, Object> properties = new LinkedHashMap<>(DevNodeDefaults.of(participantId, CERTS_DEV, workDir));
            int localPort = freePort();
            properties.put("liaison.local-api.port", localPort);
            properties.put("spring.artemis.embedded.server-id", brokerId);
            properties.put("liaison.retry.peer-attempts", 2);
            properties.put("liaison.retry.initial-delay", "PT0.2S");
            properties.putAll(overrides);
            ConfigurableApplicationContext context = new SpringApplicationBuilder(LiaisonNodeApplication.class)
                    .main(LiaisonNodeApplication.class).properties(properties).run();
            Path identity = CERTS_DEV.resolve(participantId);
            String token = Files.readString(identity.resolve("local-client.token"), StandardCharsets.UTF_8).strip();
            URI localApi = URI.create("http://" + properties.get("liaison.local-api.address") + ":" + properties.get("liaison.local-api.port"));
            return new TestNode(participantId, localApi, token, (String) properties.get("liaison.local-clients[0].name"), context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Fails fast, with the reason, when a port this test needs is taken (a demo running, another test). */
    public static void requireFreePorts(int... ports) {
        for (int port : ports) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
            } catch (IOException e) {
                throw new IllegalStateException("port " + port + " is in use: stop whatever holds it before running this test", e);
            }
        }
    }

    public HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A request to the local API with this node's bearer token. */
    public HttpRequest.Builder authorized(String path) {
        return HttpRequest.newBuilder(localApi.resolve(path)).header("Authorization", "Bearer " + token);
    }

    public HttpRequest.Builder anonymous(String path) {
        return HttpRequest.newBuilder(localApi.resolve(path));
    }

    @Override
    public void close() {
        context.close();
    }

    @Override
    public String toString() {
        return id;
    }
}
