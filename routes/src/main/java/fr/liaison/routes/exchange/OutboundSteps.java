package fr.liaison.routes.exchange;

import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.audit.Persons;
import fr.liaison.routes.consent.ConsentGate;
import fr.liaison.routes.consent.ConsentRecord;
import fr.liaison.routes.directory.Participant;
import fr.liaison.routes.receipt.Receipts;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.ValidatedMessage;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;
import fr.liaison.schemas.v1.LiaisonMessage;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.Optional;

/**
 * The synchronous part of sending: what happens between the local software's request and the
 * node's answer. Each step either enriches the message or refuses it with a catalogued code; the
 * refusal is audited by {@link #refused}. Nothing here leaves the node.
 */
public final class OutboundSteps {

    private final NodeContext node;

    public OutboundSteps(NodeContext node) {
        this.node = node;
    }

    /** Schema and rules, then: this node is the sender, the recipient is a participant, not itself. */
    public OutboundMessage validate(byte[] body, String client) {
        ValidatedMessage validated = node.codec().read(body, MessageFormat.detect(body));
        LiaisonMessage message = validated.message();
        OutboundMessage outbound = new OutboundMessage(message, client);
        outbound.personHash(Persons.franceTravailId(message).map(node.pseudonymiser()::personHash).orElse(null));
        String sender = message.getHeader().getSender();
        if (!node.participantId().equals(sender)) {
            throw new ReadButRefused(outbound, ErrorCode.API_SENDER_MISMATCH,
                    "this node is " + node.participantId() + ", the message names " + sender);
        }
        String recipientId = message.getHeader().getRecipient();
        if (recipientId == null || recipientId.equals(sender)) {
            throw new ReadButRefused(outbound, ErrorCode.SCHEMA_RULE, "/header/recipient: another participant must be named");
        }
        outbound.recipient(node.directory().get().require(recipientId));
        return outbound;
    }

    /** A convention in force must let this node send this message type, for this purpose, to the recipient. */
    public OutboundMessage checkConvention(OutboundMessage outbound) {
        var header = outbound.message().getHeader();
        node.directory().get().convention(header.getSender(), header.getRecipient(), header.getMessageType().name(),
                header.getPurpose() == null ? null : header.getPurpose().name(), node.clock().instant().atZone(java.time.ZoneOffset.UTC).toLocalDate());
        return outbound;
    }

    /** Consent gate: a valid consent must cover person, sender, recipient, purpose and every category. */
    public OutboundMessage checkConsent(OutboundMessage outbound) {
        if (!ConsentGate.requiresConsent(outbound.message())) {
            return outbound;
        }
        String consentRef = outbound.message().getHeader().getConsentRef();
        Optional<ConsentRecord> consent = consentRef == null ? Optional.empty() : node.consents().find(consentRef);
        node.consentGate().check(outbound.message(), outbound.personHash(), consent);
        outbound.consent(consent.orElseThrow());
        return outbound;
    }

    /** An answer or follow-up must fit the referral it correlates to (see ReferralLifecycle). */
    public OutboundMessage checkLifecycle(OutboundMessage outbound) {
        node.referrals().check(outbound.message());
        return outbound;
    }

    /** Drops what the recipient's kind may not receive, and declares what is left. */
    public OutboundMessage minimise(OutboundMessage outbound) {
        Participant recipient = outbound.recipient();
        node.minimiser().minimise(outbound.message(), recipient.kind());
        outbound.canonicalXml(node.codec().toXml(outbound.message()));
        return outbound;
    }

    /**
     * Keeps the message (nothing accepted is lost) and audits ACCEPTED. The very same message
     * submitted again (the software never got the first answer: a cut connection, a node restart)
     * is accepted once: the same answer, nothing stored or sent twice. Other content under a known
     * id is refused.
     */
    public String accept(OutboundMessage outbound) {
        Instant now = node.clock().instant();
        LiaisonMessage message = outbound.message();
        boolean inserted = node.messages().insert(StoredMessage.of(message, Direction.OUTBOUND, outbound.personHash(),
                MessageStatus.ACCEPTED, AuditStep.ACCEPTED.name(), null, now, outbound.canonicalXml()), () -> node.recordStarted(message));
        if (!inserted) {
            Optional<StoredMessage> same = node.messages().find(outbound.messageId(), Direction.OUTBOUND)
                    .filter(held -> held.payload() != null && MessageDigest.isEqual(held.payload(), outbound.canonicalXml()));
            if (same.isEmpty()) {
                throw new LiaisonException(ErrorCode.API_IDEMPOTENCY_CONFLICT, "message id " + outbound.messageId() + " was already submitted");
            }
            if (same.get().status() == MessageStatus.FAILED) {
                // Answering ACCEPTED would let the software wait for a delivery that nothing will attempt.
                throw new LiaisonException(ErrorCode.API_MESSAGE_FAILED, "message " + outbound.messageId() + " failed ("
                        + same.get().errorCode() + ")" + (ErrorCode.EXCHANGE_DEAD_LETTER.code().equals(same.get().errorCode())
                                ? ": an officer can re-submit it from the dead letters, or send it under a new message id"
                                : ": send it again, corrected, under a new message id"));
            }
            return outbound.messageId();
        }
        node.audit().append(AuditEntry.forMessage(AuditStep.ACCEPTED, message, outbound.personHash(), now)
                .withActor(outbound.client()).withPayloadDigest(Receipts.sha256Hex(outbound.canonicalXml())));
        return outbound.messageId();
    }

    /**
     * A message read in full whose header names parties this node cannot send between (another
     * sender, or the sender as recipient): its refusal is audited with the parties and type as
     * written, so that the officer sees who was claimed (not under its ids, which could be another
     * exchange's), and nothing of it is kept, so that the software can send it again, corrected,
     * under the same id.
     */
    static final class ReadButRefused extends LiaisonException {

        private final transient OutboundMessage outbound;

        ReadButRefused(OutboundMessage outbound, ErrorCode code, String detail) {
            super(code, detail);
            this.outbound = outbound;
        }
    }

    /** Audits a refusal: with the header when the message got that far, with the code in any case. */
    public void refused(LiaisonException refusal, OutboundMessage outbound, String client) {
        Instant now = node.clock().instant();
        if (outbound == null && refusal instanceof ReadButRefused read) {
            // Not under the ids it claims: they could be another exchange's, whose history would then show this refusal.
            AuditEntry claimed = AuditEntry.forMessage(AuditStep.REFUSED, read.outbound.message(), read.outbound.personHash(), now);
            node.audit().append(new AuditEntry(now, AuditStep.REFUSED, null, null, claimed.messageType(), claimed.sender(),
                    claimed.recipient(), claimed.purpose(), claimed.dataCategories(), null, null, refusal.code().code(), client,
                    claimed.personHash()));
            return;
        }
        AuditEntry entry = outbound == null
                ? new AuditEntry(now, AuditStep.REFUSED, null, null, null, node.participantId(), null, null, null, null, null,
                        null, client, null)
                : AuditEntry.forMessage(AuditStep.REFUSED, outbound.message(), outbound.personHash(), now);
        node.audit().append(entry.withErrorCode(refusal.code().code()).withActor(client));
        if (outbound != null) {
            node.messages().insert(StoredMessage.of(outbound.message(), Direction.OUTBOUND, outbound.personHash(),
                    MessageStatus.REFUSED, AuditStep.REFUSED.name(), refusal.code().code(), now, null));
        }
    }
}
