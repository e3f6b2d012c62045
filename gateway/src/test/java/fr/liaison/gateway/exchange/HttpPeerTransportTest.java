package fr.liaison.gateway.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.liaison.gateway.TlsTestMaterial;
import fr.liaison.gateway.config.DirectoryHolder;
import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.NetworkTrust;
import fr.liaison.routes.directory.Participant;
import fr.liaison.routes.directory.SignedDirectory;
import fr.liaison.routes.keys.Pem;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import com.sun.net.httpserver.HttpsServer;

import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

/**
 * The sending side of mutual TLS: an envelope goes only to a node presenting one of the TLS
 * certificates the directory in force lists for the recipient, unrevoked; any other node chained to
 * the network CA, another participant's included, is refused before the envelope is sent.
 */
class HttpPeerTransportTest {

    private static final Path CERTS = Path.of(System.getProperty("liaison.certs-dev", "../certs-dev")).toAbsolutePath().normalize();
    private static final String RECIPIENT = "CD-29";

    private final Clock clock = Clock.systemUTC();
    private final Directory development = SignedDirectory.loadCertsDev(CERTS, clock);
    private final DirectoryHolder holder = new DirectoryHolder(development);
    private final X509Certificate networkCa = Pem.certificate(CERTS.resolve("network-ca.crt.pem"));
    private final PrivateKey networkCaKey = Pem.privateKey(CERTS.resolve("network-ca.key.pem"));
    private final AtomicInteger received = new AtomicInteger();
    private final List<HttpsServer> servers = new ArrayList<>();
    private final HttpPeerTransport transport = new HttpPeerTransport(bundles(), holder);

    @AfterEach
    void stopServers() {
        servers.forEach(server -> server.stop(0));
    }

