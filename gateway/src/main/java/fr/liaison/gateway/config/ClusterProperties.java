package fr.liaison.gateway.config;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One node run as several identical instances, under {@code liaison.cluster.*}: set by the
 * {@code cluster} profile ({@code application-cluster.properties}), which points the broker and the
 * database of every instance at shared ones. Nothing that must survive is kept in an instance: the
 * queues and messages in flight live in the external Artemis primary/backup pair; messages, consents,
 * idempotency keys, referrals, the audit chain and the scheduled jobs' locks in PostgreSQL; keys and
 * the directory come from configuration. Any instance answers any request.
 *
 * @param enabled whether this node runs as one of several instances (set by the {@code cluster} profile)
 * @param instanceName this instance's name, shown in the scheduled jobs' lock table and the logs
 *     (default: the host name and the process id)
 * @param brokerUrl the Artemis client URL of the primary and backup brokers with its failover options,
 *     e.g. {@code (tcp://mq1:61616,tcp://mq2:61616)?ha=true&reconnectAttempts=-1&retryInterval=500}
 * @param brokerUser the broker user
 * @param brokerPassword its password (from the environment, never committed)
 * @param databaseUrl the JDBC URL of the shared PostgreSQL database
 * @param databaseUser the database user
 * @param databasePassword its password (from the environment, never committed)
 * @param pseudonymisationKeyFile the key of the person hashes, the same file content on every instance
 *     (32 random bytes); a single node generates its own under its work directory instead
 * @param sweepInterval how often one of the instances looks for steps the audit log missed and for
 *     messages no queue carries (an instance killed between two writes, a send lost in a broker failover)
 * @param auditRepairGrace a step is repaired only once it is older than this: a live sibling's audit
 *     entry for a younger step may still be in its batch, not yet committed (far above the
 *     60 s an append may take)
 * @param requeueAfter a message still waiting to leave (ACCEPTED) or to reach the local software
 *     (RECEIVED) this long after its last step is put on its queue again, under its own duplicate-detection id
 */
@ConfigurationProperties("liaison.cluster")
public record ClusterProperties(boolean enabled, String instanceName, String brokerUrl, String brokerUser, String brokerPassword,
        String databaseUrl, String databaseUser, String databasePassword, Path pseudonymisationKeyFile,
        @DefaultValue("PT1M") Duration sweepInterval, @DefaultValue("PT2M") Duration auditRepairGrace,
        @DefaultValue("PT10M") Duration requeueAfter) {

    public ClusterProperties {
        if (instanceName == null || instanceName.isBlank()) {
            instanceName = defaultInstanceName();
        }
    }

    private static String defaultInstanceName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
