package fr.liaison.gateway.cli;

import fr.liaison.routes.envelope.EnvelopeSealer;
import fr.liaison.routes.receipt.Receipt;
import fr.liaison.routes.receipt.Receipts;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.v1.Consent;
import fr.liaison.schemas.v1.DataCategory;
import fr.liaison.schemas.v1.ExitReason;
import fr.liaison.schemas.v1.FollowUpEvent;
import fr.liaison.schemas.v1.FollowUpEventType;
import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.ParticipantKind;
import fr.liaison.schemas.v1.Purpose;
import fr.liaison.schemas.v1.Reorientation;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The development network at work: starts the nodes of the CCAS de Quimper, France Travail
 * Finistère and the Finistère departmental council as separate processes, then acts as each
 * institution's software over its local API: records a consent, sends a referral and its answer,
 * a shared diagnosis, and one exchange that must be refused for want of consent; ends with an Axe 3
 * reorientation France Travail -> council. It prints what
 * each node did (statuses and steps, never personal data) and keeps the nodes up until Ctrl-C.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts CCAS-29232, FT-29 and CD-29, exchanges a referral, its answer and a shared diagnosis,",
                "shows a refusal for want of consent, then keeps the nodes up until Ctrl-C."})
final class DemoCommand implements java.util.concurrent.Callable<Integer> {

    private static final List<String> NODES = List.of("CCAS-29232", "FT-29", "CD-29");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration STARTUP = Duration.ofMinutes(3);
    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Mixin
    NetworkOptions network;

    @Option(names = "--samples", paramLabel = "DIR", description = "Sample messages (default: $LIAISON_HOME/schemas/samples).")
    Path samples;

