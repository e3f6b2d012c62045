package fr.liaison.gateway.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

import javax.sql.DataSource;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.db.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the embedded H2 file compact under load, and flushed to the disk. The node has H2 write every
 * commit to the file at once ({@code WRITE_DELAY=0}), so that a message the API has accepted survives
 * a crash of the process. Each commit then writes a chunk of its own, and in that mode H2 starts no
 * background writer, hence none of the housekeeping that writer does.
 * <ul>
 * <li>Each run has H2 rewrite the live pages of its sparsest chunks, as its own background writer
 * would, a little at a time so that commits wait at most briefly for it. Without it the file grew
 * to 4 GB in ten minutes of steady load.</li>
 * <li>Each run first has the operating system flush the file to the disk ({@code fsync}), and the job
 * keeps H2's retention time (how long a chunk is kept before it may be rewritten or its space
 * reused) at {@link #RETENTION_IN_RUNS} runs rather than H2's 45 s. H2 assumes the disk holds
 * everything written within the retention time; with a flush every run that is now true, where before
 * nothing was flushed before the file was closed. A chunk younger than the retention time can be
 * neither rewritten nor dropped: at 45 s a loaded node's file kept some 4,000 chunks, listed in a map
 * that H2 rewrites in part at every commit, and the file was nearly three times as large for the same
 * live data as with three seconds.</li>
 * </ul>
 * It does nothing on PostgreSQL, nor on an H2 database that is not a file.
 */
@Component
class H2FileHousekeeping {

    /** Below this share of live data in the file's chunks, the sparsest chunks are rewritten (H2's own default is 90 %). */
    static final int TARGET_FILL_RATE = 80;

    /** At most this many bytes of live pages rewritten per run, so that a run holds H2's store lock only briefly. */
    static final int MAX_REWRITE_BYTES = 4 * 1024 * 1024;

    /** H2's retention time in runs of this job: a chunk is kept until at least two flushes have followed it. */
    static final int RETENTION_IN_RUNS = 3;

    private static final Logger LOG = LoggerFactory.getLogger(H2FileHousekeeping.class);

    private final DataSource dataSource;

    private final int retentionMillis;

    private volatile boolean notAnEmbeddedFile;

    H2FileHousekeeping(DataSource dataSource, @Value("${liaison.h2.housekeeping-interval:PT1S}") Duration interval) {
        this.dataSource = dataSource;
        this.retentionMillis = Math.toIntExact(interval.multipliedBy(RETENTION_IN_RUNS).toMillis());
    }

    @Scheduled(initialDelayString = "${liaison.h2.housekeeping-interval:PT1S}",
            fixedDelayString = "${liaison.h2.housekeeping-interval:PT1S}")
    void scheduledRun() {
        try {
            run();
        } catch (SQLException | RuntimeException e) {
            // The next run tries again; a compaction that fails leaves the file as it was.
            LOG.warn("H2 file housekeeping failed: {}", e.getClass().getSimpleName());
        }
    }

    /**
     * Flushes the file to the disk, then rewrites the sparsest chunks if the file's fill rate is below
     * the target; true if it rewrote any. Once it has seen that the database is no H2 file of this
     * process (PostgreSQL, an H2 server, an in-memory H2), it no longer borrows a connection to look
     * again: the data source does not change.
     */
    boolean run() throws SQLException {
        if (notAnEmbeddedFile) {
            return false;
        }
        try (Connection connection = dataSource.getConnection()) {
            Optional<MVStore> store = fileStore(connection);
            if (store.isEmpty()) {
                notAnEmbeddedFile = !embeddedDatabase(connection);
                return false;
            }
            MVStore file = store.get();
            // Flushed before the retention time is shortened, so that H2's assumption holds from the first run.
            file.sync();
            file.setRetentionTime(retentionMillis);
            return file.compact(TARGET_FILL_RATE, MAX_REWRITE_BYTES);
        }
    }

    /** Whether the connection is to an H2 database open in this process with a file of its own. */
    private static boolean embeddedDatabase(Connection connection) throws SQLException {
        return localSession(connection).map(session -> session.getDatabase().isPersistent()).orElse(false);
    }

    /** The connection's H2 session if the database runs in this process; empty for another database or an H2 server's client. */
    private static Optional<SessionLocal> localSession(Connection connection) throws SQLException {
        if (connection.isWrapperFor(JdbcConnection.class)
                && connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session) {
            return Optional.of(session);
        }
        return Optional.empty(); // another database, or a client of an H2 server, which keeps its own file
    }

    /** The MVStore behind an embedded H2 file database, if that is what the connection is to. */
    static Optional<MVStore> fileStore(Connection connection) throws SQLException {
        Optional<SessionLocal> local = localSession(connection);
        if (local.isEmpty()) {
            return Optional.empty();
        }
        SessionLocal session = local.get();
        Store store = session.getDatabase().getStore();
        if (store == null) {
            return Optional.empty();
        }
        MVStore mvStore = store.getMvStore();
        if (mvStore.isClosed() || mvStore.isReadOnly() || mvStore.getFileStore() == null
                || mvStore.getFileStore().getFileName() == null) {
            return Optional.empty();
        }
        return Optional.of(mvStore);
    }
}
