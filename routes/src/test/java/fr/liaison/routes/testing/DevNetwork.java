package fr.liaison.routes.testing;

import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.SignedDirectory;
import fr.liaison.routes.keys.KeyMaterial;
import fr.liaison.routes.keys.ParticipantKeys;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The development network of {@code certs-dev}, loaded once per test JVM. */
public final class DevNetwork {

    private static final Map<String, ParticipantKeys> KEYS = new ConcurrentHashMap<>();
    private static volatile Directory directory;

    private DevNetwork() {
    }

    public static Path certsDev() {
        return Path.of(System.getProperty("liaison.certs-dev", "../certs-dev")).toAbsolutePath().normalize();
    }

    public static Path samples() {
        return Path.of(System.getProperty("liaison.samples", "../schemas/samples")).toAbsolutePath().normalize();
    }

    public static Directory directory() {
        if (directory == null) {
            directory = SignedDirectory.loadCertsDev(certsDev(), Clock.systemUTC());
        }
        return directory;
    }

    public static ParticipantKeys keys(String participantId) {
        return KEYS.computeIfAbsent(participantId, id -> KeyMaterial.fromCertsDev(certsDev(), id));
    }
}
