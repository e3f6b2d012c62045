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
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

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
 * {@code liaison_directory_refresh_failures_total{code}}).
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
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
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
            LOG.warn("{} {} The directory version {} stays in force.", e.code().code(), e.code().message(), holder.current().version());
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
            throw new LiaisonException(ErrorCode.DIRECTORY_UNREACHABLE, String.valueOf(url != null ? url : source.file()));
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
