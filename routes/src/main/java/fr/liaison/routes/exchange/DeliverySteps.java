package fr.liaison.routes.exchange;

import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.consent.ConsentRecord;
import fr.liaison.routes.directory.Participant;
import fr.liaison.routes.envelope.EnvelopeSealer;
import fr.liaison.routes.receipt.Receipt;
import fr.liaison.routes.receipt.Receipts;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.time.Instant;

/**
 * The asynchronous part of sending, run from the outbound queue: seal for the recipient, post to
 * its node, verify its signed receipt. A peer that cannot be reached is retried by the route; a
 * peer that refuses is not, since the same envelope would be refused again.
 */
public final class DeliverySteps {

    private final NodeContext node;
    private final EnvelopeSealer sealer;
    private final PeerTransport transport;

    public DeliverySteps(NodeContext node, PeerTransport transport) {
        this.node = node;
        this.sealer = new EnvelopeSealer(node.keys());
        this.transport = transport;
    }

    /** The message as queued, sealed for its recipient with its consent proof. */
    public SealedMessage seal(String messageId) {
        StoredMessage stored = node.messages().find(messageId, Direction.OUTBOUND).orElseThrow(
                () -> new LiaisonException(ErrorCode.API_NOT_FOUND, "queued message " + messageId + " is not stored"));
        Participant recipient = node.directory().get().require(stored.recipient());
        byte[] proof = stored.consentId() == null ? null
                : node.consents().find(stored.consentId()).map(ConsentRecord::proof).orElse(null);
        byte[] envelope = sealer.seal(stored.payload(), recipient.encryptionCertificate(), proof);
        return new SealedMessage(stored, recipient, envelope);
    }

    /** Posts the envelope; SENT is recorded before, so a crash in flight shows where it stopped. */
    public SealedMessage send(SealedMessage sealed) {
        record(sealed.stored(), MessageStatus.SENT, AuditStep.SENT, null);
        PeerTransport.PeerReply reply = transport.post(sealed.recipient().exchangeEndpoint(), sealed.stored().messageId(), sealed.envelope());
        if (reply.status() >= 500) {
            throw new LiaisonException(ErrorCode.EXCHANGE_PEER_UNREACHABLE, "recipient node answered " + reply.status());
        }
        sealed.reply(reply);
        return sealed;
    }

    /** The receipt must be signed by the recipient, for this message and these exact bytes. */
    public void verifyReceipt(SealedMessage sealed) {
        Receipt receipt = Receipts.verify(sealed.reply().body(), node.directory().get(), sealed.recipient().id(),
                sealed.stored().messageId(), sealed.envelope());
        if (receipt.outcome() == Receipt.Outcome.REJECTED) {
            throw new LiaisonException(ErrorCode.EXCHANGE_PEER_REFUSED, "recipient node answered " + receipt.errorCode());
        }
        audit(sealed.stored(), AuditStep.RECEIPT_VERIFIED, null);
        record(sealed.stored(), MessageStatus.DELIVERED, AuditStep.DELIVERED, null);
    }

    /** Delivery ended without success: audited, status FAILED, never retried. */
    public void failed(String messageId, LiaisonException failure, AuditStep step) {
        node.messages().find(messageId, Direction.OUTBOUND)
                .ifPresent(stored -> record(stored, MessageStatus.FAILED, step, failure.code().code()));
    }

    /** Another try is coming: audited so the history shows each attempt. */
    public void retrying(String messageId, LiaisonException cause) {
        node.messages().find(messageId, Direction.OUTBOUND).ifPresent(stored -> audit(stored, AuditStep.RETRIED, cause.code().code()));
    }

    private void record(StoredMessage stored, MessageStatus status, AuditStep step, String code) {
        Instant now = node.clock().instant();
        node.messages().updateStatus(stored.messageId(), Direction.OUTBOUND, status, step.name(), code, now);
        audit(stored, step, code);
    }

    private void audit(StoredMessage stored, AuditStep step, String code) {
        node.audit().append(entry(stored, step, code, node.clock().instant()));
    }

    static AuditEntry entry(StoredMessage stored, AuditStep step, String code, Instant at) {
        return new AuditEntry(at, step, stored.messageId(), stored.correlationId(), stored.messageType(), stored.sender(),
                stored.recipient(), stored.purpose(), stored.dataCategories(), stored.consentId(), null, code, null,
                stored.personHash());
    }

    /** An outbound message sealed for its recipient, and the recipient node's reply once sent. */
    public static final class SealedMessage {
        private final StoredMessage stored;
        private final Participant recipient;
        private final byte[] envelope;
        private PeerTransport.PeerReply reply;

        SealedMessage(StoredMessage stored, Participant recipient, byte[] envelope) {
            this.stored = stored;
            this.recipient = recipient;
            this.envelope = envelope;
        }

        public StoredMessage stored() {
            return stored;
        }

        public Participant recipient() {
            return recipient;
        }

        public byte[] envelope() {
            return envelope;
        }

        public PeerTransport.PeerReply reply() {
            return reply;
        }

        void reply(PeerTransport.PeerReply value) {
            this.reply = value;
        }
    }
}
