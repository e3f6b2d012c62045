package fr.liaison.gateway.store;

import fr.liaison.gateway.cluster.OncePerPeriod;
import fr.liaison.gateway.config.LiaisonProperties;

import java.time.Clock;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Forgets the content of messages whose life on this node is over (delivered, failed, refused,
 * withdrawn) once the retention period has passed. Their status, history and audit entries stay:
 * the audit log never held a payload. Every {@code liaison.audit.purge-interval}, once across the
 * instances sharing the database.
 */
@Component
class PayloadRetention {

    static final String JOB = "payload-retention";

    private static final Logger LOG = LoggerFactory.getLogger(PayloadRetention.class);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration retention;
    private final OncePerPeriod once;
    private final Duration interval;

    PayloadRetention(JdbcClient jdbc, Clock clock, LiaisonProperties properties, OncePerPeriod once,
            @Value("${liaison.audit.purge-interval:PT1H}") Duration interval) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.retention = properties.audit().payloadRetention();
        this.once = once;
        this.interval = interval;
    }

    @Scheduled(initialDelayString = "PT1M", fixedDelayString = "${liaison.audit.purge-interval:PT1H}")
    void scheduledPurge() {
        once.run(JOB, interval, this::purge);
    }

    int purge() {
        int purged = jdbc.sql("""
                UPDATE message SET payload = NULL, envelope = NULL, sealed_at = NULL
                WHERE payload IS NOT NULL AND updated_at < ? AND status IN ('DELIVERED', 'FAILED', 'REFUSED', 'WITHDRAWN')""")
                .param(SqlTimes.time(clock.instant().minus(retention))).update();
        if (purged > 0) {
            LOG.info("purged the payload of {} messages older than {}", purged, retention);
        }
        return purged;
    }
}
