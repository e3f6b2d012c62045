package fr.liaison.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The embedded H2 file under the node's write pattern (every commit written at once, rows of a
 * few kilobytes inserted and updated, and kept): without housekeeping its out-of-date chunks pile
 * up; with the job running the file stays clearly smaller. On an in-memory database the job does
 * nothing, and after its first run no longer borrows a connection to find that out.
 */
class H2FileHousekeepingTest {

    private static final int MESSAGES = 3_000;
    private static final int IN_FLIGHT = 40;

    @Test
    void theFileStaysSmallerWhenTheSparsestChunksAreRewritten(@TempDir Path dir) throws SQLException, IOException {
        long without = churn(dir.resolve("plain"), false);
        long with = churn(dir.resolve("kept"), true);

        assertThat(with).as("file with housekeeping %,d bytes, without %,d", with, without).isLessThan(without * 3 / 4);
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
        H2FileHousekeeping job = new H2FileHousekeeping(counting);

        assertThat(job.run()).isFalse();
        assertThat(job.run()).isFalse();
        assertThat(borrowed).as("connections borrowed: the second run knows there is no file to keep").hasValue(1);
    }

    /** Size of the database file after messages stored, sealed and delivered; their content stays, as on a node. */
    private static long churn(Path dir, boolean housekeeping) throws SQLException, IOException {
        JdbcDataSource db = new JdbcDataSource();
        // H2 rewrites a chunk only once it is older than the retention time (45 s by default): a short
        // one lets a test of a few seconds see what a node sees after a minute.
        db.setURL("jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0;RETENTION_TIME=200");
        db.setUser("sa");
        H2FileHousekeeping job = new H2FileHousekeeping(db);
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
            assertThat(H2FileHousekeeping.fileStore(keepOpen)).isPresent();
            // Measured while open: H2 compacts the file when it closes.
            return Files.size(dir.resolve("db.mv.db"));
        }
    }
}
