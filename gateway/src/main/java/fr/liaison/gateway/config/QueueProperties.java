package fr.liaison.gateway.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How many messages the node works on at the same time from each of its queues, under
 * {@code liaison.queues.*}. Each consumer is a thread with its own session on the broker. A queue
 * endpoint whose URI ({@code liaison.endpoints.*}) sets {@code concurrentConsumers} itself keeps
 * that value.
 *
 * @param outboundConsumers messages delivered to peer nodes at the same time. A delivery holds its
 *     consumer through the seal, the call to the peer node (which covers all of the peer's
 *     receiving: opening, checks, store, audit, persistent enqueue and its signed receipt) and the
 *     verification of that receipt: mostly waiting for the peer and for commits, little computing.
 *     A node therefore sends at most this many messages per duration of one delivery, whatever CPU
 *     is free; raise it when messages wait in {@code liaison.outbound} while the CPU is not busy,
 *     lower it to spare slow peers
 * @param inboundConsumers messages pushed to the local software (webhook) at the same time; a node
 *     killed during its pushes repeats at most this many of them after its restart
 */
@ConfigurationProperties("liaison.queues")
public record QueueProperties(@DefaultValue("8") int outboundConsumers, @DefaultValue("2") int inboundConsumers) {

    public QueueProperties {
        if (outboundConsumers < 1 || inboundConsumers < 1) {
            throw new IllegalArgumentException("liaison.queues.*-consumers: at least 1");
        }
    }
}
