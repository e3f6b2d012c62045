package fr.liaison.routes.consent;

import java.time.Instant;
import java.util.Optional;

/** The consents this node knows: those it recorded and those whose proofs it received. */
public interface ConsentRegistry {

    Optional<ConsentRecord> find(String consentId);

    /**
     * Records a consent. Saving the same terms again is a no-op (an existing revocation stays).
     *
     * @throws fr.liaison.schemas.error.LiaisonException CONSENT_DUPLICATE if a consent with this id
     *     and different terms is already recorded
     */
    void save(ConsentRecord record);

    /**
     * Marks the consent revoked at {@code at}. A consent already revoked keeps the earlier of its
     * revocation time and {@code at}; an unknown consent is left alone (callers look it up first and
     * audit what they do).
     */
    void markRevoked(String consentId, Instant at);
}
