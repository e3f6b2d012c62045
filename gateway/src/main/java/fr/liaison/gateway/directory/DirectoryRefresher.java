package fr.liaison.gateway.directory;

import fr.liaison.gateway.config.DirectoryHolder;
import fr.liaison.gateway.config.LiaisonProperties;
import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.SignedDirectory;
import fr.liaison.routes.keys.Pem;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the node on the newest directory the network operator publishes, the way X-Road nodes
 * follow the signed global configuration: fetched at an interval, believed only once its
 * signature verifies against the configured operator certificate, applied live only when its
 * version is higher than the one in force. A bad signature, an older version or an unreachable
 * URL leaves the last good directory in force and raises an alert (a WARN line and the counter
 * {@code liaison_directory_refresh_failures_total{code}}). An {@code https:} publication must present
 * a server certificate issued by a CA of {@code liaison.directory.publication-trust} (by default the
 * network CA only); any other server is unreachable, as far as the node is concerned.
 */
@Component
public class DirectoryRefresher {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryRefresher.class);

    private final DirectoryHolder holder;
    private final LiaisonProperties.DirectorySource source;
    private final X509Certificate operator;
    private final X509Certificate ca;
    private final Clock clock;
    private final MeterRegistry meters;
    private final HttpClient http;
    private volatile Instant lastSuccess;
    private volatile String lastFailure;

    DirectoryRefresher(DirectoryHolder holder, LiaisonProperties properties, Clock clock, MeterRegistry meters) {
        this.holder = holder;
        this.source = properties.directory();
        this.operator = Pem.certificate(source.operatorCertificate());
        this.ca = Pem.certificate(source.caCertificate());
        this.clock = clock;
        this.meters = meters;
        this.lastSuccess = clock.instant();
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .sslContext(publicationTls(source.publicationTrust(), ca)).build();
    }

    /** The TLS context of https fetches: trusting only the CAs the publication trust names. */
    static SSLContext publicationTls(LiaisonProperties.PublicationTrust trust, X509Certificate networkCa) {
        try {
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            List<X509Certificate> trusted = new ArrayList<>();
            if (trust.networkCa()) {
                trusted.add(networkCa);
            }
            if (trust.file() != null) {
                List<X509Certificate> listed = Pem.certificates(Files.readString(trust.file()));
                if (listed.isEmpty()) {
                    throw new IllegalStateException("liaison.directory.publication-trust.file holds no certificate: " + trust.file());
                }
                trusted.addAll(listed);
            }
            if (trust.systemCas()) {
                TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                system.init((KeyStore) null);
                for (var manager : system.getTrustManagers()) {
                    if (manager instanceof X509TrustManager x509) {
                        trusted.addAll(List.of(x509.getAcceptedIssuers()));
                    }
                }
            }
            for (int i = 0; i < trusted.size(); i++) {
                anchors.setCertificateEntry("anchor-" + i, trusted.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("liaison.directory.publication-trust cannot be read: " + e.getMessage(), e);
        }
    }

    @Scheduled(initialDelayString = "${liaison.directory.refresh-interval:PT5M}",
            fixedDelayString = "${liaison.directory.refresh-interval:PT5M}")
    void scheduled() {
        refresh();
    }

    /**
     * Fetches and applies the published directory now.
     *
     * @return whether a newer version was applied
     */
    public boolean refresh() {
        try {
            byte[] signed = fetch();
            Directory candidate = SignedDirectory.verify(signed, operator, ca, clock);
            Directory current = holder.current();
            if (candidate.version() < current.version()) {
                throw new LiaisonException(ErrorCode.DIRECTORY_ROLLBACK,
                        "published version " + candidate.version() + ", in force " + current.version());
            }
            lastSuccess = clock.instant();
            lastFailure = null;
            if (holder.apply(candidate)) {
                LOG.info("directory version {} applied ({} participants, {} conventions)", candidate.version(),
                        candidate.participants().size(), candidate.conventions().size());
                return true;
            }
            return false;
        } catch (LiaisonException e) {
            lastFailure = e.code().code();
            meters.counter("liaison.directory.refresh.failures", "code", e.code().code()).increment();
            LOG.warn("{} {} {} The directory version {} stays in force.", e.code().code(), e.code().message(), e.details(),
                    holder.current().version());
            return false;
        }
    }

    private byte[] fetch() {
        URI url = source.url();
        try {
            if (url == null || "file".equals(url.getScheme())) {
                return Files.readAllBytes(url == null ? source.file() : Path.of(url));
            }
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new LiaisonException(ErrorCode.DIRECTORY_UNREACHABLE, url + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            // A TLS server whose certificate the publication trust does not cover ends here too (SSLHandshakeException).
            throw new LiaisonException(ErrorCode.DIRECTORY_UNREACHABLE,
                    (url != null ? url : source.file()) + ": " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LiaisonException(ErrorCode.DIRECTORY_UNREACHABLE, "interrupted");
        }
    }

    Instant lastSuccess() {
        return lastSuccess;
    }

    String lastFailure() {
        return lastFailure;
    }
}
