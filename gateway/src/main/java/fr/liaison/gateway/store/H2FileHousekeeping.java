package fr.liaison.gateway.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

import javax.sql.DataSource;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.db.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the embedded H2 file compact under load. The node has H2 write every commit to the file at
 * once ({@code WRITE_DELAY=0}), so that a message the API has accepted survives a crash of the
 * process. Each commit then writes a chunk of its own, and in that mode H2 starts no background
 * writer, hence none of the housekeeping that writer does: a chunk that still holds a few live
 * pages among many out-of-date ones is never rewritten. Under a steady load the chunks pile up,
 * the file grew to 4 GB in ten minutes and every commit got slower. This job has H2 rewrite the
 * live pages of its sparsest chunks, as its own background writer would, a little at a time so
 * that commits wait at most briefly for it. It does nothing on PostgreSQL, nor on an H2 database
 * that is not a file.
 */
@Component
class H2FileHousekeeping {

    /** Below this share of live data in the file's chunks, the sparsest chunks are rewritten (H2's own default is 90 %). */
    static final int TARGET_FILL_RATE = 80;

    /** At most this many bytes of live pages rewritten per run, so that a run holds H2's store lock only briefly. */
    static final int MAX_REWRITE_BYTES = 4 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(H2FileHousekeeping.class);

    private final DataSource dataSource;

    private volatile boolean notAnEmbeddedFile;

    H2FileHousekeeping(DataSource dataSource) {
        this.dataSource = dataSource;
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
     * Rewrites the sparsest chunks if the file's fill rate is below the target; true if it did. Once it
     * has seen that the database is no H2 file of this process (PostgreSQL, an H2 server, an in-memory
     * H2), it no longer borrows a connection to look again: the data source does not change.
     */
    boolean run() throws SQLException {
        if (notAnEmbeddedFile) {
            return false;
        }
        try (Connection connection = dataSource.getConnection()) {
            Optional<MVStore> store = fileStore(connection);
            if (store.isEmpty() && !embeddedDatabase(connection)) {
                notAnEmbeddedFile = true;
            }
            return store.isPresent() && store.get().compact(TARGET_FILL_RATE, MAX_REWRITE_BYTES);
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
