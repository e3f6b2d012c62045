package fr.liaison.gateway.reliability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The institution's software as a webhook: counts every push by its {@code Liaison-Message-Id},
 * so a test sees both what was lost (never pushed) and what was pushed twice; it can be switched
 * to answer 503, as software that is down would.
 */
final class WebhookSink implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final Map<String, AtomicInteger> pushes = new ConcurrentHashMap<>();
    private final AtomicInteger refusals = new AtomicInteger();
    private volatile boolean refusing;

    private WebhookSink(HttpServer server) {
        this.server = server;
    }

    static WebhookSink start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        WebhookSink sink = new WebhookSink(server);
        server.createContext("/in", sink::handle);
        server.setExecutor(sink.threads);
        server.start();
        return sink;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/in";
    }

    void refuse(boolean value) {
        refusing = value;
    }

    int refusals() {
        return refusals.get();
    }

    /** Messages pushed at least once. */
    int distinct() {
        return pushes.size();
    }

    /** How many of {@code ids} were pushed at least once. */
    int received(Collection<String> ids) {
        return (int) ids.stream().filter(pushes::containsKey).count();
    }

    /** Pushes beyond the first, over {@code ids}. */
    int repeatsAmong(Collection<String> ids) {
        return ids.stream().map(pushes::get).filter(count -> count != null).mapToInt(count -> count.get() - 1).sum();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            if (refusing) {
                refusals.incrementAndGet();
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            String messageId = exchange.getRequestHeaders().getFirst("Liaison-Message-Id");
            if (messageId != null) {
                pushes.computeIfAbsent(messageId, id -> new AtomicInteger()).incrementAndGet();
            }
            exchange.sendResponseHeaders(204, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
