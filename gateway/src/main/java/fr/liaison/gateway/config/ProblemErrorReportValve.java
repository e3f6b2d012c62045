package fr.liaison.gateway.config;

import fr.liaison.gateway.api.Problems;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.io.IOException;
import java.io.Writer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's own error answers (a request it cannot parse: an invalid URI or header, a header block
 * too large) as {@code application/problem+json} with a catalogue code, like every other error of
 * the node, instead of Tomcat's HTML page, which also named the server's version.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(true);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        ErrorCode code = Problems.code(status);
        Map<String, Object> problem = Problems.body(new LiaisonException(code, (String) null), null);
        problem.put("status", status);
        String body = JSON.writeValueAsString(problem);
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter(); // null when the answer is already under way
            if (writer != null) {
                writer.write(body);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone, or the answer was already on its way: nothing more to say
        }
    }
}
