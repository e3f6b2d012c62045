package fr.liaison.gateway.delivery;

import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import fr.liaison.gateway.TestDatabases;
import fr.liaison.gateway.config.ClusterProperties;
import fr.liaison.gateway.config.EndpointProperties;
import fr.liaison.gateway.store.SqlTimes;
import fr.liaison.routes.camel.ExchangeHeaders;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.apache.camel.ProducerTemplate;
import org.assertj.core.api.Assertions;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The cluster's queue sweep puts back, under their own duplicate-detection id, only the messages
 * that have waited at their last step (ACCEPTED, RESUBMITTED, RECEIVED) for longer than the bound:
 * not those a sibling has just stored, nor those waiting for a scheduled retry.
 */
class QueueRecoveryTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    @Test
    void onlyMessagesStrandedLongerThanTheBoundAreQueuedAgain() {
        JdbcDataSource db = TestDatabases.migratedH2("queue");
        JdbcClient jdbc = JdbcClient.create(db);
        message(jdbc, "stranded-out", "OUTBOUND", "ACCEPTED", NOW.minusSeconds(900), "ACCEPTED");
        message(jdbc, "resubmitted", "OUTBOUND", "ACCEPTED", NOW.minusSeconds(900), "FAILED", "RESUBMITTED");
        message(jdbc, "fresh", "OUTBOUND", "ACCEPTED", NOW.minusSeconds(30), "ACCEPTED");
        message(jdbc, "retrying", "OUTBOUND", "ACCEPTED", NOW.minusSeconds(900), "ACCEPTED", "RETRIED");
        message(jdbc, "delivered", "OUTBOUND", "DELIVERED", NOW.minusSeconds(900), "ACCEPTED", "DELIVERED");
        message(jdbc, "stranded-in", "INBOUND", "RECEIVED", NOW.minusSeconds(900), "RECEIVED");
        ProducerTemplate producer = mock(ProducerTemplate.class);
        QueueRecovery recovery = new QueueRecovery(null, producer, jdbc, Clock.fixed(NOW, ZoneOffset.UTC),
                new ClusterProperties(true, "a", null, null, null, null, null, null, null, Duration.ofMinutes(1), Duration.ofMinutes(2),
                        Duration.ofMinutes(10)), null, new EndpointProperties("out", "in", "forward", "dead-letters"));

        Assertions.assertThat(recovery.requeueStranded()).isEqualTo(3);

        verify(producer).sendBodyAndHeader("out", "stranded-out", ExchangeHeaders.DUPLICATE_DETECTION_ID, "stranded-out");
        verify(producer).sendBodyAndHeader("out", "resubmitted", ExchangeHeaders.DUPLICATE_DETECTION_ID, "resubmitted");
        verify(producer).sendBodyAndHeader("in", "stranded-in", ExchangeHeaders.DUPLICATE_DETECTION_ID, "stranded-in");
        for (String id : new String[] {"fresh", "retrying", "delivered"}) {
            verify(producer, never()).sendBodyAndHeader(anyString(), eq(id), anyString(), anyString());
        }
    }

    private static void message(JdbcClient jdbc, String id, String direction, String status, Instant at, String... steps) {
        jdbc.sql("""
                INSERT INTO message (message_id, direction, message_type, sender, recipient, status, created_at, updated_at)
                VALUES (?, ?, 'REFERRAL', 'CCAS-29232', 'FT-29', ?, ?, ?)""")
                .params(id, direction, status, SqlTimes.time(at), SqlTimes.time(at)).update();
        for (String step : steps) {
            jdbc.sql("INSERT INTO message_step (message_id, direction, step, at) VALUES (?, ?, ?, ?)")
                    .params(id, direction, step, SqlTimes.time(at)).update();
        }
    }
}
