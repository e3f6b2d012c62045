package fr.liaison.bench;

import fr.liaison.routes.audit.chain.AuditChain;
import fr.liaison.routes.audit.chain.AuditChainVerifier;
import fr.liaison.routes.audit.chain.AuditExportFormat;
import fr.liaison.routes.audit.chain.ChainedEntry;
import fr.liaison.routes.audit.chain.Checkpoints;
import fr.liaison.routes.keys.KeyMaterial;
import fr.liaison.routes.keys.ParticipantKeys;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Offline verification of a one-million-entry JSON Lines export ({@code liaison audit-verify}):
 * {@link AuditChainVerifier#verify} against the floor, plain SHA-256 over the same file bytes read
 * the same way. The export is written once per trial into a temporary file (FT-29's chain,
 * realistic entries, a checkpoint signed with FT-29's development key every 1,000 entries, the last
 * one signing the last entry, as an export ends); it stays in the page cache, so both read from
 * memory. One verification per iteration (single shot), one thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public class AuditVerifyBenchmark {

    @Param({"1000000"})
    int entries;

    /** liaison.audit.checkpoint-every */
    @Param({"1000"})
    int checkpointEvery;

    private Path export;
    private X509Certificate certificate;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path certs = Path.of(System.getProperty("liaison.certs-dev", "certs-dev"));
        ParticipantKeys keys = KeyMaterial.fromCertsDev(certs, "FT-29");
        certificate = keys.signingCertificate();
        export = Files.createTempFile("liaison-audit-export", ".jsonl");
        AuditEntries source = new AuditEntries(42);
        // Entries about 60 ms apart, ending now: a busy node's day.
        Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS).minus(Duration.ofMillis(60L * entries));
        String hash = AuditChain.GENESIS;
        try (BufferedWriter out = Files.newBufferedWriter(export, StandardCharsets.UTF_8)) {
            for (long seq = 1; seq <= entries; seq++) {
                at = at.plusMillis(60).plusNanos(1_000L * (seq % 997));
                ChainedEntry entry = AuditChain.link(seq, keys.participantId(), source.next(at), hash);
                hash = entry.hash();
                out.write(AuditExportFormat.line(entry));
                out.write('\n');
                if (seq % checkpointEvery == 0 || seq == entries) {
                    out.write(AuditExportFormat.line(Checkpoints.sign(seq, hash, at.plusMillis(1), keys)));
                    out.write('\n');
                }
            }
            out.write(AuditExportFormat.line(Checkpoints.signExportEnd(entries, hash, at.plusMillis(2), keys)));
            out.write('\n');
        }
        AuditChainVerifier.Result result;
        try (InputStream in = Files.newInputStream(export)) {
            result = AuditChainVerifier.verify(in, certificate);
        }
        if (result.entries() != entries || result.lastCheckpoint().seq() != entries) {
            throw new IllegalStateException("the generated export does not verify: " + result);
        }
        System.out.printf("%nexport: %,d entries, %,d bytes%n", entries, Files.size(export));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(export);
    }

    @Benchmark
    public AuditChainVerifier.Result verify() throws IOException {
        try (InputStream in = Files.newInputStream(export)) {
            return AuditChainVerifier.verify(in, certificate);
        }
    }

    /** The floor: SHA-256 of the same bytes, read through the same kind of stream and buffer size. */
    @Benchmark
    public byte[] sha256() throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(export)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return digest.digest();
    }
}
