package fr.liaison.routes.exchange;

import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.consent.ConsentRecord;
import fr.liaison.routes.signing.SignedContent;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.ValidatedMessage;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;
import fr.liaison.schemas.v1.Consent;
import fr.liaison.schemas.v1.ConsentRevocation;
import fr.liaison.schemas.v1.MessageHeader;
import fr.liaison.schemas.v1.MessageType;
import fr.liaison.schemas.v1.Purpose;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Consents on this node: recording those this institution collected (signed into a proof that
 * travels with every message under them), revoking them, and applying revocations received from
 * other nodes. A revocation goes on to every participant this node sent data to under the consent.
 */
public final class ConsentSteps {

    private final NodeContext node;

    public ConsentSteps(NodeContext node) {
        this.node = node;
    }

    /** Records a consent collected by this institution; recording the same consent twice is harmless. */
    public ConsentRecord record(byte[] body, String client) {
        ValidatedMessage validated = node.codec().read(body, MessageFormat.detect(body));
        if (!(validated.message() instanceof Consent)) {
            throw new LiaisonException(ErrorCode.SCHEMA_UNKNOWN_TYPE, "a Consent is expected here, not " + validated.messageType());
        }
        ConsentRecord record = node.consentProofs().sign(validated, node.keys());
        var existing = node.consents().find(record.consentId());
        if (existing.isPresent()) {
            if (!sameConsent(existing.get(), record) || !sameContent(existing.get(), (Consent) validated.message())) {
                throw new LiaisonException(ErrorCode.CONSENT_DUPLICATE, record.consentId());
            }
            return existing.get();
        }
        node.consents().save(record);
        node.audit().append(consentEntry(AuditStep.CONSENT_RECORDED, record, node.clock().instant()).withActor(client));
        return record;
    }

    private static boolean sameConsent(ConsentRecord a, ConsentRecord b) {
        return a.personHash().equals(b.personHash()) && a.purpose().equals(b.purpose())
                && a.allowedRecipients().equals(b.allowedRecipients()) && a.allowedCategories().equals(b.allowedCategories())
                && a.grantedAt().equals(b.grantedAt()) && a.expiresAt().equals(b.expiresAt());
    }

    /**
     * Every term alike, how and by whom it was collected included: only the header (another message
     * id, another time) may differ for the same consent.
     */
    private boolean sameContent(ConsentRecord held, Consent incoming) {
        if (held.proof() == null) {
            return true; // nothing more kept than the record's terms, compared above
        }
        Consent recorded;
        try {
            if (!(node.codec().read(SignedContent.ownContent(held.proof()), MessageFormat.XML).message() instanceof Consent kept)) {
                return false;
            }
            recorded = kept;
        } catch (LiaisonException | IllegalStateException unreadable) {
            return false; // what is kept cannot be compared: not the same consent, as far as this node can tell
        }
        recorded.setHeader(incoming.getHeader());
        return Arrays.equals(node.codec().toXml(recorded), node.codec().toXml(incoming));
    }

    public ConsentRecord find(String consentId) {
        return node.consents().find(consentId)
                .orElseThrow(() -> new LiaisonException(ErrorCode.API_NOT_FOUND, "consent " + consentId));
    }

    /** The longest reason a revocation carries (schema v1's {@code ShortText}). */
    public static final int MAX_REASON_LENGTH = 500;

    /**
     * Revokes a consent this institution recorded. Returns the revocation messages (canonical XML)
     * to send, one per participant that received data under it.
     */
    public List<byte[]> revoke(String consentId, String reason, String client) {
        checkReason(reason);
        ConsentRecord record = find(consentId);
        if (!record.recordedBy().equals(node.participantId())) {
            throw new LiaisonException(ErrorCode.CONSENT_NOT_RECORDER, "recorded by " + record.recordedBy());
        }
        Instant now = node.clock().instant();
        if (record.revokedAt() != null) {
            return List.of();
        }
        node.consents().markRevoked(consentId, now);
        node.audit().append(consentEntry(AuditStep.CONSENT_REVOKED, record, now).withActor(client));
        withdrawUndelivered(consentId, now);
        return revocations(record, now, reason, null);
    }

    /**
     * The reason travels in every revocation sent ({@code ShortText} of schema v1): refused before
     * the consent is touched, since a notice the schema refuses could never reach its recipient.
     */
    private static void checkReason(String reason) {
        if (reason == null || reason.isBlank()) {
            return;
        }
        if (reason.codePointCount(0, reason.length()) > MAX_REASON_LENGTH) { // XSD lengths count characters
            throw new LiaisonException(ErrorCode.API_BAD_REQUEST, "reason: at most " + MAX_REASON_LENGTH + " characters");
        }
        if (!reason.codePoints().allMatch(ConsentSteps::xmlCharacter)) {
            throw new LiaisonException(ErrorCode.API_BAD_REQUEST, "reason: a character XML cannot carry");
        }
    }

