package fr.liaison.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import fr.liaison.gateway.config.LiaisonProperties;
import fr.liaison.gateway.store.SqlTimes;
import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.audit.chain.AuditChain;
import fr.liaison.routes.audit.chain.AuditChainVerifier;
import fr.liaison.routes.audit.chain.AuditExportFormat;
import fr.liaison.routes.audit.chain.AuditRecord;
import fr.liaison.routes.audit.chain.ChainedEntry;
import fr.liaison.routes.audit.chain.Checkpoint;
import fr.liaison.routes.keys.KeyMaterial;
import fr.liaison.routes.keys.ParticipantKeys;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The audit chain on a real PostgreSQL 17 (zonky's embedded binaries) and on H2: the Flyway
 * migrations of the node run on PostgreSQL unchanged, and two {@link ChainedAuditTrail} instances
 * — two node instances of one participant sharing one database, each with its own connection
 * pool — appending concurrently from eight threads still write one chain, seq 1..N without gap or
 * duplicate, that the offline verifier accepts from the table and from the export.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresAuditChainIT {

    private static final Path CERTS_DEV = Path.of(System.getProperty("liaison.certs-dev", "../certs-dev")).toAbsolutePath().normalize();
    private static final int THREADS = 8;
    private static final int PER_THREAD = 500;
    private static final int CHECKPOINT_EVERY = 100;
    private static final String[] CATEGORIES = {"IDENTITY", "BARRIER_MOBILITE", "BARRIER_LOGEMENT"};

    private final ParticipantKeys keys = KeyMaterial.fromCertsDev(CERTS_DEV, "FT-25");
    private final AtomicInteger databases = new AtomicInteger();
    private final List<HikariDataSource> pools = new ArrayList<>();
    private EmbeddedPostgres postgres;

    @BeforeAll
    void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start(); // as root, zonky runs initdb and postgres under `unshare -U`
    }

    @AfterAll
    void stopPostgres() throws Exception {
        pools.forEach(HikariDataSource::close);
        if (postgres != null) {
            postgres.close();
        }
    }

    Stream<String> databases() {
        return Stream.of("PostgreSQL", "H2");
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void theNodesMigrationsRunOnPostgresql() {
        DataSource db = pool(newDatabase("PostgreSQL"));
        JdbcTemplate jdbc = new JdbcTemplate(db);
        assertThat(jdbc.queryForObject("SELECT version()", String.class)).startsWith("PostgreSQL 17.");

        MigrateResult result = migrate(db);

        assertThat(result.success).isTrue();
        MigrationInfo[] applied = Flyway.configure().dataSource(db).locations("classpath:db/migration").load().info().applied();
        assertThat(result.migrationsExecuted).isEqualTo(applied.length);
        // V1 (exchange) and V2 (audit chain) first; later migrations of other features must run too.
        assertThat(applied).extracting(info -> info.getVersion().getVersion()).startsWith("1", "2");
        assertThat(applied).extracting(MigrationInfo::getState).containsOnly(MigrationState.SUCCESS);
        assertThat(jdbc.queryForMap("SELECT seq, head_hash FROM audit_head WHERE id = 1"))
                .isEqualTo(Map.of("seq", 0L, "head_hash", AuditChain.GENESIS));
        assertThat(jdbc.queryForList("""
                SELECT table_name || '.' || column_name || ':' || data_type FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name IN ('audit_entry', 'audit_checkpoint')
                  AND column_name IN ('seq', 'at', 'actor', 'entry_hash', 'signature')""", String.class))
                .containsExactlyInAnyOrder("audit_entry.seq:bigint", "audit_entry.at:timestamp with time zone",
                        "audit_entry.actor:character varying", "audit_entry.entry_hash:character varying",
                        "audit_checkpoint.seq:bigint", "audit_checkpoint.at:timestamp with time zone",
                        "audit_checkpoint.signature:bytea");
        assertThat(jdbc.queryForObject("SELECT character_maximum_length FROM information_schema.columns"
                + " WHERE table_name = 'audit_entry' AND column_name = 'actor'", Integer.class)).isEqualTo(500);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void twoInstancesAppendingConcurrentlyWriteOneGapFreeChainThatVerifies(String database) throws Exception {
        String url = newDatabase(database);
        HikariDataSource poolA = pool(url);
        HikariDataSource poolB = pool(url); // the second node instance: its own connections
        migrate(poolA);
        ChainedAuditTrail instanceA = trail(poolA);
        ChainedAuditTrail instanceB = trail(poolB);
        instanceA.start();
        instanceB.start();

        long started = System.nanoTime();
        ExecutorService writers = Executors.newFixedThreadPool(THREADS);
        Set<String> appended = new HashSet<>();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                ChainedAuditTrail instance = thread % 2 == 0 ? instanceA : instanceB;
                String actor = thread % 2 == 0 ? "instance-a" : "instance-b";
                for (int i = 0; i < PER_THREAD; i++) {
                    appended.add(messageId(thread, i));
                }
                done.add(writers.submit(() -> {
                    for (int i = 0; i < PER_THREAD; i++) {
                        instance.append(entry(thread, i, actor));
                    }
                }));
            }
            for (Future<?> writer : done) {
                writer.get(5, TimeUnit.MINUTES);
            }
        } finally {
            writers.shutdownNow();
        }
        long appendMillis = (System.nanoTime() - started) / 1_000_000;
        instanceA.stop();
        instanceB.stop();
        long total = (long) THREADS * PER_THREAD;
        System.out.printf("[audit chain, %s] %d entries from 2 instances x %d threads in %d ms (%.0f entries/s)%n", database, total,
                THREADS / 2, appendMillis, total * 1000.0 / Math.max(1, appendMillis));

        JdbcTemplate jdbc = new JdbcTemplate(poolA);
        // One chain: seq 1..N, no gap, no duplicate; every appended entry exactly once; the head at N.
        assertThat(jdbc.queryForList("SELECT seq FROM audit_entry ORDER BY seq", Long.class))
                .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
        List<String> messageIds = jdbc.queryForList("SELECT message_id FROM audit_entry", String.class);
        assertThat(messageIds).hasSize((int) total).doesNotHaveDuplicates();
        assertThat(new HashSet<>(messageIds)).isEqualTo(appended);
        assertThat(jdbc.queryForObject("SELECT seq FROM audit_head WHERE id = 1", Long.class)).isEqualTo(total);
        // Both instances wrote, interleaved: the lock on the head row really was contended.
        List<String> actors = jdbc.queryForList("SELECT actor FROM audit_entry ORDER BY seq", String.class);
        long switches = LongStream.range(1, actors.size()).filter(i -> !actors.get((int) i).equals(actors.get((int) i - 1))).count();
        assertThat(switches).as("changes of writing instance along the chain").isGreaterThan(10);
        // Checkpoints every CHECKPOINT_EVERY entries or so, whichever instance signed them.
        List<Long> checkpointSeqs = jdbc.queryForList("SELECT seq FROM audit_checkpoint ORDER BY seq", Long.class);
        assertThat(checkpointSeqs).hasSizeGreaterThanOrEqualTo((int) (total / (CHECKPOINT_EVERY + 2 * THREADS)));

        Checkpoint head = instanceA.checkpointHead(); // signs seq N, as an export does
        assertThat(head.seq()).isEqualTo(total);
        assertThat(instanceB.checkpointHead()).isEqualTo(head); // the same checkpoint, not a second one

        // The offline verifier, fed from the table in seq order, each checkpoint after the entry it signs.
        AuditChainVerifier fromTable = new AuditChainVerifier(keys.signingCertificate());
        List<Checkpoint> checkpoints = jdbc.query("SELECT seq, head_hash, at, node, signer, signature FROM audit_checkpoint ORDER BY seq",
                (rs, row) -> new Checkpoint(rs.getLong(1), rs.getString(2), SqlTimes.instant(rs, "at"), rs.getString(4), rs.getString(5),
                        rs.getBytes(6)));
        assertThat(checkpoints).last().extracting(Checkpoint::seq).isEqualTo(total);
        List<AuditRecord> records = records(jdbc, checkpoints);
        records.forEach(fromTable::accept);
        AuditChainVerifier.Result verified = fromTable.finish(true);
        assertThat(verified.entries()).isEqualTo(total);
        assertThat(verified.lastCheckpoint()).isEqualTo(head);

        // The node's own in-place check and export agree.
        AuditChainService service = new AuditChainService(jdbc, instanceA, keys, java.time.Clock.systemUTC());
        assertThat(service.verifyInPlace()).containsEntry("valid", true).containsEntry("entries", total);
        ByteArrayOutputStream export = new ByteArrayOutputStream();
        service.export(export);
        String[] lines = export.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(records.size() + 1);
        assertThat(AuditExportFormat.parse(lines[lines.length - 2])).isEqualTo(head);
        assertThat(AuditExportFormat.parse(lines[lines.length - 1])).isInstanceOfSatisfying(Checkpoint.class,
                end -> assertThat(end.exportEnd()).isTrue());
        AuditChainVerifier.Result offline = AuditChainVerifier.verify(new ByteArrayInputStream(export.toByteArray()),
                keys.signingCertificate());
        assertThat(offline.entries()).isEqualTo(total);
        assertThat(offline.lastCheckpoint()).isEqualTo(head);
        assertThat(offline.exportEnd().seq()).isEqualTo(total);

        // And on this database too, the in-place check sees an edited and then a deleted entry.
        long middle = jdbc.queryForObject("SELECT MIN(seq) FROM audit_entry WHERE error_code IS NOT NULL AND seq > ?", Long.class,
                total / 2);
        String code = jdbc.queryForObject("SELECT error_code FROM audit_entry WHERE seq = ?", String.class, middle);
        jdbc.update("UPDATE audit_entry SET error_code = 'X' WHERE seq = ?", middle);
        assertThat(service.verifyInPlace()).containsEntry("valid", false).containsEntry("code", "GW-AUDIT-001");
        jdbc.update("UPDATE audit_entry SET error_code = ? WHERE seq = ?", code, middle);
        assertThat(service.verifyInPlace()).containsEntry("valid", true);
        jdbc.update("DELETE FROM audit_entry WHERE seq = ?", middle);
        assertThat(service.verifyInPlace()).containsEntry("valid", false).containsEntry("code", "GW-AUDIT-002");
    }

    /** "Who received my data": deliveries from this node and receptions here, for that person only. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void personReportListsDeliveriesFromThisNodeAndReceptionsHereOnly(String database) {
        HikariDataSource db = pool(newDatabase(database));
        migrate(db);
        ChainedAuditTrail trail = trail(db);
        String person = "a".repeat(64);
        String other = "b".repeat(64);
        java.time.Instant now = java.time.Instant.now();
        java.util.function.BiFunction<AuditStep, String[], AuditEntry> step = (s, fields) -> new AuditEntry(now, s, fields[0], null,
                "REFERRAL", fields[1], fields[2], "ACCOMPAGNEMENT_GLOBAL", Set.of("IDENTITY"), "consent-" + fields[0], null, null, null,
                fields[3]);
        trail.append(step.apply(AuditStep.ACCEPTED, new String[] {"m-out", "FT-25", "CD-25", person}));
        trail.append(step.apply(AuditStep.SENT, new String[] {"m-out", "FT-25", "CD-25", person}));
        trail.append(step.apply(AuditStep.DELIVERED, new String[] {"m-out", "FT-25", "CD-25", person}));      // sent: listed
        trail.append(step.apply(AuditStep.DEAD_LETTERED, new String[] {"m-lost", "FT-25", "CD-17", person})); // never arrived
        trail.append(step.apply(AuditStep.RECEIVED, new String[] {"m-in", "CD-25", "FT-25", person}));        // received: listed
        trail.append(step.apply(AuditStep.DELIVERED, new String[] {"m-in", "CD-25", "FT-25", person}));       // to the local software
        trail.append(step.apply(AuditStep.DELIVERED, new String[] {"m-other", "FT-25", "CD-25", other}));     // someone else
        trail.append(step.apply(AuditStep.RECEIVED, new String[] {"m-other-in", "CD-25", "FT-25", other}));

        List<Map<String, Object>> report = new AuditQueries(JdbcClient.create(db)).personReport(person, "FT-25");

        assertThat(report).extracting(row -> row.get("step") + " " + row.get("messageId") + " " + row.get("sender") + "->"
                + row.get("recipient")).containsExactly("DELIVERED m-out FT-25->CD-25", "RECEIVED m-in CD-25->FT-25");
        assertThat(report).allSatisfy(row -> {
            assertThat(row.get("personHash")).isEqualTo(person);
            assertThat(row.get("dataCategories")).isEqualTo(List.of("IDENTITY"));
            assertThat(row.get("purpose")).isEqualTo("ACCOMPAGNEMENT_GLOBAL");
        });
        assertThat(new AuditQueries(JdbcClient.create(db)).personReport("c".repeat(64), "FT-25")).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------

    private String newDatabase(String kind) {
        String name = "chain_" + databases.incrementAndGet() + "_" + UUID.randomUUID().toString().substring(0, 8);
        if (kind.equals("H2")) {
            // Two pools on one in-memory database; a writer may wait for the other's head-row lock a little longer than H2's default 1 s.
            return "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=30000";
        }
        new JdbcTemplate(postgres.getPostgresDatabase()).execute("CREATE DATABASE " + name);
        return postgres.getJdbcUrl("postgres", name);
    }

    private HikariDataSource pool(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (url.startsWith("jdbc:h2:")) {
            config.setUsername("sa");
        }
        config.setMaximumPoolSize(4);
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    private static MigrateResult migrate(DataSource db) {
        return Flyway.configure().dataSource(db).locations("classpath:db/migration").load().migrate();
    }

    private ChainedAuditTrail trail(DataSource db) {
        LiaisonProperties properties = new LiaisonProperties(null, null, null, null, null, null, null, null, null, null, 16 << 20, null, null,
                new LiaisonProperties.Audit(CHECKPOINT_EVERY, Duration.ofMinutes(1), 64, Duration.ofDays(90)));
        return new ChainedAuditTrail(JdbcClient.create(db), new JdbcTemplate(db),
                new TransactionTemplate(new DataSourceTransactionManager(db)), keys, Clock.systemUTC(), properties);
    }

    private static String messageId(int thread, int i) {
        return "t" + thread + "-" + i;
    }

    /** Varied entries: with and without categories (empty too), error codes, persons. */
    private static AuditEntry entry(int thread, int i, String actor) {
        AuditStep step = AuditStep.values()[(thread + i) % AuditStep.values().length];
        Set<String> categories = switch (i % 3) {
            case 0 -> null;
            case 1 -> Set.of();
            default -> new TreeSet<>(Arrays.asList(CATEGORIES).subList(0, 1 + i % CATEGORIES.length));
        };
        String person = HexFormat.of().formatHex(new byte[] {(byte) thread, (byte) i}).repeat(16);
        return new AuditEntry(java.time.Instant.now(), step, messageId(thread, i), null, "REFERRAL", "FT-25", "CD-25",
                "ACCOMPAGNEMENT_GLOBAL", categories, null, null, i % 7 == 0 ? "GW-EXCHANGE-001" : null, actor, person);
    }

    /** Entries and checkpoints from the table, in seq order, each checkpoint after the entry it signs. */
    private static List<AuditRecord> records(JdbcTemplate jdbc, List<Checkpoint> checkpoints) {
        List<AuditRecord> records = new ArrayList<>();
        Iterator<Checkpoint> next = checkpoints.iterator();
        Checkpoint[] pending = {next.hasNext() ? next.next() : null};
        jdbc.query("SELECT * FROM audit_entry ORDER BY seq", (ResultSet rs) -> {
            ChainedEntry entry = chained(rs);
            records.add(entry);
            while (pending[0] != null && pending[0].seq() <= entry.seq()) {
                records.add(pending[0]);
                pending[0] = next.hasNext() ? next.next() : null;
            }
        });
        return records;
    }

    private static ChainedEntry chained(ResultSet rs) throws SQLException {
        String categories = rs.getString("data_categories");
        AuditEntry entry = new AuditEntry(SqlTimes.instant(rs, "at"), AuditStep.valueOf(rs.getString("step")),
                rs.getString("message_id"), rs.getString("correlation_id"), rs.getString("message_type"), rs.getString("sender"),
                rs.getString("recipient"), rs.getString("purpose"),
                categories == null ? null : categories.isEmpty() ? Set.of() : Set.of(categories.split(",")),
                rs.getString("consent_id"), rs.getString("payload_digest"), rs.getString("error_code"), rs.getString("actor"),
                rs.getString("person_hash"));
        return new ChainedEntry(rs.getLong("seq"), rs.getString("node"), entry, rs.getString("previous_hash"),
                rs.getString("entry_hash"));
    }
}
