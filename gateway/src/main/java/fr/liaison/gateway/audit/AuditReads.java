package fr.liaison.gateway.audit;

import fr.liaison.gateway.store.SqlTimes;
import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.audit.AuditTrail;
import fr.liaison.routes.audit.Pseudonymiser;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * The officer's reads of the audit log for callers outside this package (the officer pages): the
 * same queries, verification and export as the officer's API, each read audited as
 * {@code LOG_READ} with the officer and what was asked. A person is given in clear only here and
 * hashed at once with the node's key; the hash prefix alone is recorded with the read.
 */
@Service
public class AuditReads {

    /** {@code audit_entry.actor}. */
    private static final int MAX_ACTOR = 500;

    private final AuditQueries queries;
    private final AuditChainService chain;
    private final AuditTrail audit;
    private final Pseudonymiser pseudonymiser;
    private final JdbcClient jdbc;
    private final Clock clock;

    AuditReads(AuditQueries queries, AuditChainService chain, AuditTrail audit, Pseudonymiser pseudonymiser, JdbcClient jdbc,
            Clock clock) {
        this.queries = queries;
        this.chain = chain;
        this.audit = audit;
        this.pseudonymiser = pseudonymiser;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * A filter of the log. {@code person} is a France Travail identifier in clear (hashed here);
     * {@code personHash} a hash the officer already has. {@code outcome} is OK, ERROR or null.
     */
    public record Filter(Instant from, Instant to, String step, String outcome, String code, String participant, String messageId,
            String correlationId, String person, String personHash, int page, int size) {

        /** The dates a database can compare: years 1 to 9999. */
        private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
        private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

        public Filter {
            for (Instant bound : new Instant[] {from, to}) {
                if (bound != null && (bound.isBefore(EARLIEST) || bound.isAfter(LATEST))) {
                    throw new LiaisonException(ErrorCode.API_BAD_REQUEST, "from and to are dates of the years 1 to 9999");
                }
            }
        }
    }

    public record Page(long total, int page, int size, List<Map<String, Object>> entries) {
    }

    /** What a France Travail identifier looks like, said to whoever typed another. */
    public static final String FRANCE_TRAVAIL_ID_FORM =
            "A France Travail identifier is 7 digits, then a digit or a letter, then optionally 3 digits.";

    /** A France Travail identifier as the message schema has it (FranceTravailId). */
    private static final java.util.regex.Pattern FRANCE_TRAVAIL_ID = java.util.regex.Pattern.compile("[0-9]{7}[0-9A-Z]([0-9]{3})?");

    /**
     * The keyed hash of a person identifier, as stored in the log. The identifier is read as the
     * schema writes it (surrounding spaces and letter case aside); anything else is refused rather
     * than hashed, since a mistyped identifier would otherwise answer "nobody received this
     * person's data".
     */
    public String personHash(String person) {
        String id = person.strip().toUpperCase(java.util.Locale.ROOT);
        if (!FRANCE_TRAVAIL_ID.matcher(id).matches()) {
            throw new LiaisonException(ErrorCode.API_BAD_REQUEST, FRANCE_TRAVAIL_ID_FORM);
        }
        return pseudonymiser.personHash(id);
    }

    public String participantId() {
        return chain.participantId();
    }

    public Page search(String officer, Filter filter) {
        String hash = filter.personHash();
        if (filter.person() != null && !filter.person().isBlank()) {
            hash = personHash(filter.person());
        }
        AuditQuery query = new AuditQuery(filter.from(), filter.to(), blankToNull(filter.step()), outcome(filter.outcome()),
                blankToNull(filter.code()), blankToNull(filter.participant()), blankToNull(filter.messageId()),
                blankToNull(filter.correlationId()), blankToNull(hash), Math.max(filter.page(), 0), Math.max(1, Math.min(filter.size(), 500)));
        read(officer, "search " + query.describe());
        AuditQueries.Page result = queries.find(query);
        return new Page(result.total(), query.page(), query.size(), result.entries());
    }

    /** One entry by sequence number. */
    public Optional<Map<String, Object>> entry(String officer, long seq) {
        read(officer, "entry seq=" + seq);
        return jdbc.sql("SELECT * FROM audit_entry WHERE seq = ?").param(seq).query((rs, row) -> AuditQueries.entry(rs)).optional();
    }

    /** Every step of one exchange: the message and those correlated to it. */
    public List<Map<String, Object>> exchange(String officer, String messageId) {
        read(officer, "exchange messageId=" + messageId);
        return queries.exchange(messageId);
    }

    /** The in-place verification, as {@code GET /api/v1/audit/verify} answers it. */
    public Map<String, Object> verify(String officer) {
        read(officer, "verify");
        return chain.verifyInPlace();
    }

    /** The last signed checkpoint (seq, hash, at), without verifying anything. */
    public Optional<Map<String, Object>> lastCheckpoint() {
        return jdbc.sql("SELECT seq, head_hash, at FROM audit_checkpoint ORDER BY seq DESC LIMIT 1").query((rs, row) -> {
            Map<String, Object> checkpoint = new LinkedHashMap<>();
            checkpoint.put("seq", rs.getLong("seq"));
            checkpoint.put("hash", rs.getString("head_hash"));
            checkpoint.put("at", SqlTimes.instant(rs, "at").toString());
            return checkpoint;
        }).optional();
    }

    /**
     * The JSON Lines export of {@code GET /api/v1/audit/export}: the read is audited now, on the
     * request's thread (which says where it came from), before the returned body streams.
     */
    public StreamingResponseBody export(String officer) {
        read(officer, "export");
        return chain::export;
    }

    /** "Who received my data": the same rows as {@code POST /api/v1/audit/person-report}. */
    public Map<String, Object> personReport(String officer, String franceTravailId) {
        String personHash = personHash(franceTravailId);
        read(officer, "person-report person=" + personHash.substring(0, 12));
        List<Map<String, Object>> rows = queries.personReport(personHash, chain.participantId()).stream().map(entry -> {
            Map<String, Object> row = new LinkedHashMap<>();
            boolean sentFromHere = "DELIVERED".equals(entry.get("step"));
            row.put("at", entry.get("at"));
            row.put("from", entry.get("sender"));
            row.put("to", entry.get("recipient"));
            row.put("direction", sentFromHere ? "sent" : "received");
            row.put("messageType", entry.get("messageType"));
            row.put("dataCategories", entry.get("dataCategories"));
            row.put("consentId", entry.get("consentId"));
            row.put("purpose", entry.get("purpose"));
            row.put("messageId", entry.get("messageId"));
            return row;
        }).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", chain.participantId());
        body.put("personHash", personHash);
        body.put("recipients", rows.stream().map(row -> row.get("to")).distinct().sorted().toList());
        body.put("exchanges", rows);
        return body;
    }

    /** Records a read by an officer of something other than the log itself (consents, dead letters). */
    public void recordRead(String officer, String what) {
        read(officer, what);
    }

    private void read(String officer, String what) {
        String origin = origin();
        String actor = officer + ": " + what;
        if (actor.length() > MAX_ACTOR - origin.length()) { // a filter is what the officer typed: kept as far as the column goes
            int cut = MAX_ACTOR - origin.length() - 1;
            // Never between the two halves of a character outside the BMP: half of one cannot be written to the chain.
            if (Character.isHighSurrogate(actor.charAt(cut - 1))) {
                cut--;
            }
            actor = actor.substring(0, cut) + "…";
        }
        actor += origin;
        audit.append(new AuditEntry(clock.instant(), AuditStep.LOG_READ, null, null, null, null, null, null, null, null, null,
                null, actor, null));
    }

    /**
     * Where a read came from, as a security officer looking into a misused login would ask: the
     * officer pages or the API, and the client's address (the proxy's, unless the node is set to
     * read forwarded headers). Empty outside a request.
     */
    private static String origin() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            HttpServletRequest request = attributes.getRequest();
            String address = request.getRemoteAddr();
            // An address may come from a forwarded header: kept only as an address can be written, and short.
            if (address == null || address.length() > 64 || !address.chars().allMatch(c -> c < 128
                    && (Character.isLetterOrDigit(c) || c == '.' || c == ':' || c == '%' || c == '[' || c == ']'))) {
                address = "an address that is not one";
            }
            return " (" + (request.getRequestURI().startsWith("/officer") ? "pages" : "API") + " from " + address + ")";
        }
        return "";
    }

    private static AuditQuery.Outcome outcome(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return AuditQuery.Outcome.valueOf(value.strip());
        } catch (IllegalArgumentException e) {
            throw new LiaisonException(ErrorCode.API_BAD_REQUEST, "outcome is OK or ERROR");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
