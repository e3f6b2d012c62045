package fr.liaison.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import fr.liaison.gateway.TestDatabases;
import fr.liaison.gateway.config.ClusterProperties;
import fr.liaison.gateway.config.LiaisonProperties;
import fr.liaison.gateway.store.SqlTimes;
import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.audit.AuditTrail;
import fr.liaison.routes.keys.KeyMaterial;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The repair of steps the audit log missed. A single node, at start-up, appends the steps a killed
 * run took without auditing them, and only those: a step the routes take while the repair runs is
 * audited by the routes, not a second time. With a live sibling instance on the same database, a
 * step the killed instance took minutes ago is appended once; a step the sibling took a moment ago,
 * whose entry may still be in its batch, is left alone until it is older than the grace period.
 */
class AuditRepairTest {

    private static final Path CERTS_DEV = Path.of(System.getProperty("liaison.certs-dev", "../certs-dev")).toAbsolutePath().normalize();
    private static final Instant STOPPED = Instant.parse("2026-11-23T10:00:00Z");
    private static final Instant RESTARTED = STOPPED.plusSeconds(30);
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final ClusterProperties CLUSTER = new ClusterProperties(true, "a", null, null, null, null, null, null, null,
            Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(10));
    private static final ClusterProperties SINGLE = new ClusterProperties(false, "single", null, null, null, null, null, null, null,
            Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(10));

    private JdbcDataSource db;
    private JdbcClient jdbc;
    /** The node's real chain, for the start-up tests. */
    private ChainedAuditTrail chain;
    /** Appends as the chain would, without hashing: the repair only counts entries per message and step. */
    private AuditTrail counted;

    @BeforeEach
    void database() {
        db = TestDatabases.migratedH2("repair");
        jdbc = JdbcClient.create(db);
        counted = new AuditTrail() {
            @Override
            public void append(AuditEntry e) {
                jdbc.sql("INSERT INTO audit_entry (at, step, message_id, actor) VALUES (?, ?, ?, ?)")
                        .params(SqlTimes.time(e.at()), e.step().name(), e.messageId(), e.actor()).update();
            }

            @Override
            public Optional<Instant> recordedAt(String messageId, AuditStep step) {
                return Optional.empty();
            }
        };
    }

    @AfterEach
    void close() {
        if (chain != null) {
            chain.stop();
        }
    }

    private ChainedAuditTrail chain() {
        LiaisonProperties properties = new LiaisonProperties(null, null, null, null, null, null, null, null, null, null, 16 << 20, null, null,
                new LiaisonProperties.Audit(1000, Duration.ofHours(1), 64, Duration.ofDays(90)));
        chain = new ChainedAuditTrail(jdbc, new JdbcTemplate(db), new TransactionTemplate(new DataSourceTransactionManager(db)),
                KeyMaterial.fromCertsDev(CERTS_DEV, "FT-29"), Clock.fixed(RESTARTED, ZoneOffset.UTC), properties);
        chain.start();
        return chain;
    }

    @Test
    void aStepTakenBeforeTheStopWithoutItsEntryIsAppendedOnce() {
        ChainedAuditTrail trail = chain();
        message("m-1", STOPPED);
        step("m-1", "ACCEPTED", STOPPED.minusSeconds(3));
        trail.append(entry("m-1", AuditStep.ACCEPTED, STOPPED.minusSeconds(3)));
        step("m-1", "SENT", STOPPED.minusSeconds(2));
        step("m-1", "DELIVERED", STOPPED.minusSeconds(1)); // the kill came before these two were audited

        restarted(trail).appendStepsTheLogMissed();

        assertThat(auditedSteps("m-1")).containsExactly("ACCEPTED", "DELIVERED", "SENT");
        assertThat(auditedAt("m-1", "SENT")).as("dated at the step's own time").isEqualTo(STOPPED.minusSeconds(2));
        // Run again (a second restart): nothing is missing any more.
        restarted(trail).appendStepsTheLogMissed();
        assertThat(auditedSteps("m-1")).hasSize(3);
    }

    @Test
    void aStepTheRoutesTakeDuringTheRepairIsNotAppendedASecondTime() {
        ChainedAuditTrail trail = chain();
        message("m-2", STOPPED);
        step("m-2", "ACCEPTED", STOPPED.minusSeconds(3));
        trail.append(entry("m-2", AuditStep.ACCEPTED, STOPPED.minusSeconds(3)));
        AuditRepair repair = restarted(trail);
        // Redelivered after the restart: DELIVERED is in the message's history, its entry still in its batch.
        step("m-2", "DELIVERED", RESTARTED.plusSeconds(1));

        repair.appendStepsTheLogMissed();
        trail.append(entry("m-2", AuditStep.DELIVERED, RESTARTED.plusSeconds(1)));

        assertThat(auditedSteps("m-2")).containsExactly("ACCEPTED", "DELIVERED");
    }

