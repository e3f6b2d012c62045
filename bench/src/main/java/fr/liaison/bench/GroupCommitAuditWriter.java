package fr.liaison.bench;

import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.chain.AuditChain;
import fr.liaison.routes.audit.chain.ChainedEntry;
import fr.liaison.routes.audit.chain.Checkpoint;
import fr.liaison.routes.audit.chain.Checkpoints;
import fr.liaison.routes.keys.ParticipantKeys;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The append path of the gateway's {@code fr.liaison.gateway.audit.ChainedAuditTrail}, copied
 * statement for statement (queue, one writer thread, batches of up to {@code batchSize}, one
 * transaction per batch that locks the {@code audit_head} row {@code FOR UPDATE}, links with
 * {@link AuditChain#link}, {@code batchUpdate} of the rows, head update, then a signed checkpoint
 * every {@code checkpointEvery} entries). The gateway class is package-private and its module is a
 * Spring Boot repackaged jar that another module cannot compile against, hence the copy; the
 * scheduled checkpoint and Spring lifecycle are left out. Keep it in step with the gateway.
 */
final class GroupCommitAuditWriter {

    private static final long APPEND_TIMEOUT_SECONDS = 60;

    private record Pending(AuditEntry entry, CompletableFuture<Long> committed) {
    }

    private record Head(long seq, String hash) {
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final TransactionTemplate transactions;
    private final ParticipantKeys keys;
    private final Clock clock;
    private final int batchSize;
    private final int checkpointEvery;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private volatile Thread writer;
    private volatile boolean running;

    GroupCommitAuditWriter(JdbcClient jdbc, JdbcTemplate template, TransactionTemplate transactions, ParticipantKeys keys,
            Clock clock, int batchSize, int checkpointEvery) {
        this.jdbc = jdbc;
        this.template = template;
        this.transactions = transactions;
        this.keys = keys;
        this.clock = clock;
        this.batchSize = batchSize;
        this.checkpointEvery = checkpointEvery;
    }

    /** Returns once the entry is committed in the chain. */
    void append(AuditEntry entry) {
        Pending pending = new Pending(withMicros(entry), new CompletableFuture<>());
        queue.add(pending);
        if (!running) {
            drain();
        }
        try {
            pending.committed().get(APPEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while appending to the audit log", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("audit append failed", e);
        }
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
                    queue.drainTo(batch, batchSize - 1);
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
        queue.drainTo(batch, batchSize);
        if (!batch.isEmpty()) {
            write(batch);
        }
    }

    private void write(List<Pending> batch) {
        try {
            Head head = transactions.execute(status -> {
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
            long seq = head.seq() - batch.size();
            for (Pending pending : batch) {
                pending.committed().complete(++seq);
            }
            if (head.seq() - lastCheckpointSeq() >= checkpointEvery) {
                checkpoint(head);
            }
        } catch (RuntimeException e) {
            batch.forEach(pending -> pending.committed().completeExceptionally(e));
        }
    }

    private static Object[] row(ChainedEntry c) {
        AuditEntry e = c.entry();
        return new Object[] {c.seq(), c.node(), time(e.at()), e.step().name(), e.messageId(), e.correlationId(), e.messageType(),
                e.sender(), e.recipient(), e.purpose(), e.dataCategories() == null ? null : String.join(",", e.dataCategories()),
                e.consentId(), e.payloadDigest(), e.errorCode(), e.actor(), e.personHash(), c.previousHash(), c.hash()};
    }

    private static OffsetDateTime time(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private long lastCheckpointSeq() {
        return jdbc.sql("SELECT COALESCE(MAX(seq), 0) FROM audit_checkpoint").query(Long.class).single();
    }

    private Checkpoint checkpoint(Head head) {
        var existing = jdbc.sql("SELECT seq, head_hash, at, node, signature FROM audit_checkpoint WHERE seq = ?").param(head.seq())
                .query((rs, row) -> new Checkpoint(rs.getLong(1), rs.getString(2),
                        rs.getObject("at", OffsetDateTime.class).toInstant(), rs.getString(4), rs.getBytes(5)))
                .optional();
        if (existing.isPresent() || head.seq() == 0) {
            return existing.orElse(null);
        }
        Checkpoint checkpoint = Checkpoints.sign(head.seq(), head.hash(), clock.instant().truncatedTo(ChronoUnit.MICROS), keys);
        try {
            jdbc.sql("INSERT INTO audit_checkpoint (seq, head_hash, at, node, signature) VALUES (?, ?, ?, ?, ?)")
                    .params(checkpoint.seq(), checkpoint.hash(), time(checkpoint.at()), checkpoint.node(), checkpoint.signature())
                    .update();
            return checkpoint;
        } catch (DuplicateKeyException e) {
            return checkpoint(head);
        }
    }

    void start() {
        running = true;
        writer = new Thread(this::writeLoop, "liaison-audit-writer");
        writer.setDaemon(true);
        writer.start();
    }

    void stop() {
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
}
