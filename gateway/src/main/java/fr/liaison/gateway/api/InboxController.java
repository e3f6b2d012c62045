package fr.liaison.gateway.api;

import fr.liaison.routes.exchange.LocalDeliverySteps;
import fr.liaison.routes.exchange.MessageStore;
import fr.liaison.routes.exchange.StoredMessage;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** For software that pulls: received messages wait here until acknowledged. */
@RestController
@RequestMapping("/api/v1/inbox")
class InboxController {

    private final MessageStore messages;
    private final LocalDeliverySteps delivery;
    private final MessageCodec codec;

    InboxController(MessageStore messages, LocalDeliverySteps delivery, MessageCodec codec) {
        this.messages = messages;
        this.delivery = delivery;
        this.codec = codec;
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    List<Map<String, Object>> list(@RequestParam(defaultValue = "100") int limit) {
        return messages.inbox(ListLimit.checked(limit)).stream().map(m -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("messageId", m.messageId());
            view.put("messageType", m.messageType());
            view.put("sender", m.sender());
            view.put("correlationId", m.correlationId());
            view.put("receivedAt", m.createdAt().toString());
            return view;
        }).toList();
    }

    /** The message itself, XML or JSON as the Accept header asks. */
    @GetMapping(path = "/{messageId}", produces = {MediaType.APPLICATION_XML_VALUE, MediaType.TEXT_XML_VALUE, MediaType.APPLICATION_JSON_VALUE})
    ResponseEntity<byte[]> fetch(@PathVariable String messageId, @RequestHeader(name = "Accept", defaultValue = "application/xml") String accept) {
        Identifiers.uuid(messageId, "messageId");
        StoredMessage message = delivery.readable(messageId).orElseThrow(() -> new LiaisonException(ErrorCode.API_NOT_FOUND, "inbox message " + messageId));
        if (prefersJson(accept)) {
            byte[] json = codec.toJson(codec.read(message.payload(), MessageFormat.XML).message());
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(json);
        }
        return ResponseEntity.ok().contentType(xmlType(accept)).body(message.payload());
    }

    /**
     * RFC 9110 12.5.1: each form gets the quality of the most specific range naming it; JSON only
     * when it is preferred to XML, so wildcards and ties give XML, the message's own form.
     */
    static boolean prefersJson(String accept) {
        List<MediaType> ranges;
        try {
            ranges = MediaType.parseMediaTypes(accept);
        } catch (InvalidMediaTypeException e) {
            return false;
        }
        return quality(ranges, MediaType.APPLICATION_JSON) > Math.max(quality(ranges, MediaType.APPLICATION_XML),
                quality(ranges, MediaType.TEXT_XML));
    }

    /** {@code text/xml} for a client that accepts it and not {@code application/xml}, which is otherwise the answer. */
    static MediaType xmlType(String accept) {
        try {
            List<MediaType> ranges = MediaType.parseMediaTypes(accept);
            return quality(ranges, MediaType.TEXT_XML) > quality(ranges, MediaType.APPLICATION_XML) ? MediaType.TEXT_XML
                    : MediaType.APPLICATION_XML;
        } catch (InvalidMediaTypeException e) {
            return MediaType.APPLICATION_XML;
        }
    }

    private static double quality(List<MediaType> ranges, MediaType form) {
        double quality = 0;
        int specificity = -1;
        for (MediaType range : ranges) {
            if (range.includes(form)) {
                int rank = range.isWildcardType() ? 0 : range.isWildcardSubtype() ? 1 : 2;
                if (rank > specificity) {
                    specificity = rank;
                    quality = range.getQualityValue();
                }
            }
        }
        return quality;
    }

    @PostMapping("/{messageId}/ack")
    ResponseEntity<Void> acknowledge(@PathVariable String messageId,
            @RequestAttribute(LocalClientAuthentication.CLIENT_ATTRIBUTE) String client) {
        if (!delivery.acknowledge(Identifiers.uuid(messageId, "messageId"), client)) {
            throw new LiaisonException(ErrorCode.API_NOT_FOUND, "no unacknowledged inbox message " + messageId);
        }
        return ResponseEntity.noContent().build();
    }
}
