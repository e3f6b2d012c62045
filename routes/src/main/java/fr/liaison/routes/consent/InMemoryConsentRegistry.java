package fr.liaison.routes.consent;

import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** A consent registry in memory, for tests and the demonstration. Thread-safe. */
public final class InMemoryConsentRegistry implements ConsentRegistry {

    private final ConcurrentMap<String, ConsentRecord> records = new ConcurrentHashMap<>();

    @Override
    public Optional<ConsentRecord> find(String consentId) {
        return Optional.ofNullable(records.get(consentId));
    }

    @Override
    public void save(ConsentRecord record) {
        Objects.requireNonNull(record, "record");
        records.compute(record.consentId(), (id, existing) -> {
            if (existing == null) {
                return record;
            }
            if (!existing.sameTermsAs(record)) {
                throw new LiaisonException(ErrorCode.CONSENT_DUPLICATE, "consent " + id);
            }
            return existing;
        });
    }

    @Override
    public void markRevoked(String consentId, Instant at) {
        Objects.requireNonNull(at, "at");
        records.computeIfPresent(consentId, (id, existing) -> existing.revokedAt() != null && !existing.revokedAt().isAfter(at)
                ? existing : existing.withRevokedAt(at));
    }
}
