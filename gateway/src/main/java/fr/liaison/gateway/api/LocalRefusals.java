package fr.liaison.gateway.api;

import fr.liaison.gateway.config.LiaisonProperties;
import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.audit.AuditTrail;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.Violation;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import jakarta.servlet.http.HttpServletRequest;

import java.time.Clock;
import java.util.List;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * Refusals the local API decides before a message enters the exchange routes (which audit their
 * own): each is audited as {@code REFUSED} with its code and the client, like any other refusal.
 */
@Component
public class LocalRefusals {

    private final AuditTrail audit;
    private final Clock clock;
    private final MessageCodec codec;
    private final String participantId;

    LocalRefusals(AuditTrail audit, Clock clock, MessageCodec codec, LiaisonProperties properties) {
        this.audit = audit;
        this.clock = clock;
        this.codec = codec;
        this.participantId = properties.participantId();
    }

    /** Audits the refusal and returns it, to be thrown. */
    LiaisonException refused(LiaisonException refusal, HttpServletRequest request) {
        Object client = request.getAttribute(LocalClientAuthentication.CLIENT_ATTRIBUTE);
        if (client == null && request.getUserPrincipal() != null) {
            client = request.getUserPrincipal().getName(); // an officer
        }
        return refused(refusal, client == null ? null : client.toString());
    }

    /** Audits the refusal of a local client's request (null: not authenticated) and returns it, to be thrown. */
    public LiaisonException refused(LiaisonException refusal, String client) {
        audit.append(new AuditEntry(clock.instant(), AuditStep.REFUSED, null, null, null, participantId, null, null, null, null, null,
                refusal.code().code(), client, null));
        return refusal;
    }

    /**
     * The body in the encoding the XML parser reads (see {@link XmlCharset}); a charset the body
     * cannot be read in is refused, audited.
     */
    byte[] asParsed(byte[] body, HttpServletRequest request) {
        try {
            return XmlCharset.asParsed(body, request.getContentType());
        } catch (LiaisonException e) {
            throw refused(e, request);
        }
    }

    /**
     * A body that starts as neither XML nor JSON (empty, binary, a JSON array...): refused with the
     * code the declared form's reader gives it, audited. Null when the form can be told.
     */
    LiaisonException unrecognisable(byte[] body, HttpServletRequest request) {
        try {
            MessageFormat.detect(body);
            return null;
        } catch (IllegalArgumentException e) {
            MessageFormat declared = declaredFormat(request);
            List<Violation> violations = codec.validate(body, declared);
            ErrorCode code = violations.isEmpty() ? (declared == MessageFormat.JSON ? ErrorCode.JSON_MALFORMED : ErrorCode.XML_MALFORMED)
                    : violations.get(0).code();
            return refused(new LiaisonException(code, "the body is neither an XML document nor a JSON object"), request);
        }
    }

    static MessageFormat declaredFormat(HttpServletRequest request) {
        try {
            return request.getContentType() != null && MediaType.APPLICATION_JSON.isCompatibleWith(
                    MediaType.parseMediaType(request.getContentType())) ? MessageFormat.JSON : MessageFormat.XML;
        } catch (IllegalArgumentException e) {
            return MessageFormat.XML;
        }
    }
}
