package fr.liaison.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import fr.liaison.gateway.TestDatabases;
import fr.liaison.gateway.config.LiaisonProperties;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Payload retention on the node's real schema (H2, Flyway): the content of a message whose life
 * is over is forgotten once the retention has passed since its last change; a recent one, or one
 * still on its way, keeps it. Its status and history stay. The purge is not audited: it is no
 * step of an exchange, and the audit log never held a payload.
 */
class PayloadRetentionTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final byte[] PAYLOAD = "<referral/>".getBytes(StandardCharsets.UTF_8);

    private JdbcClient jdbc;

    @BeforeEach
    void database() {
        JdbcDataSource db = TestDatabases.migratedH2("retention");
        jdbc = JdbcClient.create(db);
    }

    @Test
    void theDefaultRetentionIsNinetyDaysAndThePurgeRunsHourly() throws Exception {
        LiaisonProperties.Audit defaults = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("liaison.audit", LiaisonProperties.Audit.class);
        assertThat(defaults.payloadRetention()).isEqualTo(Duration.ofDays(90));
        LiaisonProperties.Audit configured = new Binder(new MapConfigurationPropertySource(Map.of("liaison.audit.payload-retention", "P30D")))
                .bindOrCreate("liaison.audit", LiaisonProperties.Audit.class);
        assertThat(configured.payloadRetention()).isEqualTo(Duration.ofDays(30));

        Scheduled schedule = PayloadRetention.class.getDeclaredMethod("scheduledPurge").getAnnotation(Scheduled.class);
        assertThat(schedule.fixedDelayString()).isEqualTo("${liaison.audit.purge-interval:PT1H}");
    }

    @Test
    void oldPayloadsOfFinishedMessagesArePurgedRecentOnesAndMessagesOnTheirWayKeepTheirs() {
        Duration retention = Duration.ofDays(90);
        message("delivered-old", "DELIVERED", NOW.minus(retention).minusSeconds(1));
        message("failed-old", "FAILED", NOW.minus(Duration.ofDays(200)));
        message("refused-old", "REFUSED", NOW.minus(Duration.ofDays(91)));
        message("withdrawn-old", "WITHDRAWN", NOW.minus(Duration.ofDays(91)));
        message("delivered-recent", "DELIVERED", NOW.minus(retention).plusSeconds(1));
        message("sent-old", "SENT", NOW.minus(Duration.ofDays(200))); // still waiting for its receipt
        message("accepted-old", "ACCEPTED", NOW.minus(Duration.ofDays(200)));
        long steps = count("SELECT COUNT(*) FROM message_step");

        int purged = retention(retention).purge();

        assertThat(purged).isEqualTo(4);
        for (String gone : new String[] {"delivered-old", "failed-old", "refused-old", "withdrawn-old"}) {
            Map<String, Object> row = row(gone);
            assertThat(row.get("PAYLOAD")).as(gone).isNull();
            assertThat(row.get("ENVELOPE")).as(gone).isNull();
            assertThat(row.get("SEALED_AT")).as(gone).isNull();
            assertThat(row.get("STATUS")).as("the status stays").isEqualTo(gone.substring(0, gone.indexOf('-')).toUpperCase());
        }
        for (String kept : new String[] {"delivered-recent", "sent-old", "accepted-old"}) {
            Map<String, Object> row = row(kept);
            assertThat((byte[]) row.get("PAYLOAD")).as(kept).isEqualTo(PAYLOAD);
            assertThat(row.get("ENVELOPE")).as(kept).isNotNull();
        }
        assertThat(count("SELECT COUNT(*) FROM message_step")).as("the history stays").isEqualTo(steps);

        // The next run finds nothing more to purge.
        assertThat(retention(retention).purge()).isZero();
    }

    @Test
    void theRetentionIsTheConfiguredOne() {
        message("delivered-40-days", "DELIVERED", NOW.minus(Duration.ofDays(40)));
        message("delivered-20-days", "DELIVERED", NOW.minus(Duration.ofDays(20)));

        assertThat(retention(Duration.ofDays(90)).purge()).isZero();
        assertThat(retention(Duration.ofDays(30)).purge()).isEqualTo(1);
        assertThat(row("delivered-40-days").get("PAYLOAD")).isNull();
        assertThat(row("delivered-20-days").get("PAYLOAD")).isNotNull();
    }

    private PayloadRetention retention(Duration retention) {
        LiaisonProperties properties = new LiaisonProperties(null, null, null, null, null, null, null, null, null, null, 16 << 20, null, null,
                new LiaisonProperties.Audit(1000, Duration.ofMinutes(1), 64, retention));
        // Purged directly: taking the once-per-period lock is the scheduled run's part.
        return new PayloadRetention(jdbc, Clock.fixed(NOW, ZoneOffset.UTC), properties, null, Duration.ofHours(1));
    }

    private void message(String id, String status, Instant updatedAt) {
        jdbc.sql("""
                INSERT INTO message (message_id, direction, message_type, sender, recipient, status, created_at, updated_at, payload,
                    envelope, sealed_at)
                VALUES (?, 'OUTBOUND', 'REFERRAL', 'FT-29', 'CD-29', ?, ?, ?, ?, ?, ?)""")
                .params(id, status, SqlTimes.time(updatedAt.minusSeconds(60)), SqlTimes.time(updatedAt), PAYLOAD,
                        "envelope".getBytes(StandardCharsets.UTF_8), SqlTimes.time(updatedAt.minusSeconds(30)))
                .update();
        jdbc.sql("INSERT INTO message_step (message_id, direction, step, at) VALUES (?, 'OUTBOUND', ?, ?)")
                .params(id, status, SqlTimes.time(updatedAt)).update();
    }

    private Map<String, Object> row(String id) {
        return jdbc.sql("SELECT * FROM message WHERE message_id = ?").param(id).query().singleRow();
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }
}
