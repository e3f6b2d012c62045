package fr.liaison.gateway.hostile;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import fr.liaison.gateway.api.Problems;
import fr.liaison.gateway.cli.SampleMessages;
import fr.liaison.gateway.hostile.EnvelopeForge.SignedShape;
import fr.liaison.gateway.ops.TestNode;
import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.SignedDirectory;
import fr.liaison.routes.envelope.EnvelopeSealer;
import fr.liaison.routes.keys.KeyMaterial;
import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.routes.keys.Pem;
import fr.liaison.routes.receipt.Receipt;
import fr.liaison.routes.receipt.Receipts;
import fr.liaison.routes.signing.SignedContent;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.v1.Consent;
import fr.liaison.schemas.v1.DataCategory;
import fr.liaison.schemas.v1.Purpose;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.cms.CMSAlgorithm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hostile-input corpus ({@code hostile/cases.tsv}) against two live nodes in this JVM: the CCAS
 * de Quimper, whose local API takes the hostile messages, and France Travail Finistère, whose
 * inter-node endpoint takes the hostile envelopes and connections and whose local software is a
 * webhook (WireMock). This test plays the institution's software and every other node (it holds
 * the development keys). Each case must be refused with its code and audited on the node that
 * refused it, and reach no local software; afterwards both nodes are healthy and a valid message
 * still goes through. The same WireMock serves a canary: any request to it means a node fetched
 * something a hostile document named.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputIT {

    private static final Path CERTS_DEV = TestNode.CERTS_DEV;
    private static final String SENDER = "CCAS-29232";
    private static final String RECIPIENT = "FT-29";
    private static final int RECIPIENT_EXCHANGE_PORT = 8445;
    private static final int SENDER_EXCHANGE_PORT = 8447;
    private static final String WEBHOOK_PATH = "/local-software";
    private static final String CANARY_PATH = "/canary";
    private static final String SOAP_SERVICE = "/soap/v1/gateway";
    /** Short, so that the slow-client cases take seconds; production default is 20 s. */
    private static final Duration SLOW_CLIENT_TIMEOUT = Duration.ofSeconds(2);
    /** Room for the largest message (1 MiB) sealed, and small enough to pass it quickly. */
    private static final int MAX_ENVELOPE_BYTES = 1_572_864;
    private static final int MAX_LOCAL_BODY_BYTES = 2_097_152;
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final String PERSON = "0451827K";
    private static final List<DataCategory> REFERRAL_CATEGORIES = List.of(DataCategory.IDENTITY, DataCategory.BARRIER_MOBILITE,
            DataCategory.BARRIER_LOGEMENT);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final MessageCodec codec = MessageCodec.v1();
    private final Directory directory = SignedDirectory.loadCertsDev(CERTS_DEV, Clock.systemUTC());
    private final SampleMessages samples = new SampleMessages(TestNode.SAMPLES, Clock.systemUTC());
    private final Map<String, ParticipantKeys> keys = new ConcurrentHashMap<>();
    private final Map<String, HttpClient> exchangeClients = new ConcurrentHashMap<>();
    /** The consents of the run by name, as the sender recorded them, with the proof a node would attach. */
    private final Map<String, RunConsent> consents = new HashMap<>();
    /** Messages the local software may receive: the valid ones this test sends on purpose. */
    private final Set<String> validMessageIds = ConcurrentHashMap.newKeySet();
    /** Audit entries per node and code as last read. */
    private final Map<String, Long> auditCounts = new ConcurrentHashMap<>();

    private WireMockServer localSoftware;
    private TestNode ccas;
    private TestNode ft;

    private record RunConsent(String id, byte[] xml, byte[] proof) {
    }

    /** What one envelope case posts: the bytes, over whose TLS identity, under which message id. */
    private record Posted(byte[] envelope, String tlsIdentity, String messageId) {
    }

    @BeforeAll
    void startNodes() throws Exception {
        TestNode.requireFreePorts(RECIPIENT_EXCHANGE_PORT, SENDER_EXCHANGE_PORT);
        localSoftware = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        localSoftware.start();
        localSoftware.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo(WEBHOOK_PATH)).willReturn(ok()));
        localSoftware.stubFor(any(urlPathMatching(CANARY_PATH + ".*")).willReturn(ok(
                "<!ENTITY leak \"canary\"><xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"/>")));
        Map<String, Object> limits = Map.of(
                "liaison.local-api.connection-timeout", SLOW_CLIENT_TIMEOUT.toString(),
                "liaison.exchange-connection-timeout", SLOW_CLIENT_TIMEOUT.toString(),
                "liaison.max-envelope-bytes", MAX_ENVELOPE_BYTES);
        ccas = TestNode.start(SENDER, "hostile", 0, limits);
        Map<String, Object> withWebhook = new HashMap<>(limits);
        withWebhook.put("liaison.webhook.url", "http://127.0.0.1:" + localSoftware.port() + WEBHOOK_PATH);
        withWebhook.put("liaison.webhook.secret", "hostile-" + UUID.randomUUID());
        ft = TestNode.start(RECIPIENT, "hostile", 1, withWebhook);
        recordConsents();
    }

    @AfterAll
    void stopNodes() {
        for (TestNode node : new TestNode[] {ft, ccas}) {
            if (node != null) {
                node.close();
            }
        }
        if (localSoftware != null) {
            localSoftware.stop();
        }
    }

    @TestFactory
    @Order(1)
    Stream<DynamicTest> everyHostileInputIsRefusedWithItsCodeAuditedAndReachesNoLocalSoftware() {
        return HostileCase.corpus().stream().map(c -> DynamicTest.dynamicTest(c.id() + ": " + c.description(), () -> run(c)));
    }

    @Test
    @Order(2)
    void afterwardsBothNodesAreHealthyAndValidMessagesStillGoThrough() throws Exception {
        assertHealthy();

        // Through the sender's local API, delivered to the recipient's local software.
        SampleMessages.Fresh referral = samples.message("referral.xml", SENDER, RECIPIENT, consents.get("valid").id(), null);
        validMessageIds.add(referral.messageId());
        HttpResponse<byte[]> accepted = post(ccas, "/api/v1/messages", referral.xml(), "application/xml");
        assertThat(accepted.statusCode()).as(text(accepted)).isEqualTo(202);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(json(get(ccas, "/api/v1/messages/" + referral.messageId()))
                .path("status").asString()).isEqualTo("DELIVERED"));
        awaitPush(referral.messageId());

        // Straight to the inter-node endpoint, as a peer node would.
        postValidEnvelope(template("xml/referral.xml", values(null, null)));

        assertThat(localSoftware.findAll(postRequestedFor(urlEqualTo(WEBHOOK_PATH))))
                .as("everything the recipient's local software received").extracting(r -> r.getHeader("Liaison-Message-Id"))
                .allMatch(validMessageIds::contains);
        assertThat(localSoftware.findAll(anyRequestedFor(urlPathMatching(CANARY_PATH + ".*"))))
                .as("requests a node made to addresses hostile documents named").isEmpty();
        assertThat(json(get(ccas, "/api/v1/inbox"))).as("the sender's inbox").isEmpty();
        for (TestNode node : new TestNode[] {ccas, ft}) {
            assertThat(json(officerGet(node, "/api/v1/audit/verify")).path("valid").asBoolean()).as(node + " audit chain").isTrue();
        }
        assertHealthy();
    }

    /** Refusals Spring MVC, Spring Security or the container decide: coded problems, never a 500 or a 401 with a credential. */
    @Test
    @Order(3)
    void requestsRefusedBeforeTheNodesCodeAreCodedProblems() throws Exception {
        assertProblem(ccas.send(ccas.authorized("/api/v1/messages").PUT(HttpRequest.BodyPublishers.ofString("x"))), "GW-API-010");
        assertThat(ccas.send(ccas.authorized("/api/v1/messages").PUT(HttpRequest.BodyPublishers.ofString("x"))).headers()
                .firstValue("Allow")).hasValueSatisfying(allow -> assertThat(allow).contains("POST"));
        assertProblem(get(ccas, "/api/v1/no-such-resource"), "GW-API-003");
        assertProblem(get(ccas, "/api/v1/inbox?limit=abc"), "GW-API-009");
        assertThat(json(get(ccas, "/api/v1/inbox?limit=abc")).path("detail").asString()).isEqualTo("parameter limit is not valid");
        assertProblem(ccas.send(ccas.authorized("/api/v1/messages/" + UUID.randomUUID()).header("Accept", "application/xml").GET()),
                "GW-API-011");
        // An id that cannot be one is malformed, not unknown, and is never quoted back.
        String notAnId = "NOT-A-UUID-" + "x".repeat(2000);
        for (String path : List.of("/api/v1/messages/", "/api/v1/inbox/", "/api/v1/consents/")) {
            HttpResponse<byte[]> answer = get(ccas, path + notAnId);
            assertProblem(answer, "GW-API-009");
            assertThat(json(answer).path("detail").asString()).startsWith(path.contains("consents") ? "consentId" : "messageId");
            assertThat(new String(answer.body(), StandardCharsets.UTF_8)).doesNotContain("NOT-A-UUID");
        }
        assertProblem(post(ccas, "/api/v1/inbox/" + UUID.randomUUID().toString().toUpperCase(Locale.ROOT) + "/ack", new byte[0],
                "application/json"), "GW-API-009");
        // Spring Security's firewall refuses a path parameter: answered through the error dispatch.
        assertProblem(get(ccas, "/api/v1/inbox;x=1"), "GW-API-009");
        // A revocation's body, when there is one, is JSON.
        assertProblem(post(ccas, "/api/v1/consents/" + consents.get("valid").id() + "/revocation", "reason=oops".getBytes(StandardCharsets.UTF_8),
                "application/json"), "GW-JSON-001");
        // Read as strictly as a message, before anything is revoked: a revocation cannot be undone.
        String revocation = "/api/v1/consents/" + consents.get("valid").id() + "/revocation";
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        bodies.put("{\"reason\":\"first\",\"reason\":\"second\"}", "GW-JSON-001");
        bodies.put("{\"reason\":[\"x\",\"y\"]}", "GW-JSON-004");
        bodies.put("{\"reason\":12345678901234567890}", "GW-JSON-004");
        bodies.put("{\"reason\":{\"$ne\":1}}", "GW-JSON-004");
        bodies.put("{\"reason\":\"x\",\"extra\":1}", "GW-JSON-004");
        bodies.put("[]", "GW-JSON-004");
        bodies.put("null", "GW-JSON-004");
        bodies.put("\"x\"", "GW-JSON-004");
        for (Map.Entry<String, String> body : bodies.entrySet()) {
            assertProblem(post(ccas, revocation, body.getKey().getBytes(StandardCharsets.UTF_8), "application/json"), body.getValue());
        }
        for (String type : List.of("text/plain", "application/xml")) {
            assertProblem(post(ccas, revocation, "{\"reason\":\"x\"}".getBytes(StandardCharsets.UTF_8), type), "GW-API-004");
        }
        assertThat(json(get(ccas, "/api/v1/consents/" + consents.get("valid").id())).path("revokedAt").isNull())
                .as("the consent is not revoked").isTrue();
        // A body with a content coding is refused as such, not read and called malformed.
        HttpResponse<byte[]> gzipped = ccas.send(ccas.authorized("/api/v1/messages").header("Content-Type", "application/xml")
                .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {31, -117, 8, 0})));
        assertProblem(gzipped, "GW-API-004");
        assertThat(json(gzipped).path("detail").asString()).contains("Content-Encoding");
        // A query string that is not valid percent-encoding or UTF-8: refused, not failed, with or without credentials.
        for (String query : List.of("?a=%zz", "?%C0=1", "?x=%ED%A0%80", "?a=%")) {
            for (String path : List.of("/api/v1/inbox", "/actuator/health")) {
                RawAnswer answer = exchange(plainSocket(ccas.localApi.getPort()), ("GET " + path + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Authorization: Bearer " + ccas.token + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                assertThat(answer.status()).as(path + query + ": " + answer.text()).isEqualTo(400);
                assertThat(JSON.readTree(answer.body()).path("code").asString()).isEqualTo("GW-API-009");
            }
        }

        // Refused by Tomcat itself (an invalid escape in the path): a problem too, not Tomcat's HTML page.
        RawAnswer invalidUri = exchange(plainSocket(ccas.localApi.getPort()),
                "GET /api/v1/messages/a%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(invalidUri.status()).as(invalidUri.text()).isEqualTo(400);
        assertThat(JSON.readTree(invalidUri.body()).path("code").asString()).isEqualTo("GW-API-009");
        // Raw bytes that no URI may hold (a UTF-8 no-break space), refused by Spring Security's firewall: still a 400 problem.
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.writeBytes("GET /api/v1/inbox/".getBytes(StandardCharsets.US_ASCII));
        raw.writeBytes(new byte[] {(byte) 0xC2, (byte) 0xA0});
        raw.writeBytes((" HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ccas.token + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        RawAnswer rawBytes = exchange(plainSocket(ccas.localApi.getPort()), raw.toByteArray());
        assertThat(rawBytes.status()).as(rawBytes.text()).isEqualTo(400);
        assertThat(JSON.readTree(rawBytes.body()).path("code").asString()).isEqualTo("GW-API-009");

        // An officer's Basic credentials on a state-changing request another site made a browser send: refused before use.
        String password = Files.readString(CERTS_DEV.resolve(ccas.id).resolve("officer.password"), StandardCharsets.UTF_8).strip();
        String basic = "Basic " + Base64.getEncoder().encodeToString(("officer:" + password).getBytes(StandardCharsets.UTF_8));
        String resubmit = "/api/v1/dead-letters/" + UUID.randomUUID() + "/resubmit";
        assertProblem(ccas.send(ccas.anonymous(resubmit).header("Authorization", basic).header("Origin", "https://elsewhere.example")
                .POST(HttpRequest.BodyPublishers.noBody())), "GW-API-002");
        assertProblem(ccas.send(ccas.anonymous(resubmit).header("Authorization", basic).POST(HttpRequest.BodyPublishers.noBody())),
                "GW-API-008"); // a script sends no Origin: it reaches the node, which finds nothing to resubmit
        assertProblem(ccas.send(ccas.anonymous(resubmit).header("Authorization", basic).header("Origin", ccas.localApi.toString())
                .POST(HttpRequest.BodyPublishers.noBody())), "GW-API-008"); // the node's own pages

        // The inter-node listener, to a listed peer: an unknown path or method is a 404 or a 405, not a failure to retry.
        HttpClient peer = exchangeClient(SENDER);
        URI base = URI.create("https://127.0.0.1:" + RECIPIENT_EXCHANGE_PORT);
        assertProblem(peer.send(HttpRequest.newBuilder(base.resolve("/exchange/v1/envelopes")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray()), "GW-API-010");
        assertProblem(peer.send(HttpRequest.newBuilder(base.resolve("/api/v1/inbox")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray()), "GW-API-003");
    }

    /** A key the node could not keep is refused before the message is acted on: "nothing was accepted" stays true. */
    @Test
    @Order(4)
    void anIdempotencyKeyTheNodeCannotKeepIsRefusedBeforeAnythingIsAccepted() throws Exception {
        SampleMessages.Fresh referral = samples.message("referral.xml", SENDER, RECIPIENT, consents.get("valid").id(), null);
        HttpResponse<byte[]> refused = ccas.send(ccas.authorized("/api/v1/messages").header("Content-Type", "application/xml")
                .header("Idempotency-Key", "k".repeat(201)).POST(HttpRequest.BodyPublishers.ofByteArray(referral.xml())));

        assertProblem(refused, "GW-API-009");
        assertThat(get(ccas, "/api/v1/messages/" + referral.messageId()).statusCode()).as("the sender keeps nothing").isEqualTo(404);
        assertReachedNoLocalSoftware(referral.messageId());
    }

    /** RFC 7303: an XML body's charset parameter wins over the document's own declaration; a body unreadable as declared is audited. */
    @Test
    @Order(5)
    void anXmlBodyIsReadInTheCharsetItsMediaTypeDeclares() throws Exception {
        SampleMessages.Fresh referral = samples.message("referral.xml", SENDER, RECIPIENT, consents.get("valid").id(), null);
        validMessageIds.add(referral.messageId());
        byte[] latin1 = new String(referral.xml(), StandardCharsets.UTF_8).getBytes(StandardCharsets.ISO_8859_1);

        HttpResponse<byte[]> accepted = post(ccas, "/api/v1/messages", latin1, "application/xml; charset=ISO-8859-1");

        assertThat(accepted.statusCode()).as(text(accepted)).isEqualTo(202);
        awaitPush(referral.messageId());
        byte[] pushed = localSoftware.findAll(postRequestedFor(urlEqualTo(WEBHOOK_PATH))
                .withHeader("Liaison-Message-Id", equalTo(referral.messageId()))).get(0).getBody();
        assertThat(new String(pushed, StandardCharsets.UTF_8)).contains("Maëlle");
        long malformed = auditCount(ccas, "GW-XML-001");
        assertProblem(post(ccas, "/api/v1/messages", latin1, "application/xml; charset=US-ASCII"), "GW-XML-001");
        awaitAudited(ccas, "GW-XML-001", malformed);
        long unsupported = auditCount(ccas, "GW-API-004");
        assertProblem(post(ccas, "/api/v1/messages", latin1, "text/plain; charset=ISO-8859-1"), "GW-API-004");
        awaitAudited(ccas, "GW-API-004", unsupported);
    }

    /** The inter-node listener takes TLS 1.3, or TLS 1.2 with ECDHE and an AEAD cipher: no CBC, no SHA-1 MAC, no RSA key exchange. */
    @Test
    @Order(6)
    void theInterNodeListenerRefusesWeakTls() throws Exception {
        String[][] refused = {
            {"TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"},
            {"TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"},
            {"TLSv1.2", "TLS_RSA_WITH_AES_256_GCM_SHA384"},
        };
        for (String[] offer : refused) {
            try (SSLSocket socket = (SSLSocket) tlsContext(SENDER).getSocketFactory().createSocket("127.0.0.1", RECIPIENT_EXCHANGE_PORT)) {
                socket.setSoTimeout(5_000);
                socket.setEnabledProtocols(new String[] {offer[0]});
                socket.setEnabledCipherSuites(new String[] {offer[1]});
                assertThatThrownBy(socket::startHandshake).as(String.join(" ", offer)).isInstanceOf(IOException.class);
            }
        }
        for (String[] offer : new String[][] {{"TLSv1.3", "TLS_AES_128_GCM_SHA256"}, {"TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"}}) {
            try (SSLSocket socket = (SSLSocket) tlsContext(SENDER).getSocketFactory().createSocket("127.0.0.1", RECIPIENT_EXCHANGE_PORT)) {
                socket.setSoTimeout(5_000);
                socket.setEnabledProtocols(new String[] {offer[0]});
                socket.setEnabledCipherSuites(new String[] {offer[1]});
                socket.startHandshake();
                assertThat(socket.getSession().getCipherSuite()).isEqualTo(offer[1]);
            }
        }
    }

    @Test
    @Order(7)
    void bodiesReadBeforeTheirSenderIsKnownHoldNoMoreThanTheirShareOfTheLocalListener() throws Exception {
        int maxReads = 16; // liaison.local-api.max-unauthenticated-body-reads, by default
        int perAddress = 4; // UnauthenticatedBodyReads.MAX_READS_PER_ADDRESS
        String form = "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded%s\r\n"
                + "Content-Length: 1000\r\n\r\nusername=";
        String soap = "POST " + SOAP_SERVICE + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml; charset=UTF-8\r\n"
                + "SOAPAction: \"\"\r\nContent-Length: 100000\r\n\r\n<soap:Envelope";
        List<Socket> slow = new java.util.ArrayList<>();
        java.util.concurrent.ScheduledExecutorService trickler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            // From four other loopback addresses, four bodies each: forms (the officers' login, one with a
            // charset the container ignores) and SOAP calls whose credentials would be in the envelope.
            for (int i = 0; i < maxReads; i++) {
                Socket socket = new Socket();
                socket.bind(new InetSocketAddress("127.0.0." + (2 + i / perAddress), 0));
                socket.connect(new InetSocketAddress("127.0.0.1", ccas.localApi.getPort()), 5_000);
                String head = i % 2 == 1 ? soap : String.format(form, i == 0 ? "; charset=x-unknown" : "");
                socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                slow.add(socket);
            }
            // A byte to each, well within the listener's timeout: these bodies keep arriving.
            long pause = SLOW_CLIENT_TIMEOUT.dividedBy(4).toMillis();
            trickler.scheduleWithFixedDelay(() -> slow.forEach(socket -> {
                try {
                    socket.getOutputStream().write('a');
                } catch (IOException e) {
                    // closed by the node or by the test: nothing more to send
                }
            }), pause, pause, java.util.concurrent.TimeUnit.MILLISECONDS);

            // The probes come from 127.0.0.1, an address with none under way: the listener's cap refuses them.
            // (They would fail the anti-forgery check anyway: no officer's login is counted.)
            await().atMost(PATIENCE).untilAsserted(() -> {
                HttpResponse<byte[]> refused = ccas.send(ccas.anonymous("/login")
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("username=officer&password=wrong")));
                assertProblem(refused, "GW-API-014");
                assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            });
            HttpResponse<byte[]> soapRefused = ccas.send(ccas.anonymous(SOAP_SERVICE).header("Content-Type", "text/xml; charset=UTF-8")
                    .header("SOAPAction", "\"\"").POST(HttpRequest.BodyPublishers.ofString("<soap:Envelope/>")));
            assertThat(soapRefused.statusCode()).isEqualTo(503);
            assertThat(text(soapRefused)).contains("Fault").contains("GW-API-014");
            // The institution's software is still served meanwhile.
            assertThat(get(ccas, "/api/v1/inbox").statusCode()).isEqualTo(200);
        } finally {
            trickler.shutdownNow();
            for (Socket socket : slow) {
                socket.close();
            }
        }
        // Their reads end with their connections: such bodies are read again.
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(ccas.send(ccas.anonymous("/login")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=officer&password=wrong"))).statusCode()).isNotEqualTo(503));

        // One address alone gets its share only.
        List<Socket> fromOne = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < perAddress; i++) {
                Socket socket = new Socket();
                socket.bind(new InetSocketAddress("127.0.0.9", 0));
                socket.connect(new InetSocketAddress("127.0.0.1", ccas.localApi.getPort()), 5_000);
                socket.getOutputStream().write(String.format(form, "").getBytes(StandardCharsets.US_ASCII));
                fromOne.add(socket);
            }
            await().atMost(PATIENCE).untilAsserted(() -> {
                Socket socket = new Socket();
                socket.bind(new InetSocketAddress("127.0.0.9", 0));
                socket.connect(new InetSocketAddress("127.0.0.1", ccas.localApi.getPort()), 5_000);
                RawAnswer answer = exchange(socket, "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\nConnection: close\r\n\r\nx=abc"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(answer.status()).as(answer.text()).isEqualTo(503);
            });
        } finally {
            for (Socket socket : fromOne) {
                socket.close();
            }
        }
    }

    // --- One case ------------------------------------------------------------------------------------

    private void run(HostileCase c) throws Exception {
        switch (c.channel()) {
            case "local" -> refusedByTheLocalApi(c, "/api/v1/messages");
            case "consents" -> refusedByTheLocalApi(c, "/api/v1/consents");
            case "envelope" -> refusedByTheRecipient(c);
            case "transport" -> refusedInTransport(c);
            default -> throw new IllegalArgumentException("unknown channel " + c.channel());
        }
    }

    private void refusedByTheLocalApi(HostileCase c, String path) throws Exception {
        String messageId = UUID.randomUUID().toString();
        String first = c.recipe();
        byte[] body;
        String file = first;
        if (first.equals("empty")) {
            body = new byte[0];
            file = c.argument(0);
        } else if (first.equals("random")) {
            body = randomBytes(c, Integer.parseInt(c.argument(0)));
            file = c.argument(1);
        } else if (first.startsWith("samples:")) {
            body = Files.readAllBytes(TestNode.SAMPLES.resolve("v1").resolve("invalid").resolve(first.substring("samples:".length())));
            messageId = null; // the samples' own ids
        } else {
            Map<String, String> values = values(c, messageId);
            if (c.channel().equals("consents") && !c.options().containsKey("consent")) {
                values.put("consent", UUID.randomUUID().toString());
            }
            body = template(first, values);
        }
        String contentType = file.endsWith(".json") ? "application/json" : "application/xml";
        long before = knownAuditCount(ccas, c.expected());

        HttpResponse<byte[]> answer = post(ccas, path, body, contentType);

        assertProblem(answer, c.expected());
        awaitAudited(ccas, c.expected(), before);
        assertReachedNoLocalSoftware(messageId);
    }

    private void refusedByTheRecipient(HostileCase c) throws Exception {
        Posted posted = forge(c);
        long before = knownAuditCount(ft, c.expected());

        HttpResponse<byte[]> answer = postEnvelope(posted);

        assertRejectedWithReceipt(answer, posted, c.expected());
        awaitAudited(ft, c.expected(), before);
        if (c.recipe().startsWith("replay")) {
            // The first copy was genuine and went through: the replay must not reach the software a second time.
            awaitPush(posted.messageId());
        } else {
            assertReachedNoLocalSoftware(posted.messageId());
        }
    }

    private void refusedInTransport(HostileCase c) throws Exception {
        switch (c.recipe()) {
            case "tls" -> clientCertificateRefused(c);
            case "plain-http" -> assertClosedWithoutSuccess(plainSocket(RECIPIENT_EXCHANGE_PORT),
                    "GET /exchange/v1/envelopes HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            case "declared-size", "chunked" -> oversizedBody(c);
            case "slow" -> slowClient(c);
            case "trickle" -> trickle(c);
            case "stall" -> stalledEnvelope(c);
            case "busy" -> busyPeer(c);
            default -> throw new IllegalArgumentException("unknown transport recipe " + c.recipe());
        }
        assertHealthy();
    }

    // --- Envelopes -----------------------------------------------------------------------------------

    private Posted forge(HostileCase c) throws Exception {
        String messageId = UUID.randomUUID().toString();
        Map<String, String> values = values(c, messageId);
        String file = c.arguments().stream().filter(a -> a.matches("(xml|json)/.+")).findFirst().orElse("xml/referral.xml");
        byte[] content = c.recipe().equals("empty") || c.recipe().equals("random") || c.recipe().equals("hex")
                || c.recipe().equals("asn1-deep") ? null : template(file, values);
        byte[] proof = proof(c);
        ParticipantKeys sender = keys(SENDER);
        java.security.cert.X509Certificate recipientCertificate = directory.require(RECIPIENT).encryptionCertificate();
        String tls = c.option("tls", SENDER);
        byte[] envelope = switch (c.recipe()) {
            case "empty" -> new byte[0];
            case "random" -> randomBytes(c, Integer.parseInt(c.argument(0)));
            case "hex" -> java.util.HexFormat.of().parseHex(c.argument(0));
            case "asn1-deep" -> nestedIndefiniteSequences(Integer.parseInt(c.argument(0)));
            case "plain" -> content;
            case "truncate" -> truncate(seal(content, proof), c.argument(0));
            case "extend" -> {
                byte[] sealed = seal(content, proof);
                yield Arrays.copyOf(sealed, sealed.length + 1);
            }
            case "signed-only" -> signed(content, proof, SignedShape.NORMAL);
            case "data-only" -> new ContentInfo(CMSObjectIdentifiers.data, new DEROctetString(content)).getEncoded(ASN1Encoding.DER);
            case "auth-version" -> EnvelopeForge.withVersion(seal(content, proof), Integer.parseInt(c.argument(0)));
            case "cbc" -> EnvelopeForge.cbcEnveloped(signed(content, proof, SignedShape.NORMAL), recipientCertificate);
            case "aes128-gcm" -> EnvelopeForge.authEnveloped(signed(content, proof, SignedShape.NORMAL), recipientCertificate,
                    CMSAlgorithm.AES128_GCM, CMSAlgorithm.ECDH_SHA256KDF, CMSAlgorithm.AES256_WRAP);
            case "sha1-kdf" -> EnvelopeForge.authEnveloped(signed(content, proof, SignedShape.NORMAL), recipientCertificate,
                    CMSAlgorithm.AES256_GCM, CMSAlgorithm.ECDH_SHA1KDF, CMSAlgorithm.AES256_WRAP);
            case "aes128-wrap" -> EnvelopeForge.authEnveloped(signed(content, proof, SignedShape.NORMAL), recipientCertificate,
                    CMSAlgorithm.AES256_GCM, CMSAlgorithm.ECDH_SHA256KDF, CMSAlgorithm.AES128_WRAP);
            case "gcm-icv" -> EnvelopeForge.withGcmParameters(seal(content, proof), 12, Integer.parseInt(c.argument(0)));
            case "gcm-nonce" -> EnvelopeForge.withGcmParameters(seal(content, proof), Integer.parseInt(c.argument(0)), 16);
            case "flip" -> flip(seal(content, proof), c.argument(0));
            case "ephemeral" -> EnvelopeForge.withEphemeralKey(seal(content, proof), c.argument(0));
            case "tamper" -> EnvelopeForge.authEnveloped(tamper(signed(content, proof, SignedShape.NORMAL), c.argument(0), proof),
                    recipientCertificate);
            case "unsigned" -> EnvelopeForge.authEnveloped(content, recipientCertificate);
            case "detached" -> EnvelopeForge.authEnveloped(signed(content, proof, SignedShape.DETACHED), recipientCertificate);
            case "content-sequence" -> EnvelopeForge.authEnveloped(EnvelopeForge.withContentAsSequence(signed(content, proof,
                    SignedShape.NORMAL)), recipientCertificate);
            case "two-signers" -> EnvelopeForge.authEnveloped(signed(content, proof, SignedShape.TWO_SIGNERS), recipientCertificate);
            case "no-signed-attributes" -> EnvelopeForge.authEnveloped(signed(content, proof, SignedShape.NO_SIGNED_ATTRIBUTES),
                    recipientCertificate);
            case "no-certificate" -> EnvelopeForge.authEnveloped(signed(content, proof, SignedShape.NO_CERTIFICATE), recipientCertificate);
            case "proof-two-values" -> EnvelopeForge.authEnveloped(signed(content, proof, SignedShape.PROOF_TWO_VALUES),
                    recipientCertificate);
            case "seal" -> sealAs(c, content, proof);
            case "replay-other-content" -> {
                // The genuine message first; then other content under its id. The very same message
                // sent again is not an attack: it is answered with its first receipt (see the IT of
                // the exchange), so only other content under a known id is a replay.
                Map<String, String> originalValues = values(null, messageId);
                originalValues.put("createdAt", xsDateTime(OffsetDateTime.now(ZoneOffset.UTC).withNano(0).minusMinutes(2)));
                byte[] original = template(file, originalValues);
                byte[] first = seal(original, proof);
                assertAccepted(postEnvelope(new Posted(first, tls, messageId)), messageId, first);
                yield seal(content, proof);
            }
            default -> throw new IllegalArgumentException("unknown envelope recipe " + c.recipe());
        };
        return new Posted(envelope, tls, messageId);
    }

    /** As a node seals, with the options of the case: another signer, recipient or algorithm. */
    private byte[] sealAs(HostileCase c, byte[] content, byte[] proof) throws Exception {
        ParticipantKeys signer = keys(c.option("signer", SENDER));
        var sealedFor = directory.require(c.option("sealed-for", RECIPIENT)).encryptionCertificate();
        String algorithm = c.options().get("sign-alg");
        if (algorithm == null) {
            String signed = c.options().get("signed");
            Clock clock = signed == null ? Clock.systemUTC()
                    : Clock.fixed(shifted(OffsetDateTime.now(ZoneOffset.UTC), signed).toInstant(), ZoneOffset.UTC);
            return new EnvelopeSealer(signer, clock).seal(content, sealedFor, proof);
        }
        return EnvelopeForge.authEnveloped(EnvelopeForge.signedData(signer, content, algorithm, proof, SignedShape.NORMAL, null),
                sealedFor);
    }

    private byte[] seal(byte[] content, byte[] proof) {
        return new EnvelopeSealer(keys(SENDER)).seal(content, directory.require(RECIPIENT).encryptionCertificate(), proof);
    }

    private byte[] signed(byte[] content, byte[] proof, SignedShape shape) throws Exception {
        return EnvelopeForge.signedData(keys(SENDER), content, "SHA256withECDSA", proof, shape, keys("CD-29"));
    }

    private static byte[] truncate(byte[] envelope, String length) {
        int keep = length.equals("half") ? envelope.length / 2
                : length.startsWith("-") ? envelope.length + Integer.parseInt(length) : Integer.parseInt(length);
        return Arrays.copyOf(envelope, keep);
    }

    private static byte[] flip(byte[] envelope, String part) throws Exception {
        return EnvelopeForge.flipWithin(envelope, switch (part) {
            case "ciphertext" -> EnvelopeForge.ciphertextOf(envelope);
            case "tag" -> EnvelopeForge.tagOf(envelope);
            case "nonce" -> EnvelopeForge.nonceOf(envelope);
            case "wrapped-key" -> EnvelopeForge.wrappedKeyOf(envelope);
            default -> throw new IllegalArgumentException("unknown part " + part);
        });
    }

    private byte[] tamper(byte[] signedData, String part, byte[] proof) throws Exception {
        return switch (part) {
            case "signature" -> EnvelopeForge.flipWithin(signedData, EnvelopeForge.signatureOf(signedData));
            case "signing-time" -> EnvelopeForge.withOtherSigningTime(signedData);
            case "message-digest" -> EnvelopeForge.flipWithin(signedData, EnvelopeForge.messageDigestOf(signedData));
            case "consent-proof" -> EnvelopeForge.flipWithin(signedData, proof);
            case "content" -> EnvelopeForge.flipWithin(signedData, "<reason>".getBytes(StandardCharsets.UTF_8));
            default -> throw new IllegalArgumentException("unknown part " + part);
        };
    }

    /** {@code 30 80} n times then the end-of-contents octets: nesting without any real size. */
    private static byte[] nestedIndefiniteSequences(int depth) {
        byte[] bytes = new byte[depth * 4];
        for (int i = 0; i < depth; i++) {
            bytes[2 * i] = 0x30;
            bytes[2 * i + 1] = (byte) 0x80;
        }
        return bytes; // the end-of-contents octets are the zeros that follow
    }

    /** The consent proof the case attaches: the named consent's, or a broken one. */
    private byte[] proof(HostileCase c) throws Exception {
        String proof = c.option("proof", "");
        RunConsent valid = consents.get("valid");
        return switch (proof) {
            case "none" -> null;
            case "forged" -> SignedContent.sign(codec.read(valid.xml(), MessageFormat.XML).canonicalXml(), keys("CD-29"));
            case "rogue" -> SignedContent.sign(codec.read(valid.xml(), MessageFormat.XML).canonicalXml(), keys("TEST-ROGUE"));
            case "altered" -> {
                byte[] altered = valid.proof().clone();
                altered[altered.length / 2] ^= 0x01;
                yield altered;
            }
            case "referral" -> SignedContent.sign(codec.read(template("xml/referral.xml", values(null, null)), MessageFormat.XML)
                    .canonicalXml(), keys(SENDER));
            case "garbage" -> randomBytes(c, 256);
            case "" -> {
                RunConsent named = consents.get(c.option("consent", "valid"));
                yield named == null ? null : named.proof();
            }
            default -> throw new IllegalArgumentException("unknown proof " + proof);
        };
    }

    private HttpResponse<byte[]> postEnvelope(Posted posted) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + RECIPIENT_EXCHANGE_PORT + "/exchange/v1/envelopes"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/cms")
                .header("Liaison-Message-Id", posted.messageId()).POST(HttpRequest.BodyPublishers.ofByteArray(posted.envelope()))
                .build();
        return exchangeClient(posted.tlsIdentity()).send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A genuine envelope under the valid consent: accepted, then pushed to the local software. */
    private void postValidEnvelope(byte[] content) throws Exception {
        String messageId = codec.read(content, MessageFormat.XML).message().getHeader().getMessageId();
        validMessageIds.add(messageId);
        byte[] envelope = seal(content, consents.get("valid").proof());
        assertAccepted(postEnvelope(new Posted(envelope, SENDER, messageId)), messageId, envelope);
        awaitPush(messageId);
    }

    private void assertAccepted(HttpResponse<byte[]> answer, String messageId, byte[] envelope) {
        validMessageIds.add(messageId);
        assertThat(answer.statusCode()).as(new String(answer.body(), StandardCharsets.ISO_8859_1)).isEqualTo(200);
        Receipt receipt = Receipts.verify(answer.body(), directory, RECIPIENT, messageId, envelope);
        assertThat(receipt.outcome()).isEqualTo(Receipt.Outcome.ACCEPTED);
    }

    private void assertRejectedWithReceipt(HttpResponse<byte[]> answer, Posted posted, String code) {
        assertThat(answer.headers().firstValue("Content-Type")).as("a signed receipt").hasValue("application/cms");
        Receipt receipt = Receipts.verify(answer.body(), directory, RECIPIENT, posted.messageId(), posted.envelope());
        assertThat(receipt.errorCode()).isEqualTo(code);
        assertThat(receipt.outcome()).isEqualTo(Receipt.Outcome.REJECTED);
        assertThat(answer.statusCode()).isEqualTo(422);
    }

    // --- Transport -----------------------------------------------------------------------------------

    private void clientCertificateRefused(HostileCase c) throws Exception {
        String identity = c.argument(0);
        String messageId = UUID.randomUUID().toString();
        Posted posted = new Posted(seal(template("xml/referral.xml", values(c, messageId)), consents.get("valid").proof()), identity,
                messageId);
        if (!c.expectsCode()) {
            assertThat(c.expected()).isEqualTo(HostileCase.HANDSHAKE_REFUSED);
            assertThatThrownBy(() -> postEnvelope(posted)).as("no HTTP exchange without a trusted client certificate")
                    .isInstanceOf(IOException.class);
            assertReachedNoLocalSoftware(messageId);
            return;
        }
        long before = knownAuditCount(ft, c.expected());
        HttpResponse<byte[]> answer = postEnvelope(posted);
        assertProblem(answer, c.expected());
        awaitAudited(ft, c.expected(), before);
        assertReachedNoLocalSoftware(messageId);
    }

    /** A body over the listener's limit: refused from its announced size, or as soon as it passes it. */
    private void oversizedBody(HostileCase c) throws Exception {
        boolean exchange = c.argument(0).equals("envelope");
        boolean chunked = c.recipe().equals("chunked");
        TestNode node = exchange ? ft : ccas;
        String messageId = UUID.randomUUID().toString();
        StringBuilder head = new StringBuilder();
        head.append(exchange ? "POST /exchange/v1/envelopes" : "POST /api/v1/messages").append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        head.append("Content-Type: ").append(exchange ? "application/cms" : c.argument(0).equals("json") ? "application/json" : "application/xml");
        head.append("\r\nLiaison-Message-Id: ").append(messageId).append("\r\nConnection: close\r\n");
        if (!exchange) {
            head.append("Authorization: Bearer ").append(ccas.token).append("\r\n");
        }
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        if (chunked) {
            // The header as the case spells it: any spelling the container takes as chunked must be bounded.
            head.append("Transfer-Encoding: ").append(c.arguments().size() > 1 ? c.argument(1) : "chunked").append("\r\n\r\n");
            request.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
            int remaining = (exchange ? MAX_ENVELOPE_BYTES : MAX_LOCAL_BODY_BYTES) + 1;
            byte[] chunk = new byte[65536];
            Arrays.fill(chunk, (byte) '<');
            while (remaining > 0) {
                int size = Math.min(chunk.length, remaining);
                request.writeBytes((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                request.write(chunk, 0, size);
                request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                remaining -= size;
            }
            request.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
            head.append("Content-Length: ").append(c.argument(1)).append("\r\n\r\n");
            request.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
        }
        long before = knownAuditCount(node, c.expected());

        RawAnswer answer = exchange(exchange ? tlsSocket(c.option("tls", SENDER)) : plainSocket(ccas.localApi.getPort()), request.toByteArray());

        assertThat(answer.status()).as(answer.text()).isEqualTo(Problems.status(code(c.expected())).value());
        assertThat(JSON.readTree(answer.body()).path("code").asString()).isEqualTo(c.expected());
        awaitAudited(node, c.expected(), before);
        assertReachedNoLocalSoftware(messageId);
    }

    /** A client that stops mid-request: the listener must drop it within its timeout. */
    private void slowClient(HostileCase c) throws Exception {
        boolean exchange = c.argument(0).equals("exchange");
        String stage = c.argument(1);
        String path = exchange ? "/exchange/v1/envelopes" : "/api/v1/messages";
        String headers = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/xml\r\n"
                + (exchange ? "" : "Authorization: Bearer " + ccas.token + "\r\n");
        byte[] sent = switch (stage) {
            case "handshake" -> new byte[0];
            case "headers" -> headers.getBytes(StandardCharsets.US_ASCII);
            case "body" -> (headers + "Content-Length: 100000\r\n\r\n<Referral").getBytes(StandardCharsets.US_ASCII);
            default -> throw new IllegalArgumentException("unknown stage " + stage);
        };
        Socket socket = stage.equals("handshake") ? plainSocket(RECIPIENT_EXCHANGE_PORT)
                : exchange ? tlsSocket(SENDER) : plainSocket(ccas.localApi.getPort());
        assertThat(c.expected()).isEqualTo(HostileCase.CONNECTION_CLOSED);
        assertClosedWithoutSuccess(socket, sent);
    }

    /**
     * A body that keeps coming, a byte at a time and well within the listener's timeout, after an answer
     * that did not need it: the listener must end the connection with its answer rather than wait for
     * the rest of the body on one of its threads (which, before, a client could make last for ever).
     */
    private void trickle(HostileCase c) throws Exception {
        boolean exchange = c.argument(0).equals("exchange");
        boolean putForm = c.argument(1).equals("put-form");
        boolean optionsStar = c.argument(1).equals("options-star"); // answered by Tomcat itself, never reaching the node's code
        boolean chunkedHealth = c.argument(1).equals("chunked-health"); // an open path that takes no body
        boolean unlisted = c.argument(1).equals("unlisted"); // a certificate of the network CA, absent from the directory
        boolean unauthenticated = putForm || optionsStar || chunkedHealth || unlisted || c.argument(1).equals("unauthenticated");
        String head = (optionsStar ? "OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                : chunkedHealth ? "GET /actuator/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                : (putForm ? "PUT " : "POST ") + (exchange ? "/exchange/v1/envelopes" : "/api/v1/messages") + " HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                + "Content-Type: " + (exchange ? "application/cms" : putForm ? "application/x-www-form-urlencoded" : "application/xml") + "\r\n"
                + (exchange || unauthenticated ? "" : "Authorization: Bearer " + ccas.token + "\r\n")
                + (chunkedHealth ? "Transfer-Encoding: chunked\r\n\r\n186a0\r\n<"
                        : "Content-Length: " + (unauthenticated ? 100_000 : 1L << 30) + "\r\n\r\n<");
        Duration trickleFor = SLOW_CLIENT_TIMEOUT.multipliedBy(3);
        Duration pause = SLOW_CLIENT_TIMEOUT.dividedBy(4);
        assertThat(c.expected()).isEqualTo(HostileCase.CONNECTION_CLOSED);
        try (Socket socket = exchange ? tlsSocket(unlisted ? "TEST-UNLISTED" : SENDER) : plainSocket(ccas.localApi.getPort())) {
            socket.setSoTimeout((int) pause.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            long end = System.nanoTime() + trickleFor.toNanos();
            boolean closed = false;
            while (!closed && System.nanoTime() < end) {
                try {
                    int n = socket.getInputStream().read(buffer);
                    if (n < 0) {
                        closed = true;
                    } else {
                        received.write(buffer, 0, n);
                    }
                } catch (SocketTimeoutException e) {
                    try {
                        out.write('<'); // one more byte, well within the listener's timeout
                        out.flush();
                    } catch (IOException reset) {
                        closed = true;
                    }
                } catch (IOException reset) {
                    closed = true;
                }
            }
            String answer = received.toString(StandardCharsets.ISO_8859_1);
            assertThat(closed).as("the connection ended while the client still sent its body, after: " + answer).isTrue();
            assertThat(answer).as("an answer before the end").startsWith(optionsStar || chunkedHealth ? "HTTP/1.1 200" : "HTTP/1.1 4");
        }
    }

    /**
     * A peer holding envelopes still arriving, by default two of the largest size (its share of the
     * memory for envelopes), or {@code count} of {@code size} bytes (its share of the listener's
     * threads): one more envelope of its own is answered 503 at once (its node sends it again later)
     * rather than read.
     */
    private void busyPeer(HostileCase c) throws Exception {
        int count = Integer.parseInt(c.options().getOrDefault("count", "2"));
        String head = "POST /exchange/v1/envelopes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/cms\r\n"
                + "Content-Length: " + c.options().getOrDefault("size", Integer.toString(MAX_ENVELOPE_BYTES)) + "\r\n\r\n";
        byte[] small = ("POST /exchange/v1/envelopes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/cms\r\n"
                + "Content-Length: 4\r\nConnection: close\r\n\r\n0000").getBytes(StandardCharsets.US_ASCII);
        List<Socket> held = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread trickle = new Thread(() -> {
            while (!done.get()) {
                for (Socket socket : held) {
                    try {
                        socket.getOutputStream().write('0'); // a byte well within the listener's timeout
                        socket.getOutputStream().flush();
                    } catch (IOException closed) {
                        // ended by the server: the assertion below says so
                    }
                }
                java.util.concurrent.locks.LockSupport.parkNanos(SLOW_CLIENT_TIMEOUT.toNanos() / 4);
            }
        });
        try {
            for (int i = 0; i < count; i++) {
                Socket socket = tlsSocket(SENDER);
                socket.getOutputStream().write((head + "0").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                held.add(socket);
            }
            trickle.start();
            // They are in once the node has taken them; until then one more may still get through (and be refused as garbage).
            RawAnswer busy = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> exchange(tlsSocket(SENDER), small), answer -> answer.status() == 503);
            assertThat(JSON.readTree(busy.body()).path("code").asString()).isEqualTo(c.expected());
            assertThat(busy.text()).containsIgnoringCase("Retry-After:");
        } finally {
            done.set(true);
            trickle.join(5_000);
            for (Socket socket : held) {
                socket.close();
            }
        }
        // Once they are gone, the peer's envelopes are read again.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(exchange(tlsSocket(SENDER), small).status()).isEqualTo(422));
    }

    /**
     * An envelope whose body stops coming half-way, from a genuine peer: a transfer that failed, so the
     * answer, once the listener's timeout has passed, is the 503 that makes the sending node try again.
     */
    private void stalledEnvelope(HostileCase c) throws Exception {
        String head = "POST /exchange/v1/envelopes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/cms\r\n"
                + "Content-Length: 100000\r\n\r\n";
        try (Socket socket = tlsSocket(SENDER)) {
            socket.setSoTimeout((int) SLOW_CLIENT_TIMEOUT.multipliedBy(5).toMillis());
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(new byte[5000]);
            socket.getOutputStream().flush();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int n; (n = socket.getInputStream().read(buffer)) >= 0; ) {
                    received.write(buffer, 0, n);
                }
            } catch (IOException closed) {
                // the answer, if any, is in what was received
            }
            String answer = received.toString(StandardCharsets.ISO_8859_1);
            assertThat(answer).as("the answer to a stalled envelope").startsWith("HTTP/1.1 503").contains(c.expected())
                    .containsIgnoringCase("Retry-After:");
        }
    }

    /** Sends, then waits: the server must close the connection within its timeout, never answering 2xx. */
    private void assertClosedWithoutSuccess(Socket socket, byte[] sent) throws IOException {
        try (socket) {
            socket.setSoTimeout((int) SLOW_CLIENT_TIMEOUT.plusSeconds(10).toMillis());
            socket.getOutputStream().write(sent);
            socket.getOutputStream().flush();
            long start = System.nanoTime();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            try {
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[4096];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    received.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the connection was still open " + SLOW_CLIENT_TIMEOUT.plusSeconds(10) + " later", e);
            } catch (IOException e) {
                // Reset or TLS alert: closed as well.
            }
            Duration open = Duration.ofNanos(System.nanoTime() - start);
            assertThat(open).as("time until the server closed the connection").isLessThan(SLOW_CLIENT_TIMEOUT.plusSeconds(5));
            assertThat(received.toString(StandardCharsets.ISO_8859_1)).doesNotStartWith("HTTP/1.1 2");
        }
    }

    private record RawAnswer(int status, byte[] body, String text) {
    }

    /** Writes the request while reading the answer, which may come before the request is all sent. */
    private static RawAnswer exchange(Socket socket, byte[] request) throws Exception {
        try (socket) {
            socket.setSoTimeout(15_000);
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write(request);
                    out.flush();
                } catch (IOException e) {
                    // The server answered and closed before reading it all: expected.
                }
            });
            writer.start();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    received.write(buffer, 0, n);
                    if (complete(received.toByteArray())) {
                        break;
                    }
                }
            } catch (IOException e) {
                if (!complete(received.toByteArray())) {
                    throw e;
                }
            }
            writer.join(5_000);
            byte[] raw = received.toByteArray();
            String text = new String(raw, StandardCharsets.ISO_8859_1);
            int headerEnd = text.indexOf("\r\n\r\n");
            assertThat(headerEnd).as("an HTTP answer: " + text).isPositive();
            byte[] body = Arrays.copyOfRange(raw, headerEnd + 4, raw.length);
            boolean chunked = java.util.regex.Pattern.compile("(?i)transfer-encoding: *chunked").matcher(text.substring(0, headerEnd)).find();
            return new RawAnswer(Integer.parseInt(text.substring(9, 12)), chunked ? dechunk(body) : body, text);
        }
    }

    /** The body of a chunked answer, its chunks joined. */
    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int lineEnd = new String(chunked, StandardCharsets.ISO_8859_1).indexOf("\r\n", at);
            int size = Integer.parseInt(new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].strip(), 16);
            if (size == 0) {
                return body.toByteArray();
            }
            body.write(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }

    /** Headers received and as many body bytes as Content-Length announces. */
    private static boolean complete(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int headerEnd = text.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
            return false;
        }
        var length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(text.substring(0, headerEnd));
        return length.find() && raw.length >= headerEnd + 4 + Integer.parseInt(length.group(1));
    }

    private static Socket plainSocket(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return socket;
    }

    private Socket tlsSocket(String identity) throws Exception {
        SSLSocket socket = (SSLSocket) tlsContext(identity).getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress("127.0.0.1", RECIPIENT_EXCHANGE_PORT), 5_000);
        socket.startHandshake();
        return socket;
    }

    private HttpClient exchangeClient(String identity) {
        return exchangeClients.computeIfAbsent(identity, id -> {
            try {
                return HttpClient.newBuilder().sslContext(tlsContext(id)).version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5)).build();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * A TLS client context trusting the network CA, presenting {@code ID}'s TLS certificate,
     * {@code ID/sign}'s signing certificate instead, or nothing ({@code none}).
     */
    private static SSLContext tlsContext(String identity) throws Exception {
        char[] password = new char[0];
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, password);
        trust.setCertificateEntry("network-ca", Pem.certificate(CERTS_DEV.resolve("network-ca.crt.pem")));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, password);
        if (!identity.equals("none")) {
            String[] parts = identity.split("/");
            Path dir = Files.isDirectory(CERTS_DEV.resolve(parts[0])) ? CERTS_DEV.resolve(parts[0]) : CERTS_DEV.resolve("test").resolve(parts[0]);
            String which = parts.length > 1 ? parts[1] : "tls";
            java.security.PrivateKey key = java.security.KeyFactory.getInstance("EC").generatePrivate(
                    new java.security.spec.PKCS8EncodedKeySpec(Pem.privateKey(dir.resolve(which + ".key.pem")).getEncoded()));
            keys.setKeyEntry("client", key, password, new Certificate[] {Pem.certificate(dir.resolve(which + ".crt.pem"))});
        }
        keyManagers.init(keys, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    // --- The run's consents --------------------------------------------------------------------------

    /** Consents the sender records for the run, each a way of not covering the exchange. */
    private void recordConsents() throws Exception {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).withNano(0);
        recordConsent("valid", consent -> { });
        recordConsent("expired", consent -> {
            consent.setGrantedAt(now.minusDays(30));
            consent.setExpiresAt(now.minusDays(1));
        });
        recordConsent("future", consent -> {
            consent.setGrantedAt(now.plusDays(1));
            consent.setExpiresAt(now.plusDays(30));
        });
        recordConsent("other-recipient", consent -> consent.setAllowedRecipients(List.of("CD-29")));
        recordConsent("narrow", consent -> consent.setAllowedDataCategories(List.of(DataCategory.IDENTITY, DataCategory.BARRIER_MOBILITE)));
        recordConsent("social", consent -> {
            consent.setPurpose(Purpose.ACCOMPAGNEMENT_SOCIAL);
            consent.getHeader().setPurpose(Purpose.ACCOMPAGNEMENT_SOCIAL);
        });
        recordConsent("other-person", consent -> consent.getPerson().setFranceTravailId("1234567A"));
        recordConsent("revoked", consent -> { });
        // The recipient learns of the revocation the way it would: data under the consent, then its revocation.
        String revoked = consents.get("revoked").id();
        Map<String, String> underRevoked = values(null, null);
        underRevoked.put("consent", revoked);
        byte[] referral = template("xml/referral.xml", underRevoked);
        String referralId = underRevoked.get("messageId");
        byte[] referralEnvelope = seal(referral, consents.get("revoked").proof());
        assertAccepted(postEnvelope(new Posted(referralEnvelope, SENDER, referralId)), referralId, referralEnvelope);
        Map<String, String> revocation = values(null, null);
        revocation.put("consent", revoked);
        byte[] revocationEnvelope = seal(template("xml/consent-revocation.xml", revocation), null);
        assertAccepted(postEnvelope(new Posted(revocationEnvelope, SENDER, revocation.get("messageId"))), revocation.get("messageId"),
                revocationEnvelope);
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(json(get(ft, "/api/v1/consents/" + revoked)).path("revokedAt").isString()).isTrue());
        HttpResponse<byte[]> revokedAtSender = post(ccas, "/api/v1/consents/" + revoked + "/revocation",
                "{\"reason\":\"withdrawn\"}".getBytes(StandardCharsets.UTF_8), "application/json");
        assertThat(revokedAtSender.statusCode()).as(text(revokedAtSender)).isEqualTo(200);
    }

    private void recordConsent(String name, java.util.function.Consumer<Consent> change) throws Exception {
        String id = UUID.randomUUID().toString();
        Consent consent = (Consent) codec.read(samples.consent(id, SENDER, List.of(RECIPIENT, "CD-29"), REFERRAL_CATEGORIES),
                MessageFormat.XML).message();
        change.accept(consent);
        byte[] xml = codec.toXml(consent);
        HttpResponse<byte[]> recorded = post(ccas, "/api/v1/consents", xml, "application/xml");
        assertThat(recorded.statusCode()).as(name + ": " + text(recorded)).isEqualTo(201);
        byte[] proof = SignedContent.sign(codec.read(xml, MessageFormat.XML).canonicalXml(), keys(SENDER));
        consents.put(name, new RunConsent(id, xml, proof));
    }

    // --- Templates -------------------------------------------------------------------------------------

    /** The values of a case's data file: fresh ids, now (or the case's offset), the consent it names. */
    private Map<String, String> values(HostileCase c, String messageId) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).withNano(0);
        Map<String, String> values = new HashMap<>();
        values.put("messageId", messageId == null ? UUID.randomUUID().toString() : messageId);
        values.put("uuid", UUID.randomUUID().toString());
        values.put("createdAt", xsDateTime(shifted(now, c == null ? null : c.options().get("created"))));
        values.put("grantedAt", xsDateTime(shifted(now.minusMinutes(1), c == null ? null : c.options().get("granted"))));
        values.put("expiresAt", xsDateTime(now.plusDays(365)));
        values.put("sender", c == null ? SENDER : c.option("sender", SENDER));
        values.put("recipient", c == null ? RECIPIENT : c.option("recipient", RECIPIENT));
        values.put("person", PERSON);
        values.put("purpose", Purpose.ACCOMPAGNEMENT_GLOBAL.name());
        values.put("canary", "http://127.0.0.1:" + localSoftware.port() + CANARY_PATH);
        String consent = c == null ? "valid" : c.option("consent", "valid");
        values.put("consent", consents.containsKey(consent) ? consents.get(consent).id() : UUID.randomUUID().toString());
        return values;
    }

    /** Seconds always written: {@code OffsetDateTime.toString()} drops ":00", which xs:dateTime refuses. */
    private static String xsDateTime(OffsetDateTime time) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time);
    }

    private static OffsetDateTime shifted(OffsetDateTime time, String offset) {
        if (offset == null) {
            return time;
        }
        return offset.contains("T") ? time.plus(Duration.parse(offset)) : time.plus(Period.parse(offset));
    }

    private static byte[] template(String file, Map<String, String> values) {
        return Templates.expand(file, values);
    }

    private static byte[] randomBytes(HostileCase c, int size) {
        byte[] bytes = new byte[size];
        new Random(c.id().hashCode()).nextBytes(bytes);
        return bytes;
    }

    // --- What every case checks ------------------------------------------------------------------------

    private static void assertProblem(HttpResponse<byte[]> answer, String code) {
        assertThat(answer.statusCode()).as(text(answer)).isEqualTo(Problems.status(code(code)).value());
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(json(answer).path("code").asString()).isEqualTo(code);
    }

    private static ErrorCode code(String code) {
        return Arrays.stream(ErrorCode.values()).filter(c -> c.code().equals(code)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no error code " + code));
    }

    /** The refusing node's audit log gained an entry with the code (appends are batched: waited for). */
    private void awaitAudited(TestNode node, String code, long before) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(auditCount(node, code)).as(node + " audit entries with " + code).isGreaterThan(before));
    }

    private long auditCount(TestNode node, String code) throws Exception {
        long count = json(officerGet(node, "/api/v1/audit?size=1&code=" + code)).path("total").asLong();
        auditCounts.put(node.id + " " + code, count);
        return count;
    }

    /** The count last read: cases run one at a time and only refusals carry a code, so it still holds. */
    private long knownAuditCount(TestNode node, String code) throws Exception {
        Long known = auditCounts.get(node.id + " " + code);
        return known != null ? known : auditCount(node, code);
    }

    /** Neither the recipient node nor its local software knows the message; the sender's holds no copy to send. */
    private void assertReachedNoLocalSoftware(String messageId) throws Exception {
        if (messageId == null) {
            return;
        }
        assertThat(get(ft, "/api/v1/messages/" + messageId).statusCode()).as("the recipient node knows nothing of it").isEqualTo(404);
        assertThat(localSoftware.findAll(postRequestedFor(urlEqualTo(WEBHOOK_PATH)).withHeader("Liaison-Message-Id", equalTo(messageId))))
                .as("pushed to the local software").isEmpty();
        HttpResponse<byte[]> atSender = get(ccas, "/api/v1/messages/" + messageId);
        if (atSender.statusCode() == 200) {
            assertThat(json(atSender).path("status").asString()).isEqualTo("REFUSED");
        }
    }

    private void awaitPush(String messageId) {
        await().atMost(PATIENCE).until(() -> localSoftware.findAll(postRequestedFor(urlEqualTo(WEBHOOK_PATH))
                .withHeader("Liaison-Message-Id", equalTo(messageId))).size(), n -> n == 1);
    }

    private void assertHealthy() throws Exception {
        for (TestNode node : new TestNode[] {ccas, ft}) {
            HttpResponse<byte[]> health = node.send(node.anonymous("/actuator/health").GET());
            assertThat(health.statusCode()).as(node + " health").isEqualTo(200);
            assertThat(json(health).path("status").asString()).as(node + " health").isEqualTo("UP");
        }
    }

    // --- HTTP ----------------------------------------------------------------------------------------------

    private ParticipantKeys keys(String participantId) {
        return keys.computeIfAbsent(participantId, id -> KeyMaterial.fromCertsDev(CERTS_DEV, id));
    }

    private static HttpResponse<byte[]> post(TestNode node, String path, byte[] body, String contentType) throws Exception {
        return node.send(node.authorized(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static HttpResponse<byte[]> get(TestNode node, String path) throws Exception {
        return node.send(node.authorized(path).header("Accept", "application/json").GET());
    }

    private static HttpResponse<byte[]> officerGet(TestNode node, String path) throws Exception {
        String password = Files.readString(CERTS_DEV.resolve(node.id).resolve("officer.password"), StandardCharsets.UTF_8).strip();
        String basic = Base64.getEncoder().encodeToString(("officer:" + password).getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> answer = node.send(node.anonymous(path).header("Authorization", "Basic " + basic).GET());
        assertThat(answer.statusCode()).as(text(answer)).isEqualTo(200);
        return answer;
    }

    private static JsonNode json(HttpResponse<byte[]> answer) {
        return JSON.readTree(answer.body());
    }

    private static String text(HttpResponse<byte[]> answer) {
        return answer.statusCode() + " " + new String(answer.body(), StandardCharsets.UTF_8);
    }
}
