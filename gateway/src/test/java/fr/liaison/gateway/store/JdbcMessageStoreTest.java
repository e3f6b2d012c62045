package fr.liaison.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.liaison.gateway.TestDatabases;
import fr.liaison.routes.exchange.Direction;
import fr.liaison.routes.exchange.MessageInUseException;
import fr.liaison.routes.exchange.MessageStatus;
import fr.liaison.routes.exchange.StoredMessage;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A message worked on exclusively: a second instance asking for it meanwhile is refused at once
 * (it tries again later), and the status changes of the work are kept together, or none of them.
 */
class JdbcMessageStoreTest {

    private static final Instant AT = Instant.parse("2026-11-23T12:00:00Z");

    private JdbcClient jdbc;
    private JdbcMessageStore store;
    private TransactionTemplate transaction;
    private final ExecutorService sibling = Executors.newSingleThreadExecutor();

    @BeforeEach
    void database() {
        JdbcDataSource db = TestDatabases.migratedH2("store");
        jdbc = JdbcClient.create(db);
        store = new JdbcMessageStore(jdbc, new StaticListableBeanFactory().getBeanProvider(StoredMessageListener.class));
        // What @Transactional does around exclusively() in the node.
        transaction = new TransactionTemplate(new DataSourceTransactionManager(db));
        jdbc.sql("""
                INSERT INTO message (message_id, direction, message_type, sender, recipient, status, created_at, updated_at)
                VALUES ('m', 'INBOUND', 'REFERRAL', 'CCAS-29232', 'FT-29', 'RECEIVED', ?, ?)""")
                .params(SqlTimes.time(AT), SqlTimes.time(AT)).update();
    }

    @AfterEach
    void stop() {
        sibling.shutdownNow();
    }

    @Test
    void aMessageInOneInstancesHandsIsRefusedAtOnceToAnother() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        CompletableFuture<MessageStatus> first = CompletableFuture.supplyAsync(() -> transaction.execute(status -> store.exclusively("m",
                Direction.INBOUND, found -> {
                    held.countDown();
                    awaitQuietly(done);
                    store.updateStatus("m", Direction.INBOUND, MessageStatus.DELIVERED, "DELIVERED", null, AT.plusSeconds(1));
                    return found.orElseThrow().status();
                })), sibling);
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> transaction.execute(status -> store.exclusively("m", Direction.INBOUND, found -> "second")))
                .isInstanceOf(MessageInUseException.class);

        done.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(MessageStatus.RECEIVED);
        // Free again, and the first one's change is there for whoever comes next.
        MessageStatus next = transaction.execute(status -> store.exclusively("m", Direction.INBOUND, found -> found.orElseThrow().status()));
        assertThat(next).isEqualTo(MessageStatus.DELIVERED);
    }

    @Test
    void workThatFailsKeepsNoneOfItsChanges() {
        assertThatThrownBy(() -> transaction.execute(status -> store.exclusively("m", Direction.INBOUND, found -> {
            store.updateStatus("m", Direction.INBOUND, MessageStatus.DELIVERED, "DELIVERED", null, AT.plusSeconds(1));
            throw new IllegalStateException("the audit entry could not be committed");
        }))).isInstanceOf(IllegalStateException.class);

        StoredMessage stored = store.find("m", Direction.INBOUND).orElseThrow();
        assertThat(stored.status()).isEqualTo(MessageStatus.RECEIVED);
        assertThat(stored.history()).isEmpty();
    }

    @Test
    void aStepKeepsItsOwnCodeUnderTheMessagesCode() {
        // A recipient's refusal: the message fails with GW-EXCHANGE-006, its step says why.
        store.updateStatus("m", Direction.INBOUND, MessageStatus.FAILED, "FAILED", "GW-EXCHANGE-006", "GW-CONSENT-004", AT.plusSeconds(1));

        StoredMessage stored = store.find("m", Direction.INBOUND).orElseThrow();
        assertThat(stored.errorCode()).isEqualTo("GW-EXCHANGE-006");
        assertThat(stored.history()).singleElement().satisfies(step -> {
            assertThat(step.step()).isEqualTo("FAILED");
            assertThat(step.errorCode()).isEqualTo("GW-CONSENT-004");
        });
    }

    @Test
    void anUnknownMessageIsGivenToTheWorkAsEmpty() {
        Boolean empty = transaction.execute(status -> store.exclusively("unknown", Direction.INBOUND, found -> found.isEmpty()));
        assertThat(empty).isTrue();
    }

    @Test
    void theInboxGivesTheOldestUnacknowledgedMessagesUpToItsLimit() {
        for (int i = 1; i <= 5; i++) {
            jdbc.sql("""
                    INSERT INTO message (message_id, direction, message_type, sender, recipient, status, created_at, updated_at)
                    VALUES (?, 'INBOUND', 'REFERRAL', 'CCAS-29232', 'FT-29', 'RECEIVED', ?, ?)""")
                    .params("m" + i, SqlTimes.time(AT.plusSeconds(i)), SqlTimes.time(AT.plusSeconds(i))).update();
        }
        store.acknowledge("m", AT.plusSeconds(10));

        assertThat(store.inbox(3)).extracting(StoredMessage::messageId).containsExactly("m1", "m2", "m3");
        assertThat(store.inbox(1000)).extracting(StoredMessage::messageId).containsExactly("m1", "m2", "m3", "m4", "m5");
    }

    @Test
    void aMessageAndWhatItStartsAreKeptTogetherOrNotAtAll() {
        StoredMessage referral = new StoredMessage("r1", Direction.INBOUND, "REFERRAL", "CCAS-29232", "FT-29", null, null,
                java.util.Set.of(), null, null, MessageStatus.RECEIVED, null, AT, AT, new byte[] {1}, java.util.List.of());
        assertThatThrownBy(() -> transaction.execute(status -> store.insert(referral, () -> {
            store.keepReceipt("r1", "digest", new byte[] {2});
            throw new IllegalStateException("the referral could not be recorded");
        }))).isInstanceOf(IllegalStateException.class);
        assertThat(store.find("r1", Direction.INBOUND)).isEmpty();

        Boolean inserted = transaction.execute(status -> store.insert(referral, () -> store.keepReceipt("r1", "digest", new byte[] {2})));
        assertThat(inserted).isTrue();
        assertThat(store.find("r1", Direction.INBOUND)).isPresent();
        assertThat(store.givenReceipt("r1").orElseThrow().receipt()).containsExactly(2);

        // Already held: nothing runs alongside a second time.
        Boolean again = transaction.execute(status -> store.insert(referral, () -> {
            throw new AssertionError("run for a message already held");
        }));
        assertThat(again).isFalse();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
