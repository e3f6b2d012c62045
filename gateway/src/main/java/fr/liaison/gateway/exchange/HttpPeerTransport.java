package fr.liaison.gateway.exchange;

import fr.liaison.gateway.config.DirectoryHolder;
import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.Participant;
import fr.liaison.routes.exchange.PeerTransport;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.stereotype.Component;

/**
 * Posts envelopes to peer nodes over HTTPS with this node's TLS certificate (mutual TLS). The
 * server must prove it is the recipient: during the handshake, before anything is sent, its
 * certificate must chain to the network CA (the {@code exchange} SSL bundle's trust store) and be
 * one of the TLS certificates the directory in force lists for the recipient (any of them during a
 * rollover), valid and not revoked by the directory's CRLs; otherwise the post is refused with
 * {@code GW-EXCHANGE-009} and the envelope is not sent. One HTTP client per recipient, made anew
 * when a new directory version is in force, so that no connection or TLS session opened under an
 * earlier version outlives it.
 */
@Component
class HttpPeerTransport implements PeerTransport {

    private final KeyManager[] keyManagers;
    private final X509ExtendedTrustManager networkCa;
    private final DirectoryHolder directory;
    private final Map<String, Client> clients = new ConcurrentHashMap<>();

    /** A signed receipt is a few KiB: an answer past this is not one, and is not read further. */
    static final int MAX_REPLY_BYTES = 256 * 1024;

    private final Duration deadline;

    @Autowired
    HttpPeerTransport(SslBundles bundles, DirectoryHolder directory) {
        this(bundles, directory, Duration.ofSeconds(60));
    }

    /** {@code deadline}: from the post to the last byte of the answer, the recipient's processing included. */
    HttpPeerTransport(SslBundles bundles, DirectoryHolder directory, Duration deadline) {
        this.deadline = deadline;
        SslBundle bundle = bundles.getBundle("exchange");
        this.keyManagers = bundle.getManagers().getKeyManagers();
        this.networkCa = Arrays.stream(bundle.getManagers().getTrustManagers())
                .filter(X509ExtendedTrustManager.class::isInstance).map(X509ExtendedTrustManager.class::cast).findFirst()
                .orElseThrow(() -> new IllegalStateException("the exchange SSL bundle has no X.509 trust manager"));
        this.directory = directory;
    }

    private record Client(long directoryVersion, HttpClient http) {
    }

    @Override
    public PeerReply post(Participant recipient, String messageId, byte[] envelope) {
        URI endpoint = recipient.exchangeEndpoint();
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(deadline)
                .header("Content-Type", ExchangeController.CMS.toString())
                .header(ExchangeController.MESSAGE_ID_HEADER, messageId)
                .POST(HttpRequest.BodyPublishers.ofByteArray(envelope))
                .build();
        // The request's timeout ends with the answer's headers: the deadline also bounds its body,
        // which a peer could otherwise send a byte at a time, holding a delivery consumer.
        CompletableFuture<HttpResponse<byte[]>> reply = client(recipient.id()).sendAsync(request, info -> new BoundedBody(MAX_REPLY_BYTES));
        try {
            HttpResponse<byte[]> response = reply.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            return new PeerReply(response.statusCode(), response.body());
        } catch (ExecutionException e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof NotTheRecipient refused) {
                    throw new LiaisonException(ErrorCode.EXCHANGE_PEER_SERVER_CERTIFICATE, recipient.id() + ": " + refused.getMessage());
                }
            }
            throw new LiaisonException(ErrorCode.EXCHANGE_PEER_UNREACHABLE, endpoint + ": " + e.getCause().getClass().getSimpleName()
                    + (e.getCause() instanceof ReplyTooLarge ? " (answer over " + MAX_REPLY_BYTES + " bytes)" : ""));
        } catch (TimeoutException e) {
            reply.cancel(true);
            throw new LiaisonException(ErrorCode.EXCHANGE_PEER_UNREACHABLE, endpoint + ": no whole answer within " + deadline);
        } catch (InterruptedException e) {
            reply.cancel(true);
            Thread.currentThread().interrupt();
            throw new LiaisonException(ErrorCode.EXCHANGE_PEER_UNREACHABLE, "interrupted");
        }
    }

    /** The answer's bytes, up to a limit: past it, the exchange is cancelled. */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

        private final int limit;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        BoundedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription value) {
            subscription = value;
            value.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (body.isDone()) {
                    return;
                }
                if (bytes.size() + buffer.remaining() > limit) {
                    subscription.cancel();
                    body.completeExceptionally(new ReplyTooLarge());
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }
    }

    /** An answer longer than any receipt. */
    static final class ReplyTooLarge extends IOException {

        private static final long serialVersionUID = 1L;

        ReplyTooLarge() {
            super("answer too large");
        }
    }

    private HttpClient client(String recipientId) {
        long version = directory.current().version();
        return clients.compute(recipientId, (id, client) -> client != null && client.directoryVersion() == version ? client
                : new Client(version, newClient(id))).http();
    }

    private HttpClient newClient(String recipientId) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, new TrustManager[] {new RecipientTrust(recipientId)}, null);
            return HttpClient.newBuilder()
                    .sslContext(context)
                    .connectTimeout(Duration.ofSeconds(10))
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS context of the exchange client", e);
        }
    }

    /** The server's certificate is not the recipient's, as the directory in force says. */
    static final class NotTheRecipient extends CertificateException {

        private static final long serialVersionUID = 1L;

        NotTheRecipient(String reason) {
            super(reason);
        }
    }

    /** Trusts a server only as the one recipient's node: the network CA's checks, then the directory's. */
    private final class RecipientTrust extends X509ExtendedTrustManager {

        private final String recipientId;

        RecipientTrust(String recipientId) {
            this.recipientId = recipientId;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            networkCa.checkServerTrusted(chain, authType, engine);
            checkRecipient(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            networkCa.checkServerTrusted(chain, authType, socket);
            checkRecipient(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            networkCa.checkServerTrusted(chain, authType);
            checkRecipient(chain);
        }

        private void checkRecipient(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new NotTheRecipient("no server certificate");
            }
            Directory current = directory.current();
            Participant recipient = current.find(recipientId)
                    .orElseThrow(() -> new NotTheRecipient("not in directory version " + current.version()));
            if (!recipient.tlsCertificates().contains(chain[0])) {
                throw new NotTheRecipient("server certificate " + chain[0].getSerialNumber().toString(16)
                        + " is not a TLS certificate of the recipient in directory version " + current.version());
            }
            try {
                current.trust().check(chain[0]);
            } catch (LiaisonException e) {
                throw new NotTheRecipient(e.code().code() + " in directory version " + current.version());
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return networkCa.getAcceptedIssuers();
        }
    }
}
