package fr.liaison.gateway.api;

import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** RFC 9457 problem details carrying the catalogue code; the one mapping from codes to HTTP statuses. */
public final class Problems {

    /** Request attribute the inter-node endpoint sets when an envelope did not arrive whole: the error page answers 503. */
    public static final String INCOMPLETE_ENVELOPE = "liaison.exchange.incomplete";

    private Problems() {
    }

    public static ProblemDetail of(LiaisonException e, String path) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status(e.code()),
                e.details().isEmpty() ? e.code().message() : String.join("; ", e.details()));
        problem.setType(URI.create("urn:liaison:error:" + e.code().code()));
        problem.setTitle(e.code().message());
        problem.setProperty("code", e.code().code());
        URI instance = instance(path);
        if (instance != null) {
            problem.setInstance(instance);
        }
        return problem;
    }

    /** The problem as a JSON object, members in the order RFC 9457 lists them, then {@code code}. */
    public static Map<String, Object> body(LiaisonException e, String path) {
        ProblemDetail problem = of(e, path);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.getType().toString());
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        body.put("detail", problem.getDetail());
        if (problem.getInstance() != null) {
            body.put("instance", path);
        }
        body.put("code", e.code().code());
        return body;
    }

    /** The request's path as a URI reference; none when the raw path is not one (the request may have been refused for it). */
    private static URI instance(String path) {
        if (path == null) {
            return null;
        }
        try {
            return URI.create(path);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The catalogue code of an HTTP error status the framework or the container decided. */
    public static ErrorCode code(int status) {
        return switch (status) {
            case 401 -> ErrorCode.API_UNAUTHENTICATED;
            case 403 -> ErrorCode.API_FORBIDDEN;
            case 404 -> ErrorCode.API_NOT_FOUND;
            case 405 -> ErrorCode.API_METHOD_NOT_ALLOWED;
            case 406 -> ErrorCode.API_NOT_ACCEPTABLE;
            case 413 -> ErrorCode.XML_TOO_LARGE;
            case 415 -> ErrorCode.API_UNSUPPORTED_MEDIA_TYPE;
            case 501, 505 -> ErrorCode.API_BAD_REQUEST; // a transfer coding or an HTTP version the server does not take
            default -> status >= 400 && status < 500 ? ErrorCode.API_BAD_REQUEST : ErrorCode.API_INTERNAL;
        };
    }

    public static HttpStatus status(ErrorCode code) {
        String name = code.name();
        if (code == ErrorCode.XML_TOO_LARGE || code == ErrorCode.JSON_TOO_LARGE || code == ErrorCode.ENVELOPE_TOO_LARGE) {
            return HttpStatus.CONTENT_TOO_LARGE;
        }
        return switch (code) {
            case API_BAD_REQUEST -> HttpStatus.BAD_REQUEST;
            case API_METHOD_NOT_ALLOWED -> HttpStatus.METHOD_NOT_ALLOWED;
            case API_NOT_ACCEPTABLE -> HttpStatus.NOT_ACCEPTABLE;
            case API_UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
            case API_FORBIDDEN, EXCHANGE_PEER_CERTIFICATE -> HttpStatus.FORBIDDEN;
            case API_NOT_FOUND -> HttpStatus.NOT_FOUND;
            case API_IDEMPOTENCY_CONFLICT, CONSENT_DUPLICATE, API_NOT_RESUBMITTABLE, API_MESSAGE_FAILED -> HttpStatus.CONFLICT;
            case API_UNSUPPORTED_MEDIA_TYPE -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
            case API_INTERNAL, KEYS_UNAVAILABLE, ENVELOPE_SEAL_FAILED, IO_FAILED -> HttpStatus.INTERNAL_SERVER_ERROR;
            case NODE_DISK_FULL, NODE_DATABASE_UNAVAILABLE, NODE_NOT_READY, EXCHANGE_INCOMPLETE, EXCHANGE_BUSY, API_UNAUTHENTICATED_READS_BUSY ->
                    HttpStatus.SERVICE_UNAVAILABLE;
            case API_LOGIN_THROTTLED -> HttpStatus.TOO_MANY_REQUESTS;
            default -> name.startsWith("XML_") || name.startsWith("JSON_") ? HttpStatus.BAD_REQUEST
                    : name.startsWith("CONSENT_") ? HttpStatus.FORBIDDEN : HttpStatus.UNPROCESSABLE_CONTENT;
        };
    }
}
