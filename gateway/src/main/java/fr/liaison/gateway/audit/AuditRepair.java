package fr.liaison.gateway.audit;

import fr.liaison.gateway.cluster.OncePerPeriod;
import fr.liaison.gateway.config.ClusterProperties;
import fr.liaison.gateway.store.SqlTimes;
import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.audit.AuditTrail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * A message's status changes in one transaction and its audit entry is appended in another (the
 * chain is written in batches): a node killed between the two holds a step the log does not show.
 * Such steps (more in the message's history than in the log) are appended at the time the step was
 * taken and with the actor saying they were recorded after a restart, so the log misses no step the
 * node took. Steps and entries are compared up to a bound, both dated by the step's time.
 *
 * <p>A single node does it once, at start-up, over the last minutes before the log's last entry,
 * for the steps taken before this start: it runs once the audit log is started and before the
 * routes, their queue consumers and the listeners, so a queue entry handed out again after the
 * restart cannot take and audit its next steps while the log is being compared with the histories
 * (a step counted as missing could then be audited twice). Instances of a cluster share the
 * database, and a live sibling's entry for a step it has just taken may still be in its batch, not
 * yet committed: there, one instance at a time (a scheduled job under its lock) repairs only steps
 * older than {@code liaison.cluster.audit-repair-grace}, every {@code liaison.cluster.sweep-interval},
 * which also covers an instance that is never restarted.
 */
@Component
class AuditRepair implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(AuditRepair.class);
    /** Far wider than a batch's time in flight. */
    private static final Duration LOOK_BACK = Duration.ofMinutes(10);
    private static final Set<String> AUDITED_STEPS = new TreeSet<>(Arrays.stream(AuditStep.values()).map(Enum::name).toList());
    static final String JOB = "audit-repair";

    private final JdbcClient jdbc;
    private final AuditTrail audit;
    private final Clock clock;
    private final ClusterProperties cluster;
    private final OncePerPeriod once;
    /** Taken when the bean is made, before any route starts: every older step was taken by the previous run. */
    private final Instant started;

    private volatile boolean running;

    AuditRepair(JdbcClient jdbc, AuditTrail audit, Clock clock, ClusterProperties cluster, OncePerPeriod once) {
        this.started = clock.instant();
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
        this.cluster = cluster;
        this.once = once;
    }

    private record Missing(String messageId, String direction, String step, String errorCode, Instant at, int count) {
    }

    @Override
    public void start() {
        appendStepsTheLogMissed();
        running = true;
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the audit log (ChainedAuditTrail), before Camel's routes and the web server. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 200;
    }

    /** A single node's start-up repair; in a cluster, the sweep does it instead. */
    void appendStepsTheLogMissed() {
        if (!cluster.enabled()) {
            repairStepsUpTo(started);
        }
    }

    @Scheduled(initialDelayString = "${liaison.cluster.sweep-interval:PT1M}", fixedDelayString = "${liaison.cluster.sweep-interval:PT1M}")
    void sweep() {
        if (cluster.enabled() && running) {
            once.run(JOB, cluster.sweepInterval(), () -> repairStepsUpTo(clock.instant().minus(cluster.auditRepairGrace())));
        }
    }

    /**
     * Appends the entries missing for steps taken before {@code upTo}, among the messages with a
     * step in the ten minutes before the log's last entry older than {@code upTo}; the entries
     * counted are those dated before {@code upTo} (an entry bears its step's time). Returns how many
     * were appended.
     */
    int repairStepsUpTo(Instant upTo) {
        OffsetDateTime to = SqlTimes.time(upTo);
        // The log's last entry before the bound: the window ends there even after a long stop.
        Instant lastEntry = jdbc.sql("SELECT MAX(at) AS last_at FROM audit_entry WHERE at < ?").param(to)
                .query((rs, row) -> SqlTimes.instant(rs, "last_at")).list().stream().filter(at -> at != null).findFirst().orElse(null);
        if (lastEntry == null) {
            return 0;
        }
        // Per message with a step in the window (indexed by time, then by message): the steps taken
        // before the bound, against the entries the log holds for it before the bound.
        List<Missing> missing = new ArrayList<>();
        List<String[]> recent = jdbc.sql("SELECT DISTINCT message_id, direction FROM message_step WHERE at >= ? AND at < ?")
                .params(SqlTimes.time(lastEntry.minus(LOOK_BACK)), to)
                .query((rs, row) -> new String[] {rs.getString("message_id"), rs.getString("direction")}).list();
        for (String[] message : recent) {
            Map<String, Integer> audited = new HashMap<>();
            jdbc.sql("SELECT step, COUNT(*) AS n FROM audit_entry WHERE message_id = ? AND at < ? GROUP BY step")
                    .params(message[0], to)
                    .query((rs, row) -> audited.put(rs.getString("step"), rs.getInt("n"))).list();
            jdbc.sql("""
                    SELECT step, COUNT(*) AS n, MAX(error_code) AS error_code, MAX(at) AS last_at FROM message_step
                    WHERE message_id = ? AND direction = ? AND at < ? GROUP BY step""").params(message[0], message[1], to)
                    .query((rs, row) -> new Missing(message[0], message[1], rs.getString("step"), rs.getString("error_code"),
                            SqlTimes.instant(rs, "last_at"), rs.getInt("n") - audited.getOrDefault(rs.getString("step"), 0)))
                    .list().stream().filter(m -> m.count() > 0 && AUDITED_STEPS.contains(m.step())).forEach(missing::add);
        }
        int appended = 0;
        for (Missing m : missing) {
            for (int i = 0; i < m.count(); i++) {
                audit.append(entry(m));
                appended++;
            }
        }
        if (appended > 0) {
            LOG.warn("{}: {} steps taken before had no audit entry; appended now", cluster.enabled() ? "audit sweep" : "start-up", appended);
        }
        return appended;
    }

    private AuditEntry entry(Missing m) {
        return jdbc.sql("SELECT * FROM message WHERE message_id = ? AND direction = ?").params(m.messageId(), m.direction())
                .query((rs, row) -> {
                    String categories = rs.getString("data_categories");
                    return new AuditEntry(m.at(), AuditStep.valueOf(m.step()), m.messageId(), rs.getString("correlation_id"),
                            rs.getString("message_type"), rs.getString("sender"), rs.getString("recipient"), rs.getString("purpose"),
                            categories == null || categories.isEmpty() ? Set.of() : new TreeSet<>(Arrays.asList(categories.split(","))),
                            rs.getString("consent_id"), null, m.errorCode(), "node, recorded after a restart", rs.getString("person_hash"));
                }).single();
    }
}