    /** FT-29's node: its TLS key and certificate, the network CA as trust store, as the node's bundle. */
    private static DefaultSslBundleRegistry bundles() {
        try {
            var key = PemSslStoreDetails.forCertificate(Files.readString(CERTS.resolve("FT-29/tls.crt.pem")))
                    .withPrivateKey(Files.readString(CERTS.resolve("FT-29/tls.key.pem")));
            var trust = PemSslStoreDetails.forCertificate(Files.readString(CERTS.resolve("network-ca.crt.pem")));
            return new DefaultSslBundleRegistry("exchange", SslBundle.of(new PemSslStoreBundle(key, trust)));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private TlsTestMaterial.Identity participantTls(String id) {
        return new TlsTestMaterial.Identity(Pem.privateKey(CERTS.resolve(id + "/tls.key.pem")),
                Pem.certificate(CERTS.resolve(id + "/tls.crt.pem")), networkCa);
    }

    /** The recipient as the directory lists it, its node at a test server presenting {@code identity}. */
    private Participant recipientServedBy(TlsTestMaterial.Identity identity) throws Exception {
        return recipientServedBy(identity, exchange -> {
            exchange.getRequestBody().readAllBytes();
            received.incrementAndGet();
            byte[] body = "receipt".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
    }

    private Participant recipientServedBy(TlsTestMaterial.Identity identity, com.sun.net.httpserver.HttpHandler handler) throws Exception {
        HttpsServer server = TlsTestMaterial.https(identity, networkCa, "/exchange/v1/envelopes", handler);
        servers.add(server);
        Participant listed = holder.current().require(RECIPIENT);
        return new Participant(listed.id(), listed.name(), listed.kind(), listed.department(), listed.localApi(),
                URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/exchange/v1/envelopes"),
                listed.signingCertificates(), listed.encryptionCertificates(), listed.tlsCertificates(),
                listed.retiredSigningCertificates());
    }

    /** The development directory, as the next version, with the recipient's TLS certificates replaced and these CRLs. */
    private void publish(List<X509Certificate> recipientTls, List<X509CRL> crls) {
        Directory current = holder.current();
        List<Participant> participants = current.participants().stream().map(p -> !p.id().equals(RECIPIENT) ? p
                : new Participant(p.id(), p.name(), p.kind(), p.department(), p.localApi(), p.exchangeEndpoint(),
                        p.signingCertificates(), p.encryptionCertificates(), recipientTls, p.retiredSigningCertificates()))
                .toList();
        List<X509CRL> allCrls = new ArrayList<>(current.trust().crls());
        allCrls.addAll(crls);
        assertThat(holder.apply(new Directory(current.network(), current.version() + 1, clock.instant(), participants,
                current.conventions(), new NetworkTrust(networkCa, allCrls, clock)))).isTrue();
    }

    private PeerReplyAssert post(Participant recipient) {
        return new PeerReplyAssert(() -> transport.post(recipient, "msg-1", new byte[] {1, 2, 3}));
    }

    private record PeerReplyAssert(java.util.function.Supplier<fr.liaison.routes.exchange.PeerTransport.PeerReply> call) {

        void isDelivered() {
            assertThat(call.get().status()).isEqualTo(200);
        }

        void isRefusedAsNotTheRecipient() {
            assertThatThrownBy(call::get).isInstanceOfSatisfying(LiaisonException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.EXCHANGE_PEER_SERVER_CERTIFICATE));
        }
    }

    @Test
    void sendsToANodePresentingTheRecipientsTlsCertificate() throws Exception {
        post(recipientServedBy(participantTls(RECIPIENT))).isDelivered();

        assertThat(received).hasValue(1);
    }

    @Test
    void refusesANodePresentingAnotherParticipantsValidTlsCertificateAndSendsNothing() throws Exception {
        post(recipientServedBy(participantTls("FT-25"))).isRefusedAsNotTheRecipient();

        assertThat(received).as("the envelope never reached the impostor").hasValue(0);
    }

    @Test
    void refusesANodePresentingANetworkCaCertificateNoParticipantLists() throws Exception {
        post(recipientServedBy(TlsTestMaterial.server("CD-29 node", networkCa, networkCaKey))).isRefusedAsNotTheRecipient();

        assertThat(received).hasValue(0);
    }

    @Test
    void acceptsTheOldAndTheNewTlsCertificateDuringARolloverThenOnlyTheNewOne() throws Exception {
        TlsTestMaterial.Identity old = participantTls(RECIPIENT);
        TlsTestMaterial.Identity next = TlsTestMaterial.server("CD-29 next", networkCa, networkCaKey);
        Participant atOld = recipientServedBy(old);
        Participant atNext = recipientServedBy(next);
        post(atOld).isDelivered();
        post(atNext).isRefusedAsNotTheRecipient();

        publish(List.of(old.certificate(), next.certificate()), List.of());
        post(atOld).isDelivered();
        post(atNext).isDelivered();

        publish(List.of(next.certificate()), List.of());
        post(atNext).isDelivered();
        post(atOld).isRefusedAsNotTheRecipient(); // the connection opened during the overlap does not outlive it
        assertThat(received).hasValue(4);
    }

    @Test
    void refusesTheRecipientsTlsCertificateOnceTheDirectoryRevokesIt() throws Exception {
        TlsTestMaterial.Identity identity = participantTls(RECIPIENT);
        Participant recipient = recipientServedBy(identity);
        post(recipient).isDelivered();

        publish(List.of(identity.certificate()), List.of(crlRevoking(identity.certificate())));

        post(recipient).isRefusedAsNotTheRecipient();
        assertThat(received).hasValue(1);
    }

    @Test
    void anAnswerLongerThanAnyReceiptIsNotReadWholeAndCountsAsUnreachable() throws Exception {
        Participant recipient = recipientServedBy(participantTls(RECIPIENT), exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 0); // chunked, no end announced
            try (var out = exchange.getResponseBody()) {
                byte[] megabyte = new byte[1 << 20];
                for (int i = 0; i < 64; i++) {
                    out.write(megabyte);
                }
            } catch (java.io.IOException e) {
                // the sender stopped reading, as it should
            }
        });

        assertThatThrownBy(() -> transport.post(recipient, "msg-1", new byte[] {1, 2, 3})).isInstanceOfSatisfying(LiaisonException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.EXCHANGE_PEER_UNREACHABLE);
            assertThat(e.details().get(0)).contains("answer over " + HttpPeerTransport.MAX_REPLY_BYTES + " bytes");
        });
    }

    @Test
    void anAnswerDrippingPastTheDeadlineCountsAsUnreachable() throws Exception {
        java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
        Participant recipient = recipientServedBy(participantTls(RECIPIENT), exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 0);
            try (var out = exchange.getResponseBody()) {
                while (!stop.await(100, java.util.concurrent.TimeUnit.MILLISECONDS)) { // a byte now and then, never the end
                    out.write('x');
                    out.flush();
                }
            } catch (java.io.IOException | InterruptedException e) {
                // the sender gave up, as it should
            }
        });
        HttpPeerTransport impatient = new HttpPeerTransport(bundles(), holder, Duration.ofSeconds(2));
        try {
            assertThatThrownBy(() -> impatient.post(recipient, "msg-1", new byte[] {1, 2, 3})).isInstanceOfSatisfying(LiaisonException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.EXCHANGE_PEER_UNREACHABLE));
        } finally {
            stop.countDown();
        }
    }

    private X509CRL crlRevoking(X509Certificate certificate) throws Exception {
        Instant now = Instant.now();
        var builder = new JcaX509v2CRLBuilder(networkCa, Date.from(now.minusSeconds(60)));
        builder.setNextUpdate(Date.from(now.plus(Duration.ofDays(30))));
        builder.addCRLEntry(certificate.getSerialNumber(), Date.from(now.minusSeconds(60)), CRLReason.keyCompromise);
        builder.addExtension(org.bouncycastle.asn1.x509.Extension.cRLNumber, false,
                new org.bouncycastle.asn1.x509.CRLNumber(BigInteger.valueOf(now.getEpochSecond())));
        return new JcaX509CRLConverter().getCRL(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(fr.liaison.routes.keys.Providers.bouncyCastle()).build(networkCaKey)));
    }
}
