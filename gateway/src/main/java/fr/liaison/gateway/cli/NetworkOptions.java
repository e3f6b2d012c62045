package fr.liaison.gateway.cli;

import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.SignedDirectory;
import fr.liaison.routes.keys.KeyMaterial;
import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.routes.keys.Pem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import picocli.CommandLine.Option;

/**
 * Where keys and the directory come from: by default the development network in
 * {@code certs-dev}; a PKCS#12 keystore and a signed directory file otherwise.
 */
final class NetworkOptions {

    @Option(names = "--certs-dev", paramLabel = "DIR",
            description = "Development PKI folder (default: $LIAISON_HOME/certs-dev or ./certs-dev).")
    Path certsDev;

    @Option(names = "--keystore", paramLabel = "FILE",
            description = "PKCS#12 keystore with entries 'sign', 'encrypt' (and 'tls') instead of development keys.")
    Path keystore;

    @Option(names = "--keystore-password-env", paramLabel = "VAR", defaultValue = "LIAISON_KEYSTORE_PASSWORD",
            description = "Environment variable holding the keystore password (default: ${DEFAULT-VALUE}).")
    String keystorePasswordEnv;

    @Option(names = "--keystore-password-file", paramLabel = "FILE",
            description = "File holding the keystore password, instead of the environment variable.")
    Path keystorePasswordFile;

    @Option(names = "--directory", paramLabel = "FILE", description = "Signed participant directory (default: certs-dev/directory.signed).")
    Path directoryFile;

    @Option(names = "--operator-cert", paramLabel = "PEM", description = "Network operator certificate that signs the directory.")
    Path operatorCertificate;

    @Option(names = "--ca-cert", paramLabel = "PEM", description = "Network CA certificate.")
    Path caCertificate;

    Path certsDev() {
        if (certsDev != null) {
            return certsDev;
        }
        String home = System.getenv("LIAISON_HOME");
        Path fromHome = home == null ? null : Path.of(home, "certs-dev");
        return fromHome != null && Files.isDirectory(fromHome) ? fromHome : Path.of("certs-dev");
    }

    Directory directory() {
        Path dev = certsDev();
        return SignedDirectory.load(
                directoryFile != null ? directoryFile : dev.resolve("directory.signed"),
                Pem.certificate(operatorCertificate != null ? operatorCertificate : dev.resolve("network-operator.crt.pem")),
                Pem.certificate(caCertificate != null ? caCertificate : dev.resolve("network-ca.crt.pem")),
                Clock.systemUTC());
    }

    ParticipantKeys keys(String participantId) {
        if (keystore != null) {
            String password = keystorePasswordFile != null
                    ? new String(CliFiles.read(keystorePasswordFile), java.nio.charset.StandardCharsets.UTF_8).strip()
                    : System.getenv(keystorePasswordEnv);
            if (password == null) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new LiaisonCommand()),
                        "the keystore password is read from $" + keystorePasswordEnv + ", which is not set");
            }
            return KeyMaterial.fromPkcs12(keystore, password.toCharArray(), participantId);
        }
        return KeyMaterial.fromCertsDev(certsDev(), participantId);
    }
}
