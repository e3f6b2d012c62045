package fr.liaison.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fr.liaison.gateway.cli.SampleMessages;
import fr.liaison.schemas.v1.DataCategory;

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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Crashes and outages with real processes: two nodes of the development network, CCAS-29232
 * sending referrals to FT-29, whose software is a webhook sink in this JVM. Each node is a separate
 * JVM with its own H2 database and persistent Artemis journal, killed with SIGKILL in the middle of
 * a stream and started again on what the crash left. Every message must reach the local software,
 * each recorded once by the sender as DELIVERED and by the recipient as delivered, and both audit
 * chains must verify. {@code -Dliaison.crash.messages=10000} runs the longer stream.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashRecoveryIT {

    private static final int MESSAGES = Integer.getInteger("liaison.crash.messages", 2000);
    private static final int CLIENTS = 6;
    private static final Duration STREAM_DEADLINE = Duration.ofMinutes(Math.max(5, MESSAGES / 200));
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private static WebhookSink sink;
    private static NodeProcess sender;
    private static NodeProcess receiver;
    private static String consentId;
    private static SampleMessages samples;
    private static final List<String> allSent = new ArrayList<>();

    @BeforeAll
    static void startNodes() throws Exception {
        Path run = Files.createTempDirectory(Files.createDirectories(Path.of("target", "it-nodes")), "crash-");
        sink = WebhookSink.start();
        // Retries close together, so that an outage of a few seconds is ridden out quickly and visibly.
        List<String> retries = List.of("--liaison.retry.peer-attempts=60", "--liaison.retry.initial-delay=PT0.3S",
                "--liaison.retry.maximum-delay=PT2S");
        sender = new NodeProcess("CCAS-29232", URI.create("http://127.0.0.1:8087"), run, Map.of(), retries);
        receiver = new NodeProcess("FT-29", URI.create("http://127.0.0.1:8085"), run,
                Map.of("LIAISON_WEBHOOK_URL", sink.url(), "LIAISON_WEBHOOK_SECRET", "crash-test-webhook-secret-of-forty-characters"), retries);
        sender.start();
        receiver.start();
        samples = new SampleMessages(Path.of(System.getProperty("liaison.samples", "../schemas/samples")).toAbsolutePath(),
                Clock.systemUTC());
        consentId = UUID.randomUUID().toString();
        HttpResponse<String> consent = post(sender, "/api/v1/consents", samples.consent(consentId, sender.id, List.of(receiver.id),
                List.of(DataCategory.IDENTITY, DataCategory.EMPLOYMENT_SITUATION, DataCategory.BARRIER_MOBILITE,
                        DataCategory.BARRIER_LOGEMENT, DataCategory.BARRIER_SANTE, DataCategory.HEALTH_DETAIL)), null);
        assertThat(consent.statusCode()).as(consent.body()).isEqualTo(201);
    }

    @AfterAll
    static void stopNodes() throws Exception {
        if (sender != null) {
            sender.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        if (sink != null) {
            sink.close();
        }
    }

    @Test
    @Order(1)
    void theLocalSoftwareDownMakesDeliveriesWaitAndNothingIsLost() throws Exception {
        sink.refuse(true);
        List<String> ids = stream(100, null, null, new AtomicInteger());
        // Received and receipted by FT-29, so DELIVERED at the sender, but not taken by the software yet.
        awaitDeliveredAtSender(ids);
        await().atMost(Duration.ofSeconds(30)).until(() -> sink.refusals() >= 2);
        assertThat(sink.distinct()).isZero();

        sink.refuse(false);

        awaitAllAtTheSoftware(ids);
        assertThat(sink.repeatsAmong(ids)).isZero();
    }

    @Test
    @Order(2)
    void theReceivingNodeKilledMidStreamLosesNothing() throws Exception {
        int before = sink.distinct();
        AtomicInteger kills = new AtomicInteger();
        List<String> ids = stream(MESSAGES, () -> sink.distinct() - before, () -> {
            receiver.kill();
            kills.incrementAndGet();
            // Down for a while: the sender's tries fail and are scheduled again before it comes back.
            awaitSenderRetries();
            receiver.start();
        });

        awaitAllAtTheSoftware(ids);
        assertThat(kills).hasValue(1);
        awaitDeliveredAtSender(ids);
        // A webhook call cut by the kill is made again: the software may see it twice, never zero times.
        // Its Liaison-Message-Id lets it drop the repeat; there are at most as many as calls in flight.
        assertThat(sink.repeatsAmong(ids)).isLessThanOrEqualTo(2);
        assertChainsVerify();
    }

    @Test
    @Order(3)
    void theSendingNodeKilledMidStreamLosesNothing() throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger kills = new AtomicInteger();
        List<String> ids = stream(MESSAGES, accepted::get, () -> {
            sender.kill();
            kills.incrementAndGet();
            sender.start();
        }, accepted);

        awaitAllAtTheSoftware(ids);
        assertThat(kills).hasValue(1);
        awaitDeliveredAtSender(ids);
        assertThat(sink.repeatsAmong(ids)).isZero();
        assertChainsVerify();
        // Every step of every message is in the logs, those the kills cut short included.
        assertThat(auditTotal(sender, "ACCEPTED")).isEqualTo(allSent.size());
        assertThat(auditTotal(sender, "DELIVERED")).isEqualTo(allSent.size());
        assertThat(auditTotal(receiver, "RECEIVED")).isEqualTo(allSent.size());
        assertThat(sender.healthy()).isTrue();
        assertThat(receiver.healthy()).isTrue();
    }

    // ---------------------------------------------------------------------------------------------

    /** What to do once a third of the stream has got through: a crash and a restart. */
    private interface Crash {
        void run() throws Exception;
    }

    private static List<String> stream(int count, IntSupplier progress, Crash crash) throws Exception {
        return stream(count, progress, crash, new AtomicInteger());
    }

    /**
     * Submits {@code count} referrals from several clients, as local software would: each with its
     * message id as Idempotency-Key, sent again while the node does not answer. Once {@code progress}
     * passes a third of the stream, {@code crash} (if any) runs while the clients go on.
     */
    private static List<String> stream(int count, IntSupplier progress, Crash crash, AtomicInteger accepted) throws Exception {
        List<SampleMessages.Fresh> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(samples.message("referral.xml", sender.id, receiver.id, consentId, null));
        }
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            running.add(clients.submit(() -> {
                for (int i = next.getAndIncrement(); i < messages.size(); i = next.getAndIncrement()) {
                    submitUntilAccepted(messages.get(i));
                    accepted.incrementAndGet();
                }
                return null;
            }));
        }
        clients.shutdown();
        if (crash != null) {
            await().atMost(STREAM_DEADLINE).until(() -> progress.getAsInt() >= count / 3);
            crash.run();
        }
        for (Future<?> client : running) {
            client.get(STREAM_DEADLINE.toMinutes(), TimeUnit.MINUTES);
        }
        List<String> ids = messages.stream().map(SampleMessages.Fresh::messageId).toList();
        allSent.addAll(ids);
        return ids;
    }

    private static void submitUntilAccepted(SampleMessages.Fresh message) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (true) {
            try {
                HttpResponse<String> answer = post(sender, "/api/v1/messages", message.xml(), message.messageId());
                if (answer.statusCode() == 202) {
                    return;
                }
                if (answer.statusCode() < 500) {
                    throw new AssertionError("message refused: HTTP " + answer.statusCode() + " " + answer.body());
                }
            } catch (IOException notAnswering) {
                // The node is down or restarting: a client tries again, with the same key.
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the sending node did not come back");
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /** Every message at the software; else a failure that says where the missing ones stopped. */
    private static void awaitAllAtTheSoftware(List<String> ids) throws Exception {
        try {
            await().atMost(STREAM_DEADLINE).until(() -> sink.received(ids) == ids.size());
        } catch (ConditionTimeoutException e) {
            List<String> missing = ids.stream().filter(id -> sink.received(List.of(id)) == 0).toList();
            List<String> where = new ArrayList<>();
            for (String id : missing.subList(0, Math.min(5, missing.size()))) {
                where.add(id + " sender " + status(sender, id) + ", recipient " + status(receiver, id));
            }
            throw new AssertionError(missing.size() + " of " + ids.size() + " messages never reached the software: " + where, e);
        }
    }

    private static long auditTotal(NodeProcess node, String step) throws Exception {
        return officerGet(node, "/api/v1/audit?step=" + step + "&size=1").path("total").asLong();
    }

    private static void awaitSenderRetries() {
        await().atMost(Duration.ofMinutes(1)).until(() -> {
            JsonNode page = officerGet(sender, "/api/v1/audit?step=RETRIED&size=1");
            return page.path("total").asLong() > 0;
        });
    }

    private static void awaitDeliveredAtSender(List<String> ids) {
        Set<String> waiting = ConcurrentHashMap.newKeySet();
        waiting.addAll(ids);
        await().atMost(STREAM_DEADLINE).pollInterval(Duration.ofSeconds(1)).until(() -> {
            for (String id : List.copyOf(waiting)) {
                if ("DELIVERED".equals(status(sender, id))) {
                    waiting.remove(id);
                }
            }
            return waiting.isEmpty();
        });
    }

    private static void assertChainsVerify() throws Exception {
        for (NodeProcess node : List.of(sender, receiver)) {
            JsonNode verified = officerGet(node, "/api/v1/audit/verify");
            assertThat(verified.path("valid").asBoolean()).as(node.id + " audit chain: " + verified).isTrue();
        }
    }

    private static String status(NodeProcess node, String messageId) throws IOException, InterruptedException {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(node.localApi.resolve("/api/v1/messages/" + messageId))
                .header("Authorization", "Bearer " + node.token).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() == 200 ? JSON.readTree(answer.body()).path("status").asString() : "HTTP " + answer.statusCode();
    }

    private static JsonNode officerGet(NodeProcess node, String path) throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString(("officer:" + node.officerPassword).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(node.localApi.resolve(path))
                .header("Authorization", "Basic " + basic).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private static HttpResponse<String> post(NodeProcess node, String path, byte[] xml, String idempotencyKey)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(node.localApi.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + node.token).header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofByteArray(xml));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
