package fr.liaison.gateway.api;

import fr.liaison.gateway.config.BrokerDisk;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import jakarta.servlet.http.HttpServletRequest;

import java.util.Map;

import org.apache.camel.CamelExecutionException;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** Every error of the local API as {@code application/problem+json} with its catalogue code. */
@RestControllerAdvice
class ProblemHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemHandler.class);

    private final LocalRefusals refusals;

    ProblemHandler(LocalRefusals refusals) {
        this.refusals = refusals;
    }

    @ExceptionHandler(LiaisonException.class)
    ResponseEntity<Map<String, Object>> refused(LiaisonException e, HttpServletRequest request) {
        HttpStatus status = Problems.status(e.code());
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (status == HttpStatus.SERVICE_UNAVAILABLE) { // a refusal for now: say when to try again
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(BrokerDisk.RETRY_AFTER.toSeconds()));
        }
        return response.body(Problems.body(e, request.getRequestURI()));
    }

    @ExceptionHandler(CamelExecutionException.class)
    ResponseEntity<Map<String, Object>> fromRoute(CamelExecutionException e, HttpServletRequest request) {
        if (e.getCause() instanceof LiaisonException refusal) {
            return refused(refusal, request);
        }
        return unexpected(e, request);
    }

    /** A body in a media type the operation does not take: refused, audited as any bad input. */
    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<Map<String, Object>> mediaType(HttpMediaTypeNotSupportedException e, HttpServletRequest request) {
        String declared = e.getContentType() != null ? e.getContentType().toString()
                : request.getContentType() == null ? "no Content-Type"
                : "a Content-Type that cannot be read, or names an unknown charset";
        return refused(refusals.refused(new LiaisonException(ErrorCode.API_UNSUPPORTED_MEDIA_TYPE, declared), request), request);
    }

    /** No body where one is required, or one that cannot be read as declared: refused as unreadable, audited. */
    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, Object>> unreadable(HttpMessageNotReadableException e, HttpServletRequest request) {
        ErrorCode code = LocalRefusals.declaredFormat(request) == MessageFormat.JSON ? ErrorCode.JSON_MALFORMED : ErrorCode.XML_MALFORMED;
        return refused(refusals.refused(new LiaisonException(code, "the request body is missing or unreadable"), request), request);
    }

    /** A query parameter or path variable of the wrong type, audited; only its name is quoted, never the value. */
    @ExceptionHandler(TypeMismatchException.class)
    ResponseEntity<Map<String, Object>> typeMismatch(TypeMismatchException e, HttpServletRequest request) {
        String name = e instanceof MethodArgumentTypeMismatchException argument ? argument.getName() : e.getPropertyName();
        return refused(refusals.refused(new LiaisonException(ErrorCode.API_BAD_REQUEST, "parameter " + name + " is not valid"), request), request);
    }

    /** A path variable that cannot be an identifier, audited; its value is never quoted. */
    @ExceptionHandler(Identifiers.Malformed.class)
    ResponseEntity<Map<String, Object>> malformedIdentifier(Identifiers.Malformed e, HttpServletRequest request) {
        LiaisonException refusal = refusals.refused(new LiaisonException(ErrorCode.API_BAD_REQUEST, e.getMessage()), request);
        // No instance: the request's path holds the value.
        return ResponseEntity.status(Problems.status(refusal.code())).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.body(refusal, null));
    }

    /**
     * A query string or form whose parameters Tomcat cannot read (not percent-encoded UTF-8): a
     * malformed request. Audited when its sender is known; the probes take none.
     */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<Map<String, Object>> unreadableParameters(InvalidParameterException e, HttpServletRequest request) {
        LiaisonException refusal = new LiaisonException(ErrorCode.API_BAD_REQUEST, UNREADABLE_PARAMETERS);
        if (request.getAttribute(LocalClientAuthentication.CLIENT_ATTRIBUTE) != null || request.getUserPrincipal() != null) {
            refusals.refused(refusal, request);
        }
        return refused(refusal, request);
    }

    static final String UNREADABLE_PARAMETERS = "the query string or form is not percent-encoded UTF-8";

    /** A list asked for with a limit out of range, audited. */
    @ExceptionHandler(ListLimit.OutOfRange.class)
    ResponseEntity<Map<String, Object>> limitOutOfRange(ListLimit.OutOfRange e, HttpServletRequest request) {
        return refused(refusals.refused(new LiaisonException(ErrorCode.API_BAD_REQUEST, e.getMessage()), request), request);
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<Map<String, Object>> method(HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
        ResponseEntity<Map<String, Object>> problem = refused(new LiaisonException(ErrorCode.API_METHOD_NOT_ALLOWED,
                "allowed: " + String.join(", ", e.getSupportedMethods() == null ? new String[0] : e.getSupportedMethods())), request);
        return ResponseEntity.status(problem.getStatusCode()).headers(problem.getHeaders()).headers(e.getHeaders()).body(problem.getBody());
    }

    /** A header value Spring Security's firewall refuses when it is read (control or non-ASCII characters): bad input. */
    @ExceptionHandler(RequestRejectedException.class)
    ResponseEntity<Map<String, Object>> rejectedByFirewall(RequestRejectedException e, HttpServletRequest request) {
        return refused(refusals.refused(new LiaisonException(ErrorCode.API_BAD_REQUEST,
                "a header holds characters HTTP does not allow there"), request), request);
    }

    /** The client went away while its answer was written: nobody to answer, and nothing the node did wrong. */
    @ExceptionHandler(AsyncRequestNotUsableException.class)
    void clientGone(AsyncRequestNotUsableException e, HttpServletRequest request) {
        LOG.debug("the client of {} went away before its answer", request.getRequestURI());
    }

    /** A connection to the database could not be had (it is down, or the pool waited in vain), whatever wraps it. */
    static boolean databaseUnavailable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof org.springframework.dao.DataAccessResourceFailureException
                    || cause instanceof org.springframework.transaction.CannotCreateTransactionException
                    || cause instanceof java.sql.SQLTransientConnectionException
                    || cause instanceof java.sql.SQLNonTransientConnectionException) {
                return true;
            }
        }
        return false;
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, Object>> unexpected(Exception e, HttpServletRequest request) {
        if (e instanceof ErrorResponse framework && framework.getStatusCode().is4xxClientError()) {
            // Refused by Spring MVC before any of the node's code ran (no such path, Accept, missing parameter...).
            return refused(new LiaisonException(Problems.code(framework.getStatusCode().value()), (String) null), request);
        }
        if (databaseUnavailable(e)) {
            // Not the node's fault nor the client's: said as such, with when to try again, and not an ERROR per request.
            LOG.warn("{} on {}: the database cannot be reached", ErrorCode.NODE_DATABASE_UNAVAILABLE.code(), request.getRequestURI());
            return refused(new LiaisonException(ErrorCode.NODE_DATABASE_UNAVAILABLE, (String) null), request);
        }
        // The exception's message may quote input: only its type at ERROR, the trace at DEBUG.
        LOG.error("{} on {} failed: {}", ErrorCode.API_INTERNAL.code(), request.getRequestURI(), e.getClass().getName());
        LOG.debug("stack trace", e);
        return refused(new LiaisonException(ErrorCode.API_INTERNAL, (String) null), request);
    }
}
