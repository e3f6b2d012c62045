package fr.liaison.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fr.liaison.gateway.cli.DevNodeDefaults;
import fr.liaison.gateway.cli.DevTls;
import fr.liaison.gateway.cli.SampleMessages;
import fr.liaison.gateway.referral.ReferralDeadlines;
import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.SignedDirectory;
import fr.liaison.routes.envelope.EnvelopeSealer;
import fr.liaison.routes.keys.KeyMaterial;
import fr.liaison.routes.receipt.Receipt;
import fr.liaison.routes.receipt.Receipts;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.v1.DataCategory;
import fr.liaison.schemas.v1.FollowUpEvent;
import fr.liaison.schemas.v1.FollowUpEventType;
import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.Purpose;
import fr.liaison.schemas.v1.ReferralDecision;
import fr.liaison.schemas.v1.ReferralResponse;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The flows of the approche globale across five nodes sharing one clock the test moves:
 * conventions refused at the sender and at the recipient, a referral's whole life including a
 * reminder and its expiry, a response from a third party refused, a department's resource
 * reaching two nodes, and an Axe 3 reorientation FT-25 -> CD-25 ending in STARTED.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApprocheGlobaleFlowsIT {

    private static final Path CERTS_DEV = Path.of(System.getProperty("liaison.certs-dev", "../certs-dev")).toAbsolutePath().normalize();
    private static final Path SAMPLES = Path.of(System.getProperty("liaison.samples", "../schemas/samples")).toAbsolutePath().normalize();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Duration PATIENCE = Duration.ofSeconds(40);

    private final MovableClock clock = new MovableClock(Instant.now());
    private final SampleMessages samples = new SampleMessages(SAMPLES, clock);
    private final MessageCodec codec = MessageCodec.v1();
    private final Directory directory = SignedDirectory.loadCertsDev(CERTS_DEV, Clock.systemUTC());
    private final Map<String, Node> nodes = new LinkedHashMap<>();

    @BeforeAll
    void startNodes() throws IOException {
        Path run = Files.createTempDirectory(Files.createDirectories(Path.of("target", "it-nodes")), "flows-");
        int broker = 10;
        for (String id : List.of("CCAS-29232", "FT-29", "CD-29", "FT-25", "CD-25")) {
            nodes.put(id, Node.start(id, run, broker++, clock));
        }
    }

    @AfterAll
    void stopNodes() {
        nodes.values().forEach(node -> node.context.close());
    }

    private Node node(String id) {
        return nodes.get(id);
    }

    // ----------------------------------------------------------------------------- conventions

    @Test
    @Order(1)
    void theSenderRefusesAnExchangeNoConventionCovers() throws Exception {
        String consent = recordConsent("CCAS-29232", List.of("FT-29", "CD-25"), Purpose.ACCOMPAGNEMENT_GLOBAL);
        var referral = samples.message("referral.xml", "CCAS-29232", "CD-25", consent, null);

        HttpResponse<String> answer = node("CCAS-29232").post("/api/v1/messages", referral.xml());

        assertThat(answer.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(answer.body()).path("code").asString()).isEqualTo("GW-CONVENTION-001");
        assertThat(node("CD-25").get("/api/v1/messages/" + referral.messageId()).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void theSenderRefusesAPurposeTheConventionDoesNotName() throws Exception {
        String consent = recordConsent("FT-25", List.of("CD-25"), Purpose.RESSOURCES_SOCIALES);
        var referral = samples.message("referral.xml", "FT-25", "CD-25", consent, null);

        HttpResponse<String> answer = node("FT-25").post("/api/v1/messages", withPurpose(referral.xml(), Purpose.RESSOURCES_SOCIALES));

        assertThat(JSON.readTree(answer.body()).path("code").asString()).isEqualTo("GW-CONVENTION-001");
    }

    @Test
    @Order(3)
    void theRecipientRefusesAnEnvelopeNoConventionCoversEvenWhenTheSenderSentIt() throws Exception {
        var referral = samples.message("referral.xml", "CCAS-29232", "CD-25", UUID.randomUUID().toString(), null);
        byte[] envelope = new EnvelopeSealer(KeyMaterial.fromCertsDev(CERTS_DEV, "CCAS-29232"))
                .seal(referral.xml(), directory.require("CD-25").encryptionCertificate());
        HttpClient asCcas = HttpClient.newBuilder().sslContext(DevTls.clientContext(CERTS_DEV, "CCAS-29232"))
                .version(HttpClient.Version.HTTP_1_1).build();

        HttpResponse<byte[]> answer = asCcas.send(HttpRequest.newBuilder(directory.require("CD-25").exchangeEndpoint())
                .header("Content-Type", "application/cms").header("Liaison-Message-Id", referral.messageId())
                .POST(HttpRequest.BodyPublishers.ofByteArray(envelope)).build(), HttpResponse.BodyHandlers.ofByteArray());

        Receipt receipt = Receipts.verify(answer.body(), directory, "CD-25", referral.messageId(), envelope);
        assertThat(answer.statusCode()).isEqualTo(422);
        assertThat(receipt.outcome()).isEqualTo(Receipt.Outcome.REJECTED);
        assertThat(receipt.errorCode()).isEqualTo("GW-CONVENTION-001");
    }

    // --------------------------------------------------------------------------- Axe 1 directory

    @Test
    @Order(4)
    void aResourcePublishedByTheDepartmentReachesFranceTravailAndTheCcasAndIsFoundByCategoryAndCommune() throws Exception {
        byte[] entry = Files.readAllBytes(SAMPLES.resolve("v1/valid/resource-directory-entry.xml"));
        LiaisonMessage resource = codec.read(entry, MessageFormat.XML).message();
        resource.getHeader().setMessageId(UUID.randomUUID().toString());
        resource.getHeader().setCreatedAt(clock.instant().atOffset(ZoneOffset.UTC));

        HttpResponse<String> published = node("CD-29").post("/api/v1/messages", codec.toXml(resource));

        assertThat(published.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(published.body()).path("messageIds").size()).isEqualTo(2);
        for (String id : List.of("FT-29", "CCAS-29232")) {
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(node(id).json("/api/v1/resources?category=mobilite&commune=29232"))
                    .extracting(n -> n.path("id").asString()).containsExactly("cd29-mobilite-0042"));
        }
        assertThat(node("FT-29").json("/api/v1/resources?category=logement-hebergement&commune=29232")).isEmpty();
        assertThat(node("FT-29").json("/api/v1/resources?category=mobilite&commune=25056")).isEmpty();
        assertThat(node("CCAS-29232").json("/api/v1/resources/data-inclusion?category=mobilite").get(0).path("frais").asString())
                .isEqualTo("payant");
    }

    // --------------------------------------------------------------------------- Axe 3

    @Test
    @Order(5)
    void aReorientationFromFranceTravailToTheDepartmentEndsInStarted() throws Exception {
        String consent = recordConsent("FT-25", List.of("CD-25"), Purpose.ACCOMPAGNEMENT_SOCIAL);
        var referral = samples.message("referral.xml", "FT-25", "CD-25", consent, null);
        submitAndAwaitDelivery("FT-25", withPurpose(referral.xml(), Purpose.ACCOMPAGNEMENT_SOCIAL), referral.messageId());
        acknowledgeFromInbox("CD-25", referral.messageId()); // CD-25 now holds the consent proof

        var answer = samples.message("referral-response.xml", "CD-25", "FT-25", consent, referral.messageId());
        submitAndAwaitDelivery("CD-25", withPurpose(answer.xml(), Purpose.ACCOMPAGNEMENT_SOCIAL), answer.messageId());
        var started = samples.message("follow-up-event.xml", "CD-25", "FT-25", consent, referral.messageId());
        byte[] startedXml = edit(started.xml(), m -> {
            m.getHeader().setPurpose(Purpose.ACCOMPAGNEMENT_SOCIAL);
            FollowUpEvent event = (FollowUpEvent) m;
            event.setEventType(FollowUpEventType.ACCOMPANIMENT_STARTED);
            event.setExitReason(null);
            event.setReorientation(null);
            m.getHeader().setDataCategories(null); // the exit reason, and its category, are gone
        });
        submitAndAwaitDelivery("CD-25", startedXml, started.messageId());

        assertThat(referralState("FT-25", referral.messageId())).isEqualTo("STARTED");
        assertThat(referralState("CD-25", referral.messageId())).isEqualTo("STARTED");
    }

    // ------------------------------------------------------------------------------- lifecycle

    @Test
    @Order(6)
    void aResponseFromAThirdPartyIsRefused() throws Exception {
        String consent = recordConsent("CCAS-29232", List.of("FT-29", "CD-29"), Purpose.ACCOMPAGNEMENT_GLOBAL);
        var referral = samples.message("referral.xml", "CCAS-29232", "FT-29", consent, null);
        submitAndAwaitDelivery("CCAS-29232", referral.xml(), referral.messageId());
        // CD-29 gets data under the consent (so the consent gate lets it answer), but never the referral.
        var diagnosis = samples.message("shared-diagnosis.xml", "FT-29", "CD-29", consent, referral.messageId());
        submitAndAwaitDelivery("FT-29", diagnosis.xml(), diagnosis.messageId());

        var intruder = samples.message("referral-response.xml", "CD-29", "CCAS-29232", consent, referral.messageId());
        HttpResponse<String> answer = node("CD-29").post("/api/v1/messages", intruder.xml());

        assertThat(JSON.readTree(answer.body()).path("code").asString()).isEqualTo("GW-REFERRAL-001");
        assertThat(referralState("CCAS-29232", referral.messageId())).isEqualTo("SENT");
    }

    @Test
    @Order(7)
    void aReferralIsRemindedThenExpiresOnBothNodesAndALateAnswerIsRefused() throws Exception {
        String consent = recordConsent("CCAS-29232", List.of("FT-29"), Purpose.ACCOMPAGNEMENT_GLOBAL);
        var referral = samples.message("referral.xml", "CCAS-29232", "FT-29", consent, null);
        submitAndAwaitDelivery("CCAS-29232", referral.xml(), referral.messageId());
        assertThat(referralState("CCAS-29232", referral.messageId())).isEqualTo("SENT");
        assertThat(referralState("FT-29", referral.messageId())).isEqualTo("RECEIVED");

        clock.advance(Duration.ofDays(10).plusMinutes(1));
        runDeadlines();
        assertThat(referral("FT-29", referral.messageId()).path("reminders").asInt()).isEqualTo(1);
        assertThat(referral("CCAS-29232", referral.messageId()).path("reminders").asInt()).isEqualTo(1);

        clock.advance(Duration.ofDays(20));
        runDeadlines();
        assertThat(referralState("CCAS-29232", referral.messageId())).isEqualTo("EXPIRED");
        assertThat(referralState("FT-29", referral.messageId())).isEqualTo("EXPIRED");

        var late = samples.message("referral-response.xml", "FT-29", "CCAS-29232", consent, referral.messageId());
        HttpResponse<String> answer = node("FT-29").post("/api/v1/messages", late.xml());
        assertThat(JSON.readTree(answer.body()).path("code").asString()).isEqualTo("GW-REFERRAL-003");
    }

    // --------------------------------------------------------------------------------- helpers

    private void runDeadlines() {
        nodes.values().forEach(node -> node.context.getBean(ReferralDeadlines.class).run());
    }

    private String recordConsent(String recorder, List<String> recipients, Purpose purpose) throws Exception {
        String consentId = UUID.randomUUID().toString();
        byte[] consent = edit(samples.consent(consentId, recorder, recipients, List.of(DataCategory.values())), m -> {
            m.getHeader().setPurpose(purpose);
            ((fr.liaison.schemas.v1.Consent) m).setPurpose(purpose);
        });
        HttpResponse<String> answer = node(recorder).post("/api/v1/consents", consent);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        return consentId;
    }

    private byte[] withPurpose(byte[] xml, Purpose purpose) {
        return edit(xml, m -> m.getHeader().setPurpose(purpose));
    }

    private byte[] edit(byte[] xml, Consumer<LiaisonMessage> change) {
        LiaisonMessage message = codec.read(xml, MessageFormat.XML).message();
        change.accept(message);
        return codec.toXml(message);
    }

    private void submitAndAwaitDelivery(String sender, byte[] xml, String messageId) throws Exception {
        HttpResponse<String> answer = node(sender).post("/api/v1/messages", xml);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        await().atMost(PATIENCE).until(() -> "DELIVERED".equals(node(sender).json("/api/v1/messages/" + messageId).path("status").asString()));
    }

    private void acknowledgeFromInbox(String id, String messageId) throws Exception {
        assertThat(node(id).post("/api/v1/inbox/" + messageId + "/ack", new byte[0]).statusCode()).isEqualTo(204);
    }

    private JsonNode referral(String id, String referralId) throws Exception {
        for (JsonNode referral : node(id).json("/api/v1/referrals?limit=1000")) {
            if (referral.path("referralId").asString().equals(referralId)) {
                return referral;
            }
        }
        throw new AssertionError(id + " does not follow referral " + referralId);
    }

    private String referralState(String id, String referralId) throws Exception {
        return referral(id, referralId).path("state").asString();
    }

    /** A clock shared by the nodes of this test and moved by it. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    static final class Node {
        final String id;
        final URI localApi;
        final String token;
        final ConfigurableApplicationContext context;

        private Node(String id, URI localApi, String token, ConfigurableApplicationContext context) {
            this.id = id;
            this.localApi = localApi;
            this.token = token;
            this.context = context;
        }

        static Node start(String id, Path run, int brokerId, Clock clock) throws IOException {
            Map<String, Object> properties = new LinkedHashMap<>(DevNodeDefaults.of(id, CERTS_DEV, Files.createDirectories(run.resolve(id))));
            properties.put("spring.artemis.embedded.server-id", brokerId);
            properties.put("liaison.retry.peer-attempts", 2);
            properties.put("liaison.retry.initial-delay", "PT0.2S");
            ConfigurableApplicationContext context = new SpringApplicationBuilder(LiaisonNodeApplication.class)
                    .main(LiaisonNodeApplication.class).properties(properties)
                    .initializers(c -> c.getBeanFactory().registerSingleton("testClock", clock))
                    .run();
            String token = Files.readString(CERTS_DEV.resolve(id).resolve("local-client.token"), StandardCharsets.UTF_8).strip();
            return new Node(id, URI.create("http://127.0.0.1:" + properties.get("liaison.local-api.port")), token, context);
        }

        HttpResponse<String> post(String path, byte[] xml) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(localApi.resolve(path)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/xml").POST(HttpRequest.BodyPublishers.ofByteArray(xml)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(localApi.resolve(path)).header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        JsonNode json(String path) throws IOException, InterruptedException {
            HttpResponse<String> answer = get(path);
            assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(200);
            return JSON.readTree(answer.body());
        }
    }
}
