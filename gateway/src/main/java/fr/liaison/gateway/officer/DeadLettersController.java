package fr.liaison.gateway.officer;

import fr.liaison.gateway.api.Identifiers;
import fr.liaison.gateway.api.ListLimit;
import fr.liaison.gateway.audit.AuditReads;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Dead letters over the API, for an officer or an administrator's tooling (role OFFICER, HTTP
 * Basic): the outbound messages whose delivery failed, and their re-submission. The same service
 * as the officer pages; listing is audited as a read, a re-submission as RESUBMITTED.
 */
@RestController
@RequestMapping("/api/v1/dead-letters")
class DeadLettersController {

    private final DeadLetters deadLetters;
    private final AuditReads reads;

    DeadLettersController(DeadLetters deadLetters, AuditReads reads) {
        this.deadLetters = deadLetters;
        this.reads = reads;
    }

    /** Failed outbound messages, latest first: id, type, recipient, code and its meaning, whether re-submittable. */
    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    List<Map<String, Object>> list(@RequestParam(defaultValue = "200") int limit, Principal officer) {
        int checked = ListLimit.checked(limit);
        reads.recordRead(officer.getName(), "dead-letters");
        return deadLetters.failed(checked);
    }

    /** Puts the message back on the delivery queue (202), or says with GW-API-008 why it cannot. */
    @PostMapping(path = "/{messageId}/resubmit", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.ACCEPTED)
    Map<String, Object> resubmit(@PathVariable String messageId, Principal officer) {
        DeadLetters.Resubmission outcome = deadLetters.resubmit(officer.getName(), Identifiers.uuid(messageId, "messageId"));
        if (!outcome.done()) {
            throw new LiaisonException(ErrorCode.API_NOT_RESUBMITTABLE, outcome.explanation());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("messageId", messageId);
        body.put("status", "ACCEPTED");
        body.put("explanation", outcome.explanation());
        return body;
    }
}
