package fr.liaison.gateway.audit;

import static fr.liaison.gateway.store.SqlTimes.time;

import fr.liaison.gateway.config.LiaisonProperties;
import fr.liaison.gateway.store.SqlTimes;
import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.audit.AuditTrail;
import fr.liaison.routes.audit.chain.AuditChain;
import fr.liaison.routes.audit.chain.ChainedEntry;
import fr.liaison.routes.audit.chain.Checkpoint;
import fr.liaison.routes.audit.chain.Checkpoints;
import fr.liaison.routes.keys.ParticipantKeys;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The audit log as a hash chain in the node's database. Callers wait until their entry is
 * committed, but entries are written by one thread in batches (group commit), so a busy pipeline
 * pays one transaction per batch, not per entry. The head row is locked for the batch: two node
 * instances sharing a database still write one gap-free chain. The head is signed every
 * {@code checkpointEvery} entries and at least every {@code checkpointInterval}.
 */
@Repository
class ChainedAuditTrail implements AuditTrail, SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(ChainedAuditTrail.class);
    private static final long APPEND_TIMEOUT_SECONDS = 60;
    /** From the caller's call to the commit of its batch; Boot adds its registry to the global one. */
    private static final io.micrometer.core.instrument.Timer APPEND_LATENCY = io.micrometer.core.instrument.Timer
            .builder("liaison.audit.append").description("Audit append latency, until the entry's batch is committed")
            .register(io.micrometer.core.instrument.Metrics.globalRegistry);

    private record Pending(AuditEntry entry, CompletableFuture<Long> committed) {
    }

    private record Head(long seq, String hash) {
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final TransactionTemplate transactions;
    private final ParticipantKeys keys;
    private final Clock clock;
    private final LiaisonProperties.Audit settings;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private volatile Thread writer;
    private volatile boolean running;

    ChainedAuditTrail(JdbcClient jdbc, JdbcTemplate template, TransactionTemplate transactions, ParticipantKeys keys, Clock clock,
            LiaisonProperties properties) {
        this.jdbc = jdbc;
        this.template = template;
        this.transactions = transactions;
        this.keys = keys;
        this.clock = clock;
        this.settings = properties.audit();
    }

    /** Returns once the entry is committed in the chain; fails loudly rather than lose it. */
    @Override
    public void append(AuditEntry entry) {
        // The chain hashes times at microsecond precision, which both H2 and PostgreSQL keep.
        long start = System.nanoTime();
        Pending pending = new Pending(withMicros(entry), new CompletableFuture<>());
        queue.add(pending);
        if (!running) {
            drain(); // before start or after stop: write in the caller's thread
        }
        try {
            pending.committed().get(APPEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            APPEND_LATENCY.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while appending to the audit log", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("audit append failed", e);
        }
    }

    @Override
    public Optional<Instant> recordedAt(String messageId, AuditStep step) {
        return jdbc.sql("SELECT MAX(at) AS last_at FROM audit_entry WHERE message_id = ? AND step = ?").params(messageId, step.name())
                .query((rs, row) -> Optional.ofNullable(SqlTimes.instant(rs, "last_at"))).single();
    }

    private static AuditEntry withMicros(AuditEntry e) {
        return new AuditEntry(e.at().truncatedTo(ChronoUnit.MICROS), e.step(), e.messageId(), e.correlationId(), e.messageType(),
                e.sender(), e.recipient(), e.purpose(), e.dataCategories(), e.consentId(), e.payloadDigest(), e.errorCode(),
                e.actor(), e.personHash());
    }

    private void writeLoop() {
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first != null) {
                    List<Pending> batch = new ArrayList<>(List.of(first));
                    queue.drainTo(batch, settings.batchSize() - 1);
                    write(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private synchronized void drain() {
        List<Pending> batch = new ArrayList<>();
        queue.drainTo(batch, settings.batchSize());
        if (!batch.isEmpty()) {
            write(batch);
        }
    }

    private void write(List<Pending> batch) {
        Head head;
        try {
            head = transactions.execute(status -> {
                Head current = jdbc.sql("SELECT seq, head_hash FROM audit_head WHERE id = 1 FOR UPDATE")
                        .query((rs, row) -> new Head(rs.getLong(1), rs.getString(2))).single();
                List<Object[]> rows = new ArrayList<>(batch.size());
                long seq = current.seq();
                String hash = current.hash();
                for (Pending pending : batch) {
                    ChainedEntry chained = AuditChain.link(++seq, keys.participantId(), pending.entry(), hash);
                    hash = chained.hash();
                    rows.add(row(chained));
                }
                template.batchUpdate("""
                        INSERT INTO audit_entry (seq, node, at, step, message_id, correlation_id, message_type, sender, recipient,
                            purpose, data_categories, consent_id, payload_digest, error_code, actor, person_hash, previous_hash, entry_hash)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows);
                jdbc.sql("UPDATE audit_head SET seq = ?, head_hash = ? WHERE id = 1").params(seq, hash).update();
                return new Head(seq, hash);
            });
        } catch (RuntimeException e) {
            if (batch.size() > 1 && e instanceof DataIntegrityViolationException) {
                // Rolled back whole: one entry the database refuses must not fail the requests queued with it.
                // Not on an outage: each entry would wait for it again, long after its caller gave up.
                LOG.warn("audit append of {} entries failed ({}): writing them one by one", batch.size(), e.getClass().getName());
                batch.forEach(pending -> write(List.of(pending)));
            } else {
                LOG.error("audit append of {} entries failed: {}", batch.size(), e.getClass().getName());
                batch.forEach(pending -> pending.committed().completeExceptionally(e));
            }
            return;
        }
        long seq = head.seq() - batch.size();
        for (Pending pending : batch) {
            pending.committed().complete(++seq);
        }
        try {
            if (head.seq() - lastCheckpointSeq() >= settings.checkpointEvery()) {
                checkpoint(head);
            }
        } catch (RuntimeException e) {
            // The entries are committed; the next batch or the periodic checkpoint signs the head.
            LOG.error("audit checkpoint at {} failed: {}", head.seq(), e.getClass().getName());
        }
    }

    private static Object[] row(ChainedEntry c) {
        AuditEntry e = c.entry();
        return new Object[] {c.seq(), c.node(), time(e.at()), e.step().name(), e.messageId(), e.correlationId(), e.messageType(),
                e.sender(), e.recipient(), e.purpose(), e.dataCategories() == null ? null : String.join(",", e.dataCategories()),
                e.consentId(), e.payloadDigest(), e.errorCode(), e.actor(), e.personHash(), c.previousHash(), c.hash()};
    }

    private long lastCheckpointSeq() {
        return jdbc.sql("SELECT COALESCE(MAX(seq), 0) FROM audit_checkpoint").query(Long.class).single();
    }

    /** Signs the current head if it moved since the last checkpoint; returns the checkpoint of the head. */
    Checkpoint checkpointHead() {
        Head head = jdbc.sql("SELECT seq, head_hash FROM audit_head WHERE id = 1")
                .query((rs, row) -> new Head(rs.getLong(1), rs.getString(2))).single();
        return checkpoint(head);
    }

    /** Run by {@link PeriodicCheckpoint}, once per period across the instances. */
    void periodicCheckpoint() {
        if (running) {
            checkpointHead();
        }
    }

    private Checkpoint checkpoint(Head head) {
        var existing = jdbc.sql("SELECT seq, head_hash, at, node, signer, signature FROM audit_checkpoint WHERE seq = ?")
                .param(head.seq())
                .query((rs, row) -> new Checkpoint(rs.getLong(1), rs.getString(2), SqlTimes.instant(rs, "at"), rs.getString(4),
                        rs.getString(5), rs.getBytes(6)))
                .optional();
        if (existing.isPresent() || head.seq() == 0) {
            return existing.orElse(null);
        }
        Checkpoint checkpoint = Checkpoints.sign(head.seq(), head.hash(), clock.instant().truncatedTo(ChronoUnit.MICROS), keys);
        try {
            jdbc.sql("INSERT INTO audit_checkpoint (seq, head_hash, at, node, signer, signature) VALUES (?, ?, ?, ?, ?, ?)")
                    .params(checkpoint.seq(), checkpoint.hash(), time(checkpoint.at()), checkpoint.node(), checkpoint.signer(),
                            checkpoint.signature())
                    .update();
            return checkpoint;
        } catch (DuplicateKeyException e) {
            return checkpoint(head); // another instance signed the same head first
        }
    }

    @Override
    public void start() {
        running = true;
        writer = new Thread(this::writeLoop, "liaison-audit-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void stop() {
        running = false;
        Thread current = writer;
        if (current != null) {
            try {
                current.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        drain();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Started before and stopped after the routes that append to it. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 100;
    }
}
