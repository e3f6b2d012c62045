package fr.liaison.gateway;

import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;

/** The node's schema, migrated by its own Flyway scripts, in a fresh in-memory H2 database. */
public final class TestDatabases {

    private TestDatabases() {
    }

    /** {@code name} only makes the database's URL easier to recognise; each call gets a database of its own. */
    public static JdbcDataSource migratedH2(String name) {
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        db.setUser("sa");
        Flyway.configure().dataSource(db).locations("classpath:db/migration").load().migrate();
        return db;
    }
}
