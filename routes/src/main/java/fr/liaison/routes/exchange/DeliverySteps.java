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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asynchronous part of sending, run from the outbound queue: seal for the recipient, post to
 * its node, verify its signed receipt. A peer that cannot be reached is retried by the route; a
 * peer that refuses is not, since the same envelope would be refused again.
 */
public final class DeliverySteps {

    private static final Logger LOG = LoggerFactory.getLogger(DeliverySteps.class);

    private final NodeContext node;
    private final EnvelopeSealer sealer;
    private final PeerTransport transport;
    private final RetryPolicy retry;
    private final LocalSoftware software;
    private final RandomGenerator jitter = new SplittableRandom();

    public DeliverySteps(NodeContext node, PeerTransport transport, RetryPolicy retry, LocalSoftware software) {
        this.node = node;
        this.sealer = new EnvelopeSealer(node.keys(), node.clock());
        this.transport = transport;
        this.retry = retry;
        this.software = software;
    }

    /**
     * Whether a queued message still waits for delivery. A queue entry can come twice (put back
     * after a restart, or taken again after a crash in flight); a message already delivered, or
     * refused by its recipient, is not sent again.
     */
    public boolean pending(String messageId) {
        return node.messages().find(messageId, Direction.OUTBOUND)
                .map(stored -> stored.status() == MessageStatus.ACCEPTED || stored.status() == MessageStatus.SENT)
                .orElse(false);
    }

    /**
     * The message as queued, sealed for its recipient with its consent proof. The envelope is kept
     * (with SENT, before it leaves) and sent again as is by later tries, so that a recipient that got
     * it but whose receipt was lost recognises it and answers with the same receipt; an envelope older
     * than half the replay window is sealed afresh, so that it is not refused as stale.
     */
    public SealedMessage seal(String messageId) {
        StoredMessage stored = node.messages().find(messageId, Direction.OUTBOUND).orElseThrow(
                () -> new LiaisonException(ErrorCode.API_NOT_FOUND, "queued message " + messageId + " is not stored"));
        Participant recipient = node.directory().get().require(stored.recipient());
        Instant now = node.clock().instant();
        Optional<ConsentRecord> consent = stored.consentId() == null ? Optional.empty() : node.consents().find(stored.consentId());
        // Revoked or expired while the message waited (an unreachable peer, a re-submission): not sent.
        // A revocation is sent under the consent it revokes.
        if (consent.isPresent() && !ConsentSteps.isRevocation(stored)) {
            if (consent.get().revokedAt() != null && !consent.get().revokedAt().isAfter(now)) {
                throw new LiaisonException(ErrorCode.CONSENT_REVOKED, "revoked while the message waited to be sent");
            }
            if (!consent.get().expiresAt().isAfter(now)) {
                throw new LiaisonException(ErrorCode.CONSENT_EXPIRED, "expired while the message waited to be sent");
            }
        }
        Instant reusableSince = now.minus(node.replayWindow().dividedBy(2));
        Optional<byte[]> kept = node.messages().keptEnvelope(messageId)
                .filter(envelope -> envelope.sealedAt().isAfter(reusableSince))
                .map(MessageStore.KeptEnvelope::envelope);
        if (kept.isPresent()) {
            return new SealedMessage(stored, recipient, kept.get(), null);
        }
        byte[] proof = consent.map(ConsentRecord::proof).orElse(null);
        return new SealedMessage(stored, recipient, sealer.seal(stored.payload(), recipient.encryptionCertificate(), proof), now);
    }

    /**
     * Posts the envelope; SENT is recorded before, with the envelope when freshly sealed (one
     * transaction), so a crash in flight shows where it stopped and the next try sends the same bytes.
     */
    public SealedMessage send(SealedMessage sealed) {
        StoredMessage stored = sealed.stored();
        Instant now = node.clock().instant();
        if (sealed.sealedAt() != null) {
            node.messages().updateStatusKeepingEnvelope(stored.messageId(), MessageStatus.SENT, AuditStep.SENT.name(), now,
                    sealed.envelope(), sealed.sealedAt());
        } else {
            node.messages().updateStatus(stored.messageId(), Direction.OUTBOUND, MessageStatus.SENT, AuditStep.SENT.name(), null, now);
        }
        audit(stored, AuditStep.SENT, null);
        PeerTransport.PeerReply reply = transport.post(sealed.recipient(), sealed.stored().messageId(), sealed.envelope());
        // 408 and 429 say "not now" as a 5xx does (RFC 9110 15.5.9, RFC 6585 4): tried again, never failed for good.
        if (reply.status() >= 500 || reply.status() == 408 || reply.status() == 429) {
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
            throw new PeerRefusal(receipt.errorCode());
        }
        audit(sealed.stored(), AuditStep.RECEIPT_VERIFIED, null);
        // Delivered: the envelope will not be sent again, forgotten in the same transaction.
        node.messages().updateStatusForgettingEnvelope(sealed.stored().messageId(), MessageStatus.DELIVERED, AuditStep.DELIVERED.name(),
                node.clock().instant());
        audit(sealed.stored(), AuditStep.DELIVERED, null);
    }

