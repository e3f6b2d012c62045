package fr.liaison.gateway.delivery;

import fr.liaison.gateway.config.LiaisonProperties;
import fr.liaison.routes.exchange.LocalSoftware;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.stereotype.Component;

/**
 * Pushes each received message to the local software's webhook, signed so the software can tell
 * it comes from its node: {@code Liaison-Signature: sha256=<hex HMAC-SHA-256 of "<timestamp>.<body>">}
 * with the shared secret, and {@code Liaison-Timestamp} (epoch seconds) to bound replays.
 */
@Component
class WebhookLocalSoftware implements LocalSoftware {

    private final LiaisonProperties.Webhook webhook;
    private final Clock clock;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    WebhookLocalSoftware(LiaisonProperties properties, Clock clock) {
        this.webhook = properties.webhook();
        this.clock = clock;
        if (pushes() && (webhook.secret() == null || webhook.secret().length() < 32)) {
            throw new IllegalStateException("liaison.webhook.secret: at least 32 characters are required");
        }
    }

    @Override
    public boolean pushes() {
        return webhook != null && webhook.url() != null;
    }

    @Override
    public void push(String messageId, String messageType, byte[] xml) {
        post(messageId, messageType, xml, "application/xml");
    }

    @Override
    public void pushNotice(String referralId, String notice, byte[] json) {
        post(referralId, notice, json, "application/json");
    }

    private void post(String messageId, String messageType, byte[] body, String contentType) {
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        HttpRequest request = HttpRequest.newBuilder(webhook.url())
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType)
                .header("Liaison-Message-Id", messageId)
                .header("Liaison-Message-Type", messageType)
                .header("Liaison-Timestamp", timestamp)
                .header("Liaison-Signature", "sha256=" + signature(timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        int status;
        try {
            status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new LiaisonException(ErrorCode.LOCAL_SOFTWARE_UNREACHABLE, e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LiaisonException(ErrorCode.LOCAL_SOFTWARE_UNREACHABLE, "interrupted");
        }
        if (status < 200 || status >= 300) {
            throw new LiaisonException(ErrorCode.LOCAL_SOFTWARE_UNREACHABLE, "webhook answered " + status);
        }
    }

    String signature(String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(webhook.secret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
