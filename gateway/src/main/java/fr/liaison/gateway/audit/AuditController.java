package fr.liaison.gateway.audit;

import fr.liaison.gateway.api.Identifiers;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.security.Principal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jakarta.servlet.http.HttpServletRequest;

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
 * The security officer's API (role OFFICER), over the same audited reads as the officer pages:
 * every read is itself logged (who, which filter, when), and a person is named in clear only in
 * the request, hashed at once with the node's key.
 */
@RestController
@RequestMapping("/api/v1/audit")
class AuditController {

    private final AuditReads reads;

    AuditController(AuditReads reads) {
        this.reads = reads;
    }

    /** The search's filters: any other parameter is a mistyped one, refused rather than ignored (which would widen the search). */
    static final Set<String> FILTERS = new LinkedHashSet<>(List.of("from", "to", "step", "outcome", "code", "participant",
            "messageId", "correlationId", "person", "page", "size"));

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> find(HttpServletRequest request, @RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
            @RequestParam(required = false) String step, @RequestParam(required = false) AuditQuery.Outcome outcome,
            @RequestParam(required = false) String code, @RequestParam(required = false) String participant,
            @RequestParam(required = false) String messageId, @RequestParam(required = false) String correlationId,
            @RequestParam(required = false) String person, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size, Principal officer) {
        for (String name : request.getParameterMap().keySet()) {
            if (!FILTERS.contains(name)) {
                throw new LiaisonException(ErrorCode.API_BAD_REQUEST, "unknown filter " + quotable(name) + ": the filters are "
                        + String.join(", ", FILTERS));
            }
        }
        if (step != null && !step.isEmpty() && java.util.Arrays.stream(AuditStep.values()).noneMatch(s -> s.name().equals(step))) {
            // Not an empty answer, which would read as "this never happened".
            throw new LiaisonException(ErrorCode.API_BAD_REQUEST, "unknown step: the steps are "
                    + java.util.Arrays.stream(AuditStep.values()).map(Enum::name).collect(java.util.stream.Collectors.joining(", ")));
        }
        AuditReads.Page result = reads.search(officer.getName(), new AuditReads.Filter(from, to, step,
                outcome == null ? null : outcome.name(), code, participant, messageId, correlationId, person, null, page, size));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("page", result.page());
        body.put("size", result.size());
        body.put("total", result.total());
        body.put("entries", result.entries());
        return body;
    }

    /**
     * The same search with the filter in a form body ({@code application/x-www-form-urlencoded}, the
     * same names): a person's identifier then stays out of URLs, and of the logs and histories that
     * keep them.
     */
    @PostMapping(path = "/search", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> findPosted(HttpServletRequest request, @RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
            @RequestParam(required = false) String step, @RequestParam(required = false) AuditQuery.Outcome outcome,
            @RequestParam(required = false) String code, @RequestParam(required = false) String participant,
            @RequestParam(required = false) String messageId, @RequestParam(required = false) String correlationId,
            @RequestParam(required = false) String person, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size, Principal officer) {
        return find(request, from, to, step, outcome, code, participant, messageId, correlationId, person, page, size, officer);
    }

    /** A parameter's name quoted back only when it is short and plain (never a value). */
    private static String quotable(String name) {
        return name.length() <= 40 && name.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c) || c == '-' || c == '_')
                ? "'" + name + "'" : "(a name that is not one)";
    }

    /** The whole history of one exchange: the message and everything correlated to it. */
    @GetMapping(path = "/exchanges/{messageId}", produces = MediaType.APPLICATION_JSON_VALUE)
    List<Map<String, Object>> exchange(@PathVariable String messageId, Principal officer) {
        return reads.exchange(officer.getName(), Identifiers.uuid(messageId, "messageId"));
    }

    @GetMapping(path = "/verify", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> verify(Principal officer) {
        return reads.verify(officer.getName());
    }

    /** JSON Lines of entries and signed checkpoints, ending with a checkpoint of the exported head and the export's signed end. */
    @GetMapping(path = "/export", produces = "application/jsonl")
    ResponseEntity<StreamingResponseBody> export(Principal officer) {
        String name = officer.getName();
        return ResponseEntity.ok()
                .header("Content-Disposition", "attachment; filename=\"audit-" + reads.participantId() + ".jsonl\"")
                .contentType(MediaType.parseMediaType("application/jsonl"))
                .body(reads.export(name));
    }

    /** "Who received my data?" for one person, given by France Travail identifier. */
    @PostMapping(path = "/person-report", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> personReport(@RequestBody Map<String, String> request, Principal officer) {
        String person = request.get("franceTravailId");
        if (person == null || person.isBlank()) {
            throw new LiaisonException(ErrorCode.SCHEMA_INVALID, "/franceTravailId: required");
        }
        try {
            reads.personHash(person); // the identifier's form alone, before anything is read or logged
        } catch (LiaisonException notAnIdentifier) {
            throw new LiaisonException(ErrorCode.SCHEMA_INVALID, "/franceTravailId: " + notAnIdentifier.getMessage());
        }
        return reads.personReport(officer.getName(), person);
    }
}