    /**
     * Delivery ended without success: audited, status FAILED, never retried; the software that
     * takes pushes is told at once (the status stays readable through the API in any case).
     */
    public void failed(String messageId, LiaisonException failure, AuditStep step) {
        String recipientCode = failure instanceof PeerRefusal refusal ? refusal.recipientCode() : null;
        // The step shows the recipient's own code, when there is one, under the message's GW-EXCHANGE-006.
        failed(messageId, failure, step, recipientCode != null ? recipientCode : failure.code().code());
    }

    /**
     * The recipient's schedule has no try left after {@code lastTry} did not reach it: FAILED with
     * GW-EXCHANGE-008, the DEAD_LETTERED step of its history showing why that last try failed.
     */
    public void deadLettered(String messageId, LiaisonException lastTry) {
        failed(messageId, new LiaisonException(ErrorCode.EXCHANGE_DEAD_LETTER, lastTry.code().code()), AuditStep.DEAD_LETTERED,
                lastTry.code().code());
    }

    private void failed(String messageId, LiaisonException failure, AuditStep step, String stepCode) {
        Optional<StoredMessage> stored = node.messages().find(messageId, Direction.OUTBOUND);
        if (stored.isEmpty()) {
            return;
        }
        Instant now = node.clock().instant();
        node.messages().updateStatus(stored.get().messageId(), Direction.OUTBOUND, MessageStatus.FAILED, step.name(),
                failure.code().code(), stepCode, now);
        audit(stored.get(), step, failure.code().code());
        if (software.pushes()) {
            notifyFailure(stored.get(), failure, step, stepCode);
        }
    }

    private void notifyFailure(StoredMessage stored, LiaisonException failure, AuditStep step, String stepCode) {
        // Ids, participant ids and codes only: nothing to escape, nothing personal.
        String event = "{\"event\":\"MESSAGE_FAILED\",\"messageId\":\"" + stored.messageId() + "\",\"recipient\":\""
                + stored.recipient() + "\",\"status\":\"FAILED\",\"step\":\"" + step.name() + "\",\"errorCode\":\""
                + failure.code().code() + "\""
                + (failure instanceof PeerRefusal refusal && refusal.recipientCode() != null
                        ? ",\"recipientErrorCode\":\"" + refusal.recipientCode() + "\"" : "")
                // A dead letter: why its last try failed.
                + (step == AuditStep.DEAD_LETTERED && !stepCode.equals(failure.code().code())
                        ? ",\"lastTryErrorCode\":\"" + stepCode + "\"" : "") + "}";
        try {
            software.push(stored.messageId(), "MESSAGE_FAILED", event.getBytes(StandardCharsets.UTF_8));
        } catch (LiaisonException unreachable) {
            LOG.warn("{}: the failure of message {} could not be pushed; its status FAILED stays readable through the API",
                    unreachable.code().code(), stored.messageId());
        }
    }

    /**
     * After {@code triesMade} tries that did not reach the recipient: the delay before the next,
     * audited RETRIED and recorded in the message's history with the cause's code, so that its
     * status shows why it waits and the history each attempt, or empty once the recipient's schedule has
     * no try left (the message is then dead-lettered).
     */
    public Optional<Duration> nextTry(String messageId, int triesMade, LiaisonException cause) {
        Optional<StoredMessage> stored = node.messages().find(messageId, Direction.OUTBOUND);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        RetryPolicy.Schedule schedule = retry.forPeer(stored.get().recipient());
        if (!schedule.triesLeftAfter(triesMade)) {
            return Optional.empty();
        }
        audit(stored.get(), AuditStep.RETRIED, cause.code().code());
        // The message's history and status say why it waits, until the next try (which clears the code).
        node.messages().updateStatus(messageId, Direction.OUTBOUND, stored.get().status(), AuditStep.RETRIED.name(), cause.code().code(),
                node.clock().instant());
        return Optional.of(schedule.delayAfter(triesMade, jitter));
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
        private final Instant sealedAt;
        private PeerTransport.PeerReply reply;

        SealedMessage(StoredMessage stored, Participant recipient, byte[] envelope, Instant sealedAt) {
            this.stored = stored;
            this.recipient = recipient;
            this.envelope = envelope;
            this.sealedAt = sealedAt;
        }

        /** When this envelope was sealed for this try, null when it is the one kept from an earlier try. */
        Instant sealedAt() {
            return sealedAt;
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
