package fr.liaison.gateway.api;

import fr.liaison.gateway.config.BrokerDisk;
import fr.liaison.gateway.config.EndpointProperties;
import fr.liaison.routes.consent.ConsentRecord;
import fr.liaison.routes.exchange.ConsentSteps;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import jakarta.servlet.http.HttpServletRequest;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.apache.camel.ProducerTemplate;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Consents collected by this institution: recording and revoking them. */
@RestController
@RequestMapping("/api/v1/consents")
class ConsentsController {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The revocation's body is read as strictly as a message: a member given twice is refused, not the last one taken. */
    private static final JsonMapper STRICT_JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final ConsentSteps consents;
    private final ProducerTemplate producer;
    private final String forwardQueue;
    private final LocalRefusals refusals;
    private final BrokerDisk disk;

    ConsentsController(ConsentSteps consents, ProducerTemplate producer, EndpointProperties endpoints, LocalRefusals refusals, BrokerDisk disk) {
        this.consents = consents;
        this.producer = producer;
        this.forwardQueue = endpoints.forwardQueue();
        this.refusals = refusals;
        this.disk = disk;
    }

    @PostMapping(consumes = {MediaType.APPLICATION_XML_VALUE, MediaType.TEXT_XML_VALUE, MediaType.APPLICATION_JSON_VALUE},
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> record(@RequestBody byte[] body,
            @RequestAttribute(LocalClientAuthentication.CLIENT_ATTRIBUTE) String client, HttpServletRequest request) {
        body = refusals.asParsed(body, request);
        LiaisonException unrecognisable = refusals.unrecognisable(body, request);
        if (unrecognisable != null) {
            throw unrecognisable;
        }
        ConsentRecord record;
        try {
            record = consents.record(body, client);
        } catch (LiaisonException refusal) {
            throw refusals.refused(refusal, request);
        }
        return ResponseEntity.created(URI.create("/api/v1/consents/" + record.consentId())).body(describe(record));
    }

    @GetMapping(path = "/{consentId}", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> find(@PathVariable String consentId) {
        return describe(consents.find(Identifiers.uuid(consentId, "consentId")));
    }

    /** Revokes the consent and tells every participant that received data under it. */
    @PostMapping(path = "/{consentId}/revocation", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> revoke(@PathVariable String consentId, @RequestBody(required = false) byte[] body,
            @RequestAttribute(LocalClientAuthentication.CLIENT_ATTRIBUTE) String client, HttpServletRequest request) {
        Identifiers.uuid(consentId, "consentId");
        String reason = body == null || body.length == 0 ? null : reason(body, request);
        disk.requireRoom(client); // the notices to the recipients are queued
        List<byte[]> notices;
        try {
            notices = consents.revoke(consentId, reason, client);
        } catch (LiaisonException refusal) {
            throw refusals.refused(refusal, request);
        }
        notices.forEach(notice -> producer.sendBody(forwardQueue, notice));
        Map<String, Object> view = describe(consents.find(consentId));
        view.put("revocationsSent", notices.size());
        return view;
    }

    /**
     * The reason in a revocation's body, read before anything is revoked (a revocation cannot be
     * undone): a JSON object whose only member is {@code reason}, a string or null.
     */
    private String reason(byte[] body, HttpServletRequest request) {
        MediaType type;
        try {
            type = request.getContentType() == null ? null : MediaType.parseMediaType(request.getContentType());
        } catch (InvalidMediaTypeException e) {
            type = null;
        }
        if (type == null || !MediaType.APPLICATION_JSON.equalsTypeAndSubtype(type)) {
            throw refusals.refused(new LiaisonException(ErrorCode.API_UNSUPPORTED_MEDIA_TYPE,
                    "a revocation's body, when there is one, is application/json"), request);
        }
        JsonNode json;
        try {
            json = STRICT_JSON.readTree(body);
        } catch (JacksonException e) {
            throw refusals.refused(new LiaisonException(ErrorCode.JSON_MALFORMED,
                    "the body, when there is one, is a JSON object such as {\"reason\": \"...\"}, each member once"), request);
        }
        if (json == null || !json.isObject() || json.propertyNames().stream().anyMatch(name -> !"reason".equals(name))
                || !(json.path("reason").isString() || json.path("reason").isNull() || json.path("reason").isMissingNode())) {
            throw refusals.refused(new LiaisonException(ErrorCode.JSON_MAPPING,
                    "the body is a JSON object whose only member is \"reason\", a string"), request);
        }
        return json.path("reason").asString(null);
    }

    private static Map<String, Object> describe(ConsentRecord record) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("consentId", record.consentId());
        view.put("recordedBy", record.recordedBy());
        view.put("purpose", record.purpose());
        view.put("allowedRecipients", new TreeSet<>(record.allowedRecipients()));
        view.put("allowedCategories", new TreeSet<>(record.allowedCategories()));
        view.put("grantedAt", record.grantedAt().toString());
        view.put("expiresAt", record.expiresAt().toString());
        view.put("revokedAt", record.revokedAt() == null ? null : record.revokedAt().toString());
        return view;
    }
}
