package fr.liaison.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import fr.liaison.gateway.config.ClusterProperties;
import fr.liaison.gateway.store.SqlTimes;
import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditTrail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The repair of steps the audit log missed, with a live sibling instance on the same database: a
 * step the killed instance took minutes ago is appended once; a step the sibling took a moment ago,
 * whose entry may still be in its batch, is left alone until it is older than the grace period.
 */
class AuditRepairTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final ClusterProperties CLUSTER = new ClusterProperties(true, "a", null, null, null, null, null, null, null,
            Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(10));

    private JdbcClient jdbc;
    private AuditTrail trail;

    @BeforeEach
    void database() {
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        db.setUser("sa");
        Flyway.configure().dataSource(db).locations("classpath:db/migration").load().migrate();
        jdbc = JdbcClient.create(db);
        // Appends as the chain would, without hashing: the repair only counts entries per message and step.
        trail = (AuditEntry e) -> jdbc.sql("INSERT INTO audit_entry (at, step, message_id, actor) VALUES (?, ?, ?, ?)")
                .params(SqlTimes.time(e.at()), e.step().name(), e.messageId(), e.actor()).update();
    }

    @Test
    void aClusterRepairsOnlyStepsOlderThanTheGraceAndEachOnce() {
        message("killed");
        step("killed", "ACCEPTED", NOW.minusSeconds(300), true);
        step("killed", "SENT", NOW.minusSeconds(299), false); // the instance died before its entry's batch
        message("in-flight");
        step("in-flight", "ACCEPTED", NOW.minusSeconds(10), false); // the sibling's batch is not committed yet
        audited("other", "ACCEPTED", NOW.minusSeconds(1));
        AuditRepair repair = new AuditRepair(jdbc, trail, Clock.fixed(NOW, ZoneOffset.UTC), CLUSTER, null);

        assertThat(repair.repairStepsUpTo(NOW.minus(CLUSTER.auditRepairGrace()))).isEqualTo(1);
        assertThat(entries("killed", "SENT")).isEqualTo(1);
        assertThat(entries("in-flight", "ACCEPTED")).isZero();
        assertThat(repair.repairStepsUpTo(NOW.minus(CLUSTER.auditRepairGrace()))).as("nothing twice").isZero();

        // The sibling's entry is committed meanwhile: once past the grace, nothing is left to repair.
        audited("in-flight", "ACCEPTED", NOW.minusSeconds(9));
        assertThat(repair.repairStepsUpTo(NOW.plusSeconds(600))).isZero();
        assertThat(entries("in-flight", "ACCEPTED")).isEqualTo(1);
    }

    @Test
    void aSingleNodeRepairsEveryStepAtStartUp() {
        message("m");
        step("m", "ACCEPTED", NOW.minusSeconds(20), true);
        step("m", "RETRIED", NOW.minusSeconds(10), true);
        step("m", "RETRIED", NOW.minusSeconds(5), false);
        AuditRepair repair = new AuditRepair(jdbc, trail, Clock.fixed(NOW, ZoneOffset.UTC),
                new ClusterProperties(false, "single", null, null, null, null, null, null, null, Duration.ofMinutes(1),
                        Duration.ofMinutes(2), Duration.ofMinutes(10)), null);

        repair.appendStepsTheLogMissed();

        assertThat(entries("m", "RETRIED")).isEqualTo(2);
        assertThat(entries("m", "ACCEPTED")).isEqualTo(1);
    }

    private void message(String id) {
        jdbc.sql("""
                INSERT INTO message (message_id, direction, message_type, sender, recipient, status, created_at, updated_at)
                VALUES (?, 'OUTBOUND', 'REFERRAL', 'CCAS-29232', 'FT-29', 'ACCEPTED', ?, ?)""")
                .params(id, SqlTimes.time(NOW.minusSeconds(600)), SqlTimes.time(NOW.minusSeconds(600))).update();
    }

    private void step(String id, String step, Instant at, boolean audited) {
        jdbc.sql("INSERT INTO message_step (message_id, direction, step, at) VALUES (?, 'OUTBOUND', ?, ?)")
                .params(id, step, SqlTimes.time(at)).update();
        if (audited) {
            audited(id, step, at);
        }
    }

    private void audited(String id, String step, Instant at) {
        jdbc.sql("INSERT INTO audit_entry (at, step, message_id, actor) VALUES (?, ?, ?, 'node')").params(SqlTimes.time(at), step, id)
                .update();
    }

    private int entries(String id, String step) {
        return jdbc.sql("SELECT COUNT(*) FROM audit_entry WHERE message_id = ? AND step = ?").params(id, step).query(Integer.class)
                .single();
    }
}
