package fr.liaison.gateway.store;

import fr.liaison.gateway.config.LiaisonProperties;

import java.time.Clock;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Forgets the content of messages whose life on this node is over (delivered, failed, refused,
 * withdrawn) once the retention period has passed. Their status, history and audit entries stay:
 * the audit log never held a payload.
 */
@Component
class PayloadRetention {

    private static final Logger LOG = LoggerFactory.getLogger(PayloadRetention.class);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration retention;

    PayloadRetention(JdbcClient jdbc, Clock clock, LiaisonProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.retention = properties.audit().payloadRetention();
    }

    @Scheduled(initialDelayString = "PT1M", fixedDelayString = "PT1H")
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
