package fr.liaison.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import fr.liaison.gateway.TlsTestMaterial;
import fr.liaison.gateway.config.DirectoryHolder;
import fr.liaison.gateway.config.LiaisonProperties;
import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.Participant;
import fr.liaison.routes.directory.SignedDirectory;
import fr.liaison.routes.keys.KeyMaterial;
import fr.liaison.routes.keys.Pem;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Expiry gauges and WARN lines of this node's certificates and of its peers', as the directory in force lists them. */
class CertificateExpiryTest {

    private static final Path CERTS = Path.of(System.getProperty("liaison.certs-dev", "../certs-dev")).toAbsolutePath().normalize();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(CertificateExpiry.class);
    private DirectoryHolder holder;

    @BeforeEach
    void captureLog() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(log);
    }

    private CertificateExpiry expiry(Clock clock) {
        holder = new DirectoryHolder(SignedDirectory.loadCertsDev(CERTS, clock));
        var source = new LiaisonProperties.DirectorySource(null, CERTS.resolve("network-operator.crt.pem"),
                CERTS.resolve("network-ca.crt.pem"), null, Duration.ofMinutes(5), null, null);
        var properties = new LiaisonProperties("FT-29", null, null, source, null, null, null, null, Duration.ofMinutes(10), null,
                16 << 20, null, null, null);
        return new CertificateExpiry(KeyMaterial.fromCertsDev(CERTS, "FT-29"), properties,
                new OpsProperties(Duration.ofDays(30), Duration.ofHours(12), Duration.ofSeconds(5)), clock, holder);
    }

    private Gauge peerGauge(String peer, String certificate) {
        return registry.find("liaison.peer.certificate.expiry").tag("peer", peer).tag("certificate", certificate).gauge();
    }

    private List<String> warnings() {
        return log.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** The directory in force as its next version, without {@code leaving} and with {@code joining}. */
    private void publish(String leaving, Participant joining) {
        Directory current = holder.current();
        List<Participant> participants = new ArrayList<>(current.participants().stream().filter(p -> !p.id().equals(leaving)).toList());
        if (joining != null) {
            participants.add(joining);
        }
        assertThat(holder.apply(new Directory(current.network(), current.version() + 1, Instant.now(), participants,
                current.conventions(), current.trust()))).isTrue();
    }

    @Test
    void peerGaugesFollowEachDirectoryVersionAppliedAndANewPeerNearExpiryIsWarnedAtOnce() throws Exception {
        Instant now = Instant.now();
        CertificateExpiry expiry = expiry(Clock.fixed(now.plus(Duration.ofDays(20)).minus(Duration.ofMinutes(1)), ZoneOffset.UTC));
        expiry.bindTo(registry);
        assertThat(peerGauge("CD-17", "signing")).isNotNull();
        assertThat(peerGauge("FT-29", "signing")).as("the node itself is no peer").isNull();
        assertThat(peerGauge("CCAS-25056", "tls")).isNull();

        // The joining participant's certificates end 30 days from now: 10 days left on the node's clock.
        var ca = TlsTestMaterial.certificateAuthority("Joining CA");
        X509Certificate shortLived = TlsTestMaterial.server("CCAS-25056", ca.certificate(), ca.key()).certificate();
        Participant cd29 = holder.current().require("CD-29");
        publish("CD-17", new Participant("CCAS-25056", "CCAS de Besançon", cd29.kind(), "25", cd29.localApi(),
                cd29.exchangeEndpoint(), shortLived, shortLived, shortLived));

        assertThat(peerGauge("CCAS-25056", "tls")).isNotNull();
        assertThat(peerGauge("CCAS-25056", "tls").value()).isBetween(9.9, 10.1);
        assertThat(peerGauge("CCAS-25056", "signing").value()).isBetween(9.9, 10.1);
        assertThat(peerGauge("CD-17", "signing")).as("a peer that left keeps no gauge").isNull();
        assertThat(peerGauge("CD-29", "signing").value()).isGreaterThan(365);
        assertThat(warnings()).anySatisfy(line -> assertThat(line).startsWith("peer CCAS-25056 certificate tls (serial ")
                .contains("expires on").endsWith(": 10 days left"));
        assertThat(warnings()).noneSatisfy(line -> assertThat(line).contains("CD-29"));

        publish(null, null);
        assertThat(registry.find("liaison.peer.certificate.expiry").tag("peer", "CCAS-25056").gauges())
                .as("a version that changes no peer registers nothing twice").hasSize(3);
    }

    @Test
    void warnsOfEachCertificateNearItsEndAndOfNoneFarFromIt() {
        Instant notAfter = Pem.certificate(CERTS.resolve("FT-29/sign.crt.pem")).getNotAfter().toInstant();

        expiry(Clock.fixed(notAfter.minus(Duration.ofDays(60)), ZoneOffset.UTC)).check();
        assertThat(warnings()).as("only the development directory's deliberately expired participant")
                .singleElement().asString().startsWith("peer TEST-EXPIRED certificate signing ").contains("expired on");
        log.list.clear();

        expiry(Clock.fixed(notAfter.minus(Duration.ofDays(12)).minusSeconds(1), ZoneOffset.UTC)).check();
        assertThat(warnings()).anySatisfy(line -> assertThat(line).startsWith("certificate signing (serial ")
                .contains("expires on " + notAfter).endsWith(": 12 days left"));
        assertThat(warnings()).anySatisfy(line -> assertThat(line).startsWith("certificate tls "));
        assertThat(warnings()).anySatisfy(line -> assertThat(line).startsWith("peer CD-29 certificate encryption "));
        assertThat(warnings()).noneSatisfy(line -> assertThat(line).contains("network-ca"));
    }
}
