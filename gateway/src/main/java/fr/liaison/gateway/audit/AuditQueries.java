package fr.liaison.gateway.audit;

import static fr.liaison.gateway.store.SqlTimes.time;

import fr.liaison.gateway.store.SqlTimes;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reads the audit log for officers: filtered, paged, newest first. */
@Repository
class AuditQueries {

    private final JdbcClient jdbc;

    AuditQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Page(long total, List<Map<String, Object>> entries) {
    }

    Page find(AuditQuery query) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        condition(where, params, " AND at >= ?", query.from() == null ? null : time(query.from()));
        condition(where, params, " AND at < ?", query.to() == null ? null : time(query.to()));
        condition(where, params, " AND step = ?", query.step());
        condition(where, params, " AND error_code = ?", query.code());
        condition(where, params, " AND message_id = ?", query.messageId());
        condition(where, params, " AND correlation_id = ?", query.correlationId());
        condition(where, params, " AND person_hash = ?", query.personHash());
        if (query.participant() != null) {
            where.append(" AND (sender = ? OR recipient = ?)");
            params.add(query.participant());
            params.add(query.participant());
        }
        if (query.outcome() == AuditQuery.Outcome.OK) {
            where.append(" AND error_code IS NULL");
        } else if (query.outcome() == AuditQuery.Outcome.ERROR) {
            where.append(" AND error_code IS NOT NULL");
        }
        long total = jdbc.sql("SELECT COUNT(*) FROM audit_entry" + where).params(params).query(Long.class).single();
        List<Object> pageParams = new ArrayList<>(params);
        pageParams.add(query.size());
        pageParams.add((long) query.page() * query.size());
        List<Map<String, Object>> entries = jdbc.sql("SELECT * FROM audit_entry" + where + " ORDER BY seq DESC LIMIT ? OFFSET ?")
                .params(pageParams).query((rs, row) -> entry(rs)).list();
        return new Page(total, entries);
    }

    /** Every step of one exchange: the message and those correlated to it, in order. */
    List<Map<String, Object>> exchange(String messageId) {
        return jdbc.sql("SELECT * FROM audit_entry WHERE message_id = ? OR correlation_id = ? ORDER BY seq")
                .params(messageId, messageId).query((rs, row) -> entry(rs)).list();
    }

    /**
     * "Who received my data": every step of this node that handed data about the person to a
     * participant (delivered to another node, or received here from one), with when, which
     * categories, under which consent and for which purpose.
     */
    List<Map<String, Object>> personReport(String personHash, String self) {
        return jdbc.sql("""
                SELECT * FROM audit_entry
                WHERE person_hash = ? AND ((step = 'DELIVERED' AND sender = ?) OR (step = 'RECEIVED' AND recipient = ?))
                ORDER BY seq""").params(personHash, self, self).query((rs, row) -> entry(rs)).list();
    }

    private static void condition(StringBuilder where, List<Object> params, String sql, Object value) {
        if (value != null) {
            where.append(sql);
            params.add(value);
        }
    }

    static Map<String, Object> entry(ResultSet rs) throws SQLException {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("seq", rs.getLong("seq"));
        entry.put("node", rs.getString("node"));
        entry.put("at", SqlTimes.instant(rs, "at").toString());
        entry.put("step", rs.getString("step"));
        entry.put("messageId", rs.getString("message_id"));
        entry.put("correlationId", rs.getString("correlation_id"));
        entry.put("messageType", rs.getString("message_type"));
        entry.put("sender", rs.getString("sender"));
        entry.put("recipient", rs.getString("recipient"));
        entry.put("purpose", rs.getString("purpose"));
        String categories = rs.getString("data_categories");
        entry.put("dataCategories", categories == null || categories.isEmpty() ? List.of() : List.of(categories.split(",")));
        entry.put("consentId", rs.getString("consent_id"));
        entry.put("payloadDigest", rs.getString("payload_digest"));
        entry.put("errorCode", rs.getString("error_code"));
        entry.put("actor", rs.getString("actor"));
        entry.put("personHash", rs.getString("person_hash"));
        entry.put("hash", rs.getString("entry_hash"));
        return entry;
    }
}
