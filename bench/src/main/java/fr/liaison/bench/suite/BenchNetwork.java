package fr.liaison.bench.suite;

import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.Participant;
import fr.liaison.routes.directory.SignedDirectory;
import fr.liaison.routes.keys.Pem;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The development network with the bench's two participants moved to free ports: the committed
 * directory source with their two addresses changed, signed with the development network
 * operator's key by the node's own {@code liaison directory sign}. The nodes then listen where
 * nothing else does (a demo, integration tests), and the sender finds the recipient there.
 */
final class BenchNetwork {

    record Ports(int localApi, int exchange) {
    }

    private BenchNetwork() {
    }

    /** Signs the bench's directory into {@code work}; answers the directory as the nodes will read it. */
    static Directory create(Path jar, Path certsDev, Path work, Path signedOut, java.util.Map<String, Ports> moved)
            throws IOException, InterruptedException {
        Directory committed = SignedDirectory.loadCertsDev(certsDev, Clock.systemUTC());
        String source = Files.readString(certsDev.resolve("directory.yml"));
        // File paths in the source are relative to it: make them absolute, since the copy lives elsewhere.
        String base = certsDev.toAbsolutePath().normalize() + "/";
        source = source.replaceAll("(?m)^(\\s+(?:signing|encryption|tls): )(?!/)(\\S+)", "$1" + base.replace("\\", "\\\\") + "$2")
                .replaceAll("(?m)^(\\s+- )(network-ca\\.crl\\.pem)", "$1" + base + "$2");
        for (var entry : moved.entrySet()) {
            Participant participant = committed.require(entry.getKey());
            source = source.replace(participant.localApi().toString(), withPort(participant.localApi(), entry.getValue().localApi()))
                    .replace(participant.exchangeEndpoint().toString(),
                            withPort(participant.exchangeEndpoint(), entry.getValue().exchange()));
        }
        Path yaml = work.resolve("bench-directory.yml");
        Files.writeString(yaml, source);
        Process sign = new ProcessBuilder(List.of(JvmProcesses.java(), "-jar", jar.toString(), "directory", "sign", "--in", yaml.toString(),
                "--key", certsDev.resolve("network-operator.key.pem").toString(), "--cert",
                certsDev.resolve("network-operator.crt.pem").toString(), "--out", signedOut.toString()))
                .redirectErrorStream(true).redirectOutput(work.resolve("bench-directory.log").toFile()).start();
        if (!sign.waitFor(2, TimeUnit.MINUTES) || sign.exitValue() != 0) {
            throw new IllegalStateException("could not sign the bench's directory; see " + work.resolve("bench-directory.log"));
        }
        return SignedDirectory.verify(Files.readAllBytes(signedOut), Pem.certificate(certsDev.resolve("network-operator.crt.pem")),
                Pem.certificate(certsDev.resolve("network-ca.crt.pem")), Clock.systemUTC());
    }

    private static String withPort(URI uri, int port) {
        return URI.create(uri.getScheme() + "://" + uri.getHost() + ":" + port + uri.getRawPath()).toString();
    }
}
