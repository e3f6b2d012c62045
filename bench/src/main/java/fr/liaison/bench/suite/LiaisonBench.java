package fr.liaison.bench.suite;

import fr.liaison.routes.directory.Directory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Liaison end to end: two nodes in their own JVMs on free ports ({@link BenchNetwork}), sender and recipient, each with its embedded
 * persistent broker, database, consent gate and audit chain as configured by default), the sender's
 * software submitting referrals to its local API, the recipient's software a {@link LocalSink}
 * webhook. A message counts when the sink has it; the sender records {@code DELIVERED} once it
 * has verified the recipient's signed receipt.
 */
final class LiaisonBench implements AutoCloseable {

    /** Messages submitted but not yet at the sink, at saturation. */
    static final int IN_FLIGHT = 32;
    private static final int SUBMITTERS = 4;
    private static final int CONSENTS = 16;
    private static final Duration STARTUP = Duration.ofMinutes(4);
    private static final Duration DRAIN = Duration.ofMinutes(2);
    private static final Pattern DELIVERED_AT = Pattern.compile("\"step\"\\s*:\\s*\"DELIVERED\"[^}]*?\"at\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern AT_THEN_DELIVERED = Pattern.compile("\"at\"\\s*:\\s*\"([^\"]+)\"[^}]*?\"step\"\\s*:\\s*\"DELIVERED\"");

    record Node(String id, URI api, String token, String officerPassword, Process process) {
    }

    record Latencies(double p50, double p95, double p99, int count) {

        static Latencies of(List<Double> millis) {
            double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Latencies(Rounds.percentile(sorted, 50), Rounds.percentile(sorted, 95), Rounds.percentile(sorted, 99),
                    sorted.length);
        }
    }

    /**
     * @param throughput messages per second reaching the sink, at saturation
     * @param halfRate the submission rate of the latency window (half of the median throughput)
     * @param toWebhook latency from the POST to the sender's API to the sink's receipt of the webhook
     * @param toDelivered latency from the POST to the sender's DELIVERED (signed receipt verified)
     * @param heapPerInFlight heap after GC of both nodes at saturation, less idle, per message in flight
     * @param auditEntriesPerMessage audit entries one message adds: sender, recipient
     * @param chainsIntact both nodes' audit chains verified in place after the run
     * @param refused submissions not answered 202
     * @param lost messages that never reached the sink
     * @param recordings the nodes' JFR recordings of a window after the measured rounds
     * @param profiledThroughput messages per second reaching the sink while they recorded
     */
    record Result(Rounds throughput, Rounds cpuMillis, double halfRate, Latencies toWebhook, Latencies toDelivered, long heapPerInFlight,
            int[] auditEntriesPerMessage, boolean chainsIntact, long refused, long lost, List<Path> recordings,
            double profiledThroughput, Map<String, Map<String, Double>> stepMillis, SteadyState.Outcome warmup) {
    }

    private static final Pattern STEP_SUM = Pattern.compile("liaison_step_duration_seconds_sum\\{[^}]*step=\"([^\"]+)\"[^}]*} ([0-9.eE+-]+)");
    private static final Pattern STEP_COUNT = Pattern.compile("liaison_step_duration_seconds_count\\{[^}]*step=\"([^\"]+)\"[^}]*} ([0-9.eE+-]+)");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Path work;
    private final Payloads payloads;
    private final LocalSink sink;
    private final Node sender;
    private final Node recipient;
    private final List<String> consentIds = new ArrayList<>();
    private final LongAdder refused = new LongAdder();
    private final Map<String, Long> pending = new ConcurrentHashMap<>();

