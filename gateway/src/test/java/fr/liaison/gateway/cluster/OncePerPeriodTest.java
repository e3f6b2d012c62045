package fr.liaison.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fr.liaison.gateway.TestDatabases;
import fr.liaison.gateway.config.ClusterProperties;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * Two instances sharing one database (each with its own lock provider, as two processes would): a
 * job runs once per period whichever instance's timer fires, and again once the period is over. A
 * single node takes no lock.
 */
class OncePerPeriodTest {

    @Test
    void aJobRunsOncePerPeriodAcrossInstances() {
        DataSource db = migratedDatabase();
        OncePerPeriod first = instance(db, "first");
        OncePerPeriod second = instance(db, "second");
        AtomicInteger runs = new AtomicInteger();
        Duration period = Duration.ofSeconds(2);

        assertThat(first.run("job", period, runs::incrementAndGet)).isTrue();
        assertThat(second.run("job", period, runs::incrementAndGet)).isFalse();
        assertThat(first.run("job", period, runs::incrementAndGet)).isFalse();
        assertThat(second.run("other-job", period, () -> { })).as("another job has its own lock").isTrue();
        assertThat(runs).hasValue(1);

        await().atMost(Duration.ofSeconds(10)).until(() -> second.run("job", period, runs::incrementAndGet));
        assertThat(runs).hasValue(2);
        assertThat(first.call("job", period, () -> "result")).as("not run: no result").isNull();
    }

    @Test
    void aSingleNodeTakesNoLockSoARestartRunsItsJobsAtOnce() {
        DataSource db = migratedDatabase();
        OncePerPeriod beforeRestart = instance(db, "node", false);
        OncePerPeriod afterRestart = instance(db, "node", false);
        AtomicInteger runs = new AtomicInteger();

        assertThat(beforeRestart.run("job", Duration.ofMinutes(1), runs::incrementAndGet)).isTrue();
        assertThat(afterRestart.run("job", Duration.ofMinutes(1), runs::incrementAndGet)).isTrue();
        assertThat(runs).hasValue(2);
    }

    static DataSource migratedDatabase() {
        JdbcDataSource db = TestDatabases.migratedH2("locks");
        return db;
    }

    private static OncePerPeriod instance(DataSource db, String name) {
        return instance(db, name, true);
    }

    private static OncePerPeriod instance(DataSource db, String name, boolean cluster) {
        ClusterProperties properties = new ClusterProperties(cluster, name, null, null, null, null, null, null, null, Duration.ofMinutes(1),
                Duration.ofMinutes(2), Duration.ofMinutes(10));
        ScheduledJobLocks locks = new ScheduledJobLocks();
        return locks.oncePerPeriod(locks.lockProvider(db, properties), properties);
    }
}