    @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = "var/demo",
            description = "Where the demo nodes keep their data; emptied first (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--no-wait", description = "Stop the nodes and exit once the exchanges are shown, instead of waiting for Ctrl-C.")
    boolean noWait;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final List<Process> processes = new ArrayList<>();

    /** One node as its institution's software sees it: the local API and its credential. */
    private record Node(String id, URI api, String token) {
    }

    @Override
    public Integer call() throws Exception {
        Path certsDev = network.certsDev().toAbsolutePath().normalize();
        SampleMessages messages = new SampleMessages(samplesDir(), Clock.systemUTC());
        WebhookReceiver webhook = WebhookReceiver.start();
        Thread stopNodes = new Thread(this::stopNodes, "liaison-demo-stop");
        Runtime.getRuntime().addShutdownHook(stopNodes);
        try {
            startNodes(certsDev, webhook);
            exchange(messages, webhook);
            out().println();
            out().println("The nodes are up:");
            for (Node node : nodes.values()) {
                out().printf("  %-11s local API  %s  (Bearer token: %s)%n", node.id(), node.api(),
                        certsDev.resolve(node.id()).resolve("local-client.token"));
                printUrl("SOAP WSDL", node, "/soap/v1/gateway?wsdl");
                printUrl("OpenAPI", node, "/v3/api-docs");
                printUrl("metrics", node, "/actuator/prometheus");
                printUrl("health", node, "/actuator/health");
                printUrl("liveness", node, "/actuator/health/liveness");
                printUrl("readiness", node, "/actuator/health/readiness");
                out().printf("  %-11s %-10s %s  (user officer, password: %s)%n", "", "officer", node.api().resolve("/officer"),
                        certsDev.resolve(node.id()).resolve("officer.password"));
            }
            out().printf("  logs and data under %s%n", workDir.toAbsolutePath().normalize());
            if (noWait) {
                return 0;
            }
            out().println("Press Ctrl-C to stop them.");
            out().flush();
            new CountDownLatch(1).await();
            return 0;
        } finally {
            webhook.stop();
            stopNodes();
            try {
                Runtime.getRuntime().removeShutdownHook(stopNodes);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
    }

    /** One more URL a node serves on its local listener (the same paths on every node). */
    private void printUrl(String what, Node node, String path) {
        out().printf("  %-11s %-10s %s%n", "", what, node.api().resolve(path));
    }

    private void startNodes(Path certsDev, WebhookReceiver webhook) throws IOException, InterruptedException {
        deleteRecursively(workDir);
        Files.createDirectories(workDir);
        String jar = System.getProperty("java.class.path");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        out().printf("Starting %d nodes (separate JVMs, embedded Artemis and H2 each, logs in %s)%n", NODES.size(), workDir);
        for (String id : NODES) {
            List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-jar", jar, "node",
                    "--participant", id, "--certs-dev", certsDev.toString(), "--work-dir", workDir.resolve(id).toString(),
                    "--liaison.demo.seed-history=true"));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(workDir.resolve(id + ".log").toFile());
            if ("FT-29".equals(id)) {
                // Through the environment, not the command line, where any local user could read the secret.
                builder.environment().put("LIAISON_WEBHOOK_URL", webhook.url());
                builder.environment().put("LIAISON_WEBHOOK_SECRET", webhook.secret());
            }
            Process process = builder.start();
            processes.add(process);
            var self = network.directory().require(id);
            nodes.put(id, new Node(id, self.localApi(),
                    Files.readString(certsDev.resolve(id).resolve("local-client.token")).strip()));
        }
        Instant deadline = Instant.now().plus(STARTUP);
        int index = 0;
        for (Node node : nodes.values()) {
            Process process = processes.get(index++);
            while (!healthy(node)) {
                if (Instant.now().isAfter(deadline) || !process.isAlive()) {
                    throw new IllegalStateException("node " + node.id() + " did not start; see " + workDir.resolve(node.id() + ".log"));
                }
                TimeUnit.MILLISECONDS.sleep(250);
            }
            out().printf("  %-11s up: local API %s%n", node.id(), node.api());
            out().flush();
        }
    }

    private void exchange(SampleMessages messages, WebhookReceiver webhook) throws Exception {
        Node ccas = nodes.get("CCAS-29232");
        Node ft = nodes.get("FT-29");
        Node cd = nodes.get("CD-29");

        section("1. The CCAS de Quimper records the person's consent (collected in an interview)");
        String consentId = UUID.randomUUID().toString();
        JsonNode consent = post(ccas, "/api/v1/consents", messages.consent(consentId, ccas.id(), List.of(ft.id(), cd.id()),
                List.of(DataCategory.IDENTITY, DataCategory.EMPLOYMENT_SITUATION, DataCategory.BARRIER_MOBILITE,
                        DataCategory.BARRIER_LOGEMENT, DataCategory.BARRIER_SANTE, DataCategory.HEALTH_DETAIL)));
        out().printf("   consent %s: purpose %s, recipients %s, categories %s, until %s%n", consentId, consent.path("purpose").asString(),
                consent.path("allowedRecipients"), consent.path("allowedCategories"), consent.path("expiresAt").asString());

        section("2. Referral CCAS-29232 -> FT-29 (fiche de prescription), pushed to France Travail's software by webhook");
        var referral = messages.message("referral.xml", ccas.id(), ft.id(), consentId, null);
        submit(ccas, referral.xml());
        awaitStatus(ccas, referral.messageId(), "DELIVERED");
        WebhookReceiver.Delivery pushed = webhook.await(referral.messageId(), DELIVERY);
        out().printf("   FT-29's software received %s %s, HMAC signature %s%n", pushed.type(), pushed.messageId(),
                pushed.signatureValid() ? "valid" : "INVALID");
        awaitStatus(ft, referral.messageId(), "DELIVERED");
        show(ccas, referral.messageId());
        show(ft, referral.messageId());

        section("3. France Travail accepts: response FT-29 -> CCAS-29232, pulled from the CCAS inbox");
        var response = messages.message("referral-response.xml", ft.id(), ccas.id(), consentId, referral.messageId());
        submit(ft, response.xml());
        awaitStatus(ft, response.messageId(), "DELIVERED");
        JsonNode inbox = get(ccas, "/api/v1/inbox");
        out().printf("   CCAS-29232 inbox: %d message(s); fetched %s as JSON, correlated to %s; acknowledged%n", inbox.size(),
                response.messageId(), get(ccas, "/api/v1/inbox/" + response.messageId()).path("header").path("correlationId").asString());
        send(ccas, "POST", "/api/v1/inbox/" + response.messageId() + "/ack", null);
        show(ft, response.messageId());
        show(ccas, response.messageId());

        section("4. The accompaniment starts: follow-up events FT-29 -> CCAS-29232 move the referral's lifecycle on both nodes");
        for (FollowUpEventType type : List.of(FollowUpEventType.FIRST_APPOINTMENT_SET, FollowUpEventType.ACCOMPANIMENT_STARTED)) {
            var event = messages.message("follow-up-event.xml", ft.id(), ccas.id(), consentId, referral.messageId());
            submit(ft, followUp(event.xml(), type));
            awaitStatus(ft, event.messageId(), "DELIVERED");
        }
        JsonNode followed = referralOf(ccas, referral.messageId());
        out().printf("   at CCAS-29232 the referral is %s (sent %s, answered %s, first appointment %s, deadline was %s)%n",
                followed.path("state").asString(), followed.path("sentAt").asString(), followed.path("answeredAt").asString(),
                followed.path("firstAppointment").asString(), followed.path("dueAt").asString());
        out().printf("   at FT-29      the referral is %s%n", referralOf(ft, referral.messageId()).path("state").asString());

        section("5. Axe 1: the department publishes a social resource; France Travail's software looks up mobility help in Quimper");
        var resource = messages.message("resource-directory-entry.xml", cd.id(), null, null, null);
        JsonNode published = post(cd, "/api/v1/messages", resource.xml());
        out().printf("   CD-29 published it to %d participants (the conventions name FT-29 and CCAS-29232)%n",
                published.path("messageIds").size());
        JsonNode found = awaitResources(ft, "/api/v1/resources?category=mobilite&commune=29232");
        for (JsonNode hit : found) {
            out().printf("   FT-29: GET /api/v1/resources?category=mobilite&commune=29232 -> %s \"%s\" (%s)%n", hit.path("id").asString(),
                    hit.path("name").asString(), hit.path("publisher").asString());
        }

        section("6. Shared diagnosis FT-29 -> CD-29, minimised for a departmental council (it keeps the details the consent covers)");
        var diagnosis = messages.message("shared-diagnosis.xml", ft.id(), cd.id(), consentId, referral.messageId());
        submit(ft, diagnosis.xml());
        awaitStatus(ft, diagnosis.messageId(), "DELIVERED");
        JsonNode received = get(cd, "/api/v1/inbox/" + diagnosis.messageId());
        out().printf("   CD-29 received categories %s%n", received.path("header").path("dataCategories"));
        send(cd, "POST", "/api/v1/inbox/" + diagnosis.messageId() + "/ack", null);
        show(cd, diagnosis.messageId());

        section("7. A referral CCAS-29232 -> CD-29 under a consent that names only FT-29: refused, nothing sent");
        String narrowConsent = UUID.randomUUID().toString();
        post(ccas, "/api/v1/consents", messages.consent(narrowConsent, ccas.id(), List.of(ft.id()),
                List.of(DataCategory.IDENTITY, DataCategory.BARRIER_MOBILITE, DataCategory.BARRIER_LOGEMENT)));
        var refused = messages.message("referral.xml", ccas.id(), cd.id(), narrowConsent, null);
        HttpResponse<String> answer = send(ccas, "POST", "/api/v1/messages", refused.xml());
        JsonNode problem = JSON.readTree(answer.body());
        out().printf("   HTTP %d %s: %s%n", answer.statusCode(), problem.path("code").asString(), problem.path("title").asString());
        show(ccas, refused.messageId());
        out().printf("   CD-29 knows nothing of it: HTTP %d%n", send(cd, "GET", "/api/v1/messages/" + refused.messageId(), null).statusCode());

        section("8. The other way round, CD-29 -> FT-29: a France Travail node never receives the health detail nor free-text details");
        var back = messages.message("shared-diagnosis.xml", cd.id(), ft.id(), consentId, referral.messageId());
        submit(cd, back.xml());
        awaitStatus(cd, back.messageId(), "DELIVERED");
        WebhookReceiver.Delivery minimised = webhook.await(back.messageId(), DELIVERY);
        out().printf("   CD-29 submitted %s; FT-29's software received %s (no healthDetail: %s, no barrier detail: %s)%n",
                categories(back.xml()), categories(minimised.body()), !contains(minimised.body(), "<healthDetail>"),
                !contains(minimised.body(), "<detail>"));

        section("9. A forged envelope: CD-29 signs a referral that names CCAS-29232 as sender and posts it to FT-29 over mutual TLS");
        var forged = messages.message("referral.xml", ccas.id(), ft.id(), consentId, null);
        byte[] envelope = new EnvelopeSealer(network.keys(cd.id())).seal(forged.xml(),
                network.directory().require(ft.id()).encryptionCertificate());
        HttpClient asCd = HttpClient.newBuilder().sslContext(DevTls.clientContext(network.certsDev(), cd.id())).build();
        HttpResponse<byte[]> reply = asCd.send(HttpRequest.newBuilder(network.directory().require(ft.id()).exchangeEndpoint())
                .header("Content-Type", "application/cms").header("Liaison-Message-Id", forged.messageId())
                .POST(HttpRequest.BodyPublishers.ofByteArray(envelope)).build(), HttpResponse.BodyHandlers.ofByteArray());
        Receipt receipt = Receipts.verify(reply.body(), network.directory(), ft.id(), forged.messageId(), envelope);
        out().printf("   FT-29 answered HTTP %d with a receipt it signed: %s %s; its software never saw it%n", reply.statusCode(),
                receipt.outcome(), receipt.errorCode());

        section("10. The person withdraws consent at the CCAS: the revocation reaches every node that received data under it");
        JsonNode revoked = post(ccas, "/api/v1/consents/" + consentId + "/revocation",
                "{\"reason\": \"withdrawn by the person\"}".getBytes(StandardCharsets.UTF_8), "application/json");
        out().printf("   CCAS-29232 revoked it and sent %d revocation(s)%n", revoked.path("revocationsSent").asInt());
        awaitRevocation(ft, consentId);
        awaitRevocation(cd, consentId); // passed on by FT-29, which had sent CD-29 data under it
        var late = messages.message("referral-response.xml", ft.id(), ccas.id(), consentId, referral.messageId());
        HttpResponse<String> lateAnswer = send(ft, "POST", "/api/v1/messages", late.xml());
        out().printf("   FT-29 now refuses a new message under it: HTTP %d %s%n", lateAnswer.statusCode(),
                JSON.readTree(lateAnswer.body()).path("code").asString());

        reorientation(messages, ft, cd);
    }

    /**
     * Axe 3: France Travail re-orients a person to the department's social services with a
     * referral and the follow-up events that close its own side; the department answers and its
     * accompaniment starts. France Travail may not report the department's accompaniment.
     */
    private void reorientation(SampleMessages messages, Node ft, Node cd) throws Exception {
        section("11. Axe 3: France Travail re-orients a person to the council's social services and closes its own side");
        String consentId = UUID.randomUUID().toString();
        post(ft, "/api/v1/consents", social(messages.consent(consentId, ft.id(), List.of(cd.id()),
                List.of(DataCategory.IDENTITY, DataCategory.EMPLOYMENT_SITUATION, DataCategory.BARRIER_MOBILITE,
                        DataCategory.BARRIER_LOGEMENT, DataCategory.BARRIER_SANTE, DataCategory.HEALTH_DETAIL))));
        var referral = messages.message("referral.xml", ft.id(), cd.id(), consentId, null);
        submit(ft, social(referral.xml()));
        awaitStatus(ft, referral.messageId(), "DELIVERED");
        for (FollowUpEventType type : List.of(FollowUpEventType.REORIENTATION, FollowUpEventType.ACCOMPANIMENT_ENDED)) {
            var event = messages.message("follow-up-event.xml", ft.id(), cd.id(), consentId, referral.messageId());
            submit(ft, socialEvent(event.xml(), type));
            awaitStatus(ft, event.messageId(), "DELIVERED");
            out().printf("   FT-29 -> CD-29 %s%s: DELIVERED%n", type,
                    type == FollowUpEventType.ACCOMPANIMENT_ENDED ? " (exit reason REORIENTATION_SOCIALE)" : "");
        }
        out().printf("   France Travail's side is closed; the referral awaits the council's answer: %s at FT-29, %s at CD-29%n",
                referralOf(ft, referral.messageId()).path("state").asString(), referralOf(cd, referral.messageId()).path("state").asString());

        var answer = messages.message("referral-response.xml", cd.id(), ft.id(), consentId, referral.messageId());
        submit(cd, social(answer.xml()));
        awaitStatus(cd, answer.messageId(), "DELIVERED");
        var started = messages.message("follow-up-event.xml", cd.id(), ft.id(), consentId, referral.messageId());
        submit(cd, socialEvent(started.xml(), FollowUpEventType.ACCOMPANIMENT_STARTED));
        awaitStatus(cd, started.messageId(), "DELIVERED");
        out().printf("   CD-29 accepted and started its accompaniment: %s at FT-29, %s at CD-29%n",
                referralOf(ft, referral.messageId()).path("state").asString(), referralOf(cd, referral.messageId()).path("state").asString());

        var notFt = messages.message("follow-up-event.xml", ft.id(), cd.id(), consentId, referral.messageId());
        HttpResponse<String> refused = send(ft, "POST", "/api/v1/messages", socialEvent(notFt.xml(), FollowUpEventType.FIRST_APPOINTMENT_SET));
        JsonNode problem = JSON.readTree(refused.body());
        out().printf("   FT-29 reporting the council's first appointment itself: HTTP %d %s: %s%n", refused.statusCode(),
                problem.path("code").asString(), problem.path("title").asString());
    }

    /** The message (or consent) for Axe 3: purpose ACCOMPAGNEMENT_SOCIAL. */
    private static byte[] social(byte[] xml) {
        MessageCodec codec = MessageCodec.v1();
        LiaisonMessage message = codec.read(xml, MessageFormat.XML).message();
        message.getHeader().setPurpose(Purpose.ACCOMPAGNEMENT_SOCIAL);
        if (message instanceof Consent consent) {
            consent.setPurpose(Purpose.ACCOMPAGNEMENT_SOCIAL);
        }
        return codec.toXml(message);
    }

    /** The follow-up sample as an Axe 3 event: a reorientation to the council, or an exit for that reason. */
    private static byte[] socialEvent(byte[] xml, FollowUpEventType type) {
        MessageCodec codec = MessageCodec.v1();
        FollowUpEvent event = (FollowUpEvent) codec.read(social(xml), MessageFormat.XML).message();
        event.setEventType(type);
        event.setExitReason(type == FollowUpEventType.ACCOMPANIMENT_ENDED ? ExitReason.REORIENTATION_SOCIALE : null);
        if (event.getExitReason() == null) {
            event.getHeader().setDataCategories(null);
        }
        Reorientation target = null;
        if (type == FollowUpEventType.REORIENTATION) {
            target = new Reorientation();
            target.setTargetKind(ParticipantKind.DEPARTEMENT);
            target.setTargetParticipant(event.getHeader().getRecipient());
        }
        event.setReorientation(target);
        return codec.toXml(event);
    }

    private JsonNode referralOf(Node node, String referralId) throws IOException, InterruptedException {
        for (JsonNode referral : get(node, "/api/v1/referrals")) {
            if (referral.path("referralId").asString().equals(referralId)) {
                return referral;
            }
        }
        throw new IllegalStateException(node.id() + " does not follow referral " + referralId);
    }

    private JsonNode awaitResources(Node node, String query) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(DELIVERY);
        while (Instant.now().isBefore(deadline)) {
            JsonNode found = get(node, query);
            if (found.size() > 0) {
                return found;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException("the resource never reached " + node.id());
    }

    /** The follow-up sample turned into the given event (no exit reason, so no category). */
    private static byte[] followUp(byte[] xml, FollowUpEventType type) {
        MessageCodec codec = MessageCodec.v1();
        FollowUpEvent event = (FollowUpEvent) codec.read(xml, MessageFormat.XML).message();
        event.setEventType(type);
        event.setExitReason(null);
        event.setReorientation(null);
        event.getHeader().setDataCategories(null);
        return codec.toXml(event);
    }

    private void awaitRevocation(Node node, String consentId) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(DELIVERY);
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> response = send(node, "GET", "/api/v1/consents/" + consentId, null);
            if (response.statusCode() == 200 && !JSON.readTree(response.body()).path("revokedAt").isNull()) {
                out().printf("   %s knows: consent revoked at %s%n", node.id(), JSON.readTree(response.body()).path("revokedAt").asString());
                return;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException("the revocation never reached " + node.id());
    }

    private String categories(byte[] xml) {
        return MessageCodec.v1().read(xml, MessageFormat.XML).header().getDataCategories().toString();
    }

    private static boolean contains(byte[] xml, String text) {
        return new String(xml, StandardCharsets.UTF_8).contains(text);
    }

    private void section(String title) {
        out().println();
        out().println(title);
        out().flush();
    }

    /** A message's status and steps on one node: routing and codes only, never the content. */
    private void show(Node node, String messageId) throws IOException, InterruptedException {
        JsonNode status = get(node, "/api/v1/messages/" + messageId);
        StringBuilder steps = new StringBuilder();
        for (JsonNode step : status.path("history")) {
            steps.append(steps.isEmpty() ? "" : " > ").append(step.path("step").asString());
            if (!step.path("errorCode").isNull() && !step.path("errorCode").isMissingNode()) {
                steps.append('(').append(step.path("errorCode").asString()).append(')');
            }
        }
        out().printf("   at %-11s %-8s %-18s %s -> %s  %-9s %s%n", node.id(), status.path("direction").asString(),
                status.path("messageType").asString(), status.path("sender").asString(), status.path("recipient").asString(),
                status.path("status").asString(), steps);
        out().flush();
    }

    private void submit(Node node, byte[] xml) throws IOException, InterruptedException {
        HttpResponse<String> response = send(node, "POST", "/api/v1/messages", xml);
        if (response.statusCode() != 202) {
            throw new IllegalStateException(node.id() + " refused a demo message: " + response.body());
        }
    }

    private void awaitStatus(Node node, String messageId, String expected) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(DELIVERY);
        String status = "";
        while (Instant.now().isBefore(deadline)) {
            status = get(node, "/api/v1/messages/" + messageId).path("status").asString();
            if (expected.equals(status)) {
                return;
            }
            if ("FAILED".equals(status) || "REFUSED".equals(status)) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException(messageId + " at " + node.id() + " is " + status + ", expected " + expected);
    }

    private JsonNode post(Node node, String path, byte[] xml) throws IOException, InterruptedException {
        return post(node, path, xml, "application/xml");
    }

    private JsonNode post(Node node, String path, byte[] body, String contentType) throws IOException, InterruptedException {
        HttpResponse<String> response = send(node, "POST", path, body, contentType);
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(node.id() + " " + path + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private JsonNode get(Node node, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = send(node, "GET", path, null);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(node.id() + " " + path + ": HTTP " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> send(Node node, String method, String path, byte[] xml) throws IOException, InterruptedException {
        return send(node, method, path, xml, "application/xml");
    }

    private HttpResponse<String> send(Node node, String method, String path, byte[] body, String contentType)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(node.api().resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + node.token()).header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private boolean healthy(Node node) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(node.api().resolve("/actuator/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"UP\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private synchronized void stopNodes() {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
    }

    private Path samplesDir() {
        if (samples != null) {
            return samples;
        }
        String home = System.getenv("LIAISON_HOME");
        return home != null ? Path.of(home, "schemas", "samples") : Path.of("schemas", "samples");
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** France Travail's software in the demo: receives webhook pushes and checks their signature. */
    static final class WebhookReceiver {

        record Delivery(String messageId, String type, boolean signatureValid, byte[] body) {
        }

        private final HttpServer server;
        private final String secret;
        private final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();

        private WebhookReceiver(HttpServer server, String secret) {
            this.server = server;
            this.secret = secret;
        }

        static WebhookReceiver start() throws IOException {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            WebhookReceiver receiver = new WebhookReceiver(server, HexFormat.of().formatHex(random));
            server.createContext("/webhook", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String timestamp = exchange.getRequestHeaders().getFirst("Liaison-Timestamp");
                String signature = exchange.getRequestHeaders().getFirst("Liaison-Signature");
                receiver.deliveries.add(new Delivery(exchange.getRequestHeaders().getFirst("Liaison-Message-Id"),
                        exchange.getRequestHeaders().getFirst("Liaison-Message-Type"), receiver.verify(timestamp, body, signature),
                        body));
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
            return receiver;
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/webhook";
        }

        String secret() {
            return secret;
        }

        Delivery await(String messageId, Duration timeout) throws InterruptedException {
            Instant deadline = Instant.now().plus(timeout);
            while (Instant.now().isBefore(deadline)) {
                Delivery delivery = deliveries.poll(250, TimeUnit.MILLISECONDS);
                if (delivery != null && messageId.equals(delivery.messageId())) {
                    return delivery;
                }
            }
            throw new IllegalStateException("the webhook never received " + messageId);
        }

        private boolean verify(String timestamp, byte[] body, String signature) {
            if (timestamp == null || signature == null) {
                return false;
            }
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
                byte[] expected = ("sha256=" + HexFormat.of().formatHex(mac.doFinal(body))).getBytes(StandardCharsets.US_ASCII);
                return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
            } catch (GeneralSecurityException e) {
                return false;
            }
        }

        void stop() {
            server.stop(0);
        }
    }
}
