package fr.liaison.gateway.delivery;

import fr.liaison.gateway.cluster.OncePerPeriod;
import fr.liaison.gateway.config.ClusterProperties;
import fr.liaison.gateway.config.EndpointProperties;
import fr.liaison.gateway.store.SqlTimes;
import fr.liaison.routes.camel.ExchangeHeaders;
import fr.liaison.routes.exchange.Direction;
import fr.liaison.routes.exchange.MessageStatus;
import fr.liaison.routes.exchange.MessageStore;

import java.time.Clock;
import java.util.List;
import java.util.Set;

import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Closes the one gap between the database and the broker: a message is stored, then put on its
 * queue, and a node killed between the two (or, on an external broker, a send lost in a failover
 * from the primary to the backup) would hold a message no queue carries. Such a message is put on
 * its queue again under its own id as the broker's duplicate-detection id, so the broker drops the
 * copy when the first put went through (the broker's id cache is shared by every client, so this
 * holds across the instances of a cluster). A copy that still gets through is harmless: delivery
 * skips a message whose status has moved on.
 *
 * <p>A single node does it at start-up for every message still waiting to leave (ACCEPTED) or to
 * reach the local software (RECEIVED). In a cluster, a sibling may have stored a message a moment
 * ago and be about to queue it, and the instance that dropped one may never restart: one instance
 * at a time, every {@code liaison.cluster.sweep-interval}, puts back those whose last step
 * (ACCEPTED, RESUBMITTED or RECEIVED) is older than {@code liaison.cluster.requeue-after}.
 */
@Component
class QueueRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(QueueRecovery.class);
    static final String JOB = "queue-sweep";

    private final MessageStore messages;
    private final ProducerTemplate producer;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final ClusterProperties cluster;
    private final OncePerPeriod once;
    private final String outboundQueue;
    private final String inboundQueue;

    QueueRecovery(MessageStore messages, ProducerTemplate producer, JdbcClient jdbc, Clock clock, ClusterProperties cluster,
            OncePerPeriod once, EndpointProperties endpoints) {
        this.messages = messages;
        this.producer = producer;
        this.jdbc = jdbc;
        this.clock = clock;
        this.cluster = cluster;
        this.once = once;
        this.outboundQueue = endpoints.outboundQueue();
        this.inboundQueue = endpoints.inboundQueue();
    }

    @EventListener(ApplicationReadyEvent.class)
    void requeueWhatWaits() {
        if (cluster.enabled()) {
            return;
        }
        int outbound = requeue(messages.idsWithStatus(Direction.OUTBOUND, Set.of(MessageStatus.ACCEPTED)), outboundQueue);
        int inbound = requeue(messages.idsWithStatus(Direction.INBOUND, Set.of(MessageStatus.RECEIVED)), inboundQueue);
        if (outbound + inbound > 0) {
            LOG.info("start-up: {} outbound and {} inbound messages waiting; put on their queues again unless already there",
                    outbound, inbound);
        }
    }

    @Scheduled(initialDelayString = "${liaison.cluster.sweep-interval:PT1M}", fixedDelayString = "${liaison.cluster.sweep-interval:PT1M}")
    void sweep() {
        if (cluster.enabled()) {
            once.run(JOB, cluster.sweepInterval(), this::requeueStranded);
        }
    }

    /** Puts back the messages whose last step is older than the bound; returns how many. */
    int requeueStranded() {
        int outbound = requeue(stranded(Direction.OUTBOUND, MessageStatus.ACCEPTED, List.of("ACCEPTED", "RESUBMITTED")), outboundQueue);
        int inbound = requeue(stranded(Direction.INBOUND, MessageStatus.RECEIVED, List.of("RECEIVED")), inboundQueue);
        if (outbound + inbound > 0) {
            LOG.info("queue sweep: {} outbound and {} inbound messages waiting for longer than {}; put on their queues again "
                    + "unless already there", outbound, inbound, cluster.requeueAfter());
        }
        return outbound + inbound;
    }

    private List<String> stranded(Direction direction, MessageStatus status, List<String> lastSteps) {
        return jdbc.sql("""
                SELECT m.message_id FROM message m JOIN message_step s ON s.message_id = m.message_id AND s.direction = m.direction
                WHERE m.direction = ? AND m.status = ? AND m.updated_at < ?
                  AND s.id = (SELECT MAX(t.id) FROM message_step t WHERE t.message_id = m.message_id AND t.direction = m.direction)
                  AND s.step IN (?, ?) AND s.at < ?
                ORDER BY m.created_at, m.message_id""")
                .params(direction.name(), status.name(), SqlTimes.time(clock.instant().minus(cluster.requeueAfter())),
                        lastSteps.get(0), lastSteps.get(lastSteps.size() - 1), SqlTimes.time(clock.instant().minus(cluster.requeueAfter())))
                .query(String.class).list();
    }

    private int requeue(List<String> ids, String queue) {
        for (String id : ids) {
            producer.sendBodyAndHeader(queue, id, ExchangeHeaders.DUPLICATE_DETECTION_ID, id);
        }
        return ids.size();
    }
}
