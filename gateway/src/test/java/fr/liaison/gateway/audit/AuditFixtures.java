package fr.liaison.gateway.audit;

import fr.liaison.gateway.TestDatabases;
import fr.liaison.gateway.config.LiaisonProperties;
import fr.liaison.routes.keys.KeyMaterial;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The node's real schema in a fresh in-memory H2 database, and an audit trail on it signed as a development participant. */
final class AuditFixtures {

    static final Path CERTS_DEV = Path.of(System.getProperty("liaison.certs-dev", "../certs-dev")).toAbsolutePath().normalize();

    private AuditFixtures() {
    }

    static DataSource migratedDatabase() {
        return TestDatabases.migratedH2("audit");
    }

    /** Not started: each append writes what is queued in the caller's thread. */
    static ChainedAuditTrail trail(DataSource source, String participant, int checkpointEvery, Instant now) {
        LiaisonProperties properties = new LiaisonProperties(null, null, null, null, null, null, null, null, null, null, 16 << 20, null, null,
                new LiaisonProperties.Audit(checkpointEvery, Duration.ofHours(1), 64, Duration.ofDays(90)));
        return new ChainedAuditTrail(JdbcClient.create(source), new JdbcTemplate(source),
                new TransactionTemplate(new DataSourceTransactionManager(source)), KeyMaterial.fromCertsDev(CERTS_DEV, participant),
                Clock.fixed(now, ZoneOffset.UTC), properties);
    }
}
