package fr.liaison.gateway.ops;

import fr.liaison.gateway.config.DirectoryHolder;
import fr.liaison.gateway.config.LiaisonProperties;
import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.Participant;
import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.routes.keys.Pem;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Expiry of this node's certificates (signing, encryption, TLS) and of the network CA: gauges
 * {@code liaison.certificate.expiry} (days until notAfter, tag {@code certificate}) and a WARN
 * line at startup and then periodically for each one expiring within
 * {@code liaison.ops.certificate-warning} (30 days by default), or already expired. The peers'
 * certificates, as the directory in force lists them, likewise: gauges
 * {@code liaison.peer.certificate.expiry} (tags {@code peer}, {@code certificate}) and WARN lines.
 * The peers' gauges follow each directory version applied: a participant that joins gets its
 * gauges (and its WARN lines at once), one that leaves loses them.
 */
@Component
class CertificateExpiry implements MeterBinder {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateExpiry.class);

    private final Map<String, X509Certificate> certificates = new LinkedHashMap<>();
    private final Duration warning;
    private final Clock clock;
    private final DirectoryHolder directory;
    private final String self;
    private final List<MeterRegistry> registries = new ArrayList<>();
    private final Map<String, List<Meter>> peerGauges = new HashMap<>();

    CertificateExpiry(ParticipantKeys keys, LiaisonProperties properties, OpsProperties ops, Clock clock, DirectoryHolder directory) {
        this.directory = directory;
        this.self = keys.participantId();
        certificates.put("signing", keys.signingCertificate());
        certificates.put("encryption", keys.encryptionCertificate());
        certificates.put("tls", keys.tlsCertificate());
        if (properties.directory() != null && properties.directory().caCertificate() != null) {
            certificates.put("network-ca", Pem.certificate(properties.directory().caCertificate()));
        }
        this.warning = ops.certificateWarning();
        this.clock = clock;
        directory.onApplied(applied -> follow(applied, true));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        certificates.forEach((name, certificate) -> Gauge.builder("liaison.certificate.expiry", () -> daysLeft(certificate))
                .description("Days until the certificate's notAfter (negative: expired)").baseUnit("days")
                .tag("certificate", name).register(registry));
        synchronized (this) {
            registries.add(registry);
            peerGauges.keySet().forEach(peer -> peerGauges.get(peer).addAll(register(registry, peer)));
        }
        follow(directory.current(), false);
    }

    /**
     * Gauges for the peers of {@code current}: registered for a peer it adds, removed for one it no
     * longer lists; a WARN line at once for a new peer's certificates near expiry when
     * {@code warn}.
     */
    private synchronized void follow(Directory current, boolean warn) {
        Set<String> peers = new HashSet<>();
        for (Participant peer : current.participants()) {
            if (!peer.id().equals(self)) {
                peers.add(peer.id());
            }
        }
        for (var gone = peerGauges.entrySet().iterator(); gone.hasNext();) {
            var entry = gone.next();
            if (!peers.contains(entry.getKey())) {
                entry.getValue().forEach(meter -> registries.forEach(registry -> registry.remove(meter)));
                gone.remove();
            }
        }
        for (String peer : peers) {
            if (!peerGauges.containsKey(peer)) {
                List<Meter> meters = new ArrayList<>();
                registries.forEach(registry -> meters.addAll(register(registry, peer)));
                peerGauges.put(peer, meters);
                if (warn) {
                    current.find(peer).ifPresent(p -> checkPeer(p, clock.instant()));
                }
            }
        }
    }

    private List<Meter> register(MeterRegistry registry, String peer) {
        List<Meter> meters = new ArrayList<>();
        for (String use : USES) {
            // Read from the directory in force at each scrape: a rollover or a new version shows at once.
            meters.add(Gauge.builder("liaison.peer.certificate.expiry", () -> directory.current().find(peer)
                            .map(p -> certificate(p, use)).map(this::daysLeft).orElse(Double.NaN))
                    .description("Days until a peer's certificate's notAfter (negative: expired)").baseUnit("days")
                    .tag("peer", peer).tag("certificate", use).register(registry));
        }
        return meters;
    }

    private static final List<String> USES = List.of("signing", "encryption", "tls");

    private static X509Certificate certificate(Participant participant, String use) {
        return switch (use) {
            case "signing" -> participant.signingCertificate();
            case "encryption" -> participant.encryptionCertificate();
            default -> participant.tlsCertificate();
        };
    }

    @EventListener(ApplicationReadyEvent.class)
    void atStartup() {
        check();
    }

    @Scheduled(initialDelayString = "${liaison.ops.certificate-check-interval:PT12H}",
            fixedDelayString = "${liaison.ops.certificate-check-interval:PT12H}")
    void check() {
        Instant now = clock.instant();
        certificates.forEach((name, certificate) -> {
            Instant notAfter = certificate.getNotAfter().toInstant();
            if (notAfter.isBefore(now.plus(warning))) {
                LOG.warn("certificate {} (serial {}) {} on {}: {} days left", name, certificate.getSerialNumber().toString(16),
                        notAfter.isBefore(now) ? "expired" : "expires", notAfter, Duration.between(now, notAfter).toDays());
            }
        });
        for (Participant peer : directory.current().participants()) {
            if (!peer.id().equals(self)) {
                checkPeer(peer, now);
            }
        }
    }

    private void checkPeer(Participant peer, Instant now) {
        for (String use : USES) {
            X509Certificate certificate = certificate(peer, use);
            if (certificate == null) {
                continue;
            }
            Instant notAfter = certificate.getNotAfter().toInstant();
            if (notAfter.isBefore(now.plus(warning))) {
                LOG.warn("peer {} certificate {} (serial {}) {} on {}: {} days left", peer.id(), use,
                        certificate.getSerialNumber().toString(16), notAfter.isBefore(now) ? "expired" : "expires", notAfter,
                        Duration.between(now, notAfter).toDays());
            }
        }
    }

    double daysLeft(X509Certificate certificate) {
        return Duration.between(clock.instant(), certificate.getNotAfter().toInstant()).toSeconds() / 86400.0;
    }
}
