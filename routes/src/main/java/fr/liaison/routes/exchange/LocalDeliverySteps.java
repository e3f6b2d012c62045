package fr.liaison.routes.exchange;

import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.consent.ConsentRecord;

import java.time.Instant;
import java.util.Optional;

/**
 * Hands received messages to the institution's software: pushed to its webhook when one is
 * configured (retried by the route until it answers 2xx), otherwise left in the inbox until the
 * software acknowledges them. A message whose consent was revoked meanwhile is withdrawn instead.
 */
public final class LocalDeliverySteps {

    private final NodeContext node;
    private final LocalSoftware software;

    public LocalDeliverySteps(NodeContext node, LocalSoftware software) {
        this.node = node;
        this.software = software;
    }

    public void deliver(String messageId) {
        Optional<StoredMessage> found = node.messages().find(messageId, Direction.INBOUND);
        if (found.isEmpty() || found.get().status() != MessageStatus.RECEIVED) {
            return; // withdrawn, or delivered before a redelivery of the same queue entry
        }
        StoredMessage stored = found.get();
        // A revocation is delivered even though its own consent is revoked: it is how the software learns of it.
        if (stored.consentId() != null && !ConsentSteps.isRevocation(stored)
                && node.consents().find(stored.consentId()).map(ConsentRecord::revokedAt).isPresent()) {
            node.messages().updateStatus(messageId, Direction.INBOUND, MessageStatus.WITHDRAWN, "WITHDRAWN", "GW-CONSENT-003",
                    node.clock().instant());
            return;
        }
        if (software.pushes()) {
            software.push(stored.messageId(), stored.messageType(), stored.payload());
            delivered(stored, "webhook");
        }
    }

    /** The software pulled the message from the inbox and acknowledges it. */
    public boolean acknowledge(String messageId, String client) {
        Instant now = node.clock().instant();
        Optional<StoredMessage> stored = node.messages().find(messageId, Direction.INBOUND)
                .filter(m -> m.status() == MessageStatus.RECEIVED);
        if (stored.isEmpty() || !node.messages().acknowledge(messageId, now)) {
            return false;
        }
        delivered(stored.get(), client);
        return true;
    }

    private void delivered(StoredMessage stored, String actor) {
        Instant now = node.clock().instant();
        node.messages().updateStatus(stored.messageId(), Direction.INBOUND, MessageStatus.DELIVERED, AuditStep.DELIVERED.name(), null, now);
        node.audit().append(DeliverySteps.entry(stored, AuditStep.DELIVERED, null, now).withActor(actor));
    }
}
