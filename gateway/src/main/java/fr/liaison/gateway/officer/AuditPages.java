package fr.liaison.gateway.officer;

import fr.liaison.gateway.api.Identifiers;
import fr.liaison.gateway.audit.AuditReads;
import fr.liaison.gateway.store.SqlTimes;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.schemas.error.LiaisonException;

import jakarta.servlet.http.HttpSession;

import java.security.Principal;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The audit log for security officers: search, one entry, one exchange, the chain's status and
 * verification, the export, and "who received my data". Every read goes through
 * {@link AuditReads}, so each is itself audited (LOG_READ). A person's identifier is only ever
 * posted and hashed at once; neither it nor its hash is put in a URL.
 */
@Controller
class AuditPages {

    private static final int PAGE_SIZE = 25;
    /** Session attribute prefix of a person search: the reference in the URL names the hash kept here. */
    private static final String PERSON_SEARCH = "liaison.officer.person-search.";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AuditReads reads;
    private final JdbcClient jdbc;
    private final ErrorCatalogue catalogue;

    AuditPages(AuditReads reads, JdbcClient jdbc, ErrorCatalogue catalogue) {
        this.reads = reads;
        this.jdbc = jdbc;
        this.catalogue = catalogue;
    }

    @GetMapping({"/officer", "/officer/"})
    String home() {
        return "redirect:/officer/audit";
    }

    /** The page's own filters, as its address carries them. */
    private static final java.util.Set<String> PAGE_FILTERS = java.util.Set.of("from", "to", "step", "outcome", "code", "participant",
            "messageId", "personRef", "page", "continue"); // continue: the login's return to the page first asked for

