package fr.liaison.routes.consent;

import fr.liaison.routes.audit.Persons;
import fr.liaison.schemas.DataCategories;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;
import fr.liaison.schemas.v1.Consent;
import fr.liaison.schemas.v1.ConsentRevocation;
import fr.liaison.schemas.v1.DataCategory;
import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.MessageHeader;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides whether a consent covers a message about a person: the right consent, the right person,
 * in force now, for this purpose, between these two institutions, for every data category sent.
 * The checks run in that order and the first failure is reported. Details name consent ids,
 * participants and categories, never personal data. Thread-safe.
 */
public final class ConsentGate {

    private final Clock clock;

    public ConsentGate(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Whether the message needs a consent: it is about a person and is not itself a consent or a
     * revocation (those carry their own proof or authority).
     */
    public static boolean requiresConsent(LiaisonMessage message) {
        return !(message instanceof Consent) && !(message instanceof ConsentRevocation)
                && Persons.franceTravailId(message).isPresent();
    }

    /**
     * Checks the message against the consent its header references. Returns quietly for a
     * message that does not require consent.
     *
     * @param personHash the pseudonym of the person the message is about
     * @param consent the consent found under the message's consentRef, if any
     * @throws LiaisonException CONSENT_MISSING, CONSENT_PERSON_MISMATCH, CONSENT_REVOKED,
     *     CONSENT_EXPIRED, CONSENT_PURPOSE_MISMATCH, CONSENT_PARTY_NOT_COVERED or
     *     CONSENT_CATEGORY_NOT_COVERED
     */
    public void check(LiaisonMessage message, String personHash, Optional<ConsentRecord> consent) {
        if (!requiresConsent(message)) {
            return;
        }
        MessageHeader header = message.getHeader();
        String ref = header.getConsentRef();
        if (ref == null) {
            throw new LiaisonException(ErrorCode.CONSENT_MISSING, "the message references no consent");
        }
        if (consent.isEmpty() || !ref.equals(consent.get().consentId())) {
            throw new LiaisonException(ErrorCode.CONSENT_MISSING, "consent " + ref);
        }
        ConsentRecord record = consent.get();
        if (personHash == null || !personHash.equals(record.personHash())) {
            throw new LiaisonException(ErrorCode.CONSENT_PERSON_MISMATCH, "consent " + ref);
        }
        Instant now = clock.instant();
        if (record.revokedAt() != null && !record.revokedAt().isAfter(now)) {
            throw new LiaisonException(ErrorCode.CONSENT_REVOKED, "consent " + ref);
        }
        if (now.isBefore(record.grantedAt()) || !now.isBefore(record.expiresAt())) {
            throw new LiaisonException(ErrorCode.CONSENT_EXPIRED, "consent " + ref);
        }
        if (header.getPurpose() == null || !header.getPurpose().name().equals(record.purpose())) {
            throw new LiaisonException(ErrorCode.CONSENT_PURPOSE_MISMATCH,
                    "consent " + ref + " is for " + record.purpose() + ", message for " + header.getPurpose());
        }
        // The institution that collected the consent is covered without naming itself.
        Set<String> parties = new HashSet<>(record.allowedRecipients());
        parties.add(record.recordedBy());
        for (String party : new String[] {header.getSender(), header.getRecipient()}) {
            if (party == null || !parties.contains(party)) {
                throw new LiaisonException(ErrorCode.CONSENT_PARTY_NOT_COVERED,
                        "consent " + ref + " does not cover " + (party == null ? "an unnamed party" : party));
            }
        }
        // The header's declaration, and what the body holds in case the message skipped validation.
        Set<DataCategory> sent = EnumSet.noneOf(DataCategory.class);
        if (header.getDataCategories() != null) {
            header.getDataCategories().stream().filter(Objects::nonNull).forEach(sent::add);
        }
        sent.addAll(DataCategories.of(message));
        Set<String> missing = sent.stream().map(DataCategory::name)
                .filter(name -> !record.allowedCategories().contains(name))
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        if (!missing.isEmpty()) {
            throw new LiaisonException(ErrorCode.CONSENT_CATEGORY_NOT_COVERED,
                    "consent " + ref + " does not cover " + String.join(", ", missing));
        }
    }
}
