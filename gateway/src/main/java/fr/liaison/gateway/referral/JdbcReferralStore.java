package fr.liaison.gateway.referral;

import static fr.liaison.gateway.store.SqlTimes.instant;
import static fr.liaison.gateway.store.SqlTimes.time;

import fr.liaison.routes.lifecycle.Referral;
import fr.liaison.routes.lifecycle.ReferralState;
import fr.liaison.routes.lifecycle.ReferralStore;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Referrals this node follows, in its database. */
@Repository
class JdbcReferralStore implements ReferralStore {

    private final JdbcClient jdbc;

    JdbcReferralStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean insert(Referral r) {
        try {
            return jdbc.sql("""
                    INSERT INTO referral (referral_id, role, counterpart, purpose, convention_id, state, sent_at, answered_at,
                        first_appointment, exit_reason, due_at, next_reminder_at, reminders, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(r.referralId(), r.role().name(), r.counterpart(), r.purpose(), r.conventionId(), r.state().name(),
                            time(r.sentAt()), time(r.answeredAt()), r.firstAppointment(), r.exitReason(), time(r.dueAt()),
                            time(r.nextReminderAt()), r.reminders(), time(r.updatedAt()))
                    .update() == 1;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    @Override
    public void update(Referral r) {
        jdbc.sql("""
                UPDATE referral SET state = ?, answered_at = ?, first_appointment = ?, exit_reason = ?, next_reminder_at = ?,
                    reminders = ?, updated_at = ? WHERE referral_id = ? AND role = ?""")
                .params(r.state().name(), time(r.answeredAt()), r.firstAppointment(), r.exitReason(), time(r.nextReminderAt()),
                        r.reminders(), time(r.updatedAt()), r.referralId(), r.role().name())
                .update();
    }

    @Override
    public Optional<Referral> find(String referralId, Referral.Role role) {
        return jdbc.sql("SELECT * FROM referral WHERE referral_id = ? AND role = ?").params(referralId, role.name())
                .query((rs, row) -> referral(rs)).optional();
    }

    @Override
    public List<Referral> list(ReferralState state, int limit) {
        return (state == null
                ? jdbc.sql("SELECT * FROM referral ORDER BY sent_at DESC LIMIT ?").param(limit)
                : jdbc.sql("SELECT * FROM referral WHERE state = ? ORDER BY sent_at DESC LIMIT ?").params(state.name(), limit))
                .query((rs, row) -> referral(rs)).list();
    }

    @Override
    public List<Referral> due(Instant now) {
        return jdbc.sql("""
                SELECT * FROM referral WHERE state IN ('SENT', 'RECEIVED', 'MORE_INFORMATION_NEEDED')
                AND (next_reminder_at <= ? OR due_at <= ?)""").params(time(now), time(now))
                .query((rs, row) -> referral(rs)).list();
    }

    private static Referral referral(ResultSet rs) throws SQLException {
        return new Referral(rs.getString("referral_id"), Referral.Role.valueOf(rs.getString("role")), rs.getString("counterpart"),
                rs.getString("purpose"), rs.getString("convention_id"), ReferralState.valueOf(rs.getString("state")),
                instant(rs, "sent_at"), instant(rs, "answered_at"), rs.getObject("first_appointment", LocalDate.class),
                rs.getString("exit_reason"), instant(rs, "due_at"), instant(rs, "next_reminder_at"), rs.getInt("reminders"),
                instant(rs, "updated_at"));
    }
}
