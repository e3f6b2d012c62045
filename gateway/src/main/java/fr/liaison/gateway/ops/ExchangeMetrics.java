package fr.liaison.gateway.ops;

import fr.liaison.routes.exchange.Direction;
import fr.liaison.routes.exchange.MessageStatus;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Exchange metrics for Prometheus: {@code liaison.messages} (messages on this node per direction
 * and status, from the message table, cached for {@code liaison.ops.message-counts-max-age}) and
 * {@code liaison.queue.depth} (messages waiting in each queue of the embedded broker, the dead
 * letters included; absent on an external broker, which has its own metrics).
 */
@Component
class ExchangeMetrics implements MeterBinder {

    static final List<String> QUEUES = List.of("liaison.outbound", "liaison.inbound", "liaison.forward", "liaison.dead-letter");

    private final JdbcClient jdbc;
    private final ObjectProvider<EmbeddedActiveMQ> broker;
    private final Duration maxAge;
    private final Clock clock;
    private Map<String, Long> counts = Map.of();
    private Instant countedAt = Instant.MIN;

    ExchangeMetrics(JdbcClient jdbc, ObjectProvider<EmbeddedActiveMQ> broker, OpsProperties ops, Clock clock) {
        this.jdbc = jdbc;
        this.broker = broker;
        this.maxAge = ops.messageCountsMaxAge();
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (Direction direction : Direction.values()) {
            for (MessageStatus status : MessageStatus.values()) {
                String key = direction.name() + "/" + status.name();
                Gauge.builder("liaison.messages", () -> count(key)).description("Messages on this node by direction and status")
                        .tag("direction", direction.name()).tag("status", status.name()).register(registry);
            }
        }
        for (String queue : QUEUES) {
            Gauge.builder("liaison.queue.depth", () -> depth(queue)).description("Messages waiting in the broker queue")
                    .tag("queue", queue).register(registry);
        }
    }

    private synchronized long count(String key) {
        Instant now = clock.instant();
        if (countedAt.plus(maxAge).isBefore(now)) {
            Map<String, Long> fresh = new HashMap<>();
            jdbc.sql("SELECT direction, status, COUNT(*) FROM message GROUP BY direction, status")
                    .query(rs -> {
                        fresh.put(rs.getString(1) + "/" + rs.getString(2), rs.getLong(3));
                    });
            counts = fresh;
            countedAt = now;
        }
        return counts.getOrDefault(key, 0L);
    }

    private double depth(String queue) {
        EmbeddedActiveMQ embedded = broker.getIfAvailable();
        if (embedded == null || embedded.getActiveMQServer() == null) {
            return Double.NaN;
        }
        Queue found = embedded.getActiveMQServer().locateQueue(SimpleString.of(queue));
        return found == null ? Double.NaN : found.getMessageCount();
    }
}
