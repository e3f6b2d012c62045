package fr.liaison.gateway.directory;

import static org.assertj.core.api.Assertions.assertThat;

import fr.liaison.gateway.TlsTestMaterial;
import fr.liaison.gateway.config.DirectoryHolder;
import fr.liaison.gateway.config.LiaisonProperties;
import fr.liaison.routes.directory.DirectorySigner;
import fr.liaison.routes.directory.SignedDirectory;
import fr.liaison.routes.keys.Pem;

import com.sun.net.httpserver.HttpsServer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.net.URI;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Status;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The published directory is followed live, but never backwards and never unsigned. */
class DirectoryRefresherTest {

    private static final Path CERTS = Path.of(System.getProperty("liaison.certs-dev", "../certs-dev")).toAbsolutePath().normalize();

    @TempDir
    Path work;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Clock clock = Clock.systemUTC();
    private final DirectoryHolder holder = new DirectoryHolder(SignedDirectory.loadCertsDev(CERTS, clock));

    private Path published;
    private final List<HttpsServer> servers = new ArrayList<>();

    private DirectoryRefresher refresher(Duration maxAge) {
        published = work.resolve("directory.signed");
        return refresher(published.toUri(), maxAge, null);
    }

    private DirectoryRefresher refresher(URI url, Duration maxAge, LiaisonProperties.PublicationTrust trust) {
        published = work.resolve("directory.signed");
        var source = new LiaisonProperties.DirectorySource(published, CERTS.resolve("network-operator.crt.pem"),
                CERTS.resolve("network-ca.crt.pem"), url, Duration.ofMinutes(5), maxAge, trust);
        var properties = new LiaisonProperties("FT-29", work, null, source, null, null, null, null, Duration.ofMinutes(10), null,
                16 << 20, null, null, null);
        return new DirectoryRefresher(holder, properties, clock, meters);
    }

    /** The development directory as version {@code version}, signed by {@code signer}'s key. */
    private void publish(long version, String signerKey, String signerCert) throws Exception {
        ObjectNode json = (ObjectNode) JsonMapper.builder().build().readTree(Files.readAllBytes(CERTS.resolve("directory.json")));
        json.put("version", version);
        json.put("issuedAt", "2026-11-23T12:00:00Z");
        byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
        Files.write(published, DirectorySigner.sign(bytes, Pem.privateKey(CERTS.resolve(signerKey)), Pem.certificate(CERTS.resolve(signerCert))));
    }

