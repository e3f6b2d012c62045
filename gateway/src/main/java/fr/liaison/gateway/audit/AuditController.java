package fr.liaison.gateway.audit;

import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.audit.AuditTrail;
import fr.liaison.routes.audit.Pseudonymiser;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * The security officer's API (role OFFICER). Every read is itself audited: who, which filter,
 * when. A person is named in clear only in the request, hashed at once with the node's key.
 */
@RestController
@RequestMapping("/api/v1/audit")
class AuditController {

    private final AuditQueries queries;
    private final AuditChainService chain;
    private final AuditTrail audit;
    private final Pseudonymiser pseudonymiser;
    private final Clock clock;

    AuditController(AuditQueries queries, AuditChainService chain, AuditTrail audit, Pseudonymiser pseudonymiser, Clock clock) {
        this.queries = queries;
        this.chain = chain;
        this.audit = audit;
        this.pseudonymiser = pseudonymiser;
        this.clock = clock;
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> find(@RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
            @RequestParam(required = false) String step, @RequestParam(required = false) AuditQuery.Outcome outcome,
            @RequestParam(required = false) String code, @RequestParam(required = false) String participant,
            @RequestParam(required = false) String messageId, @RequestParam(required = false) String correlationId,
            @RequestParam(required = false) String person, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size, Principal officer) {
        AuditQuery query = new AuditQuery(from, to, step, outcome, code, participant, messageId, correlationId,
                person == null || person.isBlank() ? null : pseudonymiser.personHash(person.strip()), Math.max(page, 0),
                Math.max(1, Math.min(size, 500)));
        read(officer, "search " + query.describe());
        AuditQueries.Page result = queries.find(query);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("page", query.page());
        body.put("size", query.size());
        body.put("total", result.total());
        body.put("entries", result.entries());
        return body;
    }

    /** The whole history of one exchange: the message and everything correlated to it. */
    @GetMapping(path = "/exchanges/{messageId}", produces = MediaType.APPLICATION_JSON_VALUE)
    List<Map<String, Object>> exchange(@PathVariable String messageId, Principal officer) {
        read(officer, "exchange messageId=" + messageId);
        return queries.exchange(messageId);
    }

    @GetMapping(path = "/verify", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> verify(Principal officer) {
        read(officer, "verify");
        return chain.verifyInPlace();
    }

    /** JSON Lines of entries and signed checkpoints, ending with a checkpoint of the exported head. */
    @GetMapping(path = "/export", produces = "application/jsonl")
    ResponseEntity<StreamingResponseBody> export(Principal officer) {
        read(officer, "export");
        return ResponseEntity.ok()
                .header("Content-Disposition", "attachment; filename=\"audit-" + chain.participantId() + ".jsonl\"")
                .contentType(MediaType.parseMediaType("application/jsonl"))
                .body(chain::export);
    }

    /** "Who received my data?" for one person, given by France Travail identifier. */
    @PostMapping(path = "/person-report", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> personReport(@RequestBody Map<String, String> request, Principal officer) {
        String person = request.get("franceTravailId");
        if (person == null || person.isBlank()) {
            throw new LiaisonException(ErrorCode.SCHEMA_INVALID, "/franceTravailId: required");
        }
        String personHash = pseudonymiser.personHash(person.strip());
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

    private void read(Principal officer, String what) {
        audit.append(new AuditEntry(clock.instant(), AuditStep.LOG_READ, null, null, null, null, null, null, null, null, null,
                null, officer.getName() + ": " + what, null));
    }
}
