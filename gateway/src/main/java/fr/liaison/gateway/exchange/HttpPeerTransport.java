package fr.liaison.gateway.exchange;

import fr.liaison.routes.exchange.PeerTransport;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.springframework.boot.ssl.SslBundles;
import org.springframework.stereotype.Component;

/** Posts envelopes to peer nodes over HTTPS with this node's TLS certificate (mutual TLS). */
@Component
class HttpPeerTransport implements PeerTransport {

    private final HttpClient client;

    HttpPeerTransport(SslBundles bundles) {
        this.client = HttpClient.newBuilder()
                .sslContext(bundles.getBundle("exchange").createSslContext())
                .connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    @Override
    public PeerReply post(URI endpoint, String messageId, byte[] envelope) {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", ExchangeController.CMS.toString())
                .header(ExchangeController.MESSAGE_ID_HEADER, messageId)
                .POST(HttpRequest.BodyPublishers.ofByteArray(envelope))
                .build();
        try {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new PeerReply(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new LiaisonException(ErrorCode.EXCHANGE_PEER_UNREACHABLE, endpoint + ": " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LiaisonException(ErrorCode.EXCHANGE_PEER_UNREACHABLE, "interrupted");
        }
    }
}
