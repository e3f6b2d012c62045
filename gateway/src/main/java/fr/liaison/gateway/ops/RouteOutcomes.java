package fr.liaison.gateway.ops;

import fr.liaison.routes.camel.ExchangeHeaders;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.error.LiaisonException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCompletedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeFailedEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * One line and two meters per message and exchange route: when a route (outbound-submit,
 * outbound-deliver, inbound-receive, local-deliver, ...) finishes with a message, an INFO line
 * names the route, the outcome and the error code, with the message id in the MDC; the counter
 * {@code liaison.route.exchanges} (tags route, outcome = completed|refused|retried|failed, code: retried for a
 * try that did not reach the recipient when another is scheduled) and the
 * timer {@code liaison.route.duration} (tag route: outbound-deliver is sealing + sending + receipt,
 * inbound-receive is opening + checks + receipt) follow. Never the body nor an exception message.
 */
@Component
class RouteOutcomes extends EventNotifierSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RouteOutcomes.class);

    private final MeterRegistry registry;

    RouteOutcomes(MeterRegistry registry) {
        this.registry = registry;
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof ExchangeCompletedEvent || event instanceof ExchangeFailedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
        String route = exchange.getFromRouteId();
        if (route == null) {
            return;
        }
        // A refusal the route handled (a rejected envelope, a failed delivery) leaves no exception on
        // the exchange but the one it caught: it is a refusal all the same.
        Throwable failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        LiaisonException refusal = refusal(failure);
        // A try that did not reach the recipient, another one scheduled: not a refusal of the message.
        boolean retried = refusal != null && exchange.getMessage().getHeader(ExchangeHeaders.SCHEDULED_DELIVERY) != null;
        String outcome = failure == null ? "completed" : retried ? "retried" : refusal != null ? "refused" : "failed";
        String code = refusal != null ? refusal.code().code() : "";
        long millis = System.currentTimeMillis() - exchange.getClock().getCreated();
        Counter.builder("liaison.route.exchanges").description("Exchanges finished by each route, by outcome")
                .tag("route", route).tag("outcome", outcome).tag("code", code).register(registry).increment();
        Timer.builder("liaison.route.duration").description("Time an exchange spent in the route")
                .tag("route", route).register(registry).record(millis, TimeUnit.MILLISECONDS);
        String messageId = MessageIdMdc.messageId(exchange);
        String previous = MDC.get(MessageIdMdc.KEY);
        if (messageId != null) {
            MDC.put(MessageIdMdc.KEY, messageId);
        }
        try {
            if (failure == null) {
                LOG.info("route {} completed in {} ms", route, millis);
            } else if (retried) {
                LOG.info("route {} did not reach the recipient ({}): another try is scheduled", route, code);
            } else if (refusal != null) {
                LOG.info("route {} refused the message: {}{}", route, code, where(refusal));
            } else {
                LOG.warn("route {} failed: {}", route, failure.getClass().getName());
            }
        } finally {
            if (previous == null) {
                MDC.remove(MessageIdMdc.KEY);
            } else {
                MDC.put(MessageIdMdc.KEY, previous);
            }
        }
    }

    /** An element path, as a violation's location gives it: names and indexes only. */
    private static final java.util.regex.Pattern PATH = java.util.regex.Pattern.compile("^(\\d+:\\d+ )?((/([A-Za-z][A-Za-z0-9_]{0,63}|\\d{1,5})(\\[\\d{1,5}\\])?)+)(: |$)");
    /** The XSD rule a violation breaks ({@code cvc-maxLength-valid}), its message's first word. */
    private static final java.util.regex.Pattern RULE = java.util.regex.Pattern.compile("^(cvc-[A-Za-z0-9.-]{1,40}?):");

    /**
     * Where the message breaks which rule, for the operators of the sender: only element paths and
     * XSD rule names read from the refusal's details, never their text, which may quote the input.
     */
    static String where(LiaisonException refusal) {
        StringBuilder where = new StringBuilder();
        for (String detail : refusal.details().subList(0, Math.min(5, refusal.details().size()))) {
            java.util.regex.Matcher path = PATH.matcher(detail);
            if (!path.find()) {
                continue;
            }
            where.append(where.isEmpty() ? " at " : ", ").append(declaredOnly(path.group(2)));
            java.util.regex.Matcher rule = RULE.matcher(detail.substring(path.end()));
            if (rule.find()) {
                where.append(" (").append(rule.group(1)).append(')');
            }
        }
        return where.toString();
    }

    /**
     * The path with every name the schema does not declare replaced by {@code *}: the sender chose
     * those names, and one could hold personal data ({@code /Referral/person/Nom_Dupont}).
     */
    static String declaredOnly(String path) {
        StringBuilder kept = new StringBuilder();
        for (String segment : path.substring(1).split("/")) {
            int index = segment.indexOf('[');
            String name = index < 0 ? segment : segment.substring(0, index);
            boolean keep = name.chars().allMatch(Character::isDigit) || MessageCodec.declaresElement(name);
            kept.append('/').append(keep ? segment : "*" + (index < 0 ? "" : segment.substring(index)));
        }
        return kept.toString();
    }

    private static LiaisonException refusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof LiaisonException e) {
                return e;
            }
            if (!(t instanceof CamelExecutionException) && t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
