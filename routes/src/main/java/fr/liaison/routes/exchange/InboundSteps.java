package fr.liaison.routes.exchange;

import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.audit.Persons;
import fr.liaison.routes.consent.ConsentGate;
import fr.liaison.routes.consent.ConsentRecord;
import fr.liaison.routes.directory.ParticipantKind;
import fr.liaison.routes.envelope.EnvelopeOpener;
import fr.liaison.routes.envelope.OpenedEnvelope;
import fr.liaison.routes.receipt.Receipt;
import fr.liaison.routes.receipt.Receipts;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;
import fr.liaison.schemas.v1.ConsentRevocation;
import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.MessageHeader;

import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Receiving from another node, synchronously within its request: open and verify the envelope,
 * validate, refuse replays and stale messages, check the consent proof on its own, keep the
 * message, and answer with a signed receipt, accepting or rejecting with a code.
 */
public final class InboundSteps {

    private final NodeContext node;
    private final EnvelopeOpener opener;

    public InboundSteps(NodeContext node, int maxEnvelopeBytes) {
        this.node = node;
        this.opener = new EnvelopeOpener(node.keys(), node.directory(), maxEnvelopeBytes);
    }

    public InboundMessage receive(byte[] envelope, String transportSender, String claimedMessageId) {
        return new InboundMessage(envelope, transportSender, claimedMessageId);
    }

    /**
     * The receipt already given for this very envelope, when its sender sends it again because the
     * first receipt was lost (a crash or a cut connection): the same receipt is given again, audited
     * DUPLICATE, and nothing is delivered twice. Byte-identical to an envelope already accepted from
     * that participant, it needs neither opening nor a freshness check.
     */
    public Optional<byte[]> receiptAlreadyGiven(InboundMessage inbound) {
        if (inbound.messageId().equals(InboundMessage.UNIDENTIFIED)) {
            return Optional.empty();
        }
        Optional<MessageStore.GivenReceipt> given = node.messages().givenReceipt(inbound.messageId())
                .filter(g -> g.receipt() != null && g.sender().equals(inbound.transportSender()));
        if (given.isEmpty() || !given.get().envelopeDigest().equals(Receipts.sha256Hex(inbound.envelope()))) {
            return Optional.empty();
        }
        node.messages().find(inbound.messageId(), Direction.INBOUND).ifPresent(this::auditDuplicate);
        return Optional.of(given.get().receipt());
    }

    private void auditDuplicate(StoredMessage stored) {
        node.audit().append(DeliverySteps.entry(stored, AuditStep.DUPLICATE, null, node.clock().instant()).withActor(stored.sender()));
    }

    /** Decrypts and verifies; the signer must be the participant the TLS connection authenticated. */
    public InboundMessage open(InboundMessage inbound) {
        OpenedEnvelope opened = opener.open(inbound.envelope(), inbound.transportSender());
        inbound.opened(opened);
        return inbound;
    }

    /** The content must be a valid v1 message, from the signer, to this node. */
    public InboundMessage validate(InboundMessage inbound) {
        LiaisonMessage message = node.codec().read(inbound.opened().content(), MessageFormat.XML).message();
        MessageHeader header = message.getHeader();
        if (!inbound.opened().sender().id().equals(header.getSender())) {
            throw new LiaisonException(ErrorCode.SIGNER_NOT_SENDER,
                    "signed by " + inbound.opened().sender().id() + ", the message names " + header.getSender());
        }
        if (!node.participantId().equals(header.getRecipient())) {
            throw new LiaisonException(ErrorCode.EXCHANGE_NOT_FOR_THIS_NODE, "the message names " + header.getRecipient());
        }
        inbound.message(message);
        inbound.personHash(Persons.franceTravailId(message).map(node.pseudonymiser()::personHash).orElse(null));
        return inbound;
    }

    /** The recipient checks the convention too: the sender's node may not be trusted to have done it. */
    public InboundMessage checkConvention(InboundMessage inbound) {
        MessageHeader header = inbound.message().getHeader();
        node.directory().get().convention(header.getSender(), header.getRecipient(), header.getMessageType().name(),
                header.getPurpose() == null ? null : header.getPurpose().name(),
                node.clock().instant().atZone(java.time.ZoneOffset.UTC).toLocalDate());
        return inbound;
    }

