package fr.liaison.gateway.delivery;

import fr.liaison.gateway.config.EndpointProperties;
import fr.liaison.routes.camel.ExchangeHeaders;
import fr.liaison.routes.exchange.Direction;
import fr.liaison.routes.exchange.MessageStatus;
import fr.liaison.routes.exchange.MessageStore;

import java.util.List;
import java.util.Set;

import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Closes the one gap between the database and the broker: a message is stored, then put on its
 * queue, and a node killed between the two would hold a message no queue carries. At start-up
 * every message still waiting to leave (ACCEPTED) or to reach the local software (RECEIVED) is put
 * on its queue again under its own id as the broker's duplicate-detection id, so the broker drops
 * the copy when the first put went through. A copy that still gets through is harmless: delivery
 * skips a message whose status has moved on.
 */
@Component
class QueueRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(QueueRecovery.class);

    private final MessageStore messages;
    private final ProducerTemplate producer;
    private final String outboundQueue;
    private final String inboundQueue;

    QueueRecovery(MessageStore messages, ProducerTemplate producer, EndpointProperties endpoints) {
        this.messages = messages;
        this.producer = producer;
        this.outboundQueue = endpoints.outboundQueue();
        this.inboundQueue = endpoints.inboundQueue();
    }

    @EventListener(ApplicationReadyEvent.class)
    void requeueWhatWaits() {
        int outbound = requeue(messages.idsWithStatus(Direction.OUTBOUND, Set.of(MessageStatus.ACCEPTED)), outboundQueue);
        int inbound = requeue(messages.idsWithStatus(Direction.INBOUND, Set.of(MessageStatus.RECEIVED)), inboundQueue);
        if (outbound + inbound > 0) {
            LOG.info("start-up: {} outbound and {} inbound messages waiting; put on their queues again unless already there",
                    outbound, inbound);
        }
    }

    private int requeue(List<String> ids, String queue) {
        for (String id : ids) {
            producer.sendBodyAndHeader(queue, id, ExchangeHeaders.DUPLICATE_DETECTION_ID, id);
        }
        return ids.size();
    }
}
