package fr.liaison.bench.suite;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The recipient institution's software, as small as it can be: a webhook that checks the node's
 * HMAC signature, notes the arrival of each message id and answers 204. The body is read and
 * dropped, never logged.
 */
final class LocalSink implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final String secret;
    private final LongAdder badSignatures = new LongAdder();
    private volatile Consumer<String> onArrival = id -> { };

    LocalSink() throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.secret = HexFormat.of().formatHex(random);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.setExecutor(threads);
        server.createContext("/in", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String messageId = exchange.getRequestHeaders().getFirst("Liaison-Message-Id");
            if (!signed(exchange.getRequestHeaders().getFirst("Liaison-Timestamp"), body,
                    exchange.getRequestHeaders().getFirst("Liaison-Signature"))) {
                badSignatures.increment();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
            if (messageId != null) {
                onArrival.accept(messageId);
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/in";
    }

    String secret() {
        return secret;
    }

    void onArrival(Consumer<String> listener) {
        this.onArrival = listener;
    }

    long badSignatures() {
        return badSignatures.sum();
    }

    private boolean signed(String timestamp, byte[] body, String signature) {
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

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
