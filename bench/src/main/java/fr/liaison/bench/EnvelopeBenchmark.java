package fr.liaison.bench;

import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.SignedDirectory;
import fr.liaison.routes.envelope.EnvelopeOpener;
import fr.liaison.routes.envelope.EnvelopeSealer;
import fr.liaison.routes.keys.KeyMaterial;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The crypto ceiling of a hop: seal (sign + encrypt) and open (decrypt + verify + signer checks)
 * of the same payload, on two threads, for P-256 and RSA-2048 development identities. The whole
 * gateway is later measured against {@code sealAndOpen}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EnvelopeBenchmark {

    @Param({"4096", "65536"})
    int payloadBytes;

    /** EC: CCAS-29232 seals for FT-29 (ECDSA P-256, ECDH P-256). RSA: TEST-RSA seals for itself (RSA-2048 PKCS#1 signature, RSA-OAEP). */
    @Param({"P256", "RSA2048"})
    String keys;

    private byte[] payload;
    private EnvelopeSealer sealer;
    private EnvelopeOpener opener;
    private X509Certificate recipientCertificate;
    private String senderId;
    private byte[] sealed;

    @Setup
    public void setUp() {
        Path certs = Path.of(System.getProperty("liaison.certs-dev", "certs-dev"));
        Directory directory = SignedDirectory.loadCertsDev(certs, Clock.systemUTC());
        senderId = "P256".equals(keys) ? "CCAS-29232" : "TEST-RSA";
        String recipientId = "P256".equals(keys) ? "FT-29" : "TEST-RSA";
        sealer = new EnvelopeSealer(KeyMaterial.fromCertsDev(certs, senderId));
        opener = new EnvelopeOpener(KeyMaterial.fromCertsDev(certs, recipientId), directory);
        recipientCertificate = directory.require(recipientId).encryptionCertificate();
        payload = new byte[payloadBytes];
        new Random(42).nextBytes(payload);
        sealed = sealer.seal(payload, recipientCertificate);
    }

    @Benchmark
    public byte[] seal() {
        return sealer.seal(payload, recipientCertificate);
    }

    @Benchmark
    public Object open() {
        return opener.open(sealed, senderId);
    }

    @Benchmark
    public Object sealAndOpen() {
        return opener.open(sealer.seal(payload, recipientCertificate), senderId);
    }
}
