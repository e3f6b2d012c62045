package fr.liaison.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import fr.liaison.gateway.config.LiaisonProperties;
import fr.liaison.gateway.store.SqlTimes;
import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.keys.KeyMaterial;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The start-up repair appends the steps a killed node took without auditing them, and only those:
 * a step the routes take while the repair runs is audited by the routes, not a second time.
 */
class AuditRepairTest {

    private static final Path CERTS_DEV = Path.of(System.getProperty("liaison.certs-dev", "../certs-dev")).toAbsolutePath().normalize();
    private static final Instant STOPPED = Instant.parse("2026-11-23T10:00:00Z");
    private static final Instant RESTARTED = STOPPED.plusSeconds(30);

    private JdbcClient jdbc;
    private ChainedAuditTrail trail;

    @BeforeEach
    void database() {
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:repair-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        db.setUser("sa");
        Flyway.configure().dataSource(db).locations("classpath:db/migration").load().migrate();
        jdbc = JdbcClient.create(db);
        LiaisonProperties properties = new LiaisonProperties(null, null, null, null, null, null, null, null, null, null, 0, null, null,
                new LiaisonProperties.Audit(1000, Duration.ofHours(1), 64, Duration.ofDays(90)));
        trail = new ChainedAuditTrail(jdbc, new JdbcTemplate(db), new TransactionTemplate(new DataSourceTransactionManager(db)),
                KeyMaterial.fromCertsDev(CERTS_DEV, "FT-29"), Clock.fixed(RESTARTED, ZoneOffset.UTC), properties);
        trail.start();
    }

    @AfterEach
    void close() {
        trail.stop();
    }

    @Test
    void aStepTakenBeforeTheStopWithoutItsEntryIsAppendedOnce() {
        message("m-1");
        step("m-1", "ACCEPTED", STOPPED.minusSeconds(3));
        trail.append(entry("m-1", AuditStep.ACCEPTED, STOPPED.minusSeconds(3)));
        step("m-1", "SENT", STOPPED.minusSeconds(2));
        step("m-1", "DELIVERED", STOPPED.minusSeconds(1)); // the kill came before these two were audited

        repair().appendStepsTheLogMissed();

        assertThat(audited("m-1")).containsExactly("ACCEPTED", "DELIVERED", "SENT");
        // Run again (a second restart): nothing is missing any more.
        repair().appendStepsTheLogMissed();
        assertThat(audited("m-1")).hasSize(3);
    }

    @Test
    void aStepTheRoutesTakeDuringTheRepairIsNotAppendedASecondTime() {
        message("m-2");
        step("m-2", "ACCEPTED", STOPPED.minusSeconds(3));
        trail.append(entry("m-2", AuditStep.ACCEPTED, STOPPED.minusSeconds(3)));
        AuditRepair repair = repair();
        // Redelivered after the restart: DELIVERED is in the message's history, its entry still in its batch.
        step("m-2", "DELIVERED", RESTARTED.plusSeconds(1));

        repair.appendStepsTheLogMissed();
        trail.append(entry("m-2", AuditStep.DELIVERED, RESTARTED.plusSeconds(1)));

        assertThat(audited("m-2")).containsExactly("ACCEPTED", "DELIVERED");
    }

    private AuditRepair repair() {
        return new AuditRepair(jdbc, trail, Clock.fixed(RESTARTED, ZoneOffset.UTC));
    }

    private void message(String id) {
        jdbc.sql("""
                INSERT INTO message (message_id, direction, message_type, sender, recipient, status, created_at, updated_at)
                VALUES (?, 'OUTBOUND', 'REFERRAL', 'FT-29', 'CD-29', 'DELIVERED', ?, ?)""")
                .params(id, SqlTimes.time(STOPPED), SqlTimes.time(STOPPED)).update();
    }

    private void step(String id, String step, Instant at) {
        jdbc.sql("INSERT INTO message_step (message_id, direction, step, at) VALUES (?, 'OUTBOUND', ?, ?)")
                .params(id, step, SqlTimes.time(at)).update();
    }

    private static AuditEntry entry(String id, AuditStep step, Instant at) {
        return new AuditEntry(at, step, id, null, "REFERRAL", "FT-29", "CD-29", null, Set.of(), null, null, null, null, null);
    }

    private java.util.List<String> audited(String id) {
        return jdbc.sql("SELECT step FROM audit_entry WHERE message_id = ? ORDER BY step").param(id).query(String.class).list();
    }
}
