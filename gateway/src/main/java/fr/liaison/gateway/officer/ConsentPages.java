package fr.liaison.gateway.officer;

import fr.liaison.gateway.audit.AuditReads;
import fr.liaison.gateway.store.SqlTimes;
import fr.liaison.schemas.error.LiaisonException;

import java.security.Principal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * Consents known to this node (recorded here or received with a message) and their revocations.
 * The person is shown only as the prefix of their keyed hash, unless the officer searched for
 * that person. Reads are audited.
 */
@Controller
class ConsentPages {

    private static final int LIMIT = 200;

    private final JdbcClient jdbc;
    private final AuditReads reads;

    ConsentPages(JdbcClient jdbc, AuditReads reads) {
        this.jdbc = jdbc;
        this.reads = reads;
    }

    @GetMapping("/officer/consents")
    String list(@RequestParam(defaultValue = "all") String status, Principal officer, Model model) {
        String where = switch (status) {
            case "revoked" -> " WHERE revoked_at IS NOT NULL";
            case "active" -> " WHERE revoked_at IS NULL";
            default -> "";
        };
        reads.recordRead(officer.getName(), "consents status=" + status);
        model.addAttribute("status", status);
        model.addAttribute("consents", jdbc.sql("SELECT * FROM consent" + where + " ORDER BY granted_at DESC LIMIT " + LIMIT)
                .query((rs, row) -> consent(rs)).list());
        return "officer/consents";
    }

    /** The consents of one person, named by France Travail identifier (posted, hashed at once). */
    @PostMapping("/officer/consents")
    String search(@RequestParam(required = false) String franceTravailId, Principal officer, Model model) {
        model.addAttribute("status", "all");
        if (franceTravailId == null || franceTravailId.isBlank()) {
            model.addAttribute("formError", "Enter the person's France Travail identifier.");
            model.addAttribute("consents", List.of());
            return "officer/consents";
        }
        String hash;
        try {
            hash = reads.personHash(franceTravailId);
        } catch (LiaisonException notAnIdentifier) {
            model.addAttribute("formError", AuditReads.FRANCE_TRAVAIL_ID_FORM);
            model.addAttribute("consents", List.of());
            return "officer/consents";
        }
        reads.recordRead(officer.getName(), "consents person=" + hash.substring(0, 12));
        model.addAttribute("searchedHash", hash);
        model.addAttribute("consents", jdbc.sql("SELECT * FROM consent WHERE person_hash = ? ORDER BY granted_at DESC").param(hash)
                .query((rs, row) -> consent(rs)).list());
        return "officer/consents";
    }

    @GetMapping("/officer/consents/{consentId}")
    String detail(@PathVariable String consentId, Principal officer, Model model) {
        reads.recordRead(officer.getName(), "consent " + consentId);
        Map<String, Object> consent = jdbc.sql("SELECT * FROM consent WHERE consent_id = ?").param(consentId)
                .query((rs, row) -> consent(rs)).optional()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no consent " + consentId));
        model.addAttribute("consent", consent);
        model.addAttribute("messages", jdbc.sql("""
                SELECT message_id, direction, message_type, sender, recipient, status, created_at FROM message
                WHERE consent_id = ? ORDER BY created_at""").param(consentId).query((rs, row) -> {
                    Map<String, Object> message = new LinkedHashMap<>();
                    message.put("messageId", rs.getString("message_id"));
                    message.put("direction", rs.getString("direction"));
                    message.put("messageType", rs.getString("message_type"));
                    message.put("sender", rs.getString("sender"));
                    message.put("recipient", rs.getString("recipient"));
                    message.put("status", rs.getString("status"));
                    message.put("createdAt", SqlTimes.instant(rs, "created_at").toString());
                    return message;
                }).list());
        model.addAttribute("events", jdbc.sql("""
                SELECT seq, at, step, actor FROM audit_entry WHERE consent_id = ?
                  AND step IN ('CONSENT_RECORDED', 'CONSENT_REVOKED', 'REVOCATION_RECEIVED') ORDER BY seq""").param(consentId)
                .query((rs, row) -> {
                    Map<String, Object> event = new LinkedHashMap<>();
                    event.put("seq", rs.getLong("seq"));
                    event.put("at", SqlTimes.instant(rs, "at").toString());
                    event.put("step", rs.getString("step"));
                    event.put("actor", rs.getString("actor"));
                    return event;
                }).list());
        return "officer/consent";
    }

    private static Map<String, Object> consent(ResultSet rs) throws SQLException {
        Map<String, Object> consent = new LinkedHashMap<>();
        consent.put("consentId", rs.getString("consent_id"));
        consent.put("personHash", rs.getString("person_hash"));
        consent.put("personHashPrefix", rs.getString("person_hash").substring(0, 12));
        consent.put("purpose", rs.getString("purpose"));
        consent.put("allowedRecipients", split(rs.getString("allowed_recipients")));
        consent.put("allowedCategories", split(rs.getString("allowed_categories")));
        consent.put("grantedAt", SqlTimes.instant(rs, "granted_at").toString());
        consent.put("expiresAt", SqlTimes.instant(rs, "expires_at").toString());
        consent.put("recordedBy", rs.getString("recorded_by"));
        var revoked = SqlTimes.instant(rs, "revoked_at");
        consent.put("revokedAt", revoked == null ? null : revoked.toString());
        return consent;
    }

    private static List<String> split(String csv) {
        return csv == null || csv.isEmpty() ? List.of() : new ArrayList<>(List.of(csv.split(",")));
    }
}
