package fr.liaison.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fr.liaison.gateway.cli.DevNodeDefaults;
import fr.liaison.gateway.cli.SampleMessages;
import fr.liaison.gateway.config.DirectoryHolder;
import fr.liaison.gateway.directory.DirectoryRefresher;
import fr.liaison.routes.audit.chain.AuditChainVerifier;
import fr.liaison.routes.audit.chain.AuditExportFormat;
import fr.liaison.routes.audit.chain.Checkpoint;
import fr.liaison.routes.directory.DirectorySigner;
import fr.liaison.routes.keys.Fingerprints;
import fr.liaison.routes.keys.Pem;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.v1.DataCategory;
import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.Purpose;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * FT-25 rolls its signing, encryption and TLS keys over while referrals flow both ways between
 * FT-25 and CD-25, following the procedure of docs/operations.md: FT-25 stages its new keys and
 * restarts, the operator publishes a directory listing both generations, FT-25 promotes its new
 * keys and restarts, the operator publishes a directory with only the new ones. No message is lost
 * or refused, and both audit exports verify offline across the rollover. Works on a copy of
 * {@code certs-dev} (FT-25's second generation is {@code certs-dev/FT-25/next/}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyRolloverIT {

    private static final Path CERTS_DEV = Path.of(System.getProperty("liaison.certs-dev", "../certs-dev")).toAbsolutePath().normalize();
    private static final Path SAMPLES = Path.of(System.getProperty("liaison.samples", "../schemas/samples")).toAbsolutePath().normalize();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final List<String> KEY_FILES = List.of("sign.key.pem", "sign.crt.pem", "encrypt.key.pem", "encrypt.crt.pem",
            "tls.key.pem", "tls.crt.pem");

    private final SampleMessages samples = new SampleMessages(SAMPLES, Clock.systemUTC());
    private final MessageCodec codec = MessageCodec.v1();
    private final Map<String, Node> nodes = new ConcurrentHashMap<>();
    /** Message id -> its sender, for every message a node accepted from the background sender. */
    private final Map<String, String> accepted = new ConcurrentHashMap<>();
    private final List<String> submissionFailures = new CopyOnWriteArrayList<>();
    /** Those seen DELIVERED (a final status), not asked again. */
    private final Set<String> deliveredIds = ConcurrentHashMap.newKeySet();

    private Path certs;
    private Path run;
    private Path published;
    private Path staged;
    private ObjectNode version1;
    private X509Certificate oldSigning;
    private X509Certificate newSigning;

    @BeforeAll
    void startNetwork() throws Exception {
        Path base = Files.createDirectories(Path.of("target", "it-nodes")).toAbsolutePath();
        certs = Files.createTempDirectory(base, "rollover-certs-");
        copyTree(CERTS_DEV, certs);
        // FT-25 has not received its new keys yet: they wait outside its key folder.
        staged = certs.resolve("FT-25-new-keys");
        Files.move(certs.resolve("FT-25/next"), staged);
        run = Files.createTempDirectory(base, "rollover-run-");
        published = certs.resolve("published.signed");
        Files.copy(certs.resolve("directory.signed"), published);
        version1 = (ObjectNode) JSON.readTree(Files.readAllBytes(certs.resolve("directory.json")));
        oldSigning = Pem.certificate(certs.resolve("FT-25/sign.crt.pem"));
        newSigning = Pem.certificate(staged.resolve("sign.crt.pem"));
        nodes.put("FT-25", Node.start("FT-25", certs, run, published, 50));
        nodes.put("CD-25", Node.start("CD-25", certs, run, published, 51));
    }

    @AfterAll
    void stopNetwork() {
        nodes.values().forEach(node -> node.context.close());
    }

    @Test
    void messagesFlowThroughAKeyRolloverWithoutLossOrRefusalAndTheAuditVerifiesAcrossIt() throws Exception {
        String ftConsent = recordConsent("FT-25", "CD-25");
        String cdConsent = recordConsent("CD-25", "FT-25");
        // The sending software: one message every 150 ms, alternately each way.
        AtomicInteger sent = new AtomicInteger();
        ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
        sender.scheduleWithFixedDelay(() -> {
            String from = sent.getAndIncrement() % 2 == 0 ? "FT-25" : "CD-25";
            submit(from, from.equals("FT-25") ? "CD-25" : "FT-25", from.equals("FT-25") ? ftConsent : cdConsent);
        }, 0, 150, TimeUnit.MILLISECONDS);
        try {
            awaitMoreDelivered(6);

            // 1. FT-25 receives its new keys, staged next to the current ones, and restarts: it can open
            //    envelopes sealed to either encryption certificate, and still signs with the old key.
            Path next = Files.createDirectories(certs.resolve("FT-25/next"));
            restart("FT-25", () -> copyFiles(staged, next));
            awaitMoreDelivered(6);

            // 2. The operator publishes both generations: CD-25 seals to the new encryption certificate and
            //    accepts either signing and TLS certificate.
            ObjectNode version2 = withFt25Certificates(version1, 2, List.of(certs.resolve("FT-25"), staged), List.of());
            publish(version2);
            awaitMoreDelivered(6);

            // 3. FT-25 promotes its new keys (the old ones kept under previous/) and restarts: it signs and
            //    connects with the new keys, and still opens what was sealed to the old encryption key.
            restart("FT-25", this::promoteFt25Keys);
            awaitMoreDelivered(6);
            awaitAllDelivered();

            // 4. The operator publishes the new generation only; the old signing certificate stays listed as
            //    retired, for the consent proofs FT-25 signed with it.
            ObjectNode version3 = withFt25Certificates(version1, 3, List.of(staged), List.of(certs.resolve("FT-25/previous")));
            publish(version3);
            awaitMoreDelivered(8);
        } finally {
            sender.shutdown();
            sender.awaitTermination(30, TimeUnit.SECONDS);
        }
        awaitAllDelivered();

        assertThat(submissionFailures).as("every submission was accepted").isEmpty();
        Map<String, Long> bySender = accepted.values().stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
        assertThat(bySender.get("FT-25")).as("FT-25 sent through the rollover").isGreaterThanOrEqualTo(10);
        assertThat(bySender.get("CD-25")).as("CD-25 sent through the rollover").isGreaterThanOrEqualTo(10);
        for (String id : List.of("FT-25", "CD-25")) {
            JsonNode rejected = node(id).officerJson("/api/v1/audit?step=REJECTED");
            assertThat(rejected.path("total").asLong()).as(id + " refused nothing: " + rejected).isZero();
        }

        // The audit exports verify offline: FT-25's with both its certificates, each checkpoint naming its own.
        List<String> ftExport = export("FT-25");
        Set<String> signers = ftExport.stream().map(AuditExportFormat::parse).filter(Checkpoint.class::isInstance)
                .map(r -> ((Checkpoint) r).signer()).collect(Collectors.toSet());
        assertThat(signers).containsExactlyInAnyOrder(Fingerprints.sha256(oldSigning), Fingerprints.sha256(newSigning));
        var verified = AuditChainVerifier.verify(stream(ftExport), List.of(oldSigning, newSigning), false);
        assertThat(verified.lastCheckpoint().signer()).isEqualTo(Fingerprints.sha256(newSigning));
        assertThat(verified.entries()).isEqualTo(ftExport.stream().filter(l -> l.startsWith("{\"kind\":\"entry\"")).count());
        List<String> cdExport = export("CD-25");
        AuditChainVerifier.verify(stream(cdExport), Pem.certificate(certs.resolve("CD-25/sign.crt.pem")));
        for (String id : List.of("FT-25", "CD-25")) {
            JsonNode inPlace = node(id).officerJson("/api/v1/audit/verify");
            assertThat(inPlace.path("valid").asBoolean()).as(id + ": " + inPlace).isTrue();
        }
    }

    // ------------------------------------------------------------------------- the operators

    /** The directory {@code base} as {@code version}, FT-25 listing the certificates of these key folders. */
    private ObjectNode withFt25Certificates(ObjectNode base, int version, List<Path> generations, List<Path> retired)
            throws IOException {
        ObjectNode directory = base.deepCopy();
        directory.put("version", version);
        directory.put("issuedAt", Instant.now().minusSeconds(5).toString());
        for (JsonNode participant : directory.get("participants")) {
            if (participant.path("id").asString().equals("FT-25")) {
                ObjectNode certificates = ((ObjectNode) participant).putObject("certificates");
                ArrayNode signing = certificates.putArray("signing");
                ArrayNode encryption = certificates.putArray("encryption");
                ArrayNode tls = certificates.putArray("tls");
                for (Path generation : generations) {
                    signing.add(Files.readString(generation.resolve("sign.crt.pem")));
                    encryption.add(Files.readString(generation.resolve("encrypt.crt.pem")));
                    tls.add(Files.readString(generation.resolve("tls.crt.pem")));
                }
                if (!retired.isEmpty()) {
                    ArrayNode retiredSigning = certificates.putArray("retiredSigning");
                    for (Path generation : retired) {
                        retiredSigning.add(Files.readString(generation.resolve("sign.crt.pem")));
                    }
                }
            }
        }
        return directory;
    }

    /** Signs and publishes a version; each node takes it at its next refresh, triggered here. */
    private void publish(ObjectNode directory) throws IOException {
        byte[] signed = DirectorySigner.sign(directory.toString().getBytes(StandardCharsets.UTF_8),
                Pem.privateKey(certs.resolve("network-operator.key.pem")), Pem.certificate(certs.resolve("network-operator.crt.pem")));
        Files.write(published, signed);
        Files.write(certs.resolve("directory.signed"), signed); // a node restarting starts on it
        long version = directory.get("version").asLong();
        for (String id : List.of("CD-25", "FT-25")) {
            node(id).context.getBean(DirectoryRefresher.class).refresh();
            assertThat(node(id).context.getBean(DirectoryHolder.class).current().version()).isEqualTo(version);
        }
    }

    /** FT-25's folder: the current keys move to previous/, next/ becomes current. */
    private void promoteFt25Keys() {
        Path ft25 = certs.resolve("FT-25");
        try {
            Path previous = Files.createDirectories(ft25.resolve("previous"));
            for (String file : KEY_FILES) {
                Files.move(ft25.resolve(file), previous.resolve(file));
                Files.move(ft25.resolve("next").resolve(file), ft25.resolve(file));
            }
            try (Stream<Path> rest = Files.list(ft25.resolve("next"))) {
                for (Path file : rest.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(ft25.resolve("next"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void restart(String id, Runnable whileStopped) throws IOException {
        Node old = nodes.remove(id);
        old.context.close();
        whileStopped.run();
        nodes.put(id, Node.start(id, certs, run, published, old.brokerId));
    }

    // ---------------------------------------------------------------------- the message stream

    private void submit(String from, String to, String consentId) {
        var referral = samples.message("referral.xml", from, to, consentId, null);
        Node node = nodes.get(from);
        if (node == null) {
            return; // restarting: its software tries again later
        }
        try {
            HttpResponse<String> answer = node.post("/api/v1/messages", referral.xml());
            if (answer.statusCode() == 202) {
                accepted.put(referral.messageId(), from);
            } else if (answer.statusCode() != 503 && nodes.get(from) == node) { // not an answer from a node being stopped
                submissionFailures.add(from + " " + answer.statusCode() + " " + answer.body());
            }
        } catch (IOException e) {
            // the node is stopping or starting: not accepted, nothing to deliver
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitMoreDelivered(int more) {
        long target = delivered() + more;
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> delivered() >= target);
    }

    private long delivered() {
        for (var e : Map.copyOf(accepted).entrySet()) {
            if (!deliveredIds.contains(e.getKey()) && "DELIVERED".equals(status(e.getValue(), e.getKey()))) {
                deliveredIds.add(e.getKey());
            }
        }
        return deliveredIds.size();
    }

    private void awaitAllDelivered() {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Map<String, String> notDelivered = new LinkedHashMap<>();
            delivered();
            for (var e : Map.copyOf(accepted).entrySet()) {
                String status = deliveredIds.contains(e.getKey()) ? "DELIVERED" : status(e.getValue(), e.getKey());
                if (!"DELIVERED".equals(status)) {
                    notDelivered.put(e.getKey(), e.getValue() + " " + status);
                }
            }
            assertThat(notDelivered).isEmpty();
        });
    }

    private String status(String sender, String messageId) {
        Node node = nodes.get(sender);
        if (node == null) {
            return "UNKNOWN";
        }
        try {
            HttpResponse<String> answer = node.get("/api/v1/messages/" + messageId);
            return answer.statusCode() == 200 ? JSON.readTree(answer.body()).path("status").asString() : "UNKNOWN";
        } catch (IOException e) {
            return "UNKNOWN";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "UNKNOWN";
        }
    }

    private String recordConsent(String recorder, String recipient) throws Exception {
        String consentId = UUID.randomUUID().toString();
        byte[] consent = edit(samples.consent(consentId, recorder, List.of(recipient), List.of(DataCategory.values())), m -> {
            m.getHeader().setPurpose(Purpose.ACCOMPAGNEMENT_GLOBAL);
            ((fr.liaison.schemas.v1.Consent) m).setPurpose(Purpose.ACCOMPAGNEMENT_GLOBAL);
        });
        HttpResponse<String> answer = node(recorder).post("/api/v1/consents", consent);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        return consentId;
    }

    private byte[] edit(byte[] xml, Consumer<LiaisonMessage> change) {
        LiaisonMessage message = codec.read(xml, MessageFormat.XML).message();
        change.accept(message);
        return codec.toXml(message);
    }

    private List<String> export(String id) throws Exception {
        HttpResponse<String> answer = node(id).officer("/api/v1/audit/export");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return answer.body().lines().toList();
    }

    private static ByteArrayInputStream stream(List<String> lines) {
        return new ByteArrayInputStream((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private Node node(String id) {
        return nodes.get(id);
    }

    private static void copyFiles(Path from, Path to) {
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------ nodes

    private record Node(String id, int brokerId, URI localApi, String token, String officerPassword,
            ConfigurableApplicationContext context) {

        static Node start(String id, Path certs, Path run, Path published, int brokerId) throws IOException {
            Map<String, Object> properties = new LinkedHashMap<>(DevNodeDefaults.of(id, certs, Files.createDirectories(run.resolve(id))));
            properties.put("spring.artemis.embedded.server-id", brokerId);
            // Enough tries, close together, to outlast a peer's restart.
            properties.put("liaison.retry.peer-attempts", 60);
            properties.put("liaison.retry.initial-delay", "PT0.2S");
            properties.put("liaison.retry.maximum-delay", "PT1S");
            properties.put("liaison.directory.url", published.toUri().toString());
            ConfigurableApplicationContext context = new SpringApplicationBuilder(LiaisonNodeApplication.class)
                    .main(LiaisonNodeApplication.class).properties(properties).run();
            String token = Files.readString(certs.resolve(id).resolve("local-client.token"), StandardCharsets.UTF_8).strip();
            String password = Files.readString(certs.resolve(id).resolve("officer.password"), StandardCharsets.UTF_8).strip();
            return new Node(id, brokerId, URI.create("http://127.0.0.1:" + properties.get("liaison.local-api.port")), token, password,
                    context);
        }

        HttpResponse<String> post(String path, byte[] xml) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(localApi.resolve(path)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/xml").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(xml)).build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(localApi.resolve(path)).header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json").timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> officer(String path) throws IOException, InterruptedException {
            String basic = Base64.getEncoder().encodeToString(("officer:" + officerPassword).getBytes(StandardCharsets.UTF_8));
            return HTTP.send(HttpRequest.newBuilder(localApi.resolve(path)).header("Authorization", "Basic " + basic)
                    .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        JsonNode officerJson(String path) throws IOException, InterruptedException {
            HttpResponse<String> answer = officer(path);
            assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(200);
            return JSON.readTree(answer.body());
        }
    }
}
