package fr.liaison.gateway.ops;

import fr.liaison.routes.camel.ExchangeHeaders;
import fr.liaison.routes.exchange.InboundMessage;
import fr.liaison.routes.exchange.OutboundMessage;

import java.util.regex.Pattern;

import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * Puts the message id in the logging MDC (key {@value #KEY}) around every step of the exchange
 * routes, so each log line written while a message is processed names it, in the JSON logs as a
 * field. The id comes from what the route carries: the validated outbound or inbound message, the
 * id a peer announced with its envelope, or the body of the queue routes (the id itself).
 * Camel picks up InterceptStrategy beans from the registry.
 */
@Component
class MessageIdMdc implements InterceptStrategy {

    static final String KEY = "messageId";
    private static final String PROPERTY = "liaison.mdc.messageId";
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target, Processor nextTarget) {
        return new DelegateAsyncProcessor(target) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                String messageId = messageId(exchange);
                if (messageId == null) {
                    return super.process(exchange, callback);
                }
                String previous = MDC.get(KEY);
                MDC.put(KEY, messageId);
                try {
                    return super.process(exchange, done -> {
                        // Maybe on another thread, when the step completed asynchronously: that thread's own value is put back after.
                        String before = MDC.get(KEY);
                        String after = messageId(exchange); // a validation step may have just revealed it
                        if (after != null) {
                            MDC.put(KEY, after);
                        }
                        try {
                            callback.done(done);
                        } finally {
                            restore(before);
                        }
                    });
                } finally {
                    restore(previous);
                }
            }
        };
    }

    static String messageId(Exchange exchange) {
        String known = exchange.getProperty(PROPERTY, String.class);
        if (known != null) {
            return known;
        }
        String found = null;
        for (Object value : exchange.getProperties().values()) {
            if (value instanceof OutboundMessage outbound) {
                found = outbound.messageId();
            } else if (value instanceof InboundMessage inbound && inbound.messageId() != null) {
                found = inbound.messageId();
            }
        }
        if (found == null) {
            found = exchange.getMessage().getHeader(ExchangeHeaders.CLAIMED_MESSAGE_ID, String.class);
        }
        if (found == null && exchange.getMessage().getBody() instanceof String body && UUID.matcher(body).matches()) {
            found = body; // outbound-deliver and local-deliver carry the id itself
        }
        if (found != null && UUID.matcher(found).matches()) {
            exchange.setProperty(PROPERTY, found);
            return found;
        }
        return null;
    }

    private static void restore(String previous) {
        if (previous == null) {
            MDC.remove(KEY);
        } else {
            MDC.put(KEY, previous);
        }
    }
}
