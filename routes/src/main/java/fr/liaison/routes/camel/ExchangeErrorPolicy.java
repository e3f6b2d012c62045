package fr.liaison.routes.camel;

import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.exchange.DeliverySteps;
import fr.liaison.routes.exchange.InboundMessage;
import fr.liaison.routes.exchange.InboundSteps;
import fr.liaison.routes.exchange.MessageInUseException;
import fr.liaison.routes.exchange.OutboundMessage;
import fr.liaison.routes.exchange.OutboundSteps;
import fr.liaison.routes.exchange.RetryPolicy;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.RouteConfigurationDefinition;

/**
 * The one error policy of the exchange routes, one configuration per flow. Every handled error
 * is audited; only an unreachable peer or local software is retried (a peer presenting a TLS
 * certificate the directory does not list for it counts as unreachable), because any other
 * refusal would be refused again.
 */
public final class ExchangeErrorPolicy extends RouteConfigurationBuilder {

    public static final String OUTBOUND_SUBMIT = "outbound-submit-errors";
    public static final String OUTBOUND_DELIVERY = "outbound-delivery-errors";
    public static final String INBOUND = "inbound-errors";
    public static final String LOCAL_DELIVERY = "local-delivery-errors";

    private final OutboundSteps outbound;
    private final DeliverySteps delivery;
    private final InboundSteps inbound;
    private final RetryPolicy.Schedule localRetry;

    public ExchangeErrorPolicy(OutboundSteps outbound, DeliverySteps delivery, InboundSteps inbound, RetryPolicy retry) {
        this.outbound = outbound;
        this.delivery = delivery;
        this.inbound = inbound;
        this.localRetry = retry.defaults();
    }

    @Override
    public void configuration() {
        // Refused before anything left the node: audited, then the caller gets the exception.
        routeConfiguration(OUTBOUND_SUBMIT)
                .onException(LiaisonException.class).handled(false).logExhausted(false).logStackTrace(false)
                .process(e -> outbound.refused(failure(e), e.getProperty(ExchangeHeaders.OUTBOUND, OutboundMessage.class),
                        e.getMessage().getHeader(ExchangeHeaders.CLIENT, String.class)));

        // Not reached: tried again later through the queue itself (scheduled by the broker, kept in its
        // journal, so a restart loses no try and no consumer waits), until the recipient's schedule ends.
        routeConfiguration(OUTBOUND_DELIVERY)
                .onException(LiaisonException.class).onWhen(e -> retryable(failure(e))).handled(true)
                .logExhausted(false).logStackTrace(false)
                .process(this::scheduleNextTry)
                .choice()
                    .when(header(ExchangeHeaders.SCHEDULED_DELIVERY).isNotNull())
                        .to("{{liaison.endpoints.outbound-queue}}")
                    .otherwise()
                        .process(e -> delivery.deadLettered(e.getMessage().getBody(String.class), failure(e)))
                        .to("{{liaison.endpoints.dead-letter-queue}}")
                .end()
                .end()
                .onException(LiaisonException.class).handled(true).logExhausted(false).logStackTrace(false)
                .process(e -> delivery.failed(e.getMessage().getBody(String.class), failure(e), AuditStep.FAILED));

        // Rejected from another node: audited, and the sender gets a signed rejection receipt.
        routeConfiguration(INBOUND)
                .onException(LiaisonException.class).handled(true).logExhausted(false).logStackTrace(false)
                .process(e -> {
                    e.getMessage().setBody(inbound.rejected(e.getProperty(ExchangeHeaders.INBOUND, InboundMessage.class), failure(e)));
                    e.getMessage().setHeader(ExchangeHeaders.REJECTED, true);
                });

        // The local software's webhook did not take it: kept in the queue and tried again, without end.
        // Another instance holds the message (a queue entry handed out twice around a broker failover):
        // left to the broker, which hands the entry out again after its redelivery delay.
        RouteConfigurationDefinition localDelivery = routeConfiguration(LOCAL_DELIVERY);
        localDelivery.onException(MessageInUseException.class).handled(false).maximumRedeliveries(0)
                .logExhausted(false).logStackTrace(false);
        localDelivery.onException(LiaisonException.class).handled(false).logStackTrace(false).logRetryAttempted(true)
                .maximumRedeliveries(-1)
                .redeliveryDelay(localRetry.initialDelay().toMillis()).useExponentialBackOff().backOffMultiplier(2.0)
                .maximumRedeliveryDelay(localRetry.maximumDelay().toMillis()).useCollisionAvoidance();
    }

    private void scheduleNextTry(Exchange exchange) {
        int triesMade = exchange.getMessage().getHeader(ExchangeHeaders.TRIES_MADE, 1, Integer.class);
        exchange.getMessage().removeHeader(ExchangeHeaders.SCHEDULED_DELIVERY);
        // A later try is a new queue entry: the first entry's duplicate id would have it dropped.
        exchange.getMessage().removeHeader(ExchangeHeaders.DUPLICATE_DETECTION_ID);
        delivery.nextTry(exchange.getMessage().getBody(String.class), triesMade, failure(exchange)).ifPresent(delay -> {
            exchange.getMessage().setHeader(ExchangeHeaders.TRIES_MADE, triesMade + 1);
            exchange.getMessage().setHeader(ExchangeHeaders.SCHEDULED_DELIVERY, System.currentTimeMillis() + delay.toMillis());
        });
    }

    private static LiaisonException failure(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return cause instanceof LiaisonException refusal ? refusal
                : new LiaisonException(ErrorCode.API_INTERNAL, String.valueOf(cause), cause);
    }

    private static boolean retryable(LiaisonException failure) {
        // A server certificate the directory does not list for the recipient: nothing was sent, and the
        // directory in force may still lag behind a rollover; tried again like an unreachable peer.
        return failure.code() == ErrorCode.EXCHANGE_PEER_UNREACHABLE || failure.code() == ErrorCode.EXCHANGE_PEER_SERVER_CERTIFICATE;
    }
}
