package fr.liaison.gateway.cli;

import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.Participant;
import fr.liaison.routes.directory.SignedDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings of a development node, derived from {@code certs-dev} and the signed directory:
 * its ports are those the directory publishes for it, its keys and TLS identity those of
 * {@code certs-dev/<ID>/}, its work directory {@code ./var/<ID>}. Given to Spring as default
 * properties, so any Spring property overrides them.
 */
public final class DevNodeDefaults {

    private DevNodeDefaults() {
    }

    public static Map<String, Object> of(String participantId, Path certsDev, Path workDir) {
        Path certs = certsDev.toAbsolutePath().normalize();
        Directory directory = SignedDirectory.loadCertsDev(certs, Clock.systemUTC());
        Participant self = directory.require(participantId);
        Path identity = Files.isDirectory(certs.resolve(participantId)) ? certs.resolve(participantId)
                : certs.resolve("test").resolve(participantId);
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("liaison.participant-id", participantId);
        defaults.put("liaison.work-dir", workDir.toAbsolutePath().normalize().toString());
        defaults.put("liaison.keys.certs-dev", certs.toString());
        defaults.put("liaison.directory.file", certs.resolve("directory.signed").toString());
        defaults.put("liaison.directory.operator-certificate", certs.resolve("network-operator.crt.pem").toString());
        defaults.put("liaison.directory.ca-certificate", certs.resolve("network-ca.crt.pem").toString());
        defaults.put("liaison.local-api.address", self.localApi().getHost());
        defaults.put("liaison.local-api.port", self.localApi().getPort());
        defaults.put("liaison.local-clients[0].name", participantId + "-software");
        defaults.put("liaison.local-clients[0].token-file", identity.resolve("local-client.token").toString());
        defaults.put("liaison.officers[0].username", "officer");
        defaults.put("liaison.officers[0].password-file", identity.resolve("officer.password").toString());
        defaults.put("server.address", self.exchangeEndpoint().getHost());
        defaults.put("server.port", self.exchangeEndpoint().getPort());
        defaults.put("spring.ssl.bundle.pem.exchange.keystore.certificate", "file:" + identity.resolve("tls.crt.pem"));
        defaults.put("spring.ssl.bundle.pem.exchange.keystore.private-key", "file:" + identity.resolve("tls.key.pem"));
        defaults.put("spring.ssl.bundle.pem.exchange.truststore.certificate", "file:" + certs.resolve("network-ca.crt.pem"));
        defaults.put("camel.main.name", "liaison-" + participantId);
        return defaults;
    }
}
