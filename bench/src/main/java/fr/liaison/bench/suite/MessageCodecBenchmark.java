package fr.liaison.bench.suite;

import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.ValidatedMessage;

import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What reading a message costs each node: the 4 KiB referral the bench carries, parsed with the
 * hardened parser, validated against schema v1 and its rules, bound, and written again as the
 * canonical XML that is sealed ({@link MessageCodec#read}); and the same message given as JSON.
 * Both nodes read every message once. The JIT takes some 15 s to settle on this code, hence the
 * long warm-up.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 12, time = 2)
@Measurement(iterations = 5, time = 2)
public class MessageCodecBenchmark {

    private MessageCodec codec;
    private byte[] xml;
    private byte[] json;

    @Setup
    public void setUp() {
        Path home = Path.of(System.getProperty("liaison.home", "."));
        Payloads payloads = new Payloads(home.resolve("schemas/samples"), "FT-25", "CD-25");
        codec = MessageCodec.v1();
        xml = payloads.referral(UUID.randomUUID().toString(), UUID.randomUUID().toString(), Instant.now());
        ValidatedMessage message = codec.read(xml, MessageFormat.XML);
        json = codec.toJson(message.message());
    }

    @Benchmark
    public ValidatedMessage readXml() {
        return codec.read(xml, MessageFormat.XML);
    }

    @Benchmark
    public ValidatedMessage readJson() {
        return codec.read(json, MessageFormat.JSON);
    }
}
