package fr.liaison.routes.camel;

import fr.liaison.routes.exchange.DeliverySteps;
import fr.liaison.routes.exchange.DeliverySteps.SealedMessage;
import fr.liaison.routes.exchange.OutboundMessage;
import fr.liaison.routes.exchange.OutboundSteps;

import org.apache.camel.ExchangePattern;
import org.apache.camel.builder.RouteBuilder;

/**
 * Sending: the local software's message is validated, gated by consent, minimised and accepted
 * synchronously, then queued; from the queue it is sealed, posted to the recipient node and
 * considered delivered once that node's signed receipt verifies.
 */
public final class OutboundMessageRoutes extends RouteBuilder {

    private final OutboundSteps steps;
    private final DeliverySteps delivery;
    private final int deliveryConsumers;

    /** One message delivered at a time. */
    public OutboundMessageRoutes(OutboundSteps steps, DeliverySteps delivery) {
        this(steps, delivery, 1);
    }

    /**
     * @param deliveryConsumers messages taken from the outbound queue and delivered at the same time,
     *     unless the queue's URI sets {@code concurrentConsumers} itself
     */
    public OutboundMessageRoutes(OutboundSteps steps, DeliverySteps delivery, int deliveryConsumers) {
        this.steps = steps;
        this.delivery = delivery;
        this.deliveryConsumers = deliveryConsumers;
    }

    @Override
    public void configure() {
        from("direct:outbound-submit").routeId("outbound-submit").routeConfigurationId(ExchangeErrorPolicy.OUTBOUND_SUBMIT)
                .process(e -> e.setProperty(ExchangeHeaders.OUTBOUND,
                        steps.validate(e.getMessage().getBody(byte[].class), e.getMessage().getHeader(ExchangeHeaders.CLIENT, String.class))))
                .id("outbound-validate")
                .process(e -> steps.checkConvention(outbound(e))).id("outbound-convention")
                .process(e -> steps.checkConsent(outbound(e))).id("outbound-consent")
                .process(e -> steps.checkLifecycle(outbound(e))).id("outbound-lifecycle")
                .process(e -> steps.minimise(outbound(e))).id("outbound-minimise")
                .process(e -> e.getMessage().setBody(steps.accept(outbound(e)))).id("outbound-accept")
                .setHeader(ExchangeHeaders.DUPLICATE_DETECTION_ID, body())
                .to(ExchangePattern.InOnly, "{{liaison.endpoints.outbound-queue}}").id("outbound-enqueue");

        from(QueueConsumers.endpoint(getContext(), "{{liaison.endpoints.outbound-queue}}", deliveryConsumers))
                .routeId("outbound-deliver").routeConfigurationId(ExchangeErrorPolicy.OUTBOUND_DELIVERY)
                .filter(e -> delivery.pending(e.getMessage().getBody(String.class))).id("outbound-pending")
                .process(e -> e.setProperty(ExchangeHeaders.SEALED, delivery.seal(e.getMessage().getBody(String.class)))).id("outbound-seal")
                .process(e -> delivery.send(sealed(e))).id("outbound-send")
                .process(e -> delivery.verifyReceipt(sealed(e))).id("outbound-receipt")
                .end();

        // Revocations passed on by this node go through the same outbound pipeline as any message.
        from("{{liaison.endpoints.forward-queue}}").routeId("outbound-forward")
                .setHeader(ExchangeHeaders.CLIENT, constant("node"))
                .to("direct:outbound-submit").id("outbound-forward-submit");
    }

    private static OutboundMessage outbound(org.apache.camel.Exchange exchange) {
        return exchange.getProperty(ExchangeHeaders.OUTBOUND, OutboundMessage.class);
    }

    private static SealedMessage sealed(org.apache.camel.Exchange exchange) {
        return exchange.getProperty(ExchangeHeaders.SEALED, SealedMessage.class);
    }
}
