package fr.liaison.gateway.audit;

import fr.liaison.gateway.store.SqlTimes;
import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.audit.AuditTrail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * A message's status changes in one transaction and its audit entry is appended in another (the
 * chain is written in batches): a node killed between the two holds a step the log does not show.
 * At start-up, the steps of the last minutes before the log's last entry that have fewer audit
 * entries than the message's history are appended, at the time the step was taken and with the
 * actor saying they were recorded after a restart, so the log misses no step the node took. This
 * runs once the audit log is started and before the routes, their queue consumers and the
 * listeners, and compares only steps taken before this start: a queue entry handed out again after
 * the restart would otherwise take its next steps, and audit them, while the log is being compared
 * with the histories, and a step counted as missing could then be audited twice.
 */
@Component
class AuditRepair implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(AuditRepair.class);
    /** Far wider than a batch's time in flight. */
    private static final Duration LOOK_BACK = Duration.ofMinutes(10);
    private static final Set<String> AUDITED_STEPS = new TreeSet<>(Arrays.stream(AuditStep.values()).map(Enum::name).toList());

    private final JdbcClient jdbc;
    private final AuditTrail audit;
    /** Taken when the bean is made, before any route starts. */
    private final Instant started;

    AuditRepair(JdbcClient jdbc, AuditTrail audit, Clock clock) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.started = clock.instant();
    }

    private record Missing(String messageId, String direction, String step, String errorCode, Instant at, int count) {
    }

    private volatile boolean running;

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

    void appendStepsTheLogMissed() {
        Instant lastEntry = jdbc.sql("SELECT MAX(at) AS last_at FROM audit_entry WHERE at < ?").param(SqlTimes.time(started))
                .query((rs, row) -> SqlTimes.instant(rs, "last_at")).list().stream().filter(at -> at != null).findFirst().orElse(null);
        if (lastEntry == null) {
            return;
        }
        List<Missing> missing = new ArrayList<>();
        List<String[]> recent = jdbc.sql("SELECT DISTINCT message_id, direction FROM message_step WHERE at >= ? AND at < ?")
                .params(SqlTimes.time(lastEntry.minus(LOOK_BACK)), SqlTimes.time(started))
                .query((rs, row) -> new String[] {rs.getString("message_id"), rs.getString("direction")}).list();
        for (String[] message : recent) {
            Map<String, Integer> audited = new HashMap<>();
            jdbc.sql("SELECT step, COUNT(*) AS n FROM audit_entry WHERE message_id = ? AND at < ? GROUP BY step")
                    .params(message[0], SqlTimes.time(started))
                    .query((rs, row) -> audited.put(rs.getString("step"), rs.getInt("n"))).list();
            jdbc.sql("""
                    SELECT step, COUNT(*) AS n, MAX(error_code) AS error_code, MAX(at) AS last_at FROM message_step
                    WHERE message_id = ? AND direction = ? AND at < ? GROUP BY step""").params(message[0], message[1], SqlTimes.time(started))
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
            LOG.warn("start-up: {} steps taken before the last stop had no audit entry; appended now", appended);
        }
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
