package fr.liaison.gateway.reliability;

import static org.awaitility.Awaitility.await;

import fr.liaison.gateway.cli.SampleMessages;
import fr.liaison.schemas.v1.DataCategory;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * FT-29 run as identical instances of one node behind HAProxy, on an ActiveMQ Artemis primary/backup
 * pair (replication) and one PostgreSQL (zonky's embedded binaries), its software a webhook sink;
 * CCAS-29232 a single node (embedded broker, H2) sending it a stream of referrals. Optionally, once
 * a third of the stream has reached the software the Artemis primary is killed (SIGKILL), and once
 * two thirds have, one FT-29 instance. Used by {@code ClusterIT} and {@code liaison cluster-demo}.
 */
final class ClusterScenario implements AutoCloseable {

    static final int FT29_LOCAL = 8085;
    static final int FT29_EXCHANGE = 8445;
    static final int PRIMARY_PORT = 61716;
    static final int BACKUP_PORT = 61717;
    /** Every job that must run once across the instances, with the period this scenario gives it. */
    static final Duration JOB_PERIOD = Duration.ofSeconds(5);
    static final List<String> JOBS = List.of("audit-checkpoint", "referral-deadlines", "payload-retention", "audit-repair", "queue-sweep");
    private static final int CLIENTS = 4;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern JOB_RUN = Pattern.compile("^(\\S+)\\s+INFO .*scheduled job (\\S+) ran");

    /** What the run showed. */
    record Outcome(int sent, int delivered, int duplicates, int lost, int repeatedPushes, boolean auditVerified, String audit,
            Duration streamTime, Map<String, List<Instant>> jobRuns) {

        double messagesPerSecond() {
            return sent * 1000.0 / Math.max(1, streamTime.toMillis());
        }

        String line() {
            return "sent=" + sent + " delivered=" + delivered + " duplicates=" + duplicates + " lost=" + lost + " audit="
                    + (auditVerified ? "verified" : "FAILED");
        }
    }

    private final Path run;
    private final int instances;
    private final PrintStream out;
    private final List<NodeProcess> ft29 = new ArrayList<>();
    private WebhookSink sink;
    private EmbeddedPostgres postgres;
    private ArtemisPair brokers;
    private LoadBalancer balancer;
    private NodeProcess sender;
    private NodeProcess ft29Front;
    private String consentId;
    private SampleMessages samples;

    ClusterScenario(Path run, int instances, PrintStream out) {
        this.run = run.toAbsolutePath();
        this.instances = instances;
        this.out = out;
    }

    void start() throws Exception {
        LoadBalancer.executable(); // fail first, and plainly, when HAProxy is missing
        Files.createDirectories(run);
        sink = WebhookSink.start();
        out.println("PostgreSQL (embedded binaries) ...");
        postgres = EmbeddedPostgres.builder().start();
        String databaseUrl = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
        out.println("ActiveMQ Artemis primary (:" + PRIMARY_PORT + ") and backup (:" + BACKUP_PORT + "), replication ...");
        brokers = new ArtemisPair(run.resolve("artemis"), PRIMARY_PORT, BACKUP_PORT);
        brokers.start();
        Path key = run.resolve("FT-29-pseudonymisation.key");
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        Files.write(key, bytes);
        List<String> retries = List.of("--liaison.retry.peer-attempts=60", "--liaison.retry.initial-delay=PT0.5S",
                "--liaison.retry.maximum-delay=PT2S");
        List<Integer> localPorts = new ArrayList<>();
        List<Integer> exchangePorts = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            String name = "FT-29-" + (char) ('a' + i);
            int local = 18085 + 10_000 * i;
            int exchange = 18445 + 10_000 * i;
            localPorts.add(local);
            exchangePorts.add(exchange);
            List<String> arguments = new ArrayList<>(retries);
            arguments.addAll(List.of("--spring.profiles.active=cluster", "--liaison.cluster.instance-name=" + name,
                    "--liaison.cluster.broker-url=" + brokers.clientUrl(), "--liaison.cluster.broker-user=" + ArtemisPair.USER,
                    "--liaison.cluster.broker-password=" + ArtemisPair.PASSWORD, "--liaison.cluster.database-url=" + databaseUrl,
                    "--liaison.cluster.database-user=postgres", "--liaison.cluster.pseudonymisation-key-file=" + key,
                    "--liaison.local-api.port=" + local, "--server.port=" + exchange,
                    "--liaison.audit.checkpoint-interval=" + JOB_PERIOD, "--liaison.referral-deadline-check=" + JOB_PERIOD,
                    "--liaison.audit.purge-interval=" + JOB_PERIOD, "--liaison.cluster.sweep-interval=" + JOB_PERIOD,
                    "--liaison.cluster.requeue-after=PT30S", "--liaison.cluster.audit-repair-grace=PT30S"));
            NodeProcess instance = new NodeProcess("FT-29", name, URI.create("http://127.0.0.1:" + local), run,
                    Map.of("LIAISON_WEBHOOK_URL", sink.url(), "LIAISON_WEBHOOK_SECRET", "cluster-test-webhook-secret-of-forty-chars"),
                    arguments);
            out.println("FT-29 instance " + name + " (local API :" + local + ", inter-node :" + exchange + ") ...");
            instance.start();
            ft29.add(instance);
        }
        out.println("HAProxy: FT-29's published ports :" + FT29_EXCHANGE + " (TCP pass-through, mutual TLS at the instances) and :"
                + FT29_LOCAL + " ...");
        balancer = new LoadBalancer(run.resolve("haproxy"), List.of(
                new LoadBalancer.Frontend("ft29-exchange", FT29_EXCHANGE, exchangePorts, false),
                new LoadBalancer.Frontend("ft29-local", FT29_LOCAL, localPorts, true)));
        balancer.start();
        ft29Front = new NodeProcess("FT-29", "FT-29-via-haproxy", URI.create("http://127.0.0.1:" + FT29_LOCAL), run, Map.of(), List.of());
        out.println("CCAS-29232, a single node (embedded broker, H2) ...");
        sender = new NodeProcess("CCAS-29232", URI.create("http://127.0.0.1:8087"), run, Map.of(), retries);
        sender.start();
        samples = new SampleMessages(Path.of(System.getProperty("liaison.samples", "../schemas/samples")).toAbsolutePath(),
                Clock.systemUTC());
        consentId = UUID.randomUUID().toString();
        HttpResponse<String> consent = post(sender, "/api/v1/consents", samples.consent(consentId, sender.id, List.of("FT-29"),
                List.of(DataCategory.IDENTITY, DataCategory.EMPLOYMENT_SITUATION, DataCategory.BARRIER_MOBILITE,
                        DataCategory.BARRIER_LOGEMENT, DataCategory.BARRIER_SANTE, DataCategory.HEALTH_DETAIL)), null);
        if (consent.statusCode() != 201) {
            throw new IllegalStateException("consent refused: HTTP " + consent.statusCode() + " " + consent.body());
        }
    }

    /** Streams {@code count} referrals CCAS-29232 -> FT-29, with the kills when asked; checks everything at the end. */
    Outcome stream(int count, boolean kills, Duration deadline) throws Exception {
        List<SampleMessages.Fresh> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(samples.message("referral.xml", sender.id, "FT-29", consentId, null));
        }
        List<String> ids = messages.stream().map(SampleMessages.Fresh::messageId).toList();
        out.println("streaming " + count + " referrals CCAS-29232 -> FT-29 (" + instances + " instance" + (instances > 1 ? "s" : "")
                + ") ...");
        Instant started = Instant.now();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            running.add(clients.submit(() -> {
                for (int i = next.getAndIncrement(); i < messages.size(); i = next.getAndIncrement()) {
                    submitUntilAccepted(messages.get(i));
                }
                return null;
            }));
        }
        clients.shutdown();
        if (kills) {
            await().atMost(deadline).until(() -> sink.received(ids) >= count / 3);
            out.println(sink.received(ids) + " at the software: kill -9 the Artemis primary");
            brokers.killPrimary();
            out.println("the Artemis backup is active");
            await().atMost(deadline).until(() -> sink.received(ids) >= 2 * count / 3);
            // The first instance: it started first, so its timers fire first and it has been running the jobs.
            NodeProcess victim = ft29.get(0);
            out.println(sink.received(ids) + " at the software: kill -9 FT-29 instance " + victim.name);
            victim.kill();
        }
        for (Future<?> client : running) {
            client.get(deadline.toSeconds(), TimeUnit.SECONDS);
        }
        await().atMost(deadline).pollInterval(Duration.ofMillis(200)).until(() -> sink.received(ids) == ids.size());
        Duration streamTime = Duration.between(started, Instant.now());
        out.println("all " + count + " at the software after " + streamTime.toSeconds() + " s; checking statuses and audit chains ...");
        awaitDeliveredAtSender(ids, deadline);

        int delivered = sink.received(ids);
        int repeated = sink.repeatsAmong(ids);
        Map<String, Map<String, Integer>> senderSteps = new HashMap<>();
        Map<String, Map<String, Integer>> recipientSteps = new HashMap<>();
        StringBuilder audit = new StringBuilder();
        boolean verified = verifiedOffline(sender, senderSteps, audit) & verifiedOffline(ft29Front, recipientSteps, audit);
        // Exactly once: each message accepted and delivered once by the sender, received and handed to the
        // software once by FT-29 (whichever instance took it), as its audit chain records.
        int duplicates = 0;
        for (String id : ids) {
            if (count(senderSteps, id, "ACCEPTED") > 1 || count(senderSteps, id, "DELIVERED") > 1
                    || count(recipientSteps, id, "RECEIVED") > 1 || count(recipientSteps, id, "DELIVERED") > 1) {
                duplicates++;
            }
        }
        for (String id : ids) {
            if (count(senderSteps, id, "DELIVERED") != 1 || count(recipientSteps, id, "RECEIVED") != 1
                    || count(recipientSteps, id, "DELIVERED") != 1) {
                verified = false;
                audit.append(" message ").append(id).append(" sender DELIVERED ").append(count(senderSteps, id, "DELIVERED"))
                        .append(", FT-29 RECEIVED ").append(count(recipientSteps, id, "RECEIVED")).append(" DELIVERED ")
                        .append(count(recipientSteps, id, "DELIVERED")).append(';');
                break;
            }
        }
        return new Outcome(count, delivered, duplicates, count - delivered, repeated, verified, audit.toString(), streamTime, jobRuns());
    }

    /** When each job ran, from the instances' logs (merged, in order). */
    Map<String, List<Instant>> jobRuns() throws IOException {
        return jobRuns(ft29);
    }

    /** When each job ran on these instances, from their logs (merged, in order). */
    static Map<String, List<Instant>> jobRuns(List<NodeProcess> instances) throws IOException {
        Map<String, List<Instant>> runs = new TreeMap<>();
        for (NodeProcess instance : instances) {
            for (String line : Files.readAllLines(instance.log(), StandardCharsets.UTF_8)) {
                Matcher m = JOB_RUN.matcher(line);
                if (m.find()) {
                    runs.computeIfAbsent(m.group(2), job -> new ArrayList<>()).add(OffsetDateTime.parse(m.group(1)).toInstant());
                }
            }
        }
        runs.values().forEach(list -> list.sort(null));
        return runs;
    }

    List<NodeProcess> instances() {
        return ft29;
    }

    private static int count(Map<String, Map<String, Integer>> steps, String id, String step) {
        return steps.getOrDefault(id, Map.of()).getOrDefault(step, 0);
    }

    /** Exports the node's chain through its local API and verifies it with {@code liaison audit-verify}, in its own process. */
    private boolean verifiedOffline(NodeProcess node, Map<String, Map<String, Integer>> steps, StringBuilder report)
            throws IOException, InterruptedException {
        Path export = run.resolve("audit-" + node.id + ".jsonl");
        HttpResponse<Path> answer = HTTP.send(HttpRequest.newBuilder(node.localApi.resolve("/api/v1/audit/export"))
                .header("Authorization", basic(node)).timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofFile(export));
        if (answer.statusCode() != 200) {
            report.append(node.id).append(" export HTTP ").append(answer.statusCode()).append("; ");
            return false;
        }
        for (String line : Files.readAllLines(export, StandardCharsets.UTF_8)) {
            JsonNode entry = JSON.readTree(line);
            String messageId = entry.path("messageId").asString("");
            if (!messageId.isEmpty()) {
                steps.computeIfAbsent(messageId, id -> new HashMap<>()).merge(entry.path("step").asString(""), 1, Integer::sum);
            }
        }
        Path log = run.resolve("audit-verify-" + node.id + ".log");
        Process verify = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                NodeProcess.JAR.toString(), "audit-verify", "--cert",
                NodeProcess.CERTS_DEV.resolve(node.id).resolve("sign.crt.pem").toString(), export.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ok = verify.waitFor(5, TimeUnit.MINUTES) && verify.exitValue() == 0;
        report.append(node.id).append(": ").append(Files.readString(log).strip().replace('\n', ' ')).append("; ");
        return ok;
    }

    private void awaitDeliveredAtSender(List<String> ids, Duration deadline) {
        Set<String> waiting = ConcurrentHashMap.newKeySet();
        waiting.addAll(ids);
        await().atMost(deadline).pollInterval(Duration.ofSeconds(1)).until(() -> {
            for (String id : List.copyOf(waiting)) {
                if ("DELIVERED".equals(status(sender, id))) {
                    waiting.remove(id);
                }
            }
            return waiting.isEmpty();
        });
    }

    private void submitUntilAccepted(SampleMessages.Fresh message) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (true) {
            try {
                HttpResponse<String> answer = post(sender, "/api/v1/messages", message.xml(), message.messageId());
                if (answer.statusCode() == 202) {
                    return;
                }
                if (answer.statusCode() < 500) {
                    throw new IllegalStateException("message refused: HTTP " + answer.statusCode() + " " + answer.body());
                }
            } catch (IOException notAnswering) {
                // a client tries again, with the same key
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the sending node does not accept messages");
            }
            await().pollDelay(Duration.ofMillis(200)).until(() -> true);
        }
    }

    private static String status(NodeProcess node, String messageId) throws IOException, InterruptedException {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(node.localApi.resolve("/api/v1/messages/" + messageId))
                .header("Authorization", "Bearer " + node.token).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() == 200 ? JSON.readTree(answer.body()).path("status").asString() : "HTTP " + answer.statusCode();
    }

    private static String basic(NodeProcess node) {
        return "Basic " + Base64.getEncoder().encodeToString(("officer:" + node.officerPassword).getBytes(StandardCharsets.UTF_8));
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

    @Override
    public void close() throws Exception {
        for (AutoCloseable part : new AutoCloseable[] {sender, balancer}) {
            if (part != null) {
                part.close();
            }
        }
        for (NodeProcess instance : ft29) {
            instance.close();
        }
        for (AutoCloseable part : new AutoCloseable[] {brokers, postgres, sink}) {
            if (part != null) {
                part.close();
            }
        }
    }
}
