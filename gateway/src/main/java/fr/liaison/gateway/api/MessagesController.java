package fr.liaison.gateway.api;

import fr.liaison.gateway.config.BrokerDisk;
import fr.liaison.routes.camel.ExchangeHeaders;
import fr.liaison.routes.exchange.Direction;
import fr.liaison.routes.exchange.MessageStore;
import fr.liaison.routes.exchange.StoredMessage;
import fr.liaison.routes.receipt.Receipts;
import fr.liaison.routes.resources.ResourcePublication;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import jakarta.servlet.http.HttpServletRequest;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.json.JsonMapper;

/** Submitting messages and following their status. */
@RestController
@RequestMapping("/api/v1/messages")
class MessagesController {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ProducerTemplate producer;
    private final MessageStore messages;
    private final IdempotencyKeys idempotency;
    private final ResourcePublication publication;
    private final LocalRefusals refusals;
    private final BrokerDisk disk;

    MessagesController(ProducerTemplate producer, MessageStore messages, IdempotencyKeys idempotency, ResourcePublication publication,
            LocalRefusals refusals, BrokerDisk disk) {
        this.producer = producer;
        this.messages = messages;
        this.idempotency = idempotency;
        this.publication = publication;
        this.refusals = refusals;
        this.disk = disk;
    }

    @PostMapping(consumes = {MediaType.APPLICATION_XML_VALUE, MediaType.TEXT_XML_VALUE, MediaType.APPLICATION_JSON_VALUE})
    ResponseEntity<String> submit(@RequestBody byte[] body, @RequestAttribute(LocalClientAuthentication.CLIENT_ATTRIBUTE) String client,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey, HttpServletRequest request) {
        if (idempotencyKey != null && !IdempotencyKeys.wellFormed(idempotencyKey)) {
            throw refusals.refused(new LiaisonException(ErrorCode.API_BAD_REQUEST,
                    "Idempotency-Key must be 1 to " + IdempotencyKeys.MAX_LENGTH + " visible ASCII characters"), request);
        }
        body = refusals.asParsed(body, request);
        LiaisonException unrecognisable = refusals.unrecognisable(body, request);
        if (unrecognisable != null) {
            throw unrecognisable;
        }
        String digest = Receipts.sha256Hex(body);
        if (idempotencyKey != null) {
            Optional<IdempotencyKeys.Answer> first = idempotency.find(client, idempotencyKey);
            if (first.isPresent()) {
                if (!first.get().requestSha256().equals(digest)) {
                    throw new LiaisonException(ErrorCode.API_IDEMPOTENCY_CONFLICT, "Idempotency-Key " + idempotencyKey);
                }
                return answer(first.get().status(), first.get().body());
            }
        }
        // After the Idempotency-Key: a request already answered gets its first answer, full disk or not.
        disk.requireRoom(client);
        int status;
        String answer;
        try {
            List<String> ids = new java.util.ArrayList<>();
            for (byte[] message : publication.copies(body)) {
                ids.add(producer.requestBodyAndHeader("direct:outbound-submit", message, ExchangeHeaders.CLIENT, client, String.class));
            }
            String messageId = ids.get(0);
            status = 202;
            Map<String, Object> accepted = new LinkedHashMap<>();
            accepted.put("messageId", messageId);
            accepted.put("status", "ACCEPTED");
            accepted.put("location", "/api/v1/messages/" + messageId);
            if (ids.size() > 1) {
                accepted.put("messageIds", ids); // a resource published to every participant its conventions name
            }
            answer = JSON.writeValueAsString(accepted);
        } catch (CamelExecutionException e) {
            if (!(e.getCause() instanceof LiaisonException refusal)) {
                throw e;
            }
            status = Problems.status(refusal.code()).value();
            answer = JSON.writeValueAsString(Problems.body(refusal, request.getRequestURI()));
        }
        if (idempotencyKey != null) {
            idempotency.remember(client, idempotencyKey, new IdempotencyKeys.Answer(digest, status, answer));
        }
        return answer(status, answer);
    }

    private static ResponseEntity<String> answer(int status, String body) {
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(status)
                .contentType(status < 400 ? MediaType.APPLICATION_JSON : MediaType.APPLICATION_PROBLEM_JSON);
        if (status == 202) {
            builder.location(URI.create(JSON.readTree(body).get("location").asString()));
        }
        return builder.body(body);
    }

    @GetMapping(path = "/{messageId}", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> status(@PathVariable String messageId) {
        Identifiers.uuid(messageId, "messageId");
        StoredMessage message = messages.find(messageId, Direction.OUTBOUND)
                .or(() -> messages.find(messageId, Direction.INBOUND))
                .orElseThrow(() -> new LiaisonException(ErrorCode.API_NOT_FOUND, "message " + messageId));
        return describe(message);
    }

    /** What the local software may see of a message: routing, status and history, never the person. */
    static Map<String, Object> describe(StoredMessage message) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("messageId", message.messageId());
        view.put("direction", message.direction());
        view.put("messageType", message.messageType());
        view.put("sender", message.sender());
        view.put("recipient", message.recipient());
        view.put("correlationId", message.correlationId());
        view.put("consentId", message.consentId());
        view.put("status", message.status());
        view.put("errorCode", message.errorCode());
        view.put("createdAt", message.createdAt().toString());
        view.put("updatedAt", message.updatedAt().toString());
        List<Map<String, Object>> history = message.history().stream().map(step -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("at", step.at().toString());
            s.put("step", step.step());
            s.put("errorCode", step.errorCode());
            return s;
        }).toList();
        view.put("history", history);
        return view;
    }
}
