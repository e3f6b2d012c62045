package fr.liaison.bench;

import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.keys.KeyMaterial;
import fr.liaison.routes.keys.ParticipantKeys;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.flywaydb.core.Flyway;
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
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Audit append rate through the group-commit writer ({@link GroupCommitAuditWriter}, the gateway's
 * append path): each operation is one {@code append} that returns once its entry is committed, so
 * ops/s = entries/s. 1, 8 and 32 appending threads, on H2 (a file, as a node's default database)
 * and PostgreSQL 17 (zonky's embedded server with {@code synchronous_commit=on}, as a production
 * server), with the node's batch size (256) and without batching (1). Checkpoints signed every
 * 1,000 entries, as the node's default. Each trial starts from an empty, freshly migrated database.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AuditAppendBenchmark {

    @Param({"H2", "PostgreSQL"})
    String database;

    /** liaison.audit.batch-size: 256 is the node's default, 1 turns group commit off. */
    @Param({"256", "1"})
    int batchSize;

    private Path dir;
    private EmbeddedPostgres postgres;
    private HikariDataSource pool;
    private GroupCommitAuditWriter writer;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path certs = Path.of(System.getProperty("liaison.certs-dev", "certs-dev"));
        ParticipantKeys keys = KeyMaterial.fromCertsDev(certs, "FT-29");
        dir = Files.createTempDirectory("liaison-bench-audit");
        HikariConfig config = new HikariConfig();
        if ("H2".equals(database)) {
            config.setJdbcUrl("jdbc:h2:file:" + dir.resolve("db/liaison")); // as application.properties
            config.setUsername("liaison");
            config.setPassword("");
        } else {
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dir.resolve("pg"))
                    .setCleanDataDirectory(true)
                    .setServerConfig("synchronous_commit", "on") // zonky turns it off; a production server has it on
                    .start();
            config.setDataSource(postgres.getPostgresDatabase());
        }
        config.setMaximumPoolSize(10); // Hikari's and Boot's default
        pool = new HikariDataSource(config);
        Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        writer = new GroupCommitAuditWriter(JdbcClient.create(pool), new JdbcTemplate(pool),
                new TransactionTemplate(new DataSourceTransactionManager(pool)), keys, Clock.systemUTC(), batchSize, 1000);
        writer.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (writer != null) {
            writer.stop();
        }
        if (pool != null) {
            pool.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Each appending thread makes its own entries. */
    @State(Scope.Thread)
    public static class Source {
        private AuditEntries entries;

        @Setup(Level.Trial)
        public void setUp() {
            entries = new AuditEntries(Thread.currentThread().getId());
        }

        AuditEntry next() {
            return entries.next(Instant.now());
        }
    }

    @Benchmark
    @Threads(1)
    public void append1Thread(Source source) {
        writer.append(source.next());
    }

    @Benchmark
    @Threads(8)
    public void append8Threads(Source source) {
        writer.append(source.next());
    }

    @Benchmark
    @Threads(32)
    public void append32Threads(Source source) {
        writer.append(source.next());
    }
}
