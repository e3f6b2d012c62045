package fr.liaison.routes.audit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** An audit trail kept in memory, for tests and demonstrations. Thread-safe. */
public final class InMemoryAuditTrail implements AuditTrail {

    private final List<AuditEntry> entries = new CopyOnWriteArrayList<>();

    @Override
    public void append(AuditEntry entry) {
        entries.add(Objects.requireNonNull(entry, "entry"));
    }

    @Override
    public Optional<Instant> recordedAt(String messageId, AuditStep step) {
        return entries.stream().filter(e -> e.step() == step && Objects.equals(e.messageId(), messageId)).map(AuditEntry::at)
                .max(Instant::compareTo);
    }

    /** A snapshot, in append order. */
    public List<AuditEntry> entries() {
        return List.copyOf(entries);
    }
}
