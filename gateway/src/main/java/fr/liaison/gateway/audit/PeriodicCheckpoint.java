package fr.liaison.gateway.audit;

import fr.liaison.gateway.cluster.OncePerPeriod;
import fr.liaison.gateway.config.LiaisonProperties;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Signs the audit chain's head every {@code liaison.audit.checkpoint-interval} while entries are
 * appended: once per period across the instances sharing the chain.
 */
@Component
class PeriodicCheckpoint {

    static final String JOB = "audit-checkpoint";

    private final ChainedAuditTrail trail;
    private final OncePerPeriod once;
    private final LiaisonProperties.Audit settings;

    PeriodicCheckpoint(ChainedAuditTrail trail, OncePerPeriod once, LiaisonProperties properties) {
        this.trail = trail;
        this.once = once;
        this.settings = properties.audit();
    }

    @Scheduled(fixedDelayString = "${liaison.audit.checkpoint-interval:PT1M}")
    void run() {
        if (trail.isRunning()) {
            once.run(JOB, settings.checkpointInterval(), trail::periodicCheckpoint);
        }
    }
}
