package fr.liaison.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fr.liaison.gateway.cli.DevNodeDefaults;
import fr.liaison.gateway.cli.DevTls;
import fr.liaison.gateway.cli.SampleMessages;
import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.SignedDirectory;
import fr.liaison.routes.envelope.EnvelopeSealer;
import fr.liaison.routes.keys.KeyMaterial;
import fr.liaison.routes.receipt.Receipt;
import fr.liaison.routes.receipt.Receipts;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.v1.Consent;
import fr.liaison.schemas.v1.ConsentRevocation;
import fr.liaison.schemas.v1.DataCategory;
import fr.liaison.schemas.v1.DiagnosedBarrier;
import fr.liaison.schemas.v1.SharedDiagnosis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Three real nodes in this JVM — CCAS-29232 and CD-29 delivering to their inbox, FT-29 to a
 * webhook (WireMock) — each with its embedded persistent Artemis, H2 database and mutual-TLS
 * inter-node listener on the ports the signed directory publishes. Every test uses its own
 * consent, so they share the nodes without interfering.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThreeNodeExchangeIT {

    private static final Path CERTS_DEV = Path.of(System.getProperty("liaison.certs-dev", "../certs-dev")).toAbsolutePath().normalize();
    private static final Path SAMPLES = Path.of(System.getProperty("liaison.samples", "../schemas/samples")).toAbsolutePath().normalize();
    private static final String WEBHOOK_PATH = "/liaison-webhook";
    private static final String WEBHOOK_SECRET = "it-webhook-secret-" + UUID.randomUUID();
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    /** The categories of referral.xml. */
    private static final List<DataCategory> REFERRAL_CATEGORIES = List.of(DataCategory.IDENTITY,
            DataCategory.BARRIER_MOBILITE, DataCategory.BARRIER_LOGEMENT);
    /** The categories of shared-diagnosis.xml, health detail included. */
    private static final List<DataCategory> DIAGNOSIS_CATEGORIES = List.of(DataCategory.EMPLOYMENT_SITUATION,
            DataCategory.BARRIER_MOBILITE, DataCategory.BARRIER_SANTE, DataCategory.BARRIER_LOGEMENT, DataCategory.HEALTH_DETAIL);

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient LOCAL_HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final SampleMessages samples = new SampleMessages(SAMPLES, Clock.systemUTC());
    private final MessageCodec codec = MessageCodec.v1();
    private final Directory directory = SignedDirectory.loadCertsDev(CERTS_DEV, Clock.systemUTC());

    private WireMockServer webhook;
    private Node ccas;
    private Node ft;
    private Node cd;

    @BeforeAll
    void startNetwork() throws IOException {
        requireFreePorts(8085, 8086, 8087, 8445, 8446, 8447);
        webhook = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        webhook.start();
        webhook.stubFor(post(urlEqualTo(WEBHOOK_PATH)).willReturn(ok()));

        Path work = Files.createDirectories(Path.of("target", "it-nodes"));
        Path run = Files.createTempDirectory(work, "run-");
        ccas = Node.start("CCAS-29232", run, 0, Map.of());
        ft = Node.start("FT-29", run, 1, Map.of(
                "liaison.webhook.url", "http://127.0.0.1:" + webhook.port() + WEBHOOK_PATH,
                "liaison.webhook.secret", WEBHOOK_SECRET));
        cd = Node.start("CD-29", run, 2, Map.of());
    }

    @AfterAll
    void stopNetwork() {
        for (Node node : new Node[] {cd, ft, ccas}) {
            if (node != null) {
                node.context.close();
            }
        }
        if (webhook != null) {
            webhook.stop();
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void referralFromCcasIsDeliveredToFranceTravailsWebhookSignedWithTheSharedSecret() throws Exception {
        String consentId = recordConsent(ccas, List.of("FT-29", "CD-29"), REFERRAL_CATEGORIES);
        SampleMessages.Fresh referral = samples.message("referral.xml", "CCAS-29232", "FT-29", consentId, null);

        assertAccepted(ccas.post("/api/v1/messages", referral.xml()), referral.messageId());

        awaitStatus(ccas, referral.messageId(), "DELIVERED");
        LoggedRequest pushed = awaitSingleWebhookPush(referral.messageId());
        assertThat(pushed.getBody()).isEqualTo(referral.xml()); // nothing to remove from this referral for France Travail
        assertThat(pushed.getHeader("Liaison-Message-Type")).isEqualTo("REFERRAL");
        assertSignedWithSecret(pushed);
        awaitStatus(ft, referral.messageId(), "DELIVERED");
        assertThat(json(ft.get("/api/v1/messages/" + referral.messageId())).path("direction").asString()).isEqualTo("INBOUND");
    }

    @Test
    void responseFromFranceTravailReachesTheCcasInboxCorrelatedAndLeavesItWhenAcknowledged() throws Exception {
        String consentId = recordConsent(ccas, List.of("FT-29", "CD-29"), REFERRAL_CATEGORIES);
        SampleMessages.Fresh referral = samples.message("referral.xml", "CCAS-29232", "FT-29", consentId, null);
        assertAccepted(ccas.post("/api/v1/messages", referral.xml()), referral.messageId());
        awaitStatus(ft, referral.messageId(), "DELIVERED"); // FT-29 now holds the consent proof

        SampleMessages.Fresh response = samples.message("referral-response.xml", "FT-29", "CCAS-29232", consentId,
                referral.messageId());
        assertAccepted(ft.post("/api/v1/messages", response.xml()), response.messageId());
        awaitStatus(ft, response.messageId(), "DELIVERED");

        JsonNode entry = await().atMost(PATIENCE).until(() -> inboxEntry(ccas, response.messageId()), e -> e != null);
        assertThat(entry.path("messageType").asString()).isEqualTo("REFERRAL_RESPONSE");
        assertThat(entry.path("sender").asString()).isEqualTo("FT-29");
        assertThat(entry.path("correlationId").asString()).isEqualTo(referral.messageId());

        HttpResponse<byte[]> xml = ccas.get("/api/v1/inbox/" + response.messageId(), "application/xml");
        assertThat(xml.statusCode()).isEqualTo(200);
        assertThat(xml.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/xml"));
        var asXml = codec.read(xml.body(), MessageFormat.XML).message();
        assertThat(asXml.getHeader().getMessageId()).isEqualTo(response.messageId());
        assertThat(asXml.getHeader().getCorrelationId()).isEqualTo(referral.messageId());

        HttpResponse<byte[]> asJson = ccas.get("/api/v1/inbox/" + response.messageId(), "application/json");
        assertThat(asJson.statusCode()).isEqualTo(200);
        assertThat(asJson.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode header = JSON.readTree(asJson.body()).path("header");
        assertThat(header.path("messageId").asString()).isEqualTo(response.messageId());
        assertThat(header.path("correlationId").asString()).isEqualTo(referral.messageId());
        assertThat(codec.read(asJson.body(), MessageFormat.JSON).message().getHeader().getCorrelationId())
                .isEqualTo(referral.messageId());

        assertThat(ccas.post("/api/v1/inbox/" + response.messageId() + "/ack", new byte[0]).statusCode()).isEqualTo(204);
        assertThat(inboxEntry(ccas, response.messageId())).isNull();
        assertThat(ccas.get("/api/v1/inbox/" + response.messageId(), "application/xml").statusCode()).isEqualTo(200); // still readable
        assertThat(json(ccas.get("/api/v1/messages/" + response.messageId())).path("status").asString()).isEqualTo("DELIVERED");
        HttpResponse<byte[]> again = ccas.post("/api/v1/inbox/" + response.messageId() + "/ack", new byte[0]);
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(json(again).path("code").asString()).isEqualTo("GW-API-003");
    }

    @Test
    void diagnosisIsMinimisedPerRecipientKindDepartementKeepsHealthDetailFranceTravailDoesNot() throws Exception {
        String consentId = recordConsent(ft, List.of("CD-29"), DIAGNOSIS_CATEGORIES);

        // FT-29 -> CD-29: a departmental council keeps everything the consent covers.
        SampleMessages.Fresh toDepartement = samples.message("shared-diagnosis.xml", "FT-29", "CD-29", consentId, null);
        assertAccepted(ft.post("/api/v1/messages", toDepartement.xml()), toDepartement.messageId());
        awaitStatus(ft, toDepartement.messageId(), "DELIVERED");
        await().atMost(PATIENCE).until(() -> inboxEntry(cd, toDepartement.messageId()), e -> e != null);
        HttpResponse<byte[]> atDepartement = cd.get("/api/v1/inbox/" + toDepartement.messageId(), "application/xml");
        assertThat(atDepartement.statusCode()).isEqualTo(200);
        SharedDiagnosis kept = (SharedDiagnosis) codec.read(atDepartement.body(), MessageFormat.XML).message();
        assertThat(kept.getHealthDetail()).startsWith("Lombalgie chronique");
        assertThat(kept.getBarriers()).extracting(b -> b.getCategory().name())
                .containsExactly("MOBILITE", "LOGEMENT", "SANTE");
        assertThat(kept.getBarriers()).filteredOn(b -> b.getDetail() != null).extracting(DiagnosedBarrier::getDetail)
                .containsExactly("Séances de kinésithérapie deux fois par semaine jusqu'en juin.");
        assertThat(kept.getHeader().getDataCategories()).containsExactlyElementsOf(DIAGNOSIS_CATEGORIES);
        assertThat(atDepartement.body()).isEqualTo(toDepartement.xml());

        // CD-29 -> FT-29 under the same consent: France Travail loses health detail and free-text details.
        SampleMessages.Fresh toFranceTravail = samples.message("shared-diagnosis.xml", "CD-29", "FT-29", consentId,
                toDepartement.messageId());
        assertAccepted(cd.post("/api/v1/messages", toFranceTravail.xml()), toFranceTravail.messageId());
        awaitStatus(cd, toFranceTravail.messageId(), "DELIVERED");
        LoggedRequest pushed = awaitSingleWebhookPush(toFranceTravail.messageId());
        assertSignedWithSecret(pushed);
        String body = pushed.getBodyAsString();
        assertThat(body).doesNotContain("healthDetail").doesNotContain("<detail>").doesNotContain("HEALTH_DETAIL")
                .doesNotContain("Lombalgie").doesNotContain("kinésithérapie");
        SharedDiagnosis minimised = (SharedDiagnosis) codec.read(pushed.getBody(), MessageFormat.XML).message();
        assertThat(minimised.getHealthDetail()).isNull();
        assertThat(minimised.getBarriers()).extracting(b -> b.getCategory().name())
                .containsExactly("MOBILITE", "LOGEMENT", "SANTE"); // the barriers themselves stay
        assertThat(minimised.getBarriers()).extracting(DiagnosedBarrier::getDetail).containsOnlyNulls();
        assertThat(minimised.getBarriers()).extracting(b -> b.getImpact().name()).containsExactly("FORT", "MOYEN", "FAIBLE");
        assertThat(minimised.getEmploymentSituation()).isNotNull();
        assertThat(minimised.getHeader().getDataCategories()).containsExactly(DataCategory.EMPLOYMENT_SITUATION,
                DataCategory.BARRIER_MOBILITE, DataCategory.BARRIER_SANTE, DataCategory.BARRIER_LOGEMENT);
        assertThat(minimised.getHeader().getCorrelationId()).isEqualTo(toDepartement.messageId());
        awaitStatus(ft, toFranceTravail.messageId(), "DELIVERED");
    }

    @Test
    void withoutConsentNothingLeavesTheNode() throws Exception {
        String neverRecorded = UUID.randomUUID().toString();
        assertRefusedAtSource(samples.message("referral.xml", "CCAS-29232", "FT-29", neverRecorded, null), "GW-CONSENT-001");
    }

    @Test
    void consentForAnotherRecipientIsRefusedBeforeSending() throws Exception {
        String consentId = recordConsent(ccas, List.of("CD-29"), REFERRAL_CATEGORIES);
        assertRefusedAtSource(samples.message("referral.xml", "CCAS-29232", "FT-29", consentId, null), "GW-CONSENT-004");
    }

    @Test
    void consentNotCoveringEveryCategoryIsRefusedBeforeSending() throws Exception {
        String consentId = recordConsent(ccas, List.of("FT-29"), List.of(DataCategory.IDENTITY, DataCategory.BARRIER_MOBILITE));
        assertRefusedAtSource(samples.message("referral.xml", "CCAS-29232", "FT-29", consentId, null), "GW-CONSENT-005");
    }

    @Test
    void revokedConsentIsRefusedBeforeSending() throws Exception {
        String consentId = recordConsent(ccas, List.of("FT-29"), REFERRAL_CATEGORIES);
        HttpResponse<byte[]> revoked = ccas.post("/api/v1/consents/" + consentId + "/revocation",
                "{\"reason\":\"withdrawn by the person\"}".getBytes(StandardCharsets.UTF_8), "application/json");
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(json(revoked).path("revocationsSent").asInt()).isZero(); // nothing was ever sent under it
        assertRefusedAtSource(samples.message("referral.xml", "CCAS-29232", "FT-29", consentId, null), "GW-CONSENT-003");
    }

    @Test
    void expiredConsentIsRefusedBeforeSending() throws Exception {
        String consentId = UUID.randomUUID().toString();
        // The rules only require expiresAt after grantedAt, so a consent that lapsed yesterday can be recorded.
        Consent consent = (Consent) codec.read(samples.consent(consentId, "CCAS-29232", List.of("FT-29"), REFERRAL_CATEGORIES),
                MessageFormat.XML).message();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).withNano(0);
        consent.setGrantedAt(now.minusDays(30));
        consent.setExpiresAt(now.minusDays(1));
        HttpResponse<byte[]> recorded = ccas.post("/api/v1/consents", codec.toXml(consent));
        assertThat(recorded.statusCode()).as(new String(recorded.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        assertRefusedAtSource(samples.message("referral.xml", "CCAS-29232", "FT-29", consentId, null), "GW-CONSENT-002");
    }

    @Test
    void envelopeSignedByAnotherParticipantThanTheHeadersSenderIsRejectedByTheRecipient() throws Exception {
        // CD-29 signs, over its own TLS connection, a referral whose header claims CCAS-29232 sent it.
        SampleMessages.Fresh forged = samples.message("referral.xml", "CCAS-29232", "FT-29", UUID.randomUUID().toString(), null);
        byte[] envelope = new EnvelopeSealer(KeyMaterial.fromCertsDev(CERTS_DEV, "CD-29"))
                .seal(forged.xml(), directory.require("FT-29").encryptionCertificate());

        double before = envelopesReceivedByFranceTravail();

        HttpResponse<byte[]> answer = postEnvelope("CD-29", forged.messageId(), envelope);

        assertRejectedBySigner(answer, forged.messageId(), envelope);
        // FT-29's endpoint was called, once, by this test, and refused it: nothing reached its software.
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(envelopesReceivedByFranceTravail()).isEqualTo(before + 1));
        assertNothingDeliveredAtFranceTravail(forged.messageId());
    }

    @Test
    void envelopeSignedByAnotherParticipantThanTheTlsPeerIsRejectedByTheRecipient() throws Exception {
        // The header and the TLS connection say CCAS-29232, the signature is CD-29's.
        SampleMessages.Fresh forged = samples.message("referral.xml", "CCAS-29232", "FT-29", UUID.randomUUID().toString(), null);
        byte[] envelope = new EnvelopeSealer(KeyMaterial.fromCertsDev(CERTS_DEV, "CD-29"))
                .seal(forged.xml(), directory.require("FT-29").encryptionCertificate());

        double before = envelopesReceivedByFranceTravail();

        HttpResponse<byte[]> answer = postEnvelope("CCAS-29232", forged.messageId(), envelope);

        assertRejectedBySigner(answer, forged.messageId(), envelope);
        // FT-29's endpoint was called, once, by this test, and refused it: nothing reached its software.
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(envelopesReceivedByFranceTravail()).isEqualTo(before + 1));
        assertNothingDeliveredAtFranceTravail(forged.messageId());
    }

    @Test
    void revocationReachesTheRecipientWhichThenRefusesToSendUnderIt() throws Exception {
        String consentId = recordConsent(ccas, List.of("FT-29"), REFERRAL_CATEGORIES);
        SampleMessages.Fresh referral = samples.message("referral.xml", "CCAS-29232", "FT-29", consentId, null);
        assertAccepted(ccas.post("/api/v1/messages", referral.xml()), referral.messageId());
        awaitStatus(ccas, referral.messageId(), "DELIVERED");
        awaitSingleWebhookPush(referral.messageId());
        assertThat(json(ft.get("/api/v1/consents/" + consentId)).path("revokedAt").isNull()).isTrue();

        HttpResponse<byte[]> revoked = ccas.post("/api/v1/consents/" + consentId + "/revocation",
                "{\"reason\":\"withdrawn by the person\"}".getBytes(StandardCharsets.UTF_8), "application/json");
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(json(revoked).path("revocationsSent").asInt()).isEqualTo(1);

        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(json(ft.get("/api/v1/consents/" + consentId)).path("revokedAt").isString()).isTrue());

        LoggedRequest notice = await().atMost(PATIENCE).until(() -> webhookPushes().stream()
                .filter(r -> "CONSENT_REVOCATION".equals(r.getHeader("Liaison-Message-Type")))
                .filter(r -> r.getBodyAsString().contains(consentId)).findFirst().orElse(null), r -> r != null);
        assertSignedWithSecret(notice);
        awaitStatus(ft, notice.getHeader("Liaison-Message-Id"), "DELIVERED"); // not withdrawn under its own consent
        // The referral the software already had is served no more: its content is forgotten; the notice stays readable.
        assertProblem(ft.get("/api/v1/inbox/" + referral.messageId()), 404, "GW-API-003");
        assertThat(ft.get("/api/v1/inbox/" + notice.getHeader("Liaison-Message-Id")).statusCode()).isEqualTo(200);
        ConsentRevocation revocation = (ConsentRevocation) codec.read(notice.getBody(), MessageFormat.XML).message();
        assertThat(revocation.getConsentId()).isEqualTo(consentId);
        assertThat(revocation.getHeader().getSender()).isEqualTo("CCAS-29232");
        assertThat(revocation.getHeader().getRecipient()).isEqualTo("FT-29");
        assertThat(revocation.getRevokedBy()).isEqualTo("CCAS-29232");

        SampleMessages.Fresh response = samples.message("referral-response.xml", "FT-29", "CCAS-29232", consentId,
                referral.messageId());
        HttpResponse<byte[]> refused = ft.post("/api/v1/messages", response.xml());
        assertProblem(refused, 403, "GW-CONSENT-003");
        assertThat(json(ft.get("/api/v1/messages/" + response.messageId())).path("status").asString()).isEqualTo("REFUSED");
        assertThat(ccas.get("/api/v1/messages/" + response.messageId()).statusCode()).isEqualTo(404);
    }

    // ---------------------------------------------------------------------------------------------

    /** The directory fixes the development ports: say so plainly when something (a demo?) holds them. */
    private static void requireFreePorts(int... ports) {
        for (int port : ports) {
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                probe.setReuseAddress(true);
            } catch (IOException e) {
                throw new IllegalStateException("port 127.0.0.1:" + port + " is in use: the three nodes need 8085-8087 and 8445-8447"
                        + " (is a `liaison demo` or `liaison node` running?)", e);
            }
        }
    }

    private String recordConsent(Node recorder, List<String> recipients, List<DataCategory> categories) throws Exception {
        String consentId = UUID.randomUUID().toString();
        HttpResponse<byte[]> recorded = recorder.post("/api/v1/consents", samples.consent(consentId, recorder.id, recipients, categories));
        assertThat(recorded.statusCode()).as(new String(recorded.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        assertThat(json(recorded).path("consentId").asString()).isEqualTo(consentId);
        return consentId;
    }

    private static void assertAccepted(HttpResponse<byte[]> answer, String messageId) throws Exception {
        assertThat(answer.statusCode()).as(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo(202);
        JsonNode body = json(answer);
        assertThat(body.path("messageId").asString()).isEqualTo(messageId);
        assertThat(body.path("status").asString()).isEqualTo("ACCEPTED");
        assertThat(answer.headers().firstValue("Location")).hasValue("/api/v1/messages/" + messageId);
    }

    private static void assertProblem(HttpResponse<byte[]> answer, int status, String code) {
        assertThat(answer.statusCode()).as(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(json(answer).path("code").asString()).isEqualTo(code);
    }

    /**
     * Refused by CCAS-29232's consent gate: 403 with the code, REFUSED, FT-29's inter-node endpoint
     * never called (its own count of requests is unchanged once nothing is queued for sending), and
     * FT-29 never heard of it.
     */
    private void assertRefusedAtSource(SampleMessages.Fresh message, String code) throws Exception {
        double before = envelopesReceivedByFranceTravail();
        assertProblem(ccas.post("/api/v1/messages", message.xml()), 403, code);
        JsonNode status = json(ccas.get("/api/v1/messages/" + message.messageId()));
        assertThat(status.path("status").asString()).isEqualTo("REFUSED");
        assertThat(status.path("errorCode").asString()).isEqualTo(code);
        assertThat(status.path("history").toString()).contains("\"REFUSED\"").doesNotContain("\"SENT\"");
        assertThat(envelopesReceivedByFranceTravail()).as("requests FT-29's inter-node endpoint received").isEqualTo(before);
        assertNothingDeliveredAtFranceTravail(message.messageId());
    }

    /**
     * Requests FT-29's inter-node endpoint has answered, from its own {@code http.server.requests}
     * count in its Prometheus scrape, read once the other nodes have nothing queued for sending (a
     * message on its way is counted in the queue until its try is over).
     */
    private double envelopesReceivedByFranceTravail() throws Exception {
        for (Node sender : new Node[] {ccas, cd}) {
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(scraped(sender, "liaison_queue_depth", "queue=\"liaison.outbound\""))
                    .as(sender.id + "'s outbound queue").isZero());
        }
        return scraped(ft, "http_server_requests_seconds_count", "uri=\"/exchange/v1/envelopes\"");
    }

    /** The sum of the samples of {@code metric} whose labels include {@code label}, in the node's Prometheus scrape (0 if none). */
    private static double scraped(Node node, String metric, String label) throws Exception {
        HttpResponse<byte[]> scrape = node.get("/actuator/prometheus", "text/plain");
        assertThat(scrape.statusCode()).isEqualTo(200);
        double sum = 0;
        for (String line : new String(scrape.body(), StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith(metric + "{") && line.substring(0, line.indexOf('}') + 1).contains(label)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** FT-29 does not know the message: no status, not in its inbox, never pushed to its software. */
    private void assertNothingDeliveredAtFranceTravail(String messageId) throws Exception {
        HttpResponse<byte[]> atRecipient = ft.get("/api/v1/messages/" + messageId);
        assertThat(atRecipient.statusCode()).isEqualTo(404);
        assertThat(json(atRecipient).path("code").asString()).isEqualTo("GW-API-003");
        assertThat(inboxEntry(ft, messageId)).isNull();
        assertThat(webhook.findAll(postRequestedFor(urlEqualTo(WEBHOOK_PATH)).withHeader("Liaison-Message-Id", equalTo(messageId))))
                .isEmpty();
        assertThat(webhookPushes()).noneMatch(r -> r.getBodyAsString().contains(messageId));
    }

    private void assertRejectedBySigner(HttpResponse<byte[]> answer, String messageId, byte[] envelope) {
        assertThat(answer.statusCode()).isEqualTo(422);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/cms");
        Receipt receipt = Receipts.verify(answer.body(), directory, "FT-29", messageId, envelope);
        assertThat(receipt.outcome()).isEqualTo(Receipt.Outcome.REJECTED);
        assertThat(receipt.errorCode()).isEqualTo("GW-SIGNATURE-008");
        assertThat(receipt.recipient()).isEqualTo("FT-29");
    }

    private static void awaitStatus(Node node, String messageId, String status) {
        await().atMost(PATIENCE).untilAsserted(() -> {
            HttpResponse<byte[]> answer = node.get("/api/v1/messages/" + messageId);
            assertThat(answer.statusCode()).as(node.id + " knows " + messageId).isEqualTo(200);
            assertThat(json(answer).path("status").asString()).as(node.id + " status of " + messageId).isEqualTo(status);
        });
    }

    private static JsonNode inboxEntry(Node node, String messageId) throws Exception {
        HttpResponse<byte[]> inbox = node.get("/api/v1/inbox");
        assertThat(inbox.statusCode()).isEqualTo(200);
        for (JsonNode entry : JSON.readTree(inbox.body())) {
            if (messageId.equals(entry.path("messageId").asString())) {
                return entry;
            }
        }
        return null;
    }

    private List<LoggedRequest> webhookPushes() {
        return webhook.findAll(postRequestedFor(urlEqualTo(WEBHOOK_PATH)));
    }

    /** Waits for the push of this message, then checks there was exactly one. */
    private LoggedRequest awaitSingleWebhookPush(String messageId) {
        var pattern = postRequestedFor(urlEqualTo(WEBHOOK_PATH)).withHeader("Liaison-Message-Id", equalTo(messageId));
        await().atMost(PATIENCE).until(() -> webhook.findAll(pattern).size(), n -> n > 0);
        List<LoggedRequest> pushes = webhook.findAll(pattern);
        assertThat(pushes).hasSize(1);
        return pushes.get(0);
    }

    private static void assertSignedWithSecret(LoggedRequest request) throws Exception {
        String timestamp = request.getHeader("Liaison-Timestamp");
        assertThat(timestamp).matches("\\d+");
        assertThat(Math.abs(Long.parseLong(timestamp) - System.currentTimeMillis() / 1000)).isLessThan(300);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
        String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(request.getBody()));
        assertThat(request.getHeader("Liaison-Signature")).isEqualTo(expected);
    }

    private static JsonNode json(HttpResponse<byte[]> answer) {
        return JSON.readTree(answer.body());
    }

    /** Posts an envelope to FT-29's inter-node endpoint over mutual TLS as {@code tlsIdentity}. */
    private static HttpResponse<byte[]> postEnvelope(String tlsIdentity, String messageId, byte[] envelope) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(tlsContext(tlsIdentity)).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:8445/exchange/v1/envelopes"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/cms")
                .header("Liaison-Message-Id", messageId)
                .POST(HttpRequest.BodyPublishers.ofByteArray(envelope))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A client TLS context with the participant's certs-dev TLS identity, trusting the network CA. */
    private static SSLContext tlsContext(String participantId) throws Exception {
        return DevTls.clientContext(CERTS_DEV, participantId);
    }

    /** One running node and its local API, authenticated with its development token. */
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

        static Node start(String participantId, Path run, int brokerId, Map<String, Object> overrides) throws IOException {
            Path workDir = Files.createDirectories(run.resolve(participantId));
            Map<String, Object> properties = new LinkedHashMap<>(DevNodeDefaults.of(participantId, CERTS_DEV, workDir));
            properties.put("spring.artemis.embedded.server-id", brokerId);
            properties.put("liaison.retry.peer-attempts", 2);
            properties.put("liaison.retry.initial-delay", "PT0.2S");
            properties.putAll(overrides);
            ConfigurableApplicationContext context = new SpringApplicationBuilder(LiaisonNodeApplication.class)
                    .main(LiaisonNodeApplication.class).properties(properties).run();
            String token = Files.readString(CERTS_DEV.resolve(participantId).resolve("local-client.token"), StandardCharsets.UTF_8)
                    .strip();
            URI localApi = URI.create("http://" + properties.get("liaison.local-api.address") + ":" + properties.get("liaison.local-api.port"));
            return new Node(participantId, localApi, token, context);
        }

        HttpResponse<byte[]> post(String path, byte[] xml) throws IOException, InterruptedException {
            return post(path, xml, "application/xml");
        }

        HttpResponse<byte[]> post(String path, byte[] body, String contentType) throws IOException, InterruptedException {
            return send(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        }

        HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
            return get(path, "application/json");
        }

        HttpResponse<byte[]> get(String path, String accept) throws IOException, InterruptedException {
            return send(request(path).header("Accept", accept).GET());
        }

        private HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(localApi.resolve(path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token);
        }

        private static HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
            return LOCAL_HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        }

        @Override
        public String toString() {
            return id;
        }
    }
}
