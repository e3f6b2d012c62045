package fr.liaison.gateway.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The Camel endpoint URIs of the node's queues, under {@code liaison.endpoints.*}. The exchange
 * routes read the same properties as placeholders ({@code {{liaison.endpoints.outbound-queue}}}),
 * so their values live in {@code application.properties} (the embedded broker's queues:
 * {@code jms:queue:liaison.outbound} and so on), not here. Change them to use other queue names on
 * an external broker; a URI that sets {@code concurrentConsumers} itself overrides
 * {@code liaison.queues.*} ({@link QueueProperties}).
 *
 * @param outboundQueue messages accepted from the local software, waiting to be sealed and sent to
 *     their recipient node; also where the start-up recovery and an officer's resubmission of a
 *     dead letter put a message again
 * @param inboundQueue messages received from another node, waiting to be handed to the local
 *     software (webhook or inbox)
 * @param forwardQueue consent revocations this node passes on to every participant that received
 *     data under the consent (from the local API, SOAP or a revocation received from a peer)
 * @param deadLetterQueue messages whose recipient node stayed unreachable for their whole retry
 *     schedule; an officer lists and resubmits them
 */
@ConfigurationProperties("liaison.endpoints")
public record EndpointProperties(String outboundQueue, String inboundQueue, String forwardQueue, String deadLetterQueue) {

    public EndpointProperties {
        for (String uri : new String[] {outboundQueue, inboundQueue, forwardQueue, deadLetterQueue}) {
            if (uri == null || uri.isBlank()) {
                throw new IllegalArgumentException("liaison.endpoints.*: every queue endpoint URI is required "
                        + "(outbound-queue, inbound-queue, forward-queue, dead-letter-queue)");
            }
        }
    }
}
