package fr.liaison.bench.suite;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * What a node spent its CPU on while saturated, from a JDK Flight Recorder recording (profile
 * settings): the share of execution samples whose stack passes through each component (so shares
 * overlap), the hottest methods by own samples, the node's methods that spend the database's samples,
 * the CPU load and the time paused by GC.
 */
record JfrSummary(String node, int samples, Map<String, Double> componentShares, Map<String, Double> hottestMethods,
        Map<String, Double> databaseCallers, double databaseFileWrites, double jvmCpu, double machineCpu, Duration gcPauses, Duration recorded,
        Duration longCompilations) {

    /** Database samples whose stack holds no method of the node: H2's own work, outside any statement of ours. */
    private static final String DATABASE_OWN_WORK = "(H2's own threads)";

    private static final String DATABASE = "org.h2.";

    private static final String NODE_CODE = "fr.liaison.";

    /** H2's store, whose commit writes every page changed since the last one to the file as a new chunk. */
    private static final String DATABASE_STORE = "org.h2.mvstore.MVStore";

    private static final Set<String> DATABASE_FILE_WRITES = Set.of("commit", "tryCommit", "store",
            "writeInBackground");

    /** Components by package or class prefix, in the order shown. */
    private static final Map<String, List<String>> COMPONENTS = components();

    private static Map<String, List<String>> components() {
        Map<String, List<String>> components = new LinkedHashMap<>();
        components.put("envelope seal/open (fr.liaison.routes.envelope)", List.of("fr.liaison.routes.envelope."));
        components.put("receipts (fr.liaison.routes.receipt)", List.of("fr.liaison.routes.receipt."));
        components.put("audit chain and writer", List.of("fr.liaison.routes.audit.", "fr.liaison.gateway.audit."));
        components.put("consent gate and proof", List.of("fr.liaison.routes.consent.", "fr.liaison.gateway.store.JdbcConsentRegistry"));
        components.put("message validation (XSD, rules)", List.of("fr.liaison.schemas.", "javax.xml.validation.",
                "com.sun.org.apache.xerces.internal.jaxp.validation."));
        components.put("Bouncy Castle", List.of("org.bouncycastle."));
        components.put("JDK crypto (SunEC, SunJCE)", List.of("sun.security.ec.", "com.sun.crypto.provider.", "sun.security.provider."));
        components.put("TLS (SunJSSE)", List.of("sun.security.ssl."));
        components.put("H2 database", List.of("org.h2."));
        components.put("Artemis broker and JMS", List.of("org.apache.activemq."));
        components.put("Camel", List.of("org.apache.camel."));
        components.put("Tomcat and Spring MVC", List.of("org.apache.catalina.", "org.apache.coyote.", "org.apache.tomcat.",
                "org.springframework.web."));
        components.put("Spring Security", List.of("org.springframework.security."));
        components.put("JDK HttpClient", List.of("jdk.internal.net.http."));
        components.put("logging", List.of("ch.qos.logback.", "org.apache.logging.", "org.slf4j."));
        components.put("Micrometer", List.of("io.micrometer."));
        return components;
    }

    static JfrSummary read(String node, Path recording) throws IOException {
        Map<String, Integer> componentHits = new HashMap<>();
        Map<String, Integer> selfHits = new HashMap<>();
        Map<String, Integer> databaseHits = new HashMap<>();
        int fileWrites = 0;
        int samples = 0;
        double jvmCpu = 0;
        double machineCpu = 0;
        int cpuEvents = 0;
        Duration pauses = Duration.ZERO;
        Duration compilations = Duration.ZERO;
        java.time.Instant first = null;
        java.time.Instant last = null;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            first = first == null || event.getStartTime().isBefore(first) ? event.getStartTime() : first;
            last = last == null || event.getEndTime().isAfter(last) ? event.getEndTime() : last;
            switch (event.getEventType().getName()) {
                case "jdk.ExecutionSample" -> {
                    RecordedStackTrace stack = event.getStackTrace();
                    if (stack == null || stack.getFrames().isEmpty()) {
                        continue;
                    }
                    samples++;
                    RecordedFrame top = stack.getFrames().get(0);
                    selfHits.merge(top.getMethod().getType().getName() + "." + top.getMethod().getName(), 1, Integer::sum);
                    databaseCaller(stack).ifPresent(caller -> databaseHits.merge(caller, 1, Integer::sum));
                    if (writesDatabaseFile(stack)) {
                        fileWrites++;
                    }
                    for (Map.Entry<String, List<String>> component : COMPONENTS.entrySet()) {
                        boolean hit = stack.getFrames().stream().anyMatch(frame -> component.getValue().stream()
                                .anyMatch(prefix -> frame.getMethod().getType().getName().startsWith(prefix)));
                        if (hit) {
                            componentHits.merge(component.getKey(), 1, Integer::sum);
                        }
                    }
                }
                case "jdk.CPULoad" -> {
                    jvmCpu += event.getFloat("jvmUser") + event.getFloat("jvmSystem");
                    machineCpu += event.getFloat("machineTotal");
                    cpuEvents++;
                }
                case "jdk.GarbageCollection" -> pauses = pauses.plus(event.getDuration("sumOfPauses"));
                // The profile settings record only compilations over 100 ms: a lower bound of the JIT's work.
                case "jdk.Compilation" -> compilations = compilations.plus(event.getDuration());
                default -> {
                }
            }
        }
        int total = Math.max(1, samples);
        Map<String, Double> shares = new LinkedHashMap<>();
        for (String component : COMPONENTS.keySet()) {
            shares.put(component, 100.0 * componentHits.getOrDefault(component, 0) / total);
        }
        return new JfrSummary(node, samples, shares, largest(selfHits, 12, total), largest(databaseHits, 8, total),
                100.0 * fileWrites / total, cpuEvents == 0 ? Double.NaN : 100 * jvmCpu / cpuEvents,
                cpuEvents == 0 ? Double.NaN : 100 * machineCpu / cpuEvents, pauses,
                first == null ? Duration.ZERO : Duration.between(first, last), compilations);
    }

    /**
     * For a sample in H2, the node's method nearest to it on the stack (the one that ran the statement or
     * commit), as {@code SimpleClass.method}; empty for a sample outside H2. The recording must keep deep
     * stacks (the bench starts the nodes with a stack depth of 1024) or the caller is cut off.
     */
    static Optional<String> databaseCaller(RecordedStackTrace stack) {
        List<RecordedFrame> frames = stack.getFrames();
        int inDatabase = -1;
        for (int i = 0; i < frames.size() && inDatabase < 0; i++) {
            if (frames.get(i).getMethod().getType().getName().startsWith(DATABASE)) {
                inDatabase = i;
            }
        }
        if (inDatabase < 0) {
            return Optional.empty();
        }
        for (int i = inDatabase + 1; i < frames.size(); i++) {
            String type = frames.get(i).getMethod().getType().getName();
            if (type.startsWith(NODE_CODE)) {
                return Optional.of(type.substring(type.lastIndexOf('.') + 1) + "." + frames.get(i).getMethod().getName());
            }
        }
        return Optional.of(DATABASE_OWN_WORK);
    }

    /** Whether a sample is H2 writing pages to its file: the store's commit, in whichever thread runs it. */
    static boolean writesDatabaseFile(RecordedStackTrace stack) {
        return stack.getFrames().stream().anyMatch(frame -> frame.getMethod().getType().getName().equals(DATABASE_STORE)
                && DATABASE_FILE_WRITES.contains(frame.getMethod().getName()));
    }

    private static Map<String, Double> largest(Map<String, Integer> hits, int limit, int total) {
        return hits.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(limit)
                .collect(Collectors.toMap(Map.Entry::getKey, e -> 100.0 * e.getValue() / total, (a, b) -> a, LinkedHashMap::new));
    }
}
