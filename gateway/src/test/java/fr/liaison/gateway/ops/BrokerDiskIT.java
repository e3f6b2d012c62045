package fr.liaison.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fr.liaison.gateway.cli.DevTls;
import fr.liaison.gateway.cli.SampleMessages;
import fr.liaison.gateway.config.BrokerDisk;
import fr.liaison.schemas.v1.DataCategory;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.jdbc.core.simple.JdbcClient;

import tools.jackson.databind.json.JsonMapper;

/**
 * A node whose broker finds its disk too full (here: any use above 1 % counts as full) answers a new
 * message at once with a coded 503 (a SOAP fault on the SOAP face, a 503 without a receipt to a
 * peer's node) and audits the refusal, where Artemis would otherwise hold the send, and the request,
 * until space is freed. Nothing is stored; operations that queue nothing still work; readiness and
 * the officer pages say why.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrokerDiskIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** What the consent must cover for schemas/samples/v1/valid/shared-diagnosis.xml to pass the consent gate. */
    private static final List<DataCategory> DIAGNOSIS_CATEGORIES = List.of(DataCategory.EMPLOYMENT_SITUATION,
            DataCategory.BARRIER_MOBILITE, DataCategory.BARRIER_SANTE, DataCategory.BARRIER_LOGEMENT, DataCategory.HEALTH_DETAIL);

    private final SampleMessages samples = new SampleMessages(TestNode.SAMPLES, Clock.systemUTC());

    private TestNode ft;

    @BeforeAll
    void startNode() {
        TestNode.requireFreePorts(8443);
        ft = TestNode.start("FT-17", "disk", 31, Map.of("liaison.broker.max-disk-usage", 1, "liaison.broker.disk-scan-period", "PT0.1S"));
        await().atMost(Duration.ofSeconds(30)).until(() -> ft.context.getBean(BrokerDisk.class).full());
    }

    @AfterAll
    void stopNode() {
        if (ft != null) {
            ft.close();
        }
    }

    @Test
    void aNewMessageIsRefusedAtOnceWithACodeAndAnAuditEntryAndNothingIsStored() throws Exception {
        String consentId = UUID.randomUUID().toString();
        // Recording a consent queues nothing: still done.
        assertThat(ft.send(ft.authorized("/api/v1/consents").header("Content-Type", "application/xml").POST(
                HttpRequest.BodyPublishers.ofByteArray(samples.consent(consentId, "FT-17", List.of("CD-17"),
                        DIAGNOSIS_CATEGORIES))))
                .statusCode()).isEqualTo(201);
        SampleMessages.Fresh referral = samples.message("shared-diagnosis.xml", "FT-17", "CD-17", consentId, null);

        HttpResponse<byte[]> refused = ft.send(ft.authorized("/api/v1/messages").header("Content-Type", "application/xml")
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofByteArray(referral.xml())));

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).contains(Long.toString(BrokerDisk.RETRY_AFTER.toSeconds()));
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JSON.readTree(refused.body()).path("code").asString()).isEqualTo("GW-NODE-001");
        assertThat(ft.send(ft.authorized("/api/v1/messages/" + referral.messageId()).GET()).statusCode())
                .as("nothing stored under the refused message's id").isEqualTo(404);
        JdbcClient jdbc = ft.context.getBean(JdbcClient.class);
        assertThat(jdbc.sql("SELECT count(*) FROM message WHERE message_id = ?").param(referral.messageId()).query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT actor FROM audit_entry WHERE step = 'REFUSED' AND error_code = 'GW-NODE-001'").query(String.class).list())
                .contains(ft.clientName);
    }

    @Test
    void aSoapSubmissionGetsAReceiverFaultWithTheCode() throws Exception {
        String consentId = UUID.randomUUID().toString();
        assertThat(ft.send(ft.authorized("/api/v1/consents").header("Content-Type", "application/xml").POST(
                HttpRequest.BodyPublishers.ofByteArray(samples.consent(consentId, "FT-17", List.of("CD-17"), DIAGNOSIS_CATEGORIES))))
                .statusCode()).isEqualTo(201);
        String message = new String(samples.message("shared-diagnosis.xml", "FT-17", "CD-17", consentId, null).xml(), StandardCharsets.UTF_8)
                .replaceFirst("<\\?xml[^>]*\\?>", "");

        HttpResponse<byte[]> answer = ft.send(ft.authorized("/soap/v1/gateway").header("Content-Type", "text/xml; charset=UTF-8")
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
                        + "<g:SubmitMessage xmlns:g=\"urn:liaison:gateway:v1\">" + message + "</g:SubmitMessage></s:Body></s:Envelope>")));

        // Receiver (SOAP 1.1 "Server"), not Client: the request was sound, the same one can succeed later.
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).containsPattern("<(\\w+:)?faultcode>\\w+:Server<").contains("GW-NODE-001</");
    }

    @Test
    void aPeersEnvelopeGets503WithoutAReceiptSoThatItsNodeSendsItAgainLater() throws Exception {
        HttpClient peer = HttpClient.newBuilder().sslContext(DevTls.clientContext(TestNode.CERTS_DEV, "CD-17"))
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        String messageId = UUID.randomUUID().toString();

        // Bytes the node would answer with a signed refusal (422) if it opened them.
        HttpResponse<byte[]> answer = peer.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:8443/exchange/v1/envelopes"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/cms").header("Liaison-Message-Id", messageId)
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01})).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(answer.body()).path("code").asString()).isEqualTo("GW-NODE-001");
        assertThat(ft.context.getBean(JdbcClient.class).sql("SELECT actor FROM audit_entry WHERE step = 'REFUSED' AND error_code = 'GW-NODE-001'")
                .query(String.class).list()).contains("CD-17");
    }

    @Test
    void theOfficerPagesSayWhyNewMessagesAreRefused() throws Exception {
        HttpClient browser = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(new CookieManager()).build();
        URI local = ft.localApi;
        String loginPage = browser.send(HttpRequest.newBuilder(local.resolve("/login")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(loginPage);
        assertThat(csrf.find()).as("CSRF token in the login form").isTrue();
        String password = Files.readString(TestNode.CERTS_DEV.resolve("FT-17").resolve("officer.password"), StandardCharsets.UTF_8).strip();
        HttpResponse<String> login = browser.send(HttpRequest.newBuilder(local.resolve("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=officer&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8)
                        + "&_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location).doesNotContain("error"));

        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(local.resolve("/officer/dead-letters")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"disk-full\"").contains("GW-NODE-001");
    }

    @Test
    void readinessIsDownAndTheHealthNamesTheBrokersDisk() throws Exception {
        var readiness = ft.send(ft.anonymous("/actuator/health/readiness").GET());
        assertThat(readiness.statusCode()).isEqualTo(503);
        // Why it is DOWN, in the answer the probe or the operator gets: the broker's disk, and the directory in force.
        var components = tools.jackson.databind.json.JsonMapper.builder().build().readTree(readiness.body()).path("components");
        assertThat(components.path("brokerDisk").path("status").asString()).isEqualTo("DOWN");
        assertThat(components.path("brokerDisk").path("details").path("maxDiskUsage").asString()).isEqualTo("1 %");
        assertThat(components.path("directory").path("details").path("version").isNumber()).as(components.toString()).isTrue();
        Health disk = ft.context.getBean(BrokerDisk.class).health();
        assertThat(disk.getStatus()).isEqualTo(Status.DOWN);
        assertThat(disk.getDetails()).containsEntry("maxDiskUsage", "1 %").containsKeys("usableBytes", "totalBytes");
    }
}
