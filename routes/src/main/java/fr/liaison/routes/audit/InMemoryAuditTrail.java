package fr.liaison.routes.audit;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/** An audit trail kept in memory, for tests and demonstrations. Thread-safe. */
public final class InMemoryAuditTrail implements AuditTrail {

    private final List<AuditEntry> entries = new CopyOnWriteArrayList<>();

    @Override
    public void append(AuditEntry entry) {
        entries.add(Objects.requireNonNull(entry, "entry"));
    }

    /** A snapshot, in append order. */
    public List<AuditEntry> entries() {
        return List.copyOf(entries);
    }
}
