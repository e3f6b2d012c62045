package fr.liaison.gateway.store;

import fr.liaison.routes.exchange.StoredMessage;

/**
 * Told of each message the node newly stores, inside the storing transaction (e.g. to record the
 * officer pages' indicator facts). It must not throw for a message it cannot use.
 */
public interface StoredMessageListener {

    void stored(StoredMessage message);
}
