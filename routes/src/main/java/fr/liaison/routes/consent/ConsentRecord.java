package fr.liaison.routes.consent;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A consent as this node keeps it: the person only as a pseudonym, the terms, and the proof.
 *
 * @param personHash the person's pseudonym ({@code Pseudonymiser.personHash} of the France Travail id)
 * @param purpose a {@code Purpose} enum name
 * @param allowedRecipients participant ids, sorted
 * @param allowedCategories {@code DataCategory} enum names, sorted
 * @param recordedBy participant id of the institution that collected the consent
 * @param revokedAt when the consent was revoked, or null
 * @param proof DER CMS SignedData over the consent's canonical XML, signed by {@code recordedBy}
 */
public record ConsentRecord(String consentId, String personHash, String purpose, Set<String> allowedRecipients,
        Set<String> allowedCategories, Instant grantedAt, Instant expiresAt, String recordedBy, Instant revokedAt,
        byte[] proof) {

    public ConsentRecord {
        Objects.requireNonNull(consentId, "consentId");
        Objects.requireNonNull(personHash, "personHash");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(grantedAt, "grantedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(recordedBy, "recordedBy");
        allowedRecipients = sorted(allowedRecipients);
        allowedCategories = sorted(allowedCategories);
        proof = proof == null ? null : proof.clone();
    }

    /** A copy: the record stays immutable. */
    @Override
    public byte[] proof() {
        return proof == null ? null : proof.clone();
    }

    public ConsentRecord withRevokedAt(Instant at) {
        return new ConsentRecord(consentId, personHash, purpose, allowedRecipients, allowedCategories, grantedAt,
                expiresAt, recordedBy, at, proof);
    }

    /** Same consent, same terms: everything but the revocation and the proof (ECDSA proofs differ each time). */
    public boolean sameTermsAs(ConsentRecord other) {
        return consentId.equals(other.consentId) && personHash.equals(other.personHash) && purpose.equals(other.purpose)
                && allowedRecipients.equals(other.allowedRecipients) && allowedCategories.equals(other.allowedCategories)
                && micros(grantedAt).equals(micros(other.grantedAt)) && micros(expiresAt).equals(micros(other.expiresAt))
                && recordedBy.equals(other.recordedBy);
    }

    /** Times as a database keeps them (H2 and PostgreSQL: microseconds); a proof may give nanoseconds. */
    private static java.time.Instant micros(java.time.Instant at) {
        return at.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConsentRecord other && sameTermsAs(other) && Objects.equals(revokedAt, other.revokedAt)
                && Arrays.equals(proof, other.proof);
    }

    @Override
    public int hashCode() {
        return Objects.hash(consentId, personHash, purpose, allowedRecipients, allowedCategories, micros(grantedAt), micros(expiresAt),
                recordedBy, revokedAt, Arrays.hashCode(proof));
    }

    @Override
    public String toString() {
        return "ConsentRecord[" + consentId + ", purpose=" + purpose + ", recipients=" + allowedRecipients
                + ", categories=" + allowedCategories + ", granted=" + grantedAt + ", expires=" + expiresAt
                + ", recordedBy=" + recordedBy + ", revoked=" + revokedAt
                + ", proof=" + (proof == null ? "none" : proof.length + " bytes") + "]";
    }

    private static SortedSet<String> sorted(Set<String> values) {
        return Collections.unmodifiableSortedSet(values == null ? new TreeSet<>() : new TreeSet<>(values));
    }
}