    /**
     * The envelope was sealed within the replay window either side of now, and the message was not
     * created in the future beyond it; a copy of a message already held is caught when stored. The
     * window bounds the envelope, not the message: a message may wait in its sender's queue while
     * this node is down, and is sealed afresh when its envelope grows old.
     */
    public InboundMessage checkFreshness(InboundMessage inbound) {
        Instant now = node.clock().instant();
        Instant sealed = inbound.opened().signingTime();
        if (sealed == null || Duration.between(sealed, now).abs().compareTo(node.replayWindow()) > 0) {
            throw new LiaisonException(ErrorCode.EXCHANGE_STALE, "sealed " + sealed + ", window " + node.replayWindow());
        }
        Instant created = inbound.message().getHeader().getCreatedAt().toInstant();
        if (created.isAfter(now.plus(node.replayWindow()))) {
            throw new LiaisonException(ErrorCode.EXCHANGE_STALE, "created " + created + ", in the future");
        }
        return inbound;
    }

    /**
     * The consent proof the sender attached, checked on its own: signed by the institution that
     * recorded it, and covering this exchange. A revocation this node already knows of wins.
     */
    public InboundMessage checkConsent(InboundMessage inbound) {
        LiaisonMessage message = inbound.message();
        if (message instanceof ConsentRevocation revocation) {
            checkRevocationSender(revocation);
            return inbound;
        }
        if (!ConsentGate.requiresConsent(message)) {
            return inbound;
        }
        byte[] proof = inbound.opened().consentProof();
        if (proof == null) {
            throw new LiaisonException(ErrorCode.CONSENT_PROOF_INVALID, "no consent proof attached");
        }
        ConsentRecord proven = node.consentProofs().verify(proof, node.directory().get());
        Optional<ConsentRecord> known = node.consents().find(proven.consentId());
        if (known.isPresent() && !known.get().sameTermsAs(proven)) {
            // A consent id names one consent: another under a known id is not judged on its own terms.
            throw new LiaisonException(ErrorCode.CONSENT_DUPLICATE, "consent " + proven.consentId() + " is recorded here with other terms");
        }
        ConsentRecord effective = known.map(k -> proven.withRevokedAt(k.revokedAt())).orElse(proven);
        node.consentGate().check(message, inbound.personHash(), Optional.of(effective));
        if (known.isEmpty()) {
            node.consents().save(proven);
        }
        return inbound;
    }

    /**
     * Only the institution that recorded a consent revokes it; another node passes its revocation on
     * to those it sent data to under it. So a revocation comes from the recorder, or from a
     * participant this node received data from under the consent, and names the recorder as revoker;
     * the recorder's own node takes none but an echo of its own. Its date lies between the consent's
     * grant and now (within the replay window): one dated later could be sent ahead, to make the
     * person's real revocation, once it comes, look like old news.
     */
    private void checkRevocationSender(ConsentRevocation revocation) {
        String sender = revocation.getHeader().getSender();
        Optional<ConsentRecord> known = node.consents().find(revocation.getConsentId());
        if (known.isEmpty()) {
            return;
        }
        Instant revokedAt = revocation.getRevokedAt().toInstant();
        if (revokedAt.isAfter(node.clock().instant().plus(node.replayWindow()))) {
            throw new LiaisonException(ErrorCode.EXCHANGE_STALE, "revokedAt " + revokedAt + ", in the future");
        }
        if (revokedAt.isBefore(known.get().grantedAt())) {
            throw new LiaisonException(ErrorCode.SCHEMA_RULE, "revokedAt is before the consent was granted");
        }
        String recorder = known.get().recordedBy();
        if (recorder.equals(node.participantId()) && known.get().revokedAt() == null) {
            throw new LiaisonException(ErrorCode.CONSENT_NOT_RECORDER, "only this node revokes the consents it recorded");
        }
        if (!recorder.equals(sender) && !node.messages().receivedUnderConsentFrom(revocation.getConsentId(), sender)) {
            throw new LiaisonException(ErrorCode.CONSENT_PARTY_NOT_COVERED,
                    "a revocation comes from the consent's recorder, or from a participant that sent data under it");
        }
        if (!recorder.equals(revocation.getRevokedBy())) {
            throw new LiaisonException(ErrorCode.CONSENT_NOT_RECORDER, "revokedBy must be the consent's recorder");
        }
    }

