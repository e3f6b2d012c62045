package fr.liaison.routes.audit;

import fr.liaison.schemas.v1.Consent;
import fr.liaison.schemas.v1.ConsentRevocation;
import fr.liaison.schemas.v1.DataCategory;
import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.MessageHeader;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One line of the audit trail. It says who sent what kind of data to whom, when, under which
 * consent and with which outcome, but never carries personal data: the person appears only as a
 * keyed hash ({@link Pseudonymiser}) and the payload only as a digest. Every field is nullable
 * except {@code at} and {@code step}.
 *
 * @param dataCategories the declared data categories as enum names, sorted
 * @param payloadDigest hex SHA-256 of the envelope or canonical message, when known
 * @param errorCode the catalogued code ({@code GW-...}) of a refusal or failure
 * @param actor who triggered the step when it is not the node itself (API client, officer)
 */
public record AuditEntry(Instant at, AuditStep step, String messageId, String correlationId, String messageType,
        String sender, String recipient, String purpose, Set<String> dataCategories, String consentId,
        String payloadDigest, String errorCode, String actor, String personHash) {

    public AuditEntry {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(step, "step");
        // Sorted and immutable so that two entries about the same message compare and print alike.
        dataCategories = dataCategories == null ? null : Collections.unmodifiableSortedSet(new TreeSet<>(dataCategories));
    }

    /** An entry about a message, its header fields filled in; payload digest, error code and actor left empty. */
    public static AuditEntry forMessage(AuditStep step, LiaisonMessage message, String personHash, Instant at) {
        MessageHeader h = message.getHeader();
        List<DataCategory> categories = h.getDataCategories() == null ? List.of() : h.getDataCategories();
        return new AuditEntry(at, step, h.getMessageId(), h.getCorrelationId(),
                h.getMessageType() == null ? null : h.getMessageType().name(),
                h.getSender(), h.getRecipient(),
                h.getPurpose() == null ? null : h.getPurpose().name(),
                new TreeSet<>(categories.stream().map(DataCategory::name).toList()),
                consentIdOf(message), null, null, null, personHash);
    }

    /** A consent or revocation names its consent in its body; other messages in header.consentRef. */
    private static String consentIdOf(LiaisonMessage message) {
        if (message instanceof Consent c && c.getConsentId() != null) {
            return c.getConsentId();
        }
        if (message instanceof ConsentRevocation r && r.getConsentId() != null) {
            return r.getConsentId();
        }
        return message.getHeader().getConsentRef();
    }

    public AuditEntry withErrorCode(String errorCode) {
        return new AuditEntry(at, step, messageId, correlationId, messageType, sender, recipient, purpose, dataCategories,
                consentId, payloadDigest, errorCode, actor, personHash);
    }

    public AuditEntry withActor(String actor) {
        return new AuditEntry(at, step, messageId, correlationId, messageType, sender, recipient, purpose, dataCategories,
                consentId, payloadDigest, errorCode, actor, personHash);
    }

    public AuditEntry withPayloadDigest(String payloadDigest) {
        return new AuditEntry(at, step, messageId, correlationId, messageType, sender, recipient, purpose, dataCategories,
                consentId, payloadDigest, errorCode, actor, personHash);
    }
}
