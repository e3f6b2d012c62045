package fr.liaison.routes.audit;

/**
 * Where audit entries go. Implementations must be thread-safe and must not lose an entry once
 * {@link #append} has returned.
 */
public interface AuditTrail {

    void append(AuditEntry entry);
}
