package fr.liaison.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.keys.KeyMaterial;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** Entries written together in one batch: one the database refuses fails only its own append. */
class ChainedAuditTrailTest {

    private static final String NODE = "FT-29";
    private static final Instant AT = Instant.parse("2026-11-23T10:00:00Z");

    private JdbcTemplate db;
    private ChainedAuditTrail trail;
    private final ExecutorService callers = Executors.newFixedThreadPool(3);

    @BeforeEach
    void database() {
        DataSource source = AuditFixtures.migratedDatabase();
        db = new JdbcTemplate(source);
        trail = AuditFixtures.trail(source, NODE, 1000, AT);
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
        assertThat(new AuditChainService(db, trail, KeyMaterial.fromCertsDev(AuditFixtures.CERTS_DEV, NODE), java.time.Clock.systemUTC()).verifyInPlace())
                .containsEntry("valid", true).containsEntry("entries", 2L);
    }

    private static AuditEntry entry(String messageId) {
        return new AuditEntry(AT, AuditStep.REFUSED, messageId, null, null, NODE, null, null, null, null, null, "GW-XML-003", "client",
                null);
    }
}
