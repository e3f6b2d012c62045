package fr.liaison.gateway.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.core.env.Environment;

/**
 * The settings of a node that still point into the development PKI ({@code certs-dev}), whose
 * private keys, tokens and passwords are committed for anyone to read: a node given its own
 * signing keys but left on the development TLS key, network CA, directory operator or officer
 * password protects as little as one on the development keys. Each is named, so that the warning
 * at start says what is left to replace.
 */
final class DevelopmentMaterial {

    /** The TLS identity of the inter-node listener (Spring's SSL bundle {@code exchange}), as PEM or as a keystore. */
    static final List<String> TLS_KEY_PROPERTIES = List.of("spring.ssl.bundle.pem.exchange.keystore.private-key",
            "spring.ssl.bundle.jks.exchange.keystore.location");

    /** The CAs the inter-node listener trusts for its peers' client certificates. */
    static final List<String> TLS_TRUST_PROPERTIES = List.of("spring.ssl.bundle.pem.exchange.truststore.certificate",
            "spring.ssl.bundle.jks.exchange.truststore.location");

    private DevelopmentMaterial() {
    }

    /** The settings on development material, each with what it is; empty when none is. */
    static List<String> settingsOn(LiaisonProperties properties, Environment environment) {
        List<String> settings = new ArrayList<>();
        LiaisonProperties.Keys keys = properties.keys();
        Path certsDev = keys == null || keys.certsDev() == null ? null : keys.certsDev().toAbsolutePath().normalize();
        if (certsDev == null) {
            return settings;
        }
        if (keys.keystore() == null) {
            settings.add("liaison.keys (signing and encryption keys)");
        }
        for (String property : TLS_KEY_PROPERTIES) {
            if (within(certsDev, environment.getProperty(property))) {
                settings.add(property + " (TLS key)");
            }
        }
        for (String property : TLS_TRUST_PROPERTIES) {
            if (within(certsDev, environment.getProperty(property))) {
                settings.add(property + " (TLS trust: the development network CA)");
            }
        }
        LiaisonProperties.DirectorySource directory = properties.directory();
        if (directory != null) {
            if (within(certsDev, directory.caCertificate())) {
                settings.add("liaison.directory.ca-certificate (network CA: anyone can issue certificates it trusts)");
            }
            if (within(certsDev, directory.operatorCertificate())) {
                settings.add("liaison.directory.operator-certificate (directory operator: anyone can sign a directory it trusts)");
            }
            if (directory.publicationTrust() != null && within(certsDev, directory.publicationTrust().file())) {
                settings.add("liaison.directory.publication-trust.file");
            }
        }
        for (int i = 0; properties.localClients() != null && i < properties.localClients().size(); i++) {
            if (within(certsDev, properties.localClients().get(i).tokenFile())) {
                settings.add("liaison.local-clients[" + i + "].token-file");
            }
        }
        for (int i = 0; properties.officers() != null && i < properties.officers().size(); i++) {
            if (within(certsDev, properties.officers().get(i).passwordFile())) {
                settings.add("liaison.officers[" + i + "].password-file");
            }
        }
        return settings;
    }

    private static boolean within(Path certsDev, Path file) {
        return file != null && file.toAbsolutePath().normalize().startsWith(certsDev);
    }

    /** A Spring resource location: a plain path, or {@code file:} and a path; anything else is not under certs-dev. */
    private static boolean within(Path certsDev, String location) {
        if (location == null || location.isBlank()) {
            return false;
        }
        String path = location.startsWith("file:") ? location.substring("file:".length()) : location;
        if (path.contains(":") && !path.startsWith("/")) {
            return false; // classpath:, http: and the like
        }
        try {
            return within(certsDev, Path.of(path));
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }
}
