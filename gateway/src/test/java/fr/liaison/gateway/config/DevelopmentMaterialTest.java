package fr.liaison.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.mock.env.MockEnvironment;

/** The warning at start names every setting still on the committed development PKI, not only the signing keys. */
class DevelopmentMaterialTest {

    private static final String CERTS_DEV = "/opt/liaison/certs-dev";

    private final MockEnvironment environment = new MockEnvironment();

    private LiaisonProperties bind(Map<String, String> properties) {
        Map<String, String> all = new LinkedHashMap<>(Map.of("liaison.participant-id", "FT-29", "liaison.keys.certs-dev", CERTS_DEV));
        all.putAll(properties);
        all.forEach(environment::setProperty);
        return new Binder(new MapConfigurationPropertySource(all)).bindOrCreate("liaison", LiaisonProperties.class);
    }

    @Test
    void aDevelopmentNodeIsOnAllOfIt() {
        LiaisonProperties properties = bind(Map.of(
                "liaison.directory.file", CERTS_DEV + "/directory.signed",
                "liaison.directory.ca-certificate", CERTS_DEV + "/network-ca.crt.pem",
                "liaison.directory.operator-certificate", CERTS_DEV + "/network-operator.crt.pem",
                "liaison.local-clients[0].name", "FT-29-software",
                "liaison.local-clients[0].token-file", CERTS_DEV + "/FT-29/local-client.token",
                "liaison.officers[0].username", "officer",
                "liaison.officers[0].password-file", CERTS_DEV + "/FT-29/officer.password",
                "spring.ssl.bundle.pem.exchange.keystore.private-key", "file:" + CERTS_DEV + "/FT-29/tls.key.pem",
                "spring.ssl.bundle.pem.exchange.truststore.certificate", "file:" + CERTS_DEV + "/network-ca.crt.pem"));

        assertThat(DevelopmentMaterial.settingsOn(properties, environment)).containsExactly(
                "liaison.keys (signing and encryption keys)",
                "spring.ssl.bundle.pem.exchange.keystore.private-key (TLS key)",
                "spring.ssl.bundle.pem.exchange.truststore.certificate (TLS trust: the development network CA)",
                "liaison.directory.ca-certificate (network CA: anyone can issue certificates it trusts)",
                "liaison.directory.operator-certificate (directory operator: anyone can sign a directory it trusts)",
                "liaison.local-clients[0].token-file",
                "liaison.officers[0].password-file");
    }

    @Test
    void aKeystoreAloneLeavesTheTlsKeyNamed() {
        LiaisonProperties properties = bind(Map.of(
                "liaison.keys.keystore", "/etc/liaison/FT-29.p12",
                "liaison.officers[0].username", "officer",
                "liaison.officers[0].password", "from-the-environment",
                "spring.ssl.bundle.pem.exchange.keystore.private-key", "file:" + CERTS_DEV + "/../certs-dev/FT-29/tls.key.pem"));

        assertThat(DevelopmentMaterial.settingsOn(properties, environment))
                .containsExactly("spring.ssl.bundle.pem.exchange.keystore.private-key (TLS key)");
    }

    @Test
    void aNodeOnItsOwnMaterialIsOnNone() {
        LiaisonProperties properties = bind(Map.of(
                "liaison.keys.keystore", "/etc/liaison/FT-29.p12",
                "liaison.directory.ca-certificate", "/etc/liaison/network-ca.crt.pem",
                "liaison.directory.operator-certificate", "/etc/liaison/network-operator.crt.pem",
                "liaison.local-clients[0].name", "FT-29-software",
                "liaison.local-clients[0].token-file", "/etc/liaison/certs-dev-like/token",
                "spring.ssl.bundle.jks.exchange.keystore.location", "file:/etc/liaison/tls.p12"));

        assertThat(DevelopmentMaterial.settingsOn(properties, environment)).isEmpty();
    }
}
