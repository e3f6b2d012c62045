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
import fr.liaison.schemas.v1.ExitReason;
import fr.liaison.schemas.v1.FollowUpEvent;
import fr.liaison.schemas.v1.FollowUpEventType;
import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.ParticipantKind;
import fr.liaison.schemas.v1.Purpose;
import fr.liaison.schemas.v1.ReferralDecision;
import fr.liaison.schemas.v1.ReferralResponse;
import fr.liaison.schemas.v1.Reorientation;
import fr.liaison.schemas.v1.ResourceDirectoryEntry;

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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
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

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The flows of the approche globale across five nodes sharing one clock the test moves:
 * conventions refused at the sender (audited there) and at the recipient, a referral's whole life
 * including a reminder and its expiry pushed to the software of both sides, answers and
 * follow-up events each party may or may not send, a department's resources (new, imported from
 * data·inclusion, changed, withdrawn) reaching two nodes, and an Axe 3 reorientation FT-25 -> CD-25
 * that closes France Travail's side and ends in STARTED. The CCAS-29232 and FT-29 software take
 * pushes (a webhook each, WireMock); the others pull from their inbox.
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
    private WireMockServer software;

    @BeforeAll
    void startNodes() throws IOException {
        software = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        software.start();
        Path run = Files.createTempDirectory(Files.createDirectories(Path.of("target", "it-nodes")), "flows-");
        int broker = 10;
        for (String id : List.of("CCAS-29232", "FT-29", "CD-29", "FT-25", "CD-25")) {
            Map<String, Object> extra = new LinkedHashMap<>();
            // Deadlines run when the test says so (the scheduled run comes once, 30 s after the start).
            extra.put("liaison.referral-deadline-check", "PT1H");
            if (id.equals("CCAS-29232") || id.equals("FT-29")) {
                software.stubFor(post(urlEqualTo(webhookPath(id))).willReturn(ok()));
                extra.put("liaison.webhook.url", "http://127.0.0.1:" + software.port() + webhookPath(id));
                extra.put("liaison.webhook.secret", "it-webhook-secret-" + UUID.randomUUID());
            }
            nodes.put(id, Node.start(id, run, broker++, clock, extra));
        }
    }

    @AfterAll
    void stopNodes() {
        nodes.values().forEach(node -> node.context.close());
        if (software != null) {
            software.stop();
        }
    }

    private static String webhookPath(String id) {
        return "/software/" + id;
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
        assertRefusalAudited("CCAS-29232", referral.messageId(), "GW-CONVENTION-001");
        assertThat(node("CD-25").get("/api/v1/messages/" + referral.messageId()).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void theSenderRefusesAMessageTypeTheConventionDoesNotNameAndAuditsIt() throws Exception {
        // CONV-25-RS lets CD-25 send FT-25 resource entries for RESSOURCES_SOCIALES, nothing else.
        var referral = samples.message("referral.xml", "CD-25", "FT-25", UUID.randomUUID().toString(), null);

        HttpResponse<String> answer = node("CD-25").post("/api/v1/messages", withPurpose(referral.xml(), Purpose.RESSOURCES_SOCIALES));

        assertThat(answer.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(answer.body()).path("code").asString()).isEqualTo("GW-CONVENTION-001");
        assertRefusalAudited("CD-25", referral.messageId(), "GW-CONVENTION-001");
        assertThat(node("FT-25").get("/api/v1/messages/" + referral.messageId()).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void theSenderRefusesAnExchangeOnADayItsConventionIsNotInForceAndAuditsIt() throws Exception {
        Instant today = clock.instant();
        clock.set(Instant.parse("2025-12-31T12:00:00Z")); // CONV-29-QUIMPER is in force from 2026-01-01
        try {
            var referral = samples.message("referral.xml", "CCAS-29232", "FT-29", UUID.randomUUID().toString(), null);

            HttpResponse<String> answer = node("CCAS-29232").post("/api/v1/messages", referral.xml());

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(422);
            assertThat(JSON.readTree(answer.body()).path("code").asString()).isEqualTo("GW-CONVENTION-002");
            assertRefusalAudited("CCAS-29232", referral.messageId(), "GW-CONVENTION-002");
            assertThat(node("FT-29").get("/api/v1/messages/" + referral.messageId()).statusCode()).isEqualTo(404);
        } finally {
            clock.set(today);
        }
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

    @Test
    @Order(5)
    void resourcesImportedFromDataInclusionChangedAndWithdrawnAreFollowedOnBothNodes() throws Exception {
        Map<String, Object> service = JSON.readValue(node("FT-29").json("/api/v1/resources/data-inclusion?category=mobilite").get(0)
                .toString(), new TypeReference<LinkedHashMap<String, Object>>() { });
        service.put("id", "cd29-import-0001");
        service.put("nom", "Garage solidaire du pays de Quimper");
        service.put("thematiques", List.of("mobilite--entretenir-reparer-son-vehicule", "not-a-thematique--at-all"));
        Map<String, Object> unknown = new LinkedHashMap<>(service);
        unknown.put("id", "cd29-import-0002");
        unknown.put("thematiques", List.of("not-a-thematique--at-all"));

        // One service that cannot be read refuses the whole import: its valid neighbour is not published either.
        Map<String, Object> neighbour = new LinkedHashMap<>(service);
        neighbour.put("id", "cd29-import-0003");
        Map<String, Object> unreadable = new LinkedHashMap<>(service);
        unreadable.put("id", "cd29-import-0004");
        unreadable.put("date_maj", "not-a-date");
        HttpResponse<String> refused = node("CD-29").postJson("/api/v1/resources/data-inclusion",
                JSON.writeValueAsBytes(List.of(neighbour, unreadable)));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(JSON.readTree(refused.body()).path("code").asString()).isEqualTo("GW-SCHEMA-001");

        HttpResponse<String> imported = node("CD-29").postJson("/api/v1/resources/data-inclusion",
                JSON.writeValueAsBytes(List.of(service, unknown)));

        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
        JsonNode result = JSON.readTree(imported.body());
        assertThat(result.path("messageIds").size()).isEqualTo(2); // FT-29 and CCAS-29232
        assertThat(result.path("skippedWithoutMatchingThematique")).extracting(JsonNode::asString).containsExactly("cd29-import-0002");
        for (String id : List.of("FT-29", "CCAS-29232")) {
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(node(id)
                    .json("/api/v1/resources?category=mobilite--entretenir-reparer-son-vehicule&commune=29232"))
                    .extracting(n -> n.path("id").asString(), n -> n.path("name").asString())
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("cd29-import-0001", "Garage solidaire du pays de Quimper")));
        }

        // The department renames its scooter service, then withdraws it.
        publishResource(entry -> {
            entry.setName("Scooters solidaires – pays de Quimper");
            entry.setUpdatedOn(LocalDate.of(2026, 3, 1));
        });
        for (String id : List.of("FT-29", "CCAS-29232")) {
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(node(id).json("/api/v1/resources?category=mobilite&commune=29232"))
                    .filteredOn(n -> n.path("id").asString().equals("cd29-mobilite-0042")).singleElement()
                    .satisfies(n -> assertThat(n.path("name").asString()).isEqualTo("Scooters solidaires – pays de Quimper")));
        }
        publishResource(entry -> {
            entry.setUpdatedOn(LocalDate.of(2026, 4, 1));
            entry.setWithdrawn(true);
        });
        for (String id : List.of("FT-29", "CCAS-29232")) {
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(node(id).json("/api/v1/resources?category=mobilite&commune=29232"))
                    .extracting(n -> n.path("id").asString()).containsExactly("cd29-import-0001"));
        }
    }

    /** CD-29 publishes a new version of its sample resource to the nodes its conventions name. */
    private void publishResource(Consumer<ResourceDirectoryEntry> change) throws Exception {
        byte[] xml = edit(Files.readAllBytes(SAMPLES.resolve("v1/valid/resource-directory-entry.xml")), m -> {
            m.getHeader().setMessageId(UUID.randomUUID().toString());
            m.getHeader().setCreatedAt(clock.instant().atOffset(ZoneOffset.UTC));
            change.accept((ResourceDirectoryEntry) m);
        });
        HttpResponse<String> published = node("CD-29").post("/api/v1/messages", xml);
        assertThat(published.statusCode()).as(published.body()).isEqualTo(202);
    }

    // --------------------------------------------------------------------------- Axe 3

    @Test
    @Order(6)
    void aReorientationFromFranceTravailToTheDepartmentClosesFranceTravailsSideAndEndsInStarted() throws Exception {
        String consent = recordConsent("FT-25", List.of("CD-25"), Purpose.ACCOMPAGNEMENT_SOCIAL);
        var referral = samples.message("referral.xml", "FT-25", "CD-25", consent, null);
        String id = referral.messageId();
        submitAndAwaitDelivery("FT-25", withPurpose(referral.xml(), Purpose.ACCOMPAGNEMENT_SOCIAL), id);
        acknowledgeFromInbox("CD-25", id); // CD-25 now holds the consent proof
        // France Travail's side: the person is re-oriented to the department, its own accompaniment ends.
        sendEvent("FT-25", "CD-25", consent, id, FollowUpEventType.REORIENTATION, null);
        sendEvent("FT-25", "CD-25", consent, id, FollowUpEventType.ACCOMPANIMENT_ENDED, ExitReason.REORIENTATION_SOCIALE);
        assertThat(referralState("FT-25", id)).as("still awaiting the department's answer").isEqualTo("SENT");
        assertThat(referralState("CD-25", id)).isEqualTo("RECEIVED");

        var answer = samples.message("referral-response.xml", "CD-25", "FT-25", consent, id);
        submitAndAwaitDelivery("CD-25", withPurpose(answer.xml(), Purpose.ACCOMPAGNEMENT_SOCIAL), answer.messageId());
        assertThat(referralState("FT-25", id)).isEqualTo("ACCEPTED");
        // Only the department reports its accompaniment: France Travail may not, at its node.
        var notFt = samples.message("follow-up-event.xml", "FT-25", "CD-25", consent, id);
        HttpResponse<String> refused = node("FT-25").post("/api/v1/messages",
                followUp(notFt.xml(), Purpose.ACCOMPAGNEMENT_SOCIAL, FollowUpEventType.ACCOMPANIMENT_STARTED, null));
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(refused.body()).path("code").asString()).isEqualTo("GW-REFERRAL-004");
        assertRefusalAudited("FT-25", notFt.messageId(), "GW-REFERRAL-004");
        assertThat(node("CD-25").get("/api/v1/messages/" + notFt.messageId()).statusCode()).isEqualTo(404);

        sendEvent("CD-25", "FT-25", consent, id, FollowUpEventType.ACCOMPANIMENT_STARTED, null);

        assertThat(referralState("FT-25", id)).isEqualTo("STARTED");
        assertThat(referralState("CD-25", id)).isEqualTo("STARTED");
        for (String at : List.of("FT-25", "CD-25")) {
            assertThat(node(at).json("/api/v1/referrals?state=STARTED")).as(at).extracting(r -> r.path("referralId").asString())
                    .contains(id);
        }
    }

    // ------------------------------------------------------------------------------- lifecycle

    @Test
    @Order(7)
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
    @Order(8)
    void aReferralIsRemindedThenExpiresOnBothNodesAndALateAnswerIsRefused() throws Exception {
        String consent = recordConsent("CCAS-29232", List.of("FT-29"), Purpose.ACCOMPAGNEMENT_GLOBAL);
        var referral = samples.message("referral.xml", "CCAS-29232", "FT-29", consent, null);
        String id = referral.messageId();
        submitAndAwaitDelivery("CCAS-29232", referral.xml(), id);
        assertThat(referralState("CCAS-29232", id)).isEqualTo("SENT");
        assertThat(referralState("FT-29", id)).isEqualTo("RECEIVED");

        clock.advance(Duration.ofDays(10).plusMinutes(1));
        runDeadlines();
        assertThat(referral("FT-29", id).path("reminders").asInt()).isEqualTo(1);
        assertThat(referral("CCAS-29232", id).path("reminders").asInt()).isEqualTo(1);
        // The recipient's software is reminded; the sender's is not.
        LoggedRequest reminded = singleNotice("FT-29", id, "REFERRAL_REMINDER");
        assertThat(reminded.getHeader("Content-Type")).startsWith("application/json");
        JsonNode reminder = JSON.readTree(reminded.getBodyAsString());
        assertThat(reminder.path("event").asString()).isEqualTo("REFERRAL_REMINDER");
        assertThat(reminder.path("state").asString()).isEqualTo("RECEIVED");
        assertThat(reminder.path("dueAt").asString()).isEqualTo(referral("FT-29", id).path("dueAt").asString());
        assertThat(notices("CCAS-29232", id)).isEmpty();
        assertThat(auditSteps("FT-29", id, "REFERRAL_REMINDED")).singleElement().satisfies(e -> {
            assertThat(e.path("sender").asString()).isEqualTo("CCAS-29232");
            assertThat(e.path("actor").asString()).isEqualTo("node");
        });

        clock.advance(Duration.ofDays(20));
        runDeadlines();
        assertThat(referralState("CCAS-29232", id)).isEqualTo("EXPIRED");
        assertThat(referralState("FT-29", id)).isEqualTo("EXPIRED");
        for (String at : List.of("CCAS-29232", "FT-29")) {
            JsonNode expired = JSON.readTree(singleNotice(at, id, "REFERRAL_EXPIRED").getBodyAsString());
            assertThat(expired.path("state").asString()).as(at).isEqualTo("EXPIRED");
            assertThat(auditSteps(at, id, "REFERRAL_EXPIRED")).as(at).hasSize(1);
            assertThat(node(at).json("/api/v1/referrals?state=EXPIRED&limit=1000")).as(at)
                    .extracting(r -> r.path("referralId").asString()).contains(id);
            assertThat(node(at).json("/api/v1/referrals?state=EXPIRED&limit=1000")).as(at)
                    .allSatisfy(r -> assertThat(r.path("state").asString()).isEqualTo("EXPIRED"));
            assertThat(node(at).json("/api/v1/referrals?state=SENT&limit=1000")).as(at)
                    .extracting(r -> r.path("referralId").asString()).doesNotContain(id);
        }
        runDeadlines();
        assertThat(notices("FT-29", id)).as("nothing more once expired").hasSize(2);

        var late = samples.message("referral-response.xml", "FT-29", "CCAS-29232", consent, id);
        HttpResponse<String> answer = node("FT-29").post("/api/v1/messages", late.xml());
        assertThat(JSON.readTree(answer.body()).path("code").asString()).isEqualTo("GW-REFERRAL-003");
        assertRefusalAudited("FT-29", late.messageId(), "GW-REFERRAL-003");
    }

    @Test
    @Order(9)
    void aReferralAskedForMoreInformationIsAcceptedThenFollowedToItsEndAndASecondAnswerIsRefused() throws Exception {
        String consent = recordConsent("CCAS-29232", List.of("FT-29"), Purpose.ACCOMPAGNEMENT_GLOBAL);
        var referral = samples.message("referral.xml", "CCAS-29232", "FT-29", consent, null);
        String id = referral.messageId();
        submitAndAwaitDelivery("CCAS-29232", referral.xml(), id);

        answer(consent, id, ReferralDecision.MORE_INFORMATION_NEEDED);
        assertThat(referralState("CCAS-29232", id)).isEqualTo("MORE_INFORMATION_NEEDED");
        assertThat(referralState("FT-29", id)).isEqualTo("MORE_INFORMATION_NEEDED");
        assertThat(node("CCAS-29232").json("/api/v1/referrals?state=MORE_INFORMATION_NEEDED&limit=1000"))
                .extracting(r -> r.path("referralId").asString()).contains(id);
        answer(consent, id, ReferralDecision.ACCEPTED);
        assertThat(referralState("CCAS-29232", id)).isEqualTo("ACCEPTED");
        assertThat(referral("CCAS-29232", id).path("firstAppointment").asString()).isEqualTo("2025-03-27");

        var second = samples.message("referral-response.xml", "FT-29", "CCAS-29232", consent, id);
        HttpResponse<String> refused = node("FT-29").post("/api/v1/messages", second.xml());
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(refused.body()).path("code").asString()).isEqualTo("GW-REFERRAL-002");
        assertRefusalAudited("FT-29", second.messageId(), "GW-REFERRAL-002");

        sendEvent("FT-29", "CCAS-29232", consent, id, FollowUpEventType.FIRST_APPOINTMENT_SET, null);
        assertThat(referralState("CCAS-29232", id)).isEqualTo("FIRST_APPOINTMENT_SET");
        assertThat(referralState("FT-29", id)).isEqualTo("FIRST_APPOINTMENT_SET");
        sendEvent("FT-29", "CCAS-29232", consent, id, FollowUpEventType.ACCOMPANIMENT_STARTED, null);
        assertThat(referralState("CCAS-29232", id)).isEqualTo("STARTED");
        sendEvent("FT-29", "CCAS-29232", consent, id, FollowUpEventType.ACCOMPANIMENT_ENDED, ExitReason.EMPLOI_DURABLE);
        for (String at : List.of("CCAS-29232", "FT-29")) {
            JsonNode ended = referral(at, id);
            assertThat(ended.path("state").asString()).as(at).isEqualTo("ENDED");
            assertThat(ended.path("exitReason").asString()).as(at).isEqualTo("EMPLOI_DURABLE");
            assertThat(node(at).json("/api/v1/referrals?state=ENDED")).as(at).extracting(r -> r.path("referralId").asString())
                    .contains(id);
            assertThat(node(at).json("/api/v1/referrals?state=STARTED&limit=1000")).as(at)
                    .extracting(r -> r.path("referralId").asString()).doesNotContain(id);
        }
        var afterTheEnd = samples.message("follow-up-event.xml", "FT-29", "CCAS-29232", consent, id);
        HttpResponse<String> closed = node("FT-29").post("/api/v1/messages",
                followUp(afterTheEnd.xml(), Purpose.ACCOMPAGNEMENT_GLOBAL, FollowUpEventType.ACCOMPANIMENT_STARTED, null));
        assertThat(JSON.readTree(closed.body()).path("code").asString()).isEqualTo("GW-REFERRAL-005");
        assertRefusalAudited("FT-29", afterTheEnd.messageId(), "GW-REFERRAL-005");
    }

    @Test
    @Order(10)
    void theSenderWithdrawsAPendingReferralWhichTheRecipientMayNeitherWithdrawNorAnswer() throws Exception {
        String consent = recordConsent("CCAS-29232", List.of("FT-29"), Purpose.ACCOMPAGNEMENT_GLOBAL);
        var referral = samples.message("referral.xml", "CCAS-29232", "FT-29", consent, null);
        String id = referral.messageId();
        submitAndAwaitDelivery("CCAS-29232", referral.xml(), id);

        var byRecipient = samples.message("follow-up-event.xml", "FT-29", "CCAS-29232", consent, id);
        HttpResponse<String> notYours = node("FT-29").post("/api/v1/messages",
                followUp(byRecipient.xml(), Purpose.ACCOMPAGNEMENT_GLOBAL, FollowUpEventType.REFERRAL_WITHDRAWN, null));
        assertThat(JSON.readTree(notYours.body()).path("code").asString()).isEqualTo("GW-REFERRAL-004");
        assertRefusalAudited("FT-29", byRecipient.messageId(), "GW-REFERRAL-004");
        assertThat(referralState("FT-29", id)).isEqualTo("RECEIVED");

        sendEvent("CCAS-29232", "FT-29", consent, id, FollowUpEventType.REFERRAL_WITHDRAWN, null);
        for (String at : List.of("CCAS-29232", "FT-29")) {
            assertThat(node(at).json("/api/v1/referrals?state=WITHDRAWN")).as(at)
                    .filteredOn(r -> r.path("referralId").asString().equals(id)).singleElement()
                    .satisfies(r -> assertThat(r.path("state").asString()).isEqualTo("WITHDRAWN"));
        }

        var tooLate = samples.message("referral-response.xml", "FT-29", "CCAS-29232", consent, id);
        HttpResponse<String> answer = node("FT-29").post("/api/v1/messages", tooLate.xml());
        assertThat(JSON.readTree(answer.body()).path("code").asString()).isEqualTo("GW-REFERRAL-002");
        assertRefusalAudited("FT-29", tooLate.messageId(), "GW-REFERRAL-002");
    }

    // --------------------------------------------------------------------------------- helpers

    /** The recipient's answer, delivered (the referral's state then moved on both nodes). */
    private void answer(String consent, String referralId, ReferralDecision decision) throws Exception {
        var answer = samples.message("referral-response.xml", "FT-29", "CCAS-29232", consent, referralId);
        submitAndAwaitDelivery("FT-29", edit(answer.xml(), m -> {
            ReferralResponse response = (ReferralResponse) m;
            response.setDecision(decision);
            if (decision == ReferralDecision.MORE_INFORMATION_NEEDED) {
                response.setInformationRequested("Le dernier diagnostic social");
                response.setFirstAppointmentDate(null);
            }
        }), answer.messageId());
    }

    /** A follow-up event of that type, correlated to the referral, submitted and delivered. */
    private void sendEvent(String sender, String recipient, String consent, String referralId, FollowUpEventType type, ExitReason exit)
            throws Exception {
        Purpose purpose = sender.endsWith("-25") ? Purpose.ACCOMPAGNEMENT_SOCIAL : Purpose.ACCOMPAGNEMENT_GLOBAL;
        var event = samples.message("follow-up-event.xml", sender, recipient, consent, referralId);
        submitAndAwaitDelivery(sender, followUp(event.xml(), purpose, type, exit), event.messageId());
    }

    /** The follow-up sample turned into that event; with no exit reason it carries no data category. */
    private byte[] followUp(byte[] xml, Purpose purpose, FollowUpEventType type, ExitReason exit) {
        return edit(xml, m -> {
            m.getHeader().setPurpose(purpose);
            FollowUpEvent event = (FollowUpEvent) m;
            event.setEventType(type);
            event.setExitReason(exit);
            if (exit == null) {
                m.getHeader().setDataCategories(null);
            }
            Reorientation target = null;
            if (type == FollowUpEventType.REORIENTATION) {
                target = new Reorientation();
                target.setTargetKind(ParticipantKind.DEPARTEMENT);
                target.setTargetParticipant(m.getHeader().getRecipient());
            }
            event.setReorientation(target);
        });
    }

    /** The refusal is in the sender node's audit trail with its code, and nothing about it left. */
    private void assertRefusalAudited(String at, String messageId, String code) throws Exception {
        assertThat(auditSteps(at, messageId, "REFUSED")).as(at + " audits the refusal of " + messageId).singleElement()
                .satisfies(e -> assertThat(e.path("errorCode").asString()).isEqualTo(code));
        assertThat(node(at).json("/api/v1/messages/" + messageId).path("status").asString()).isEqualTo("REFUSED");
    }

    private List<JsonNode> auditSteps(String at, String messageId, String step) throws Exception {
        List<JsonNode> entries = new ArrayList<>();
        node(at).officerJson("/api/v1/audit?size=200&messageId=" + messageId + "&step=" + step).path("entries").forEach(entries::add);
        return entries;
    }

    /** What the node pushed to its software about that referral, apart from messages: its deadline notices. */
    private List<LoggedRequest> notices(String at, String referralId) {
        return software.findAll(postRequestedFor(urlEqualTo(webhookPath(at))).withHeader("Liaison-Message-Id", equalTo(referralId)))
                .stream().filter(r -> r.getHeader("Liaison-Message-Type").startsWith("REFERRAL_")
                        && !r.getHeader("Liaison-Message-Type").equals("REFERRAL_RESPONSE")).toList();
    }

    private LoggedRequest singleNotice(String at, String referralId, String type) {
        return await().atMost(PATIENCE).until(() -> notices(at, referralId).stream()
                .filter(r -> r.getHeader("Liaison-Message-Type").equals(type)).toList(), list -> list.size() == 1).get(0);
    }

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
            return start(id, run, brokerId, clock, Map.of());
        }

        /** {@code extra}: Spring properties of this node on top of the development defaults. */
        static Node start(String id, Path run, int brokerId, Clock clock, Map<String, Object> extra) throws IOException {
            Map<String, Object> properties = new LinkedHashMap<>(DevNodeDefaults.of(id, CERTS_DEV, Files.createDirectories(run.resolve(id))));
            properties.put("spring.artemis.embedded.server-id", brokerId);
            properties.put("liaison.retry.peer-attempts", 2);
            properties.put("liaison.retry.initial-delay", "PT0.2S");
            properties.putAll(extra);
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

        HttpResponse<String> postJson(String path, byte[] json) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(localApi.resolve(path)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(json)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        /** What a security officer of this node reads (development password of certs-dev). */
        JsonNode officerJson(String path) throws IOException, InterruptedException {
            String password = Files.readString(CERTS_DEV.resolve(id).resolve("officer.password"), StandardCharsets.UTF_8).strip();
            String basic = Base64.getEncoder().encodeToString(("officer:" + password).getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(localApi.resolve(path)).header("Authorization", "Basic " + basic)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(200);
            return JSON.readTree(answer.body());
        }
    }
}
