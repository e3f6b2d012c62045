package fr.liaison.routes.camel;

import org.apache.camel.CamelContext;

/**
 * The consumer side of a queue endpoint: the configured URI with the number of messages taken at
 * the same time. A URI that sets {@code concurrentConsumers} itself keeps its own value.
 */
final class QueueConsumers {

    static final String OPTION = "concurrentConsumers";

    private QueueConsumers() {
    }

    /** The endpoint of {@code uriWithPlaceholders} with {@code consumers} consumers unless it names its own. */
    static String endpoint(CamelContext context, String uriWithPlaceholders, int consumers) {
        if (consumers < 1) {
            throw new IllegalArgumentException("at least one consumer per queue, not " + consumers);
        }
        return withConsumers(context.resolvePropertyPlaceholders(uriWithPlaceholders), consumers);
    }

    static String withConsumers(String uri, int consumers) {
        int query = uri.indexOf('?');
        if (query >= 0) {
            for (String option : uri.substring(query + 1).split("&")) {
                if (option.startsWith(OPTION + "=")) {
                    return uri;
                }
            }
        }
        return uri + (query >= 0 ? "&" : "?") + OPTION + "=" + consumers;
    }
}