    /**
     * What this node's kind of institution does not receive (the sender minimises for it) is not
     * taken from a sender that did not: refused, never stored.
     */
    public InboundMessage checkMinimised(InboundMessage inbound) {
        ParticipantKind ownKind = node.directory().get().require(node.participantId()).kind();
        if (node.minimiser().exceeds(inbound.message(), ownKind)) {
            throw new LiaisonException(ErrorCode.EXCHANGE_NOT_MINIMISED, "not minimised for " + ownKind);
        }
        return inbound;
    }

    /** An answer or follow-up must fit the referral it correlates to, as on the sending side. */
    public InboundMessage checkLifecycle(InboundMessage inbound) {
        node.referrals().check(inbound.message());
        return inbound;
    }

    /**
     * Keeps the message for the local software and audits RECEIVED. A second copy from the same
     * sender with the same content (sealed again after its first receipt was lost) is a duplicate,
     * acknowledged and not delivered again; the same id with other content is a replay.
     */
    public InboundMessage accept(InboundMessage inbound) {
        Instant now = node.clock().instant();
        // Signed before the transaction and kept in it with the message and its referral: one
        // commit, and the row is complete before the message is queued.
        byte[] receipt = receipt(inbound, Receipt.Outcome.ACCEPTED, null);
        String envelopeDigest = Receipts.sha256Hex(inbound.envelope());
        boolean inserted = node.messages().insert(StoredMessage.of(inbound.message(), Direction.INBOUND, inbound.personHash(),
                MessageStatus.RECEIVED, AuditStep.RECEIVED.name(), null, now, inbound.opened().content()), () -> {
                    node.recordStarted(inbound.message());
                    node.messages().keepReceipt(inbound.messageId(), envelopeDigest, receipt);
                });
        inbound.acceptedReceipt(receipt);
        if (!inserted) {
            StoredMessage held = node.messages().find(inbound.messageId(), Direction.INBOUND)
                    .filter(m -> m.sender().equals(inbound.transportSender()) && m.payload() != null
                            && MessageDigest.isEqual(m.payload(), inbound.opened().content()))
                    .orElseThrow(() -> new LiaisonException(ErrorCode.EXCHANGE_REPLAYED,
                            "message " + inbound.messageId() + " from " + inbound.transportSender()));
            auditDuplicate(held);
            inbound.duplicate(true);
            return inbound;
        }
        node.audit().append(AuditEntry.forMessage(AuditStep.RECEIVED, inbound.message(), inbound.personHash(), now)
                .withActor(inbound.transportSender()).withPayloadDigest(Receipts.sha256Hex(inbound.opened().content())));
        return inbound;
    }

    /**
     * The receipt for an accepted message, signed with this node's signing key, and kept with the
     * message to be given again if the same envelope comes again (a new message's was kept when it
     * was accepted; a duplicate's is kept now, for the envelope it came in).
     */
    public byte[] acceptedReceipt(InboundMessage inbound) {
        byte[] receipt = inbound.acceptedReceipt();
        if (inbound.duplicate()) {
            node.messages().keepReceipt(inbound.messageId(), Receipts.sha256Hex(inbound.envelope()), receipt);
        }
        return receipt;
    }

    /** Audits the rejection and returns the signed rejection receipt. */
    public byte[] rejected(InboundMessage inbound, LiaisonException rejection) {
        Instant now = node.clock().instant();
        AuditEntry entry = inbound.message() != null
                ? AuditEntry.forMessage(AuditStep.REJECTED, inbound.message(), inbound.personHash(), now)
                : new AuditEntry(now, AuditStep.REJECTED, inbound.messageId(), null, null, inbound.transportSender(),
                        node.participantId(), null, null, null, Receipts.sha256Hex(inbound.envelope()), null, null, null);
        node.audit().append(entry.withErrorCode(rejection.code().code()).withActor(inbound.transportSender()));
        return receipt(inbound, Receipt.Outcome.REJECTED, rejection.code().code());
    }

    private byte[] receipt(InboundMessage inbound, Receipt.Outcome outcome, String code) {
        String sender = inbound.message() != null ? inbound.message().getHeader().getSender() : inbound.transportSender();
        return Receipts.sign(new Receipt(inbound.messageId(), sender, node.participantId(),
                Receipts.sha256Hex(inbound.envelope()), node.clock().instant(), outcome, code), node.keys());
    }

    /** Participants to tell of a revocation: those this node sent data to under the consent. */
    public List<String> revocationTargets(String consentId, String except) {
        return node.messages().recipientsUnderConsent(consentId).stream().filter(p -> !p.equals(except)).toList();
    }
}
