package fr.liaison.gateway.audit;

import fr.liaison.gateway.store.SqlTimes;
import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.audit.chain.AuditChain;
import fr.liaison.routes.audit.chain.AuditChainVerifier;
import fr.liaison.routes.audit.chain.AuditExportFormat;
import fr.liaison.routes.audit.chain.AuditRecord;
import fr.liaison.routes.audit.chain.AuditVerificationException;
import fr.liaison.routes.audit.chain.ChainedEntry;
import fr.liaison.routes.audit.chain.Checkpoint;
import fr.liaison.routes.audit.chain.Checkpoints;
import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.schemas.error.ErrorCode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * The chain as stored: verified in place with the same verifier as the offline tool, and exported
 * as JSON Lines that end with a checkpoint of the exported head and the export's signed end, so
 * that any later truncation of the file shows, even just after a checkpoint. In place, a log whose
 * last entries are gone although the node signed a head beyond them is reported truncated
 * (GW-AUDIT-005), not deleted: the entries after its end were removed, not entries within it.
 */
@Service
class AuditChainService {

    private final JdbcTemplate jdbc;
    private final ChainedAuditTrail trail;
    private final ParticipantKeys keys;
    private final Clock clock;

    AuditChainService(JdbcTemplate jdbc, ChainedAuditTrail trail, ParticipantKeys keys, Clock clock) {
        this.jdbc = jdbc;
        this.trail = trail;
        this.keys = keys;
        this.clock = clock;
    }

    String participantId() {
        return keys.participantId();
    }

    Map<String, Object> verifyInPlace() {
        Checkpoint head = trail.checkpointHead();
        // Its own certificates across key rollovers: checkpoints signed before one verify with the one they name.
        AuditChainVerifier verifier = new AuditChainVerifier(keys.signingCertificates(), false);
        Map<String, Object> result = new LinkedHashMap<>();
        try {
            long upTo = head == null ? 0 : head.seq();
            // Entries up to the highest seq the node ever signed were written: a log that ends before it was cut.
            long signed = Math.max(upTo, jdbc.queryForObject("SELECT COALESCE(MAX(seq), 0) FROM audit_checkpoint", Long.class));
            long last = jdbc.queryForObject("SELECT COALESCE(MAX(seq), 0) FROM audit_entry WHERE seq <= ?", Long.class, signed);
            if (last < signed) {
                records(last, verifier::accept);
                Checkpoint before = verifier.finish(false).lastCheckpoint();
                throw new AuditVerificationException(ErrorCode.AUDIT_TRUNCATED, verifier.position() + 1, "the log ends at entry seq "
                        + last + (before == null ? "" : ", after the signed checkpoint of seq " + before.seq())
                        + ", but the node signed its chain up to seq " + signed + ": entries were removed from its end");
            }
            records(upTo, verifier::accept);
            AuditChainVerifier.Result verified = verifier.finish(head != null);
            result.put("valid", true);
            result.put("entries", verified.entries());
            if (verified.lastCheckpoint() != null) {
                result.put("lastCheckpoint", Map.of("seq", verified.lastCheckpoint().seq(), "hash", verified.lastCheckpoint().hash(),
                        "at", verified.lastCheckpoint().at().toString()));
            }
        } catch (AuditVerificationException e) {
            result.put("valid", false);
            result.put("code", e.code().code());
            result.put("reason", e.code().message());
            result.put("detail", String.join("; ", e.details()));
        }
        return result;
    }

    /**
     * Streams the export; the head is signed first, so the file ends with its checkpoint, then with
     * the export's end, signed once all is written.
     */
    void export(OutputStream out) throws IOException {
        Checkpoint head = trail.checkpointHead();
        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        try {
            records(head == null ? 0 : head.seq(), record -> {
                try {
                    writer.write(AuditExportFormat.line(record));
                    writer.write('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        Checkpoint end = head == null
                ? Checkpoints.signExportEnd(0, AuditChain.GENESIS, clock.instant(), keys)
                : Checkpoints.signExportEnd(head.seq(), head.hash(), clock.instant(), keys);
        writer.write(AuditExportFormat.line(end));
        writer.write('\n');
        writer.flush();
    }

    /** Entries and checkpoints up to {@code upTo}, in seq order, each checkpoint after the entry it signs. */
    private void records(long upTo, Consumer<AuditRecord> sink) {
        java.util.Iterator<Checkpoint> checkpoints = jdbc.query(
                "SELECT seq, head_hash, at, node, signer, signature FROM audit_checkpoint WHERE seq <= ? ORDER BY seq",
                (rs, row) -> new Checkpoint(rs.getLong(1), rs.getString(2), SqlTimes.instant(rs, "at"), rs.getString(4), rs.getString(5),
                        rs.getBytes(6)),
                upTo).iterator();
        Checkpoint[] next = {checkpoints.hasNext() ? checkpoints.next() : null};
        jdbc.query(connection -> {
            // PostgreSQL honours the fetch size only inside a transaction: without one it would read the
            // whole log into memory. The pool rolls back and restores auto-commit when it takes the connection back.
            if (connection.getAutoCommit()) {
                connection.setAutoCommit(false);
            }
            var statement = connection.prepareStatement("SELECT * FROM audit_entry WHERE seq <= ? ORDER BY seq");
            statement.setFetchSize(1000);
            statement.setLong(1, upTo);
            return statement;
        }, (ResultSet rs) -> {
            ChainedEntry entry = entry(rs);
            sink.accept(entry);
            while (next[0] != null && next[0].seq() <= entry.seq()) {
                sink.accept(next[0]);
                next[0] = checkpoints.hasNext() ? checkpoints.next() : null;
            }
        });
    }

    private static ChainedEntry entry(ResultSet rs) throws SQLException {
        String categories = rs.getString("data_categories");
        AuditEntry entry = new AuditEntry(SqlTimes.instant(rs, "at"), AuditStep.valueOf(rs.getString("step")), rs.getString("message_id"),
                rs.getString("correlation_id"), rs.getString("message_type"), rs.getString("sender"), rs.getString("recipient"),
                rs.getString("purpose"), categories == null ? null
                        : categories.isEmpty() ? java.util.Set.of() : new TreeSet<>(Arrays.asList(categories.split(","))),
                rs.getString("consent_id"), rs.getString("payload_digest"), rs.getString("error_code"), rs.getString("actor"),
                rs.getString("person_hash"));
        return new ChainedEntry(rs.getLong("seq"), rs.getString("node"), entry, rs.getString("previous_hash"), rs.getString("entry_hash"));
    }
}
