package fr.liaison.routes.audit;

import java.time.Instant;
import java.util.Optional;

/**
 * Where audit entries go. Implementations must be thread-safe and must not lose an entry once
 * {@link #append} has returned.
 */
public interface AuditTrail {

    void append(AuditEntry entry);

    /**
     * When the log last recorded this step of this message, if it did: the step a node killed after
     * its entry was committed, and before the step itself was, took all the same.
     */
    Optional<Instant> recordedAt(String messageId, AuditStep step);
}