    /** XML 1.0, production [2]. */
    private static boolean xmlCharacter(int c) {
        return c == 0x9 || c == 0xA || c == 0xD || c >= 0x20 && c <= 0xD7FF || c >= 0xE000 && c <= 0xFFFD || c >= 0x10000 && c <= 0x10FFFF;
    }

    /** A revocation from another node: applied here, then passed on to those this node sent data to. */
    public List<byte[]> revocationReceived(ConsentRevocation revocation) {
        Instant now = node.clock().instant();
        var record = node.consents().find(revocation.getConsentId());
        node.audit().append(AuditEntry.forMessage(AuditStep.REVOCATION_RECEIVED, revocation, null, now)
                .withActor(revocation.getHeader().getSender()));
        if (record.isEmpty() || record.get().recordedBy().equals(node.participantId())) {
            return List.of(); // unknown here, or an echo of this node's own revocation: nothing to change
        }
        Instant revokedAt = revocation.getRevokedAt().toInstant();
        if (record.get().revokedAt() != null) {
            node.consents().markRevoked(revocation.getConsentId(), revokedAt); // the earlier of the two stands
            return List.of();
        }
        node.consents().markRevoked(revocation.getConsentId(), revokedAt);
        withdrawUndelivered(revocation.getConsentId(), now);
        return revocations(record.get(), revokedAt, revocation.getReason(), revocation.getHeader().getSender());
    }

    /**
     * Withdraws what the local software has not yet had, then forgets the content of what it had:
     * under a revoked consent the node serves none of it again (a revocation is not data under it).
     */
    private void withdrawUndelivered(String consentId, Instant now) {
        withdrawWaiting(consentId, now);
        node.messages().forgetInboundContentUnderConsent(consentId);
    }

    private void withdrawWaiting(String consentId, Instant now) {
        for (String messageId : node.messages().undeliveredUnderConsent(consentId)) {
            try {
                node.messages().exclusively(messageId, Direction.INBOUND, found -> {
                    // A revocation names the consent it revokes: it is news for the local software, not data under it.
                    if (found.isPresent() && found.get().status() == MessageStatus.RECEIVED && !isRevocation(found.get())) {
                        node.messages().updateStatus(messageId, Direction.INBOUND, MessageStatus.WITHDRAWN, "WITHDRAWN",
                                ErrorCode.CONSENT_REVOKED.code(), now);
                    }
                    return null;
                });
            } catch (MessageInUseException beingPushed) {
                // Handed to the software under the consent still in force when the push began; should
                // the push fail, its next try finds the consent revoked and withdraws the message.
            }
        }
    }

    static boolean isRevocation(StoredMessage message) {
        return MessageType.CONSENT_REVOCATION.name().equals(message.messageType());
    }

    private List<byte[]> revocations(ConsentRecord record, Instant revokedAt, String reason, String except) {
        List<byte[]> messages = new ArrayList<>();
        for (String recipient : node.messages().recipientsUnderConsent(record.consentId())) {
            if (recipient.equals(except)) {
                continue;
            }
            ConsentRevocation revocation = new ConsentRevocation();
            MessageHeader header = new MessageHeader();
            header.setMessageId(UUID.randomUUID().toString());
            header.setCreatedAt(node.clock().instant().atOffset(ZoneOffset.UTC));
            header.setSender(node.participantId());
            header.setRecipient(recipient);
            header.setMessageType(MessageType.CONSENT_REVOCATION);
            header.setPurpose(Purpose.valueOf(record.purpose()));
            header.setConsentRef(record.consentId());
            revocation.setHeader(header);
            revocation.setConsentId(record.consentId());
            revocation.setRevokedAt(revokedAt.atOffset(ZoneOffset.UTC));
            revocation.setRevokedBy(record.recordedBy());
            revocation.setReason(reason == null || reason.isBlank() ? null : reason);
            messages.add(node.codec().toXml(revocation));
        }
        return messages;
    }

    private static AuditEntry consentEntry(AuditStep step, ConsentRecord record, Instant at) {
        return new AuditEntry(at, step, null, null, MessageType.CONSENT.name(), record.recordedBy(), null, record.purpose(),
                Set.copyOf(record.allowedCategories()), record.consentId(), null, null, null, record.personHash());
    }

}