    LiaisonBench(Path jar, Path certsDev, Path work, Payloads payloads, String senderId, String recipientId)
            throws IOException, InterruptedException {
        this.work = work;
        this.payloads = payloads;
        Map<String, BenchNetwork.Ports> ports = new java.util.LinkedHashMap<>();
        for (String id : List.of(senderId, recipientId)) {
            ports.put(id, new BenchNetwork.Ports(JvmProcesses.freePort(), JvmProcesses.freePort()));
        }
        Path signedDirectory = work.resolve("bench-directory.signed");
        Directory directory = BenchNetwork.create(jar, certsDev, work, signedDirectory, ports);
        this.sink = new LocalSink();
        Node first = null;
        Node second = null;
        try {
            first = start(jar, certsDev, directory, signedDirectory, senderId, null);
            second = start(jar, certsDev, directory, signedDirectory, recipientId, sink);
            this.sender = first;
            this.recipient = second;
            awaitHealthy(sender);
            awaitHealthy(recipient);
            for (int i = 0; i < CONSENTS; i++) {
                String consentId = UUID.randomUUID().toString();
                HttpResponse<String> answer = send(sender, "POST", "/api/v1/consents", payloads.consent(consentId));
                if (answer.statusCode() != 201 && answer.statusCode() != 200) {
                    throw new IllegalStateException("consent refused by " + senderId + ": HTTP " + answer.statusCode() + " " + answer.body());
                }
                consentIds.add(consentId);
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            // Both nodes, whichever failed: one left running would weigh on every later run.
            JvmProcesses.stop(first == null ? null : first.process());
            JvmProcesses.stop(second == null ? null : second.process());
            sink.close();
            throw e;
        }
    }

    Result measure(Settings settings, boolean profile) throws IOException, InterruptedException {
        // Saturation: a closed loop keeping IN_FLIGHT messages between the POST and the sink.
        Semaphore window = new Semaphore(IN_FLIGHT);
        LongAdder arrivals = new LongAdder();
        sink.onArrival(id -> {
            if (pending.remove(id) != null) {
                arrivals.increment();
                window.release();
            }
        });
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> submitters = new ArrayList<>();
        for (int i = 0; i < SUBMITTERS; i++) {
            Thread submitter = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        window.acquire();
                        String id = UUID.randomUUID().toString();
                        pending.put(id, System.nanoTime());
                        if (submit(id) != 202) {
                            pending.remove(id);
                            window.release();
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (IOException e) {
                        refused.increment();
                    }
                }
            }, "liaison-submitter-" + i);
            submitter.setDaemon(true);
            submitter.start();
            submitters.add(submitter);
        }
        SteadyState.Outcome warmup = SteadyState.await(List.of(sender.process().pid(), recipient.process().pid()),
                settings.liaisonWarmup().minimum(), settings.liaisonWarmup().maximum());
        List<Double> rounds = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        for (int round = 0; round < settings.rounds(); round++) {
            long before = arrivals.sum();
            long cpuBefore = JvmProcesses.cpuNanos(sender.process(), recipient.process());
            long start = System.nanoTime();
            Thread.sleep(settings.liaisonRound().toMillis());
            long delivered = arrivals.sum() - before;
            rounds.add(delivered / ((System.nanoTime() - start) / 1e9));
            cpu.add((JvmProcesses.cpuNanos(sender.process(), recipient.process()) - cpuBefore) / 1e6 / Math.max(1, delivered));
        }
        // The profile is taken after the measured rounds, under the same load, so that no figure
        // above is measured while sampling; the throughput while recording is reported beside it.
        List<Path> recordings = new ArrayList<>();
        double profiledThroughput = Double.NaN;
        if (profile) {
            Path settingsFile = flightRecorderSettings("profile.jfc");
            JvmProcesses.startRecording(sender.process(), settingsFile);
            JvmProcesses.startRecording(recipient.process(), settingsFile);
            long before = arrivals.sum();
            long start = System.nanoTime();
            Thread.sleep(settings.liaisonRound().multipliedBy(2).toMillis());
            profiledThroughput = (arrivals.sum() - before) / ((System.nanoTime() - start) / 1e9);
            for (Node node : List.of(sender, recipient)) {
                Path file = work.resolve(node.id() + ".jfr");
                JvmProcesses.stopRecording(node.process(), file);
                recordings.add(file);
            }
        }
        long loaded = JvmProcesses.heapAfterGc(sender.process()) + JvmProcesses.heapAfterGc(recipient.process());
        stop.set(true);
        for (Thread submitter : submitters) {
            submitter.interrupt();
            submitter.join(10_000);
        }
        drain();
        long idle = JvmProcesses.heapAfterGc(sender.process()) + JvmProcesses.heapAfterGc(recipient.process());
        Rounds throughput = new Rounds(rounds);

