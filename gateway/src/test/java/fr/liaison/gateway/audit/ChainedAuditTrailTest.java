package fr.liaison.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fr.liaison.gateway.config.LiaisonProperties;
import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.keys.KeyMaterial;
import fr.liaison.routes.keys.ParticipantKeys;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Entries written together in one batch: one the database refuses fails only its own append. */
class ChainedAuditTrailTest {

    private static final Path CERTS_DEV = Path.of(System.getProperty("liaison.certs-dev", "../certs-dev")).toAbsolutePath().normalize();
    private static final String NODE = "FT-29";
    private static final Instant AT = Instant.parse("2026-11-23T10:00:00Z");

    private JdbcTemplate db;
    private ChainedAuditTrail trail;
    private final ExecutorService callers = Executors.newFixedThreadPool(3);

    @BeforeEach
    void database() {
        JdbcDataSource source = new JdbcDataSource();
        source.setURL("jdbc:h2:mem:batch-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        source.setUser("sa");
        Flyway.configure().dataSource(source).locations("classpath:db/migration").load().migrate();
        db = new JdbcTemplate(source);
        ParticipantKeys keys = KeyMaterial.fromCertsDev(CERTS_DEV, NODE);
        LiaisonProperties properties = new LiaisonProperties(null, null, null, null, null, null, null, null, null, null, 0, null, null,
                new LiaisonProperties.Audit(1000, Duration.ofHours(1), 64, Duration.ofDays(90)));
        trail = new ChainedAuditTrail(JdbcClient.create(source), db, new TransactionTemplate(new DataSourceTransactionManager(source)), keys,
                Clock.fixed(AT, ZoneOffset.UTC), properties);
        // Not started: each append writes what is queued in the caller's thread, one caller at a time.
    }

    @AfterEach
    void stop() {
        callers.shutdownNow();
    }

    @Test
    void anEntryTheDatabaseRefusesFailsAloneAndTheOthersOfItsBatchAreCommitted() {
        String tooLong = "m".repeat(40); // message_id is VARCHAR(36)
        List<AuditEntry> entries = List.of(entry("good-1"), entry(tooLong), entry("good-2"));
        List<Thread> blocked = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Void>> appends = new ArrayList<>();
        Set<String> failed = ConcurrentHashMap.newKeySet();
        // Holding the writer's lock while the three callers queue their entries puts them in one batch.
        synchronized (trail) {
            for (AuditEntry entry : entries) {
                appends.add(CompletableFuture.runAsync(() -> {
                    blocked.add(Thread.currentThread());
                    try {
                        trail.append(entry);
                    } catch (IllegalStateException e) {
                        failed.add(entry.messageId());
                    }
                }, callers));
            }
            await().atMost(Duration.ofSeconds(10)).until(
                    () -> blocked.size() == 3 && blocked.stream().allMatch(t -> t.getState() == Thread.State.BLOCKED));
        }
        appends.forEach(CompletableFuture::join);

        assertThat(failed).containsExactly(tooLong);
        assertThat(db.queryForList("SELECT message_id FROM audit_entry ORDER BY seq", String.class))
                .containsExactlyInAnyOrder("good-1", "good-2");
        assertThat(new AuditChainService(db, trail, KeyMaterial.fromCertsDev(CERTS_DEV, NODE)).verifyInPlace())
                .containsEntry("valid", true).containsEntry("entries", 2L);
    }

    private static AuditEntry entry(String messageId) {
        return new AuditEntry(AT, AuditStep.REFUSED, messageId, null, null, NODE, null, null, null, null, null, "GW-XML-003", "client",
                null);
    }
}