    @Test
    void aClusterRepairsOnlyStepsOlderThanTheGraceAndEachOnce() {
        message("killed", NOW.minusSeconds(600));
        step("killed", "ACCEPTED", NOW.minusSeconds(300), true);
        step("killed", "SENT", NOW.minusSeconds(299), false); // the instance died before its entry's batch
        message("in-flight", NOW.minusSeconds(600));
        step("in-flight", "ACCEPTED", NOW.minusSeconds(10), false); // the sibling's batch is not committed yet
        audited("other", "ACCEPTED", NOW.minusSeconds(1));
        AuditRepair repair = new AuditRepair(jdbc, counted, Clock.fixed(NOW, ZoneOffset.UTC), CLUSTER, null);

        assertThat(repair.repairStepsUpTo(NOW.minus(CLUSTER.auditRepairGrace()))).isEqualTo(1);
        assertThat(entries("killed", "SENT")).isEqualTo(1);
        assertThat(entries("in-flight", "ACCEPTED")).isZero();
        assertThat(repair.repairStepsUpTo(NOW.minus(CLUSTER.auditRepairGrace()))).as("nothing twice").isZero();

        // The sibling's entry is committed meanwhile: once past the grace, nothing is left to repair.
        audited("in-flight", "ACCEPTED", NOW.minusSeconds(10));
        assertThat(repair.repairStepsUpTo(NOW.plusSeconds(600))).isZero();
        assertThat(entries("in-flight", "ACCEPTED")).isEqualTo(1);
    }

    @Test
    void aClusterInstanceDoesNoStartUpRepair() {
        message("m", NOW.minusSeconds(600));
        step("m", "ACCEPTED", NOW.minusSeconds(300), false);
        AuditRepair repair = new AuditRepair(jdbc, counted, Clock.fixed(NOW, ZoneOffset.UTC), CLUSTER, null);
        audited("other", "ACCEPTED", NOW.minusSeconds(1));

        repair.appendStepsTheLogMissed();

        assertThat(entries("m", "ACCEPTED")).as("left to the sweep, under its lock").isZero();
    }

    @Test
    void aSingleNodeRepairsEveryStepAtStartUp() {
        message("m", NOW.minusSeconds(600));
        step("m", "ACCEPTED", NOW.minusSeconds(20), true);
        step("m", "RETRIED", NOW.minusSeconds(10), true);
        step("m", "RETRIED", NOW.minusSeconds(5), false);
        AuditRepair repair = new AuditRepair(jdbc, counted, Clock.fixed(NOW, ZoneOffset.UTC), SINGLE, null);

        repair.appendStepsTheLogMissed();

        assertThat(entries("m", "RETRIED")).isEqualTo(2);
        assertThat(entries("m", "ACCEPTED")).isEqualTo(1);
    }

    private AuditRepair restarted(AuditTrail trail) {
        return new AuditRepair(jdbc, trail, Clock.fixed(RESTARTED, ZoneOffset.UTC), SINGLE, null);
    }

    private void message(String id, Instant at) {
        jdbc.sql("""
                INSERT INTO message (message_id, direction, message_type, sender, recipient, status, created_at, updated_at)
                VALUES (?, 'OUTBOUND', 'REFERRAL', 'FT-29', 'CD-29', 'DELIVERED', ?, ?)""")
                .params(id, SqlTimes.time(at), SqlTimes.time(at)).update();
    }

    private void step(String id, String step, Instant at) {
        jdbc.sql("INSERT INTO message_step (message_id, direction, step, at) VALUES (?, 'OUTBOUND', ?, ?)")
                .params(id, step, SqlTimes.time(at)).update();
    }

    private void step(String id, String step, Instant at, boolean audited) {
        step(id, step, at);
        if (audited) {
            audited(id, step, at);
        }
    }

    private void audited(String id, String step, Instant at) {
        jdbc.sql("INSERT INTO audit_entry (at, step, message_id, actor) VALUES (?, ?, ?, 'node')").params(SqlTimes.time(at), step, id)
                .update();
    }

    private static AuditEntry entry(String id, AuditStep step, Instant at) {
        return new AuditEntry(at, step, id, null, "REFERRAL", "FT-29", "CD-29", null, Set.of(), null, null, null, null, null);
    }

    private List<String> auditedSteps(String id) {
        return jdbc.sql("SELECT step FROM audit_entry WHERE message_id = ? ORDER BY step").param(id).query(String.class).list();
    }

    private Instant auditedAt(String id, String step) {
        return jdbc.sql("SELECT at FROM audit_entry WHERE message_id = ? AND step = ?").params(id, step)
                .query((rs, row) -> SqlTimes.instant(rs, "at")).single();
    }

    private int entries(String id, String step) {
        return jdbc.sql("SELECT COUNT(*) FROM audit_entry WHERE message_id = ? AND step = ?").params(id, step).query(Integer.class)
                .single();
    }
}