        // Latency at half of the saturated throughput: an open loop at a fixed rate.
        double rate = throughput.median() / 2;
        Map<String, Long> submittedAt = new ConcurrentHashMap<>();
        Map<String, Instant> submittedWall = new ConcurrentHashMap<>();
        Map<String, Double> webhookMillis = new ConcurrentHashMap<>();
        AtomicBoolean measuring = new AtomicBoolean();
        sink.onArrival(id -> {
            Long start = submittedAt.get(id);
            if (start != null) {
                webhookMillis.put(id, (System.nanoTime() - start) / 1e6);
            }
            pending.remove(id);
        });
        ExecutorService posts = Executors.newFixedThreadPool(8);
        long period = (long) (1e9 / Math.max(rate, 0.5));
        long warmIn = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long end = warmIn + settings.halfLoad().toNanos();
        long next = System.nanoTime();
        while (next < end) {
            LockSupport.parkNanos(next - System.nanoTime());
            boolean measured = next >= warmIn;
            posts.execute(() -> {
                String id = UUID.randomUUID().toString();
                pending.put(id, System.nanoTime());
                if (measured) {
                    submittedWall.put(id, Instant.now());
                    submittedAt.put(id, System.nanoTime());
                }
                try {
                    if (submit(id) != 202) {
                        pending.remove(id);
                        submittedAt.remove(id);
                        submittedWall.remove(id);
                    }
                } catch (IOException | InterruptedException e) {
                    refused.increment();
                }
            });
            next += period;
        }
        posts.shutdown();
        posts.awaitTermination(1, TimeUnit.MINUTES);
        long lost = drain();
        if (webhookMillis.isEmpty()) {
            throw new IllegalStateException("no message reached the recipient's software at half load; the nodes' logs are in " + work
                    + " (a full disk, for one, makes the nodes' brokers block their queues)");
        }
        Latencies toWebhook = Latencies.of(new ArrayList<>(webhookMillis.values()));
        Latencies toDelivered = Latencies.of(deliveredMillis(submittedWall));
        String one = webhookMillis.keySet().iterator().next();
        int[] auditEntries = {auditEntries(sender, one), auditEntries(recipient, one)};
        boolean intact = chainIntact(sender) && chainIntact(recipient);
        Map<String, Map<String, Double>> steps = new java.util.LinkedHashMap<>();
        steps.put(sender.id(), stepMillis(sender));
        steps.put(recipient.id(), stepMillis(recipient));
        return new Result(throughput, new Rounds(cpu), rate, toWebhook, toDelivered, (loaded - idle) / IN_FLIGHT, auditEntries, intact,
                refused.sum(), lost, recordings, profiledThroughput, steps, warmup);
    }

    /** Mean time of each route step over the whole run, ms, from the node's own step timers (Prometheus scrape). */
    private Map<String, Double> stepMillis(Node node) throws IOException, InterruptedException {
        String scrape = http.send(HttpRequest.newBuilder(node.api().resolve("/actuator/prometheus")).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Double> sums = new java.util.HashMap<>();
        Matcher sum = STEP_SUM.matcher(scrape);
        while (sum.find()) {
            sums.put(sum.group(1), Double.parseDouble(sum.group(2)));
        }
        Map<String, Double> means = new java.util.TreeMap<>();
        Matcher count = STEP_COUNT.matcher(scrape);
        while (count.find()) {
            double n = Double.parseDouble(count.group(2));
            if (n > 0 && sums.containsKey(count.group(1))) {
                means.put(count.group(1), 1000 * sums.get(count.group(1)) / n);
            }
        }
        Files.writeString(work.resolve(node.id() + ".prometheus.txt"), scrape);
        return means;
    }

    /** Waits until every submitted message has reached the sink; answers how many never did. */
    private long drain() throws InterruptedException {
        Instant deadline = Instant.now().plus(DRAIN);
        while (!pending.isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        long lost = pending.size();
        pending.clear();
        return lost;
    }

    private int submit(String messageId) throws IOException, InterruptedException {
        String consentId = consentIds.get(Math.floorMod(messageId.hashCode(), consentIds.size()));
        int status = send(sender, "POST", "/api/v1/messages", payloads.referral(messageId, consentId, Instant.now())).statusCode();
        if (status != 202) {
            refused.increment();
        }
        return status;
    }

    /** DELIVERED at the sender (its history's time) less the POST, for at most 300 messages spread over the window. */
    private List<Double> deliveredMillis(Map<String, Instant> submittedWall) throws IOException, InterruptedException {
        List<Map.Entry<String, Instant>> all = new ArrayList<>(submittedWall.entrySet());
        all.sort(Map.Entry.comparingByValue());
        int step = Math.max(1, all.size() / 300);
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < all.size(); i += step) {
            HttpResponse<String> status = send(sender, "GET", "/api/v1/messages/" + all.get(i).getKey(), null);
            Instant delivered = deliveredAt(status.body());
            if (delivered != null) {
                millis.add(Duration.between(all.get(i).getValue(), delivered).toNanos() / 1e6);
            }
        }
        return millis;
    }

    private static Instant deliveredAt(String statusJson) {
        Matcher matcher = DELIVERED_AT.matcher(statusJson);
        if (matcher.find()) {
            return Instant.parse(matcher.group(1));
        }
        matcher = AT_THEN_DELIVERED.matcher(statusJson);
        return matcher.find() ? Instant.parse(matcher.group(1)) : null;
    }

    private int auditEntries(Node node, String messageId) throws IOException, InterruptedException {
        String body = officer(node, "/api/v1/audit/exchanges/" + messageId);
        return body.split("\"seq\"", -1).length - 1;
    }

    private boolean chainIntact(Node node) throws IOException, InterruptedException {
        return officer(node, "/api/v1/audit/verify").replace(" ", "").contains("\"valid\":true");
    }

    private String officer(Node node, String path) throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString(("officer:" + node.officerPassword()).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(node.api().resolve(path)).timeout(Duration.ofMinutes(2))
                .header("Authorization", "Basic " + basic).header("Accept", "application/json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(node.id() + " " + path + ": HTTP " + response.statusCode());
        }
        return response.body();
    }

    private HttpResponse<String> send(Node node, String method, String path, byte[] xml) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(node.api().resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + node.token()).header("Accept", "application/json");
        if (xml != null) {
            request.header("Content-Type", "application/xml").method(method, HttpRequest.BodyPublishers.ofByteArray(xml));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Space-separated arguments from an environment variable, none if it is unset. */
    private static List<String> fromEnvironment(String variable) {
        String value = System.getenv(variable);
        return value == null || value.isBlank() ? List.of() : List.of(value.strip().split("\\s+"));
    }

    private Node start(Path jar, Path certsDev, Directory directory, Path signedDirectory, String id, LocalSink webhook)
            throws IOException {
        Path nodeDir = work.resolve(id);
        deleteRecursively(nodeDir);
        Files.createDirectories(nodeDir);
        // Flight Recorder initialised at start-up (nothing recorded until the profile window):
        // started later, it would flush the nodes' compiled code (see idle.jfc).
        String flightRecorder = "-XX:StartFlightRecording=name=idle,settings=" + flightRecorderSettings("idle.jfc");
        // Deep stacks, so that a sample in H2 still shows which of the node's methods ran the statement
        // (JFR keeps 64 frames by default; Spring, Camel and H2 together take more).
        String stackDepth = "-XX:FlightRecorderOptions=stackdepth=1024";
        List<String> command = new ArrayList<>(List.of(JvmProcesses.java(), "-Xms512m", "-Xmx512m", stackDepth, flightRecorder));
        // Experiments: JVM options after the bench's own, so they win, e.g. LIAISON_BENCH_NODE_JVM_ARGS="-Xms2g -Xmx2g".
        command.addAll(fromEnvironment("LIAISON_BENCH_NODE_JVM_ARGS"));
        command.addAll(List.of("-jar", jar.toString(), "node",
                "--participant", id, "--certs-dev", certsDev.toString(), "--work-dir", nodeDir.toString(),
                // The bench's directory and the free ports it publishes for this participant.
                "--liaison.directory.file=" + signedDirectory, "--liaison.local-api.port=" + directory.require(id).localApi().getPort(),
                "--server.port=" + directory.require(id).exchangeEndpoint().getPort()));
        // Experiments: more node settings from the environment, e.g. LIAISON_BENCH_NODE_ARGS="--liaison.audit.batch-size=64".
        command.addAll(fromEnvironment("LIAISON_BENCH_NODE_ARGS"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve(id + ".log").toFile());
        if (webhook != null) {
            // Through the environment, not the command line, where any local user could read the secret.
            builder.environment().put("LIAISON_WEBHOOK_URL", webhook.url());
            builder.environment().put("LIAISON_WEBHOOK_SECRET", webhook.secret());
        }
        Process process = builder.start();
        Path identity = certsDev.resolve(id);
        return new Node(id, directory.require(id).localApi(), Files.readString(identity.resolve("local-client.token")).strip(),
                Files.readString(identity.resolve("officer.password")).strip(), process);
    }

    /** A Flight Recorder settings file of the bench's resources, copied to the work directory for the nodes' JVMs. */
    private Path flightRecorderSettings(String name) throws IOException {
        Path file = work.resolve(name);
        try (var in = LiaisonBench.class.getResourceAsStream(name)) {
            Files.write(file, in.readAllBytes());
        }
        return file.toAbsolutePath();
    }

    private void awaitHealthy(Node node) throws InterruptedException {
        Instant deadline = Instant.now().plus(STARTUP);
        while (Instant.now().isBefore(deadline)) {
            if (!node.process().isAlive()) {
                break;
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(node.api().resolve("/actuator/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200 && health.body().contains("\"UP\"")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("node " + node.id() + " did not start; see " + work.resolve(node.id() + ".log"));
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Override
    public void close() {
        JvmProcesses.stop(sender == null ? null : sender.process());
        JvmProcesses.stop(recipient == null ? null : recipient.process());
        sink.close();
    }
}
