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

    /**
     * Pushes one message, with the message held exclusively (see {@link MessageStore#exclusively}):
     * its DELIVERED step is recorded only once its audit entry is committed, so an instance killed
     * in between leaves either both or, if killed after the entry, a message still RECEIVED whose
     * entry says it was handed over. The queue entry, handed out again, then completes the step
     * without a second push or entry.
     */
    public void deliver(String messageId) {
        node.messages().exclusively(messageId, Direction.INBOUND, found -> {
            if (found.isEmpty() || found.get().status() != MessageStatus.RECEIVED) {
                return null; // withdrawn, or delivered before a redelivery of the same queue entry
            }
            StoredMessage stored = found.get();
            // A revocation is delivered even though its own consent is revoked: it is how the software learns of it.
            if (underRevokedConsent(stored)) {
                node.messages().updateStatus(messageId, Direction.INBOUND, MessageStatus.WITHDRAWN, "WITHDRAWN", "GW-CONSENT-003",
                        node.clock().instant());
                node.messages().forgetInboundContentUnderConsent(stored.consentId());
                return null;
            }
            Optional<Instant> handedOver = node.audit().recordedAt(messageId, AuditStep.DELIVERED);
            if (handedOver.isPresent()) {
                node.messages().updateStatus(messageId, Direction.INBOUND, MessageStatus.DELIVERED, AuditStep.DELIVERED.name(), null,
                        handedOver.get());
                return null;
            }
            if (software.pushes()) {
                software.push(stored.messageId(), stored.messageType(), stored.payload());
                delivered(stored, "webhook");
            }
            return null;
        });
    }

    /**
     * A received message as the software may read it from the inbox: waiting or delivered, its
     * content still kept, and not under a consent revoked since (the revocations themselves aside).
     * The content of those is forgotten when the revocation is applied; this covers a push that was
     * under way then.
     */
    public Optional<StoredMessage> readable(String messageId) {
        return node.messages().find(messageId, Direction.INBOUND)
                .filter(m -> m.status() == MessageStatus.RECEIVED || m.status() == MessageStatus.DELIVERED)
                .filter(m -> m.payload() != null)
                .filter(m -> !underRevokedConsent(m));
    }

    private boolean underRevokedConsent(StoredMessage stored) {
        // A revocation is delivered even though its own consent is revoked: it is how the software learns of it.
        return stored.consentId() != null && !ConsentSteps.isRevocation(stored)
                && node.consents().find(stored.consentId()).map(ConsentRecord::revokedAt).isPresent();
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
