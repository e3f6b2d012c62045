package fr.liaison.gateway.api;

import fr.liaison.gateway.config.BrokerDisk;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Map;

import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors decided outside the node's controllers (Spring Security's firewall, the servlet
 * container) as {@code application/problem+json} with a catalogue code, like every other error,
 * instead of the framework's own page.
 */
@RestController
class ProblemErrorController implements ErrorController {

    private static final String EXCHANGE_PATH = "/exchange/";


    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<Map<String, Object>> error(HttpServletRequest request) {
        Object value = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = value instanceof Integer given && given >= 400 ? given : 500;
        Object path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        ErrorCode code = Problems.code(status);
        boolean incomplete = Boolean.TRUE.equals(request.getAttribute(Problems.INCOMPLETE_ENVELOPE));
        if ((incomplete || status == 408) && path != null && path.toString().startsWith(EXCHANGE_PATH)) {
            // An envelope whose body stalled or broke off (Tomcat then answers 408 or 400 itself): a
            // transfer that failed, which the sending node must try again, as the endpoint says.
            status = 503;
            code = ErrorCode.EXCHANGE_INCOMPLETE;
        }
        String detail = null;
        if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof InvalidParameterException) {
            // Parameters a filter asked for before any controller: a malformed request, not a failure.
            status = 400;
            code = ErrorCode.API_BAD_REQUEST;
            detail = ProblemHandler.UNREADABLE_PARAMETERS;
        }
        Map<String, Object> body = Problems.body(new LiaisonException(code, detail), path == null ? null : path.toString());
        body.put("status", status); // the status decided, which the code's own may not be (a 503, a 414)
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (status == 503) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(BrokerDisk.RETRY_AFTER.toSeconds()));
        }
        return response.body(body);
    }
}