    @GetMapping("/officer/audit")
    String audit(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) String step, @RequestParam(required = false) String outcome,
            @RequestParam(required = false) String code, @RequestParam(required = false) String participant,
            @RequestParam(required = false) String messageId, @RequestParam(required = false) String personRef,
            @RequestParam(defaultValue = "0") int page, Principal officer, HttpSession session, Model model,
            jakarta.servlet.http.HttpServletRequest request) {
        Map<String, String> filter = new LinkedHashMap<>();
        filter.put("from", from);
        filter.put("to", to);
        filter.put("step", step);
        filter.put("outcome", outcome);
        filter.put("code", code);
        filter.put("participant", participant);
        filter.put("messageId", messageId);
        filter.put("personRef", personRef);
        // A mistyped filter is refused, not ignored: ignoring it would widen the search.
        for (String name : request.getParameterMap().keySet()) {
            if (!PAGE_FILTERS.contains(name)) {
                filter.replaceAll((key, value) -> null);
                return refused(filter, "This address holds a filter the page does not know; the filters are those of the form"
                        + ("person".equals(name) ? " (a person is searched through the form, never in the address)." : "."), model);
            }
        }
        String personHash = blank(personRef) ? null : (String) session.getAttribute(PERSON_SEARCH + personRef);
        if (!blank(personRef) && personHash == null) {
            return refused(filter, "This person search is no longer known (it lasts as long as your session): search for the person again.", model);
        }
        return render(filter, personHash, page, officer, model);
    }

    /**
     * The filter form posts (a person's identifier never goes in a URL): hashed at once and kept in
     * the officer's session under a random reference, which is all the page's URL carries, so not
     * even the person's stable pseudonym reaches browser histories or proxy logs.
     */
    @PostMapping("/officer/audit")
    String search(@RequestParam Map<String, String> form, Principal officer, HttpSession session, Model model) {
        Map<String, String> filter = new LinkedHashMap<>();
        for (String name : List.of("from", "to", "step", "outcome", "code", "participant", "messageId", "personRef")) {
            filter.put(name, form.get(name));
        }
        String person = form.get("person");
        if (!blank(person)) {
            String hash;
            try {
                hash = reads.personHash(person);
            } catch (LiaisonException notAnIdentifier) {
                filter.put("personRef", null);
                return refused(filter, AuditReads.FRANCE_TRAVAIL_ID_FORM, model);
            }
            String ref = HexFormat.of().formatHex(randomBytes());
            session.setAttribute(PERSON_SEARCH + ref, hash);
            filter.put("personRef", ref);
        }
        return "redirect:" + pageUrl(filter, 0);
    }

    private String render(Map<String, String> filter, String personHash, int page, Principal officer, Model model) {
        Instant fromInstant;
        Instant toInstant;
        try {
            fromInstant = instant(filter.get("from"));
            toInstant = instant(filter.get("to"));
        } catch (DateTimeParseException e) {
            return refused(filter, "Dates are written 2026-11-23T14:30 (UTC).", model);
        }
        String step = filter.get("step");
        if (!blank(step) && Arrays.stream(AuditStep.values()).noneMatch(s -> s.name().equals(step))) {
            return refused(filter, "Choose the step from the list.", model);
        }
        String outcome = filter.get("outcome");
        if (!blank(outcome) && !"OK".equals(outcome) && !"ERROR".equals(outcome)) {
            return refused(filter, "The outcome is OK or ERROR.", model);
        }
        AuditReads.Filter query;
        try {
            query = new AuditReads.Filter(fromInstant, toInstant, blankToNull(step), blankToNull(outcome), filter.get("code"),
                    filter.get("participant"), filter.get("messageId"), null, null, personHash, page, PAGE_SIZE);
        } catch (LiaisonException outOfRange) {
            return refused(filter, "Dates are of the years 1 to 9999.", model);
        }
        prepare(filter, personHash, model);
        AuditReads.Page result = reads.search(officer.getName(), query);
        model.addAttribute("result", result);
        long pages = Math.max(1, (result.total() + PAGE_SIZE - 1) / PAGE_SIZE);
        model.addAttribute("pages", pages);
        model.addAttribute("previousUrl", page > 0 ? pageUrl(filter, page - 1) : null);
        model.addAttribute("nextUrl", page + 1 < pages ? pageUrl(filter, page + 1) : null);
        return "officer/audit";
    }

    /** The page with the filter as given and no entries: nothing was searched, so nothing is logged as read. */
    private String refused(Map<String, String> filter, String why, Model model) {
        prepare(filter, null, model);
        model.addAttribute("filterError", why);
        model.addAttribute("result", new AuditReads.Page(0, 0, PAGE_SIZE, List.of()));
        return "officer/audit";
    }

    private static void prepare(Map<String, String> filter, String personHash, Model model) {
        model.addAttribute("filter", filter);
        model.addAttribute("personHashPrefix", personHash == null ? null : personHash.substring(0, 12));
        model.addAttribute("steps", Arrays.stream(AuditStep.values()).map(Enum::name).toList());
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static String blankToNull(String value) {
        return blank(value) ? null : value;
    }

    private static String pageUrl(Map<String, String> filter, int page) {
        UriComponentsBuilder url = UriComponentsBuilder.fromPath("/officer/audit");
        filter.forEach((name, value) -> {
            if (value != null && !value.isBlank()) {
                url.queryParam(name, value.strip());
            }
        });
        if (page > 0) {
            url.queryParam("page", page);
        }
        return url.encode().build().toUriString();
    }

    @GetMapping("/officer/audit/entries/{seq}")
    String entry(@PathVariable long seq, Principal officer, Model model) {
        Map<String, Object> entry = reads.entry(officer.getName(), seq)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no audit entry " + seq));
        model.addAttribute("entry", entry);
        model.addAttribute("codeMeaning", catalogue.meaning((String) entry.get("errorCode")));
        return "officer/entry";
    }

    @GetMapping("/officer/exchanges/{messageId}")
    String exchange(@PathVariable String messageId, Principal officer, Model model) {
        Identifiers.uuid(messageId, "messageId"); // malformed, not a search that found nothing; never written to the log as read
        List<Map<String, Object>> steps = reads.exchange(officer.getName(), messageId);
        List<Map<String, Object>> messages = jdbc.sql("""
                SELECT message_id, direction, message_type, sender, recipient, correlation_id, purpose, status, error_code, created_at,
                    updated_at FROM message WHERE message_id = ? OR correlation_id = ? ORDER BY created_at""")
                .params(messageId, messageId).query((rs, row) -> {
                    Map<String, Object> message = new LinkedHashMap<>();
                    message.put("messageId", rs.getString("message_id"));
                    message.put("direction", rs.getString("direction"));
                    message.put("messageType", rs.getString("message_type"));
                    message.put("sender", rs.getString("sender"));
                    message.put("recipient", rs.getString("recipient"));
                    message.put("purpose", rs.getString("purpose"));
                    message.put("status", rs.getString("status"));
                    message.put("errorCode", rs.getString("error_code"));
                    message.put("codeMeaning", catalogue.meaning(rs.getString("error_code")));
                    message.put("createdAt", SqlTimes.instant(rs, "created_at").toString());
                    message.put("updatedAt", SqlTimes.instant(rs, "updated_at").toString());
                    return message;
                }).list();
        model.addAttribute("messageId", messageId);
        model.addAttribute("steps", steps);
        model.addAttribute("messages", messages);
        return "officer/exchange";
    }

    @GetMapping("/officer/chain")
    String chain(Model model) {
        chainModel(model);
        return "officer/chain";
    }

    @PostMapping("/officer/chain/verify")
    String verify(Principal officer, Model model) {
        model.addAttribute("verification", reads.verify(officer.getName()));
        chainModel(model);
        return "officer/chain";
    }

    private void chainModel(Model model) {
        model.addAttribute("checkpoint", reads.lastCheckpoint().orElse(null));
        model.addAttribute("entries", jdbc.sql("SELECT COUNT(*) FROM audit_entry").query(Long.class).single());
    }

    /** The same JSON Lines as {@code GET /api/v1/audit/export}, for {@code liaison audit-verify}. */
    @GetMapping("/officer/audit/export")
    ResponseEntity<StreamingResponseBody> export(Principal officer) {
        String name = officer.getName();
        return ResponseEntity.ok()
                .header("Content-Disposition", "attachment; filename=\"audit-" + reads.participantId() + ".jsonl\"")
                .contentType(MediaType.parseMediaType("application/jsonl"))
                .body(reads.export(name));
    }

    @GetMapping("/officer/person-report")
    String personReportForm() {
        return "officer/person-report";
    }

    @PostMapping("/officer/person-report")
    String personReport(@RequestParam(required = false) String franceTravailId, Principal officer, Model model) {
        if (franceTravailId == null || franceTravailId.isBlank()) {
            model.addAttribute("formError", "Enter the person's France Travail identifier.");
            return "officer/person-report";
        }
        try {
            reads.personHash(franceTravailId); // the identifier's form alone, before anything is read or logged
        } catch (LiaisonException notAnIdentifier) {
            model.addAttribute("formError", AuditReads.FRANCE_TRAVAIL_ID_FORM);
            return "officer/person-report";
        }
        model.addAttribute("report", reads.personReport(officer.getName(), franceTravailId));
        return "officer/person-report";
    }

    /** {@code 2026-11-23T14:30} (a datetime-local field, read as UTC) or an ISO instant; blank is none. */
    static Instant instant(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.strip();
        if (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d$")) {
            return java.time.OffsetDateTime.parse(text).toInstant();
        }
        return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
    }
}
