package fr.liaison.gateway.config;

import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.audit.AuditTrail;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import org.apache.activemq.artemis.core.paging.PagingManager;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;
import org.springframework.util.function.SingletonSupplier;

/**
 * Whether the embedded broker still takes queue entries. Once the disk holding its data is fuller
 * than {@code liaison.broker.max-disk-usage}, Artemis blocks every send until space is freed: a
 * request that stored a message and then queued it would wait without an answer, and the caller
 * could not tell what became of it. Each operation that queues something new therefore asks first,
 * and is refused with {@code GW-NODE-001} (HTTP 503 with {@code Retry-After}, or a SOAP fault),
 * audited, before anything is stored; a peer's node retries such an answer later. Messages already
 * accepted stay stored and go on once space is freed. Readiness (health {@code brokerDisk}) is DOWN
 * meanwhile, and the officer pages show a banner. With a broker of its own (the cluster profile)
 * that broker's operators watch its disk.
 */
@Component("brokerDisk")
public class BrokerDisk implements HealthIndicator {

    /** What a refused caller is told to wait before it tries again. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(60);

    /**
     * The embedded broker, or empty with a broker of its own; looked up once, at the first question:
     * every message accepted asks, and a lookup in the context is not free.
     */
    private final SingletonSupplier<Optional<EmbeddedActiveMQ>> embeddedBroker;
    private final AuditTrail audit;
    private final Clock clock;
    private final String participantId;
    private final int maxDiskUsage;

    BrokerDisk(ObjectProvider<EmbeddedActiveMQ> broker, AuditTrail audit, Clock clock, LiaisonProperties properties, BrokerProperties settings) {
        this.embeddedBroker = SingletonSupplier.of(() -> Optional.ofNullable(broker.getIfAvailable()));
        this.audit = audit;
        this.clock = clock;
        this.participantId = properties.participantId();
        this.maxDiskUsage = settings.maxDiskUsage();
    }

    /** True while the embedded broker has found its disk too full to take entries. */
    public boolean full() {
        PagingManager paging = pagingManager();
        return paging != null && paging.isDiskFull();
    }

    /**
     * Refuses, audited under the actor (the local client, the officer, or the peer participant),
     * when the broker takes no entries; returns otherwise.
     */
    public void requireRoom(String actor) {
        if (full()) {
            audit.append(new AuditEntry(clock.instant(), AuditStep.REFUSED, null, null, null, participantId, null, null, null, null, null,
                    ErrorCode.NODE_DISK_FULL.code(), actor, null));
            throw new LiaisonException(ErrorCode.NODE_DISK_FULL, "the broker's disk is fuller than " + maxDiskUsage + " %");
        }
    }

    @Override
    public Health health() {
        PagingManager paging = pagingManager();
        if (paging == null) {
            return Health.unknown().withDetail("broker", "not embedded").build();
        }
        Health.Builder health = paging.isDiskFull() ? Health.down() : Health.up();
        return health.withDetail("maxDiskUsage", maxDiskUsage + " %")
                .withDetail("usableBytes", paging.getDiskUsableSpace())
                .withDetail("totalBytes", paging.getDiskTotalSpace()).build();
    }

    private PagingManager pagingManager() {
        ActiveMQServer server = embeddedBroker.obtain().map(EmbeddedActiveMQ::getActiveMQServer).orElse(null);
        return server == null ? null : server.getPagingManager();
    }
}
