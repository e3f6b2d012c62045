package fr.liaison.gateway.directory;

import fr.liaison.gateway.config.DirectoryHolder;
import fr.liaison.gateway.config.LiaisonProperties;
import fr.liaison.routes.directory.Directory;

import java.time.Clock;
import java.time.Duration;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Readiness: DOWN when the directory in force was issued longer ago than the configured maximum age. */
@Component("directory")
class DirectoryHealth implements HealthIndicator {

    private final DirectoryHolder holder;
    private final DirectoryRefresher refresher;
    private final Duration maxAge;
    private final Clock clock;

    DirectoryHealth(DirectoryHolder holder, DirectoryRefresher refresher, LiaisonProperties properties, Clock clock) {
        this.holder = holder;
        this.refresher = refresher;
        this.maxAge = properties.directory().maxAge();
        this.clock = clock;
    }

    @Override
    public Health health() {
        Directory directory = holder.current();
        boolean tooOld = maxAge != null && directory.issuedAt().plus(maxAge).isBefore(clock.instant());
        Health.Builder health = tooOld ? Health.down() : Health.up();
        health.withDetail("version", directory.version()).withDetail("issuedAt", directory.issuedAt().toString())
                .withDetail("lastRefresh", refresher.lastSuccess().toString());
        if (maxAge != null) {
            health.withDetail("maxAge", maxAge.toString());
        }
        if (refresher.lastFailure() != null) {
            health.withDetail("lastFailure", refresher.lastFailure());
        }
        return health.build();
    }
}
