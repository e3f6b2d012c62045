package fr.liaison.bench.suite;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The WS-Security baseline: a CXF client JVM sending the payload to a CXF service JVM over mutual
 * TLS, signed and encrypted with WSS4J, with a signed answer ({@link CxfWssPeer}). Closed loop:
 * {@link #IN_FLIGHT} requests in flight at all times, which saturates two cores.
 */
final class CxfWssBench implements AutoCloseable {

    static final int IN_FLIGHT = 8;

    record Result(Rounds throughput, Rounds cpuMillis, long heapPerInFlight, SteadyState.Outcome warmup) {
    }

    private final Path certsDev;
    private final Path work;
    private final String serverId;
    private final String clientId;
    private final int port;
    private final Process server;

    CxfWssBench(Path certsDev, Path work, String serverId, String clientId) throws IOException, InterruptedException {
        this.certsDev = certsDev;
        this.work = work;
        this.serverId = serverId;
        this.clientId = clientId;
        this.port = JvmProcesses.freePort();
        this.server = new ProcessBuilder(JvmProcesses.benchJvm("512m", CxfWssPeer.class.getName(), "server", Integer.toString(port),
                certsDev.toString(), serverId, clientId))
                .redirectError(work.resolve("cxf-server.log").toFile()).start();
        String first = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (!"ready".equals(first)) {
            JvmProcesses.stop(server);
            throw new IllegalStateException("the CXF service did not start; see " + work.resolve("cxf-server.log"));
        }
    }

    Result measure(byte[] payload, Settings settings) throws IOException, InterruptedException {
        Path payloadFile = work.resolve("cxf-payload-" + payload.length + ".xml");
        Files.write(payloadFile, payload);
        long hold = 15;
        Process client = new ProcessBuilder(JvmProcesses.benchJvm("512m", CxfWssPeer.class.getName(), "client", Integer.toString(port),
                certsDev.toString(), serverId, clientId, payloadFile.toString(), Integer.toString(IN_FLIGHT),
                Long.toString(settings.cxfRound().toSeconds()),
                Integer.toString(settings.rounds()), Long.toString(hold)))
                .redirectError(work.resolve("cxf-client-" + payload.length + ".log").toFile()).start();
        List<Double> rounds = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        long cpuMark = 0;
        long loaded = 0;
        long idle = 0;
        SteadyState.Outcome warmup = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.equals("loaded")) {
                    warmup = SteadyState.await(List.of(server.pid(), client.pid()), settings.cxfWarmup().minimum(),
                            settings.cxfWarmup().maximum());
                    client.getOutputStream().write("measure\n".getBytes(StandardCharsets.UTF_8));
                    client.getOutputStream().flush();
                } else if (line.equals("measuring")) {
                    cpuMark = JvmProcesses.cpuNanos(server, client);
                } else if (line.startsWith("round ")) {
                    String[] figures = line.substring(6).split(" ");
                    rounds.add(Double.parseDouble(figures[0]));
                    long now = JvmProcesses.cpuNanos(server, client);
                    cpu.add((now - cpuMark) / 1e6 / Math.max(1, Long.parseLong(figures[1])));
                    cpuMark = now;
                } else if (line.equals("hold")) {
                    loaded = JvmProcesses.heapAfterGc(server) + JvmProcesses.heapAfterGc(client);
                } else if (line.equals("idle")) {
                    idle = JvmProcesses.heapAfterGc(server) + JvmProcesses.heapAfterGc(client);
                }
            }
        } finally {
            if (!client.waitFor(60, TimeUnit.SECONDS)) {
                JvmProcesses.stop(client);
            }
        }
        if (rounds.size() != settings.rounds()) {
            throw new IllegalStateException("the CXF client failed; see " + work.resolve("cxf-client-" + payload.length + ".log"));
        }
        return new Result(new Rounds(rounds), new Rounds(cpu), (loaded - idle) / IN_FLIGHT, warmup);
    }

    @Override
    public void close() {
        JvmProcesses.stop(server);
    }
}
