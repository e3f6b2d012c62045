package fr.liaison.routes.camel;

import fr.liaison.routes.exchange.ConsentSteps;
import fr.liaison.routes.exchange.InboundMessage;
import fr.liaison.routes.exchange.InboundSteps;
import fr.liaison.routes.exchange.LocalDeliverySteps;
import fr.liaison.schemas.v1.ConsentRevocation;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.builder.RouteBuilder;

/**
 * Receiving: an envelope from another node is opened, verified, validated, checked for replay and
 * consent and kept, all within the sender's request, which is answered with a signed receipt; the
 * message then goes from the inbound queue to the local software.
 */
public final class InboundEnvelopeRoutes extends RouteBuilder {

    private final InboundSteps steps;
    private final ConsentSteps consents;
    private final LocalDeliverySteps local;
    private final int localConsumers;

    /** One message handed to the local software at a time. */
    public InboundEnvelopeRoutes(InboundSteps steps, ConsentSteps consents, LocalDeliverySteps local) {
        this(steps, consents, local, 1);
    }

    /**
     * @param localConsumers messages taken from the inbound queue and handed to the local software at
     *     the same time, unless the queue's URI sets {@code concurrentConsumers} itself
     */
    public InboundEnvelopeRoutes(InboundSteps steps, ConsentSteps consents, LocalDeliverySteps local, int localConsumers) {
        this.steps = steps;
        this.consents = consents;
        this.local = local;
        this.localConsumers = localConsumers;
    }

    @Override
    public void configure() {
        from("direct:inbound-receive").routeId("inbound-receive").routeConfigurationId(ExchangeErrorPolicy.INBOUND)
                .process(e -> e.setProperty(ExchangeHeaders.INBOUND, steps.receive(e.getMessage().getBody(byte[].class),
                        e.getMessage().getHeader(ExchangeHeaders.TRANSPORT_SENDER, String.class),
                        e.getMessage().getHeader(ExchangeHeaders.CLAIMED_MESSAGE_ID, String.class)))).id("inbound-start")
                .process(e -> e.setProperty(ExchangeHeaders.RECEIPT_GIVEN, steps.receiptAlreadyGiven(inbound(e)).orElse(null)))
                .id("inbound-known-envelope")
                .filter(exchangeProperty(ExchangeHeaders.RECEIPT_GIVEN).isNotNull())
                    .setBody(exchangeProperty(ExchangeHeaders.RECEIPT_GIVEN)).id("inbound-same-receipt")
                    .stop()
                .end()
                .process(e -> steps.open(inbound(e))).id("inbound-open")
                .process(e -> steps.validate(inbound(e))).id("inbound-validate")
                .process(e -> steps.checkConvention(inbound(e))).id("inbound-convention")
                .process(e -> steps.checkFreshness(inbound(e))).id("inbound-replay")
                .process(e -> steps.checkConsent(inbound(e))).id("inbound-consent")
                .process(e -> steps.checkMinimised(inbound(e))).id("inbound-minimisation")
                .process(e -> steps.checkLifecycle(inbound(e))).id("inbound-lifecycle")
                .process(e -> steps.accept(inbound(e))).id("inbound-accept")
                .filter(e -> inbound(e).duplicate())
                    .process(e -> e.getMessage().setBody(steps.acceptedReceipt(inbound(e)))).id("inbound-duplicate-receipt")
                    .stop()
                .end()
                .process(this::applyRevocation).id("inbound-revocation")
                // The receipt kept with the message when it was accepted, before it is queued: once
                // queued, the message's row is the local delivery's, locked from the push to its
                // DELIVERED step.
                .process(e -> e.setProperty(ExchangeHeaders.RECEIPT, steps.acceptedReceipt(inbound(e)))).id("inbound-receipt")
                .process(e -> e.getMessage().setBody(inbound(e).messageId()))
                .setHeader(ExchangeHeaders.DUPLICATE_DETECTION_ID, body())
                .to(ExchangePattern.InOnly, "{{liaison.endpoints.inbound-queue}}").id("inbound-enqueue")
                .removeHeader(ExchangeHeaders.DUPLICATE_DETECTION_ID)
                .split(exchangeProperty(ExchangeHeaders.FORWARDS))
                    .to(ExchangePattern.InOnly, "{{liaison.endpoints.forward-queue}}").id("inbound-forward-revocation")
                .end()
                .setBody(exchangeProperty(ExchangeHeaders.RECEIPT)).id("inbound-answer");

        from(QueueConsumers.endpoint(getContext(), "{{liaison.endpoints.inbound-queue}}", localConsumers))
                .routeId("local-deliver").routeConfigurationId(ExchangeErrorPolicy.LOCAL_DELIVERY)
                .process(e -> local.deliver(e.getMessage().getBody(String.class))).id("local-deliver-step");
    }

    private void applyRevocation(Exchange exchange) {
        List<byte[]> forwards = inbound(exchange).message() instanceof ConsentRevocation revocation
                ? consents.revocationReceived(revocation) : List.of();
        exchange.setProperty(ExchangeHeaders.FORWARDS, forwards);
    }

    private static InboundMessage inbound(Exchange exchange) {
        return exchange.getProperty(ExchangeHeaders.INBOUND, InboundMessage.class);
    }
}
