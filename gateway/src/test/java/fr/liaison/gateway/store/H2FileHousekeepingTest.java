package fr.liaison.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The embedded H2 file under the node's write pattern (every commit written at once, rows of a
 * few kilobytes inserted and updated, and kept): without housekeeping its out-of-date chunks pile
 * up, in the file and in the list of chunks H2 rewrites in part at each commit; with the job running
 * both stay clearly smaller, and the job has shortened H2's retention time. On an in-memory database
 * the job does nothing, and after its first run no longer borrows a connection to find that out.
 */
class H2FileHousekeepingTest {

    private static final int MESSAGES = 3_000;
    private static final int IN_FLIGHT = 40;

    /** Short, so that a test of a few seconds sees what a node sees after a minute. */
    private static final Duration INTERVAL = Duration.ofMillis(100);

    @Test
    void theFileAndItsListOfChunksStaySmallerWhenTheJobRuns(@TempDir Path dir) throws SQLException, IOException {
        FileState without = churn(dir.resolve("plain"), false);
        FileState with = churn(dir.resolve("kept"), true);

        assertThat(with.bytes()).as("file with housekeeping %,d bytes, without %,d", with.bytes(), without.bytes())
                .isLessThan(without.bytes() * 3 / 4);
        assertThat(with.chunksListed()).as("chunks H2 lists with housekeeping %,d, without %,d", with.chunksListed(), without.chunksListed())
                .isLessThan(without.chunksListed() / 4);
        assertThat(with.retentionMillis()).isEqualTo(INTERVAL.multipliedBy(H2FileHousekeeping.RETENTION_IN_RUNS).toMillis());
        assertThat(without.retentionMillis()).as("H2's own default").isEqualTo(45_000);
    }

    @Test
    void anInMemoryDatabaseIsLeftAlone() throws SQLException {
        JdbcDataSource memory = new JdbcDataSource();
        memory.setURL("jdbc:h2:mem:housekeeping;DB_CLOSE_DELAY=-1");
        memory.setUser("sa");
        try (Connection connection = memory.getConnection()) {
            assertThat(H2FileHousekeeping.fileStore(connection)).isEmpty();
        }
        AtomicInteger borrowed = new AtomicInteger();
        DataSource counting = new DelegatingDataSource(memory) {
            @Override
            public Connection getConnection() throws SQLException {
                borrowed.incrementAndGet();
                return super.getConnection();
            }
        };
        H2FileHousekeeping job = new H2FileHousekeeping(counting, INTERVAL);

        assertThat(job.run()).isFalse();
        assertThat(job.run()).isFalse();
        assertThat(borrowed).as("connections borrowed: the second run knows there is no file to keep").hasValue(1);
    }

    /** The file's size, how many chunks H2 lists, and its retention time. */
    private record FileState(long bytes, long chunksListed, int retentionMillis) {
    }

    /** The database file after messages stored, sealed and delivered; their content stays, as on a node. */
    private static FileState churn(Path dir, boolean housekeeping) throws SQLException, IOException {
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0");
        db.setUser("sa");
        H2FileHousekeeping job = new H2FileHousekeeping(db, INTERVAL);
        // One connection held open keeps the database open between statements, as the node's pool does.
        try (Connection keepOpen = db.getConnection()) {
            JdbcClient jdbc = JdbcClient.create(db);
            jdbc.sql("CREATE TABLE message (id INT PRIMARY KEY, status VARCHAR(16), payload BYTEA, envelope BYTEA)").update();
            jdbc.sql("CREATE INDEX message_by_status ON message (status)").update();
            Random random = new Random(42);
            byte[] payload = new byte[4096];
            byte[] envelope = new byte[6144];
            for (int i = 0; i < MESSAGES; i++) {
                random.nextBytes(payload);
                random.nextBytes(envelope);
                jdbc.sql("INSERT INTO message VALUES (?, 'ACCEPTED', ?, NULL)").params(i, payload).update();
                jdbc.sql("UPDATE message SET status = 'SEALED', envelope = ? WHERE id = ?").params(envelope, i).update();
                if (i >= IN_FLIGHT) {
                    jdbc.sql("UPDATE message SET status = 'DELIVERED', envelope = NULL WHERE id = ?").param(i - IN_FLIGHT).update();
                }
                if (housekeeping && i % 20 == 19) {
                    job.run();
                }
            }
            MVStore store = H2FileHousekeeping.fileStore(keepOpen).orElseThrow();
            long chunksListed = store.getLayoutMap().keySet().stream().filter(key -> key.startsWith("chunk.")).count();
            // Measured while open: H2 compacts the file when it closes.
            return new FileState(Files.size(dir.resolve("db.mv.db")), chunksListed, store.getRetentionTime());
        }
    }
}