    private double failures(String code) {
        var counter = meters.find("liaison.directory.refresh.failures").tag("code", code).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void appliesANewerVersionLive() throws Exception {
        DirectoryRefresher refresher = refresher(null);
        publish(2, "network-operator.key.pem", "network-operator.crt.pem");

        assertThat(refresher.refresh()).isTrue();

        assertThat(holder.current().version()).isEqualTo(2);
        assertThat(refresher.refresh()).as("the same version again changes nothing").isFalse();
    }

    @Test
    void refusesAnOlderVersionAndKeepsTheOneInForce() throws Exception {
        DirectoryRefresher refresher = refresher(null);
        publish(3, "network-operator.key.pem", "network-operator.crt.pem");
        refresher.refresh();
        publish(2, "network-operator.key.pem", "network-operator.crt.pem");

        assertThat(refresher.refresh()).isFalse();

        assertThat(holder.current().version()).isEqualTo(3);
        assertThat(failures("GW-DIRECTORY-004")).isEqualTo(1);
        assertThat(refresher.lastFailure()).isEqualTo("GW-DIRECTORY-004");
    }

    @Test
    void refusesADirectoryNotSignedByTheOperatorAndKeepsTheLastGoodOne() throws Exception {
        DirectoryRefresher refresher = refresher(null);
        publish(9, "FT-29/sign.key.pem", "FT-29/sign.crt.pem");

        assertThat(refresher.refresh()).isFalse();

        assertThat(holder.current().version()).isEqualTo(1);
        assertThat(failures("GW-DIRECTORY-001")).isEqualTo(1);
    }

    @Test
    void keepsTheLastGoodDirectoryWhenThePublicationCannotBeFetched() {
        DirectoryRefresher refresher = refresher(null);

        assertThat(refresher.refresh()).isFalse();

        assertThat(holder.current().version()).isEqualTo(1);
        assertThat(failures("GW-DIRECTORY-005")).isEqualTo(1);
    }

    /** The published file served over HTTPS by a server presenting {@code identity}. */
    private URI serve(TlsTestMaterial.Identity identity) throws Exception {
        HttpsServer server = TlsTestMaterial.https(identity, null, "/directory.signed", exchange -> {
            byte[] body = Files.readAllBytes(published);
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        servers.add(server);
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/directory.signed");
    }

    @AfterEach
    void stopServers() {
        servers.forEach(server -> server.stop(0));
    }

    @Test
    void followsAnHttpsPublicationWhoseCertificateTheNetworkCaIssued() throws Exception {
        var server = TlsTestMaterial.server("directory.example", Pem.certificate(CERTS.resolve("network-ca.crt.pem")),
                Pem.privateKey(CERTS.resolve("network-ca.key.pem")));
        refresher(null);
        DirectoryRefresher refresher = refresher(serve(server), null, null);
        publish(2, "network-operator.key.pem", "network-operator.crt.pem");

        assertThat(refresher.refresh()).isTrue();

        assertThat(holder.current().version()).isEqualTo(2);
        assertThat(refresher.lastFailure()).isNull();
    }

    @Test
    void refusesAnHttpsPublicationWhoseCertificateNoTrustedCaIssuedAndKeepsTheLastGoodDirectory() throws Exception {
        var otherCa = TlsTestMaterial.certificateAuthority("Another CA");
        refresher(null);
        URI url = serve(TlsTestMaterial.server("directory.example", otherCa.certificate(), otherCa.key()));
        publish(2, "network-operator.key.pem", "network-operator.crt.pem");
        DirectoryRefresher refresher = refresher(url, null, null);

        assertThat(refresher.refresh()).isFalse();

        assertThat(holder.current().version()).isEqualTo(1);
        assertThat(failures("GW-DIRECTORY-005")).isEqualTo(1);
        assertThat(refresher.lastFailure()).isEqualTo("GW-DIRECTORY-005");
    }

    @Test
    void trustsTheCaOfTheTrustFileForThePublication() throws Exception {
        var otherCa = TlsTestMaterial.certificateAuthority("Web hosting CA");
        Path trustFile = work.resolve("publication-ca.pem");
        Files.writeString(trustFile, "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(otherCa.certificate().getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        refresher(null);
        URI url = serve(TlsTestMaterial.server("directory.example", otherCa.certificate(), otherCa.key()));
        publish(2, "network-operator.key.pem", "network-operator.crt.pem");
        DirectoryRefresher networkCaOnly = refresher(url, null, new LiaisonProperties.PublicationTrust(true, null, false));
        DirectoryRefresher withFile = refresher(url, null, new LiaisonProperties.PublicationTrust(true, trustFile, false));

        assertThat(networkCaOnly.refresh()).as("the network CA alone does not cover the web host's certificate").isFalse();
        assertThat(withFile.refresh()).isTrue();

        assertThat(holder.current().version()).isEqualTo(2);
    }

    @Test
    void readinessGoesDownWhenTheDirectoryIsOlderThanTheMaximumAge() {
        var properties = new LiaisonProperties("FT-29", work, null, new LiaisonProperties.DirectorySource(null,
                CERTS.resolve("network-operator.crt.pem"), CERTS.resolve("network-ca.crt.pem"), null, Duration.ofMinutes(5),
                Duration.ofDays(7), null), null, null, null, null, Duration.ofMinutes(10), null, 16 << 20, null, null, null);
        Instant issued = holder.current().issuedAt();

        var fresh = new DirectoryHealth(holder, refresher(null), properties, Clock.fixed(issued.plus(Duration.ofDays(6)), ZoneOffset.UTC));
        var stale = new DirectoryHealth(holder, refresher(null), properties, Clock.fixed(issued.plus(Duration.ofDays(8)), ZoneOffset.UTC));

        assertThat(fresh.health().getStatus()).isEqualTo(Status.UP);
        assertThat(stale.health().getStatus()).isEqualTo(Status.DOWN);
    }
}
