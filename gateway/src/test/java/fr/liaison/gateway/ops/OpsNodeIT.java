package fr.liaison.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fr.liaison.gateway.cli.SampleMessages;
import fr.liaison.schemas.v1.DataCategory;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Operations of two real nodes, FT-17 and CD-17, exchanging over mutual TLS: readiness and the
 * Prometheus scrape on the local listener, the OpenAPI document equal to the committed one, and
 * the JSON log output of a full exchange, which names the message id and never the person nor
 * the payload.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class OpsNodeIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final List<DataCategory> DIAGNOSIS_CATEGORIES = List.of(DataCategory.EMPLOYMENT_SITUATION,
            DataCategory.BARRIER_MOBILITE, DataCategory.BARRIER_SANTE, DataCategory.BARRIER_LOGEMENT, DataCategory.HEALTH_DETAIL);
    /** Personal data and payload fragments of schemas/samples/v1/valid/shared-diagnosis.xml and consent.xml. */
    private static final List<String> NEVER_LOGGED = List.of("Lombalgie", "kinésithérapie", "Séances");

    private final SampleMessages samples = new SampleMessages(TestNode.SAMPLES, Clock.systemUTC());

    private TestNode ft;
    private TestNode cd;

    @BeforeAll
    void startNodes() {
        TestNode.requireFreePorts(8443, 8444);
        Map<String, Object> json = Map.of("logging.structured.format.console", "ecs");
        ft = TestNode.start("FT-17", "ops", 21, json);
        cd = TestNode.start("CD-17", "ops", 22, json);
    }

    @AfterAll
    void stopNodes() {
        for (TestNode node : new TestNode[] {cd, ft}) {
            if (node != null) {
                node.close();
            }
        }
    }

    @Test
    void fullExchangeLogsJsonWithTheMessageIdAndNeverThePersonOrThePayload(CapturedOutput output) throws Exception {
        String consentId = UUID.randomUUID().toString();
        assertThat(ft.send(ft.authorized("/api/v1/consents").header("Content-Type", "application/xml").POST(
                HttpRequest.BodyPublishers.ofByteArray(samples.consent(consentId, "FT-17", List.of("CD-17"), DIAGNOSIS_CATEGORIES))))
                .statusCode()).isEqualTo(201);
        SampleMessages.Fresh diagnosis = samples.message("shared-diagnosis.xml", "FT-17", "CD-17", consentId, null);
        assertThat(ft.send(ft.authorized("/api/v1/messages").header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofByteArray(diagnosis.xml()))).statusCode()).isEqualTo(202);
        await().atMost(PATIENCE).until(() -> status(cd, diagnosis.messageId()), "RECEIVED"::equals); // waiting in CD-17's inbox
        await().atMost(PATIENCE).until(() -> status(ft, diagnosis.messageId()), "DELIVERED"::equals);
        SampleMessages.Fresh refused = samples.message("shared-diagnosis.xml", "FT-17", "CD-17", UUID.randomUUID().toString(), null);
        assertThat(ft.send(ft.authorized("/api/v1/messages").header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofByteArray(refused.xml()))).statusCode()).isEqualTo(403);

        String scrape = new String(ft.send(ft.anonymous("/actuator/prometheus").GET()).body(), StandardCharsets.UTF_8);
        assertThat(scrape).containsPattern("liaison_route_exchanges_total\\{[^}]*outcome=\"completed\"[^}]*route=\"outbound-deliver\"")
                .containsPattern("liaison_route_exchanges_total\\{code=\"GW-CONSENT-001\",outcome=\"refused\"[^}]*route=\"outbound-submit\"")
                .contains("liaison_route_duration_seconds_count{");
        // Seal and open timings (the sender seals, the recipient opens) and the audit append latency of both.
        String recipientScrape = new String(cd.send(cd.anonymous("/actuator/prometheus").GET()).body(), StandardCharsets.UTF_8);
        assertThat(count(scrape, "liaison_step_duration_seconds_count", "step=\"outbound-seal\"")).isPositive();
        assertThat(count(scrape, "liaison_step_duration_seconds_sum", "step=\"outbound-seal\"")).isPositive();
        assertThat(count(recipientScrape, "liaison_step_duration_seconds_count", "step=\"inbound-open\"")).isPositive();
        assertThat(count(recipientScrape, "liaison_step_duration_seconds_sum", "step=\"inbound-open\"")).isPositive();
        for (String node : List.of(scrape, recipientScrape)) {
            assertThat(count(node, "liaison_audit_append_seconds_count", "")).isPositive();
            assertThat(count(node, "liaison_audit_append_seconds_sum", "")).isPositive();
        }

        String logs = output.getAll();
        assertThat(logs).contains(diagnosis.messageId());
        List<String> forbidden = new ArrayList<>(NEVER_LOGGED);
        forbidden.addAll(personOf(diagnosis.xml()));
        for (String value : forbidden) {
            assertThat(logs).as("log output must not contain %s", value).doesNotContain(value);
        }
        // Structured: the lines naming the message are JSON objects carrying it as the MDC field messageId.
        List<JsonNode> withId = new ArrayList<>();
        for (String line : logs.split("\\R")) {
            if (line.startsWith("{") && line.contains(diagnosis.messageId())) {
                withId.add(JSON.readTree(line));
            }
        }
        assertThat(withId).isNotEmpty();
        assertThat(withId).anySatisfy(line -> assertThat(line.path("messageId").asString()).isEqualTo(diagnosis.messageId()));
    }

    @Test
    void prometheusScrapeShowsExchangeCountersQueuesAndCertificateExpiryWithoutAToken() throws Exception {
        HttpResponse<byte[]> scrape = ft.send(ft.anonymous("/actuator/prometheus").GET());
        String text = new String(scrape.body(), StandardCharsets.UTF_8);
        assertThat(scrape.statusCode()).as(text).isEqualTo(200);
        assertThat(text).contains("liaison_messages{").contains("direction=\"OUTBOUND\"").contains("status=\"DELIVERED\"")
                .contains("liaison_queue_depth{").contains("queue=\"liaison.dead-letter\"")
                .contains("liaison_certificate_expiry_days{").contains("certificate=\"tls\"").contains("certificate=\"network-ca\"");
    }

    @Test
    void theLocalApiWithoutATokenOrWithAWrongOneAnswers401ProblemAndDoesNothing() throws Exception {
        String consentId = UUID.randomUUID().toString();
        byte[] consent = samples.consent(consentId, "FT-17", List.of("CD-17"), DIAGNOSIS_CATEGORIES);
        SampleMessages.Fresh diagnosis = samples.message("shared-diagnosis.xml", "FT-17", "CD-17", consentId, null);
        List<String> credentials = new ArrayList<>();
        credentials.add(null);
        credentials.add("Bearer not-" + ft.token);
        credentials.add("Bearer " + cd.token); // another node's client
        credentials.add("Basic " + java.util.Base64.getEncoder().encodeToString((ft.clientName + ":" + ft.token).getBytes(StandardCharsets.UTF_8)));
        int basicFailures = 0;
        for (String credential : credentials) {
            List<HttpRequest.Builder> requests = List.of(
                    ft.anonymous("/api/v1/consents").header("Content-Type", "application/xml").POST(HttpRequest.BodyPublishers.ofByteArray(consent)),
                    ft.anonymous("/api/v1/messages").header("Content-Type", "application/xml")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(diagnosis.xml())),
                    ft.anonymous("/api/v1/messages/" + diagnosis.messageId()).GET(),
                    ft.anonymous("/api/v1/inbox").GET(),
                    ft.anonymous("/api/v1/inbox/" + diagnosis.messageId()).GET(),
                    ft.anonymous("/api/v1/inbox/" + diagnosis.messageId() + "/ack").POST(HttpRequest.BodyPublishers.noBody()));
            for (HttpRequest.Builder request : requests) {
                if (credential != null) {
                    request.header("Authorization", credential);
                }
                HttpResponse<byte[]> answer = ft.send(request);
                String what = answer.request().method() + " " + answer.uri().getPath() + " with " + (credential == null ? "no credential"
                        : credential.substring(0, credential.indexOf(' ')) + " credential");
                // Basic is an officer's login: after five failures naming one name, its logins are refused unchecked.
                if (credential != null && credential.startsWith("Basic ") && ++basicFailures > 5) {
                    assertThat(answer.statusCode()).as(what).isEqualTo(429);
                    assertThat(JSON.readTree(answer.body()).path("code").asString()).as(what).isEqualTo("GW-API-013");
                    continue;
                }
                assertThat(answer.statusCode()).as(what).isEqualTo(401);
                assertThat(answer.headers().firstValue("Content-Type")).as(what).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
                assertThat(answer.headers().firstValue("Set-Cookie")).as(what).isEmpty();
                JsonNode problem = JSON.readTree(answer.body());
                assertThat(problem.path("code").asString()).as(what).isEqualTo("GW-API-001");
                assertThat(problem.path("status").asInt()).as(what).isEqualTo(401);
                assertThat(problem.propertyNames()).as(what + ": the problem and nothing else")
                        .isSubsetOf("type", "title", "status", "detail", "instance", "code");
            }
        }
        // Nothing was done: neither the consent nor the message exists for the node's own client.
        assertThat(ft.send(ft.authorized("/api/v1/consents/" + consentId).GET()).statusCode()).isEqualTo(404);
        assertThat(ft.send(ft.authorized("/api/v1/messages/" + diagnosis.messageId()).GET()).statusCode()).isEqualTo(404);
    }

    @Test
    void livenessAndReadinessAnswerWithoutAToken() throws Exception {
        for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
            HttpResponse<byte[]> answer = ft.send(ft.anonymous(probe).GET());
            assertThat(answer.statusCode()).as(probe).isEqualTo(200);
            assertThat(JSON.readTree(answer.body()).path("status").asString()).isEqualTo("UP");
        }
    }

    @Test
    void servedOpenApiDocumentIsTheCommittedOne() throws Exception {
        HttpResponse<byte[]> served = ft.send(ft.anonymous("/v3/api-docs").GET());
        assertThat(served.statusCode()).isEqualTo(200);
        JsonNode document = JSON.readTree(served.body());
        // Messages travel as documents, not as base64 strings, which a generated client would send instead.
        JsonNode submit = document.at("/paths/~1api~1v1~1messages/post");
        assertThat(submit.at("/requestBody/content/application~1json/schema/type").asString()).isEqualTo("object");
        assertThat(submit.at("/requestBody/content/application~1xml/schema/type").asString()).isEqualTo("string");
        assertThat(submit.at("/responses/202/content/application~1json/schema/required").toString()).contains("messageId");
        assertThat(new String(served.body(), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("\"format\":\"byte\"");
        Path committed = TestNode.SAMPLES.getParent().getParent().resolve("docs/openapi.json");
        if (!Files.exists(committed) || Boolean.getBoolean("liaison.openapi.write")) {
            Files.writeString(committed, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document) + "\n");
        }
        assertThat(document).as("docs/openapi.json differs from the served document: delete it and rerun OpsNodeIT to regenerate it, then review the diff")
                .isEqualTo(JSON.readTree(Files.readAllBytes(committed)));
        assertThat(document.path("paths").has("/api/v1/messages")).isTrue();
        assertThat(document.path("components").path("schemas").path("Problem").path("properties").path("code").path("enum"))
                .isNotEmpty();
    }

    /** The value of the sample of {@code metric} whose labels match {@code labels}, from a Prometheus scrape; fails when absent. */
    private static double count(String scrape, String metric, String labels) {
        java.util.regex.Matcher sample = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(metric)
                + (labels.isEmpty() ? "(?:\\{[^}]*\\})?" : "\\{[^}]*" + labels + "[^}]*\\}") + " (\\S+)$").matcher(scrape);
        assertThat(sample.find()).as("%s{%s} in the scrape", metric, labels).isTrue();
        return Double.parseDouble(sample.group(1));
    }

    private static String status(TestNode node, String messageId) throws Exception {
        HttpResponse<byte[]> answer = node.send(node.authorized("/api/v1/messages/" + messageId).header("Accept", "application/json").GET());
        return answer.statusCode() == 200 ? JSON.readTree(answer.body()).path("status").asString() : null;
    }

    /** The France Travail id and names in a message (its person element), read from the XML. */
    private static List<String> personOf(byte[] xml) throws Exception {
        var factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        var document = factory.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(xml));
        List<String> values = new ArrayList<>();
        for (String name : List.of("franceTravailId", "lastName", "firstName", "birthDate")) {
            var nodes = document.getElementsByTagNameNS("urn:liaison:messages:v1", name);
            for (int i = 0; i < nodes.getLength(); i++) {
                values.add(nodes.item(i).getTextContent());
            }
        }
        assertThat(values).as("the sample names a person").isNotEmpty();
        return values;
    }
}
